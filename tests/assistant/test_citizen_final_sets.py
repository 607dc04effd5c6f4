"""The held-out citizen sets ``final2`` (session 12) and ``final3`` (session 13): format, sizes and what they
may not share with the sets written before them (their facts are checked against the data in
``test_citizen_bench.py``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bench.assistant_citizen import LLM_SAMPLE, SETS, load, sample

from tests.assistant.test_citizen_bench import (
    EARLIER,
    _asked,
    _check_final_row,
)

MINIMUM = {"services": 90, "bylaws": 64, "unanswerable": 25, "no_place": 20}
TOWNS = frozenset(
    {
        "Aichelberg",
        "Bad Boll",
        "Eschenbach",
        "Gammelshausen",
        "Hattenhofen",
        "Konstanz",
        "Schwieberdingen",
        "Zell u.A.",
    }
)
SPEC: dict[str, dict[str, Any]] = {
    "final2": {
        "letter": "y",
        "before": (*EARLIER, "final"),
        "minimum": MINIMUM,
        "bylaw_towns": TOWNS,
        "files": 30,
        "new_services": 15,
    },
    "final3": {
        "letter": "w",
        "before": (*EARLIER, "final", "final2"),
        "minimum": {**MINIMUM, "bylaws": 60},
        # Aichelberg, Gammelshausen and Zell u.A. have no by-law file left that no earlier set uses; they
        # are asked about in the questions without a place.
        "bylaw_towns": {"Bad Boll", "Eschenbach", "Hattenhofen", "Konstanz", "Schwieberdingen"},
        "place_towns": TOWNS,
        "files": 25,
        # Services no earlier set uses come first (11 of the 20 left have something to ask).
        "new_services": 10,
    },
}
NAMES = tuple(SPEC)


def _earlier_rows(name: str) -> list[dict[str, Any]]:
    return [row for earlier in SPEC[name]["before"] for row in load(earlier)]


@pytest.mark.parametrize("name", NAMES)
def test_the_set_has_the_format_and_sizes(name: str) -> None:
    about = json.loads(SETS[name].read_text(encoding="utf-8"))["about"]
    assert "from the DATA" in about
    assert "HELD-OUT" in about
    rows = load(name)
    for category, size in SPEC[name]["minimum"].items():
        part = [row for row in rows if row["category"] == category]
        assert len(part) >= size, category
        for row in part:
            _check_final_row(category, row, letter=SPEC[name]["letter"])
            assert row["question"].strip(), row["id"]
            if category in {"services", "bylaws"}:
                assert 1 <= len(row["facts"]) <= 2, row["id"]
            if category == "no_place":
                assert set(row["municipalities"]) <= TOWNS, row["id"]


@pytest.mark.parametrize("name", NAMES)
def test_the_set_shares_no_id_or_question_with_the_earlier_sets(name: str) -> None:
    rows, earlier = load(name), _earlier_rows(name)
    ids = [row["id"] for row in earlier + rows]
    assert len(ids) == len(set(ids))
    questions = [row["question"] for row in earlier + rows]
    assert len(questions) == len(set(questions))


@pytest.mark.parametrize("name", NAMES)
def test_a_service_another_set_uses_is_asked_for_another_kind_of_fact(name: str) -> None:
    before, now = _asked(_earlier_rows(name)), _asked(load(name))
    assert not [service for service, kinds in now.items() if kinds & before.get(service, set())]
    assert len(set(now) - set(before)) >= SPEC[name]["new_services"]


@pytest.mark.parametrize("name", NAMES)
def test_the_bylaw_questions_use_files_no_other_set_uses(name: str) -> None:
    earlier = _earlier_rows(name)
    used = {row["file"] for row in earlier if "file" in row}
    used |= {row["own"]["file"] for row in earlier if row.get("own")}
    for older_set in ("bylaw_questions.json", "bylaw_questions_holdout.json"):
        older = json.loads((SETS["tuning"].parent / older_set).read_text(encoding="utf-8"))["questions"]
        used |= {row["file"] for row in older}
    rows = load(name)
    bylaws = [row for row in rows if row["category"] == "bylaws"]
    files = {row["file"] for row in bylaws}
    assert not files & used
    assert len(files) >= SPEC[name]["files"]
    assert {row["municipality"] for row in bylaws} == SPEC[name]["bylaw_towns"]
    if "place_towns" in SPEC[name]:
        places = {town for row in rows if row["category"] == "no_place" for town in row["municipalities"]}
        assert places == SPEC[name]["place_towns"]


@pytest.mark.parametrize("name", NAMES)
def test_the_set_is_run_with_an_llm_sample_of_every_category(name: str) -> None:
    assert LLM_SAMPLE[name] == 16
    chosen = sample(load(name), LLM_SAMPLE[name])
    assert {row["category"] for row in chosen} == {"services", "bylaws", "unanswerable", "no_place"}
    assert 14 <= len(chosen) <= 18
