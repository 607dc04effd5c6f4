"""The third refusal development set ``dev_refuse3`` (session 14): tempting unanswerable questions, each
with a near source that lacks the asked value, and answerable twins of the same form.

Its ids and questions are compared with every other set in ``SETS`` (the held-out set included) only
programmatically; a failure names ids of this set alone, never a question of another set.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from bench.assistant_citizen import LLM_SAMPLE, SETS, load, sample
from bench.assistant_gate_data import DEVELOPMENT

from tests.assistant.test_citizen_bench import FIELDS, PREFIX, _assert_facts_in_sources
from tests.conftest import shared_data

NAME = "dev_refuse3"
MINIMUM = {"services": 25, "bylaws": 25, "unanswerable": 45}
# The kinds of near source an unanswerable row names at the start of its ``why`` (see the set's ``about``).
KINDS = {"(a)": 12, "(b)": 12, "(c)": 6, "(d)": 5}


def _rows() -> list[dict[str, Any]]:
    return load(NAME)


def _check_row(row: dict[str, Any]) -> None:
    category = row["category"]
    assert FIELDS[category] <= set(row), row["id"]
    assert re.fullmatch(rf"r3-{PREFIX[category]}\d{{2}}", row["id"]), row["id"]
    assert row["question"].strip(), row["id"]
    if category in {"services", "bylaws"}:
        assert row["facts"], row["id"]
        assert len(row["facts"]) <= 2, row["id"]
        assert all(isinstance(fact, str) and fact.strip() for fact in row["facts"]), row["id"]
        assert row["asked"].strip(), row["id"]
    if category == "services":
        assert row["municipality"] == "München", row["id"]
    if category == "unanswerable":
        assert row["why"].strip(), row["id"]
        assert "grep" in row["why"], row["id"]  # says how the data was searched


def test_the_set_has_the_format_and_sizes() -> None:
    rows = _rows()
    data = json.loads(SETS[NAME].read_text(encoding="utf-8"))
    assert "from the DATA" in data["about"]
    assert "DEVELOPMENT" in data["about"]
    assert not data.get("no_place")
    sizes = Counter(row["category"] for row in rows)
    for category, size in MINIMUM.items():
        assert sizes[category] >= size, category
    for row in rows:
        _check_row(row)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    questions = [row["question"] for row in rows]
    assert len(questions) == len(set(questions))


def test_every_unanswerable_row_names_the_kind_of_its_near_source() -> None:
    unanswerable = [row for row in _rows() if row["category"] == "unanswerable"]
    kinds = Counter(row["why"][:3] for row in unanswerable)
    assert set(kinds) == set(KINDS), sorted(kinds)
    for kind, size in KINDS.items():
        assert kinds[kind] >= size, kind


def test_the_set_shares_no_id_and_no_question_with_any_other_set() -> None:
    rows = _rows()
    others = [row for name in SETS if name != NAME for row in load(name)]
    other_ids = {row["id"] for row in others}
    other_questions = {row["question"] for row in others}
    # Only this set's ids are shown on a failure (the held-out set is never printed).
    assert not [row["id"] for row in rows if row["id"] in other_ids]
    assert not [row["id"] for row in rows if row["question"] in other_questions]


def test_every_fact_and_service_name_is_in_the_source_data() -> None:
    rows = _rows()
    _assert_facts_in_sources(rows)
    services_dir = shared_data("munich_services")
    data = json.loads((services_dir / "munich_services_de.json").read_text(encoding="utf-8"))["data"]
    names = {row["id"]: row["name"] for row in data}
    assert all(names[row["service_id"]] == row["service"] for row in rows if "service_id" in row)


def test_the_set_is_a_development_set_run_without_an_llm_sample() -> None:
    assert LLM_SAMPLE[NAME] == 0
    assert sample(_rows(), LLM_SAMPLE[NAME]) == []
    assert NAME in DEVELOPMENT
