"""The held-out citizen sets ``final2`` (session 12) to ``final9`` (session 19):
format, sizes and what they may not share with the sets written before them (their facts are checked against
the data in ``test_citizen_bench.py``)."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
from bench.assistant_citizen import LLM_SAMPLE, SETS, load, sample
from bench.citizen_facts import has_fact, normalise

from tests.assistant.test_citizen_bench import (
    EARLIER,
    _asked,
    _check_final_row,
)
from tests.conftest import shared_data

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
# The sets written once the data's free (service, kind) pairs and by-law files were used up.
REUSING_SETS: dict[str, Any] = {
    "minimum": {"services": 85, "bylaws": 62, "unanswerable": 30, "no_place": 21},
    "reuses_files": True,
    "bylaw_towns": TOWNS,
    "place_towns": TOWNS,
    "district_bylaws": 12,
    "new_services": 0,
}
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
    "final4": {
        "letter": "v",
        "before": (*EARLIER, "final", "final2", "final3"),
        "minimum": {"services": 80, "bylaws": 60, "unanswerable": 22, "no_place": 20},
        # By-law files are nearly used up: final4 reuses them, but only for paragraphs and facts no earlier
        # set asks, and adds Kreis and Verband by-laws (no municipality in their front matter).
        "reuses_files": True,
        "bylaw_towns": TOWNS,
        "place_towns": TOWNS,
        "district_bylaws": 15,
        # Only 3 services no earlier set uses have something to ask (an office or a duration).
        "new_services": 3,
    },
    "final5": {
        "letter": "x",
        "before": (*EARLIER, "final", "final2", "final3", "final4"),
        "minimum": {"services": 85, "bylaws": 62, "unanswerable": 24, "no_place": 21},
        "reuses_files": True,
        "bylaw_towns": TOWNS,
        "place_towns": TOWNS,
        "district_bylaws": 12,
        # The services no earlier set uses have nothing to ask.
        "new_services": 0,
    },
    "final6": {
        **REUSING_SETS,
        "letter": "s",
        "before": (*EARLIER, "final", "final2", "final3", "final4", "final5"),
        # Office and duration pairs are left; the other rows ask another fee line ("reuse": "fact").
        "fact_reuse": 20,
    },
    "final7": {
        **REUSING_SETS,
        "letter": "g",
        "before": (*EARLIER, "final", "final2", "final3", "final4", "final5", "final6"),
        # Only a few period pairs are left; the other rows ask another fee line ("reuse": "fact").
        "fact_reuse": 80,
    },
    "final8": {
        **REUSING_SETS,
        "letter": "k",
        "before": (*EARLIER, "final", "final2", "final3", "final4", "final5", "final6", "final7"),
        # No (service, kind) pair is left: every row asks another fee line, period or rule ("reuse": "fact").
        "fact_reuse": 85,
    },
    "final9": {
        **REUSING_SETS,
        "letter": "m",
        "before": (*EARLIER, "final", "final2", "final3", "final4", "final5", "final6", "final7", "final8"),
        # As in final8, every row asks a fee line, period or rule no earlier question names ("reuse": "fact").
        "fact_reuse": 85,
    },
}
NAMES = tuple(SPEC)
NEW_FILES = tuple(name for name in NAMES if not SPEC[name].get("reuses_files"))
REUSED_FILES = tuple(name for name in NAMES if SPEC[name].get("reuses_files"))
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$", re.MULTILINE)
PARAGRAPH_MARK = re.compile(r"§\s*\d+\s*[a-z]?\b")


def _earlier_rows(name: str) -> list[dict[str, Any]]:
    return [row for earlier in SPEC[name]["before"] for row in load(earlier)]


def _older_bylaw_files() -> set[str]:
    """The files of the older by-law sets (bylaw_questions*.json: questions without facts)."""
    files: set[str] = set()
    for older_set in ("bylaw_questions.json", "bylaw_questions_holdout.json"):
        older = json.loads((SETS["tuning"].parent / older_set).read_text(encoding="utf-8"))["questions"]
        files |= {row["file"] for row in older}
    return files


@cache
def _paragraphs(name: str) -> dict[str, str]:
    """A by-law's sections by heading: "§ 5" for a paragraph, else the heading's text (a fee table's, say)."""
    path = shared_data("bylaws_bw") / name
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    marks = list(HEADING.finditer(text))
    parts: dict[str, str] = {}
    for mark, end in zip(marks, [*(later.start() for later in marks[1:]), len(text)], strict=True):
        found = PARAGRAPH_MARK.match(mark.group(1))
        key = "§ " + re.sub(r"[§\s]", "", found.group(0)) if found else mark.group(1)
        parts[key] = parts.get(key, "") + text[mark.start() : end]
    return parts


def _answers(rows: list[dict[str, Any]]) -> list[tuple[str, str, list[str]]]:
    """(file, paragraph or "", facts) of every by-law question and no-place 'own' answer."""
    answers = [(row["file"], row.get("paragraph", ""), row["facts"]) for row in rows if row.get("file")]
    answers += [
        (row["own"]["file"], row["own"].get("paragraph", ""), row["own"]["facts"])
        for row in rows
        if row.get("own")
    ]
    return [answer for answer in answers if answer[0]]


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
    rows = [row for row in load(name) if row.get("reuse") != "fact"]
    before, now = _asked(_earlier_rows(name)), _asked(rows)
    assert not [service for service, kinds in now.items() if kinds & before.get(service, set())]
    assert len(set(now) - set(before)) >= SPEC[name]["new_services"]


@pytest.mark.parametrize("name", NEW_FILES)
def test_the_bylaw_questions_use_files_no_other_set_uses(name: str) -> None:
    earlier = _earlier_rows(name)
    used = {row["file"] for row in earlier if "file" in row}
    used |= {row["own"]["file"] for row in earlier if row.get("own")}
    used |= _older_bylaw_files()
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


@pytest.mark.parametrize("name", REUSED_FILES)
def test_reused_bylaw_files_are_asked_for_other_paragraphs_and_facts(name: str) -> None:
    """Each by-law answer (question or no-place 'own') names the paragraph that states its facts; no earlier
    question on that file asks a fact of that paragraph or the same fact string. The older by-law sets name no
    facts, so their files are not used at all."""
    rows = load(name)
    asked = [(file, facts) for file, _, facts in _answers(_earlier_rows(name))]
    used_paragraphs = {
        (file, key)
        for file, facts in asked
        for key, part in _paragraphs(file).items()
        if any(has_fact(part, fact) for fact in facts)
    }
    used_facts = {(file, normalise(fact)) for file, facts in asked for fact in facts}
    older, seen = _older_bylaw_files(), set()
    for file, key, facts in _answers(rows):
        assert file not in older, file
        assert all(has_fact(_paragraphs(file).get(key, ""), fact) for fact in facts), (file, key)
        assert (file, key) not in used_paragraphs | seen, (file, key)
        assert not {(file, normalise(fact)) for fact in facts} & used_facts, (file, facts)
        seen.add((file, key))
    bylaws = [row for row in rows if row["category"] == "bylaws"]
    assert {row["municipality"] for row in bylaws} - {""} == SPEC[name]["bylaw_towns"]
    assert sum(not row["municipality"] for row in bylaws) >= SPEC[name]["district_bylaws"]
    places = {town for row in rows if row["category"] == "no_place" for town in row["municipalities"]}
    assert places == SPEC[name]["place_towns"]


@pytest.mark.parametrize("name", NAMES)
def test_a_service_asked_again_for_a_kind_asks_a_fact_no_earlier_question_names(name: str) -> None:
    """Rows marked ``"reuse": "fact"`` ask a kind already asked of the service, but never an earlier fact."""
    earlier: dict[str, set[str]] = {}
    for row in _earlier_rows(name):
        if "service_id" in row:
            earlier.setdefault(row["service_id"], set()).update(normalise(fact) for fact in row["facts"])
    rows = [row for row in load(name) if "service_id" in row]
    for row in rows:
        if row.get("reuse") == "fact":
            assert not {normalise(fact) for fact in row["facts"]} & earlier.get(row["service_id"], set())
    per_service = [row["service_id"] for row in rows]
    assert max(per_service.count(service) for service in per_service) <= 3
    assert sum(row.get("reuse") == "fact" for row in rows) >= SPEC[name].get("fact_reuse", 0)
