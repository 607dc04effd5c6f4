"""The labelled set of letter snippets: every case, and deadline precision and recall over the set."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rathaus.inbox.extract import Extraction, extract

CASES = [
    json.loads(line) for line in (Path(__file__).parent / "extraction_cases.jsonl").read_text().splitlines()
]


def _run(case: dict[str, Any]) -> Extraction:
    return extract(text=case["text"], received=date.fromisoformat(case["received"]), state=case["state"])


def test_the_set_is_large_and_has_negatives() -> None:
    assert len(CASES) >= 80
    assert (
        sum(1 for case in CASES if not case["deadlines"] and any(ch.isdigit() for ch in case["text"])) >= 15
    )


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case(case: dict[str, Any]) -> None:
    found = _run(case)
    assert sorted(d.due.isoformat() for d in found.deadlines) == sorted(case["deadlines"])
    assert [[r.value, r.party] for r in found.references] == case["references"]
    assert [a.value for a in found.amounts] == [Decimal(value) for value in case["amounts"]]
    if "personal" in case:
        assert [p.kind for p in found.personal_data] == case["personal"]
    for item in (*found.deadlines, *found.references, *found.amounts, *found.personal_data):
        assert case["text"][item.start : item.end].strip()


def deadline_scores() -> tuple[float, float]:
    """Precision and recall of the resolved deadline dates over the set (a date counts once per case)."""
    true_positive = false_positive = false_negative = 0
    for case in CASES:
        expected = list(case["deadlines"])
        for deadline in _run(case).deadlines:
            if deadline.due.isoformat() in expected:
                expected.remove(deadline.due.isoformat())
                true_positive += 1
            else:
                false_positive += 1
        false_negative += len(expected)
    return true_positive / (true_positive + false_positive), true_positive / (true_positive + false_negative)


def test_deadline_precision_and_recall() -> None:
    precision, recall = deadline_scores()
    print(f"\nFristen: precision {precision:.3f}, recall {recall:.3f} over {len(CASES)} cases")  # noqa: T201
    assert precision >= 0.95
    assert recall >= 0.95
