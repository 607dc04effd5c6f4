"""The third held-out citizen set ``final3`` (session 13): format, sizes and what it may not share."""

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
from tests.assistant.test_citizen_final2 import MINIMUM, TOWNS
from tests.conftest import shared_data

BEFORE = (*EARLIER, "final", "final2")
# Aichelberg, Gammelshausen and Zell u.A. have no by-law file left that no earlier set uses.
BYLAW_TOWNS = {"Bad Boll", "Eschenbach", "Hattenhofen", "Konstanz", "Schwieberdingen"}


def _earlier_rows() -> list[dict[str, Any]]:
    return [row for name in BEFORE for row in load(name)]


def _check_row(category: str, row: dict[str, Any]) -> None:
    _check_final_row(category, row, letter="w")
    assert row["question"].strip(), row["id"]
    if category in {"services", "bylaws"}:
        assert 1 <= len(row["facts"]) <= 2, row["id"]
    if category == "no_place":
        assert set(row["municipalities"]) <= TOWNS, row["id"]


def test_the_final3_set_has_the_format_and_sizes() -> None:
    about = json.loads(SETS["final3"].read_text(encoding="utf-8"))["about"]
    assert "from the DATA" in about
    assert "HELD-OUT" in about
    rows = load("final3")
    for category, size in {**MINIMUM, "bylaws": 60}.items():
        part = [row for row in rows if row["category"] == category]
        assert len(part) >= size, category
        for row in part:
            _check_row(category, row)


def test_the_final3_set_shares_no_id_or_question_with_the_earlier_sets() -> None:
    rows, earlier = load("final3"), _earlier_rows()
    ids = [row["id"] for row in earlier + rows]
    assert len(ids) == len(set(ids))
    questions = [row["question"] for row in earlier + rows]
    assert len(questions) == len(set(questions))


def test_a_service_another_set_uses_is_asked_in_final3_for_another_kind_of_fact() -> None:
    before, now = _asked(_earlier_rows()), _asked(load("final3"))
    assert not [service for service, kinds in now.items() if kinds & before.get(service, set())]
    # Services no earlier set uses come first (11 of the 20 left have something to ask).
    assert len(set(now) - set(before)) >= 10


def test_the_final3_bylaw_questions_use_files_no_other_set_uses() -> None:
    earlier = _earlier_rows()
    used = {row["file"] for row in earlier if "file" in row}
    used |= {row["own"]["file"] for row in earlier if row.get("own")}
    for name in ("bylaw_questions.json", "bylaw_questions_holdout.json"):
        older = json.loads((SETS["tuning"].parent / name).read_text(encoding="utf-8"))["questions"]
        used |= {row["file"] for row in older}
    rows = load("final3")
    bylaws = [row for row in rows if row["category"] == "bylaws"]
    files = {row["file"] for row in bylaws}
    assert not files & used
    assert len(files) >= 25
    assert {row["municipality"] for row in bylaws} == BYLAW_TOWNS
    # The other three towns are asked about in the questions without a place.
    places = {town for row in rows if row["category"] == "no_place" for town in row["municipalities"]}
    assert places == TOWNS


def test_every_fact_of_the_final3_set_is_in_its_source_data() -> None:
    rows = load("final3")
    _assert_facts_in_sources(rows)
    services_dir = shared_data("munich_services")
    data = json.loads((services_dir / "munich_services_de.json").read_text(encoding="utf-8"))["data"]
    names = {row["id"]: row["name"] for row in data}
    assert all(names[row["service_id"]] == row["service"] for row in rows if "service_id" in row)


def test_the_final3_set_is_run_with_an_llm_sample_of_every_category() -> None:
    assert LLM_SAMPLE["final3"] == 16
    chosen = sample(load("final3"), LLM_SAMPLE["final3"])
    assert {row["category"] for row in chosen} == {"services", "bylaws", "unanswerable", "no_place"}
    assert 14 <= len(chosen) <= 18
