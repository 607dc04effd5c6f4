"""The second held-out citizen set ``final2`` (session 12): format, sizes and what it may not share."""

from __future__ import annotations

import json
from typing import Any

from bench.assistant_citizen import LLM_SAMPLE, SETS, load, sample

from tests.assistant.test_citizen_bench import (
    EARLIER,
    _asked,
    _assert_facts_in_sources,
    _check_final_row,
)
from tests.conftest import shared_data

MINIMUM = {"services": 90, "bylaws": 64, "unanswerable": 25, "no_place": 20}
TOWNS = {
    "Aichelberg",
    "Bad Boll",
    "Eschenbach",
    "Gammelshausen",
    "Hattenhofen",
    "Konstanz",
    "Schwieberdingen",
    "Zell u.A.",
}
BEFORE = (*EARLIER, "final")


def _earlier_rows() -> list[dict[str, Any]]:
    return [row for name in BEFORE for row in load(name)]


def _check_row(category: str, row: dict[str, Any]) -> None:
    _check_final_row(category, row, letter="y")
    assert row["question"].strip(), row["id"]
    if category in {"services", "bylaws"}:
        assert 1 <= len(row["facts"]) <= 2, row["id"]
    if category == "no_place":
        assert set(row["municipalities"]) <= TOWNS, row["id"]


def test_the_final2_set_has_the_format_and_sizes() -> None:
    about = json.loads(SETS["final2"].read_text(encoding="utf-8"))["about"]
    assert "from the DATA" in about
    assert "HELD-OUT" in about
    rows = load("final2")
    for category, size in MINIMUM.items():
        part = [row for row in rows if row["category"] == category]
        assert len(part) >= size, category
        for row in part:
            _check_row(category, row)


def test_the_final2_set_shares_no_id_or_question_with_the_earlier_sets() -> None:
    rows, earlier = load("final2"), _earlier_rows()
    ids = [row["id"] for row in earlier + rows]
    assert len(ids) == len(set(ids))
    questions = [row["question"] for row in earlier + rows]
    assert len(questions) == len(set(questions))


def test_a_service_another_set_uses_is_asked_for_another_kind_of_fact() -> None:
    before, now = _asked(_earlier_rows()), _asked(load("final2"))
    assert not [service for service, kinds in now.items() if kinds & before.get(service, set())]
    # Services no earlier set uses come first.
    assert len(set(now) - set(before)) >= 15


def test_the_final2_bylaw_questions_use_files_no_other_set_uses_in_all_eight_towns() -> None:
    earlier = _earlier_rows()
    used = {row["file"] for row in earlier if "file" in row}
    used |= {row["own"]["file"] for row in earlier if row.get("own")}
    for name in ("bylaw_questions.json", "bylaw_questions_holdout.json"):
        older = json.loads((SETS["tuning"].parent / name).read_text(encoding="utf-8"))["questions"]
        used |= {row["file"] for row in older}
    bylaws = [row for row in load("final2") if row["category"] == "bylaws"]
    files = {row["file"] for row in bylaws}
    assert not files & used
    assert len(files) >= 30
    assert {row["municipality"] for row in bylaws} == TOWNS


def test_every_fact_of_the_final2_set_is_in_its_source_data() -> None:
    rows = load("final2")
    _assert_facts_in_sources(rows)
    services_dir = shared_data("munich_services")
    data = json.loads((services_dir / "munich_services_de.json").read_text(encoding="utf-8"))["data"]
    names = {row["id"]: row["name"] for row in data}
    assert all(names[row["service_id"]] == row["service"] for row in rows if "service_id" in row)


def test_the_final2_set_is_run_with_an_llm_sample_of_every_category() -> None:
    assert LLM_SAMPLE["final2"] == 16
    chosen = sample(load("final2"), LLM_SAMPLE["final2"])
    assert {row["category"] for row in chosen} == {"services", "bylaws", "unanswerable", "no_place"}
    assert 14 <= len(chosen) <= 18
