"""The citizen question sets of bench/assistant_citizen.py (judging one answer: test_citizen_judge.py)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from bench.assistant_citizen import LLM_SAMPLE, SETS, Timings, load, sample, summarise
from bench.citizen_facts import has_fact, normalise, source_place

from tests.conftest import shared_data


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Die Steuer beträgt 150,00 € im Jahr.", "150 Euro"),
        ("Gebühr: 1.000 Euro", "1.000,00 €"),
        ("Unter 24 Jahren: 27,6 Euro", "27,60 Euro"),
        ("Die Steuer beträgt 140.- €.", "140 Euro"),
        ("bis 7 Uhr geräumt", "07.00 Uhr"),
        ("ab 1:00 Uhr", "1,00 Uhr"),
        ("auf 270 vom Hundert", "270 v.H."),
        ("600 bis 1000 Euro", "600 - 1000 Euro"),
        ("von **10.00 Uhr** – 18.00 Uhr", "10.00 Uhr – 18.00 Uhr"),
        ("Bitte wenden Sie sich an das VERSICHERUNGSAMT.", "Versicherungsamt"),
    ],
)
def test_a_fact_is_found_in_its_other_spellings(text: str, fact: str) -> None:
    assert has_fact(text, fact)


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Die Steuer beträgt 150,50 €.", "150 Euro"),
        ("Die Steuer beträgt 1150 €.", "150 Euro"),
        ("bis 17.00 Uhr", "7.00 Uhr"),
        ("270 Euro", "270 v.H."),
        ("Die Gebühr steht in der Satzung.", "13 Euro"),
    ],
)
def test_a_different_value_is_not_the_fact(text: str, fact: str) -> None:
    assert not has_fact(text, fact)


def test_normalise_writes_one_spelling() -> None:
    assert normalise("1.000,00 €") == "1000 euro"
    assert normalise("07.00 Uhr") == normalise("7 Uhr") == "7:00 uhr"
    assert normalise("5,6 vom Hundert") == "5.6 %"


def test_the_sets_have_the_promised_sizes_and_share_no_source() -> None:
    holdout, tuning = load("holdout"), load("tuning")

    def count(rows: list[dict[str, Any]], category: str) -> int:
        return sum(row["category"] == category for row in rows)

    assert count(holdout, "services") >= 80
    assert count(holdout, "bylaws") >= 60
    assert count(holdout, "unanswerable") >= 20
    assert count(holdout, "no_place") >= 20
    assert count(tuning, "services") >= 40
    assert count(tuning, "bylaws") >= 30
    services = [{row["service_id"] for row in rows if "service_id" in row} for rows in (holdout, tuning)]
    files = [{row["file"] for row in rows if "file" in row} for rows in (holdout, tuning)]
    assert not services[0] & services[1]
    assert not files[0] & files[1]
    questions = [row["question"] for row in holdout + tuning]
    assert len(questions) == len(set(questions))


FIELDS = {
    "services": {"id", "question", "service_id", "service", "municipality", "facts", "asked"},
    "bylaws": {"id", "question", "file", "municipality", "facts", "asked"},
    "unanswerable": {"id", "question", "why"},
    "no_place": {"id", "question", "expected", "municipalities"},
}
PREFIX = {"services": "s", "bylaws": "b", "unanswerable": "u", "no_place": "n"}


def test_the_fresh_set_has_the_format_and_sizes_and_shares_nothing_with_the_others() -> None:
    fresh = load("fresh")
    minimum = {"services": 40, "bylaws": 40, "unanswerable": 20, "no_place": 10}
    for category, size in minimum.items():
        rows = [row for row in fresh if row["category"] == category]
        assert len(rows) >= size, category
        for row in rows:
            assert FIELDS[category] <= set(row), row["id"]
            assert re.fullmatch(rf"f-{PREFIX[category]}\d{{2}}", row["id"]), row["id"]
            assert row["question"].strip()
            if category in {"services", "bylaws"}:
                assert row["facts"], row["id"]
                assert all(isinstance(fact, str) and fact.strip() for fact in row["facts"])
            if category == "no_place":
                assert row["expected"] == "clarify"
                assert len(row["municipalities"]) >= 2, row["id"]
                if "own" in row:
                    assert row["own"]["municipality"] in row["municipalities"]
    development = ("holdout", "tuning", "dev_refuse", "dev_refuse2", "dev_bylaw", "dev_service")
    every = [row for name in development for row in load(name)] + fresh
    ids = [row["id"] for row in every]
    assert len(ids) == len(set(ids))
    questions = [row["question"] for row in every]
    assert len(questions) == len(set(questions))
    others = load("holdout") + load("tuning")
    assert not {row["service_id"] for row in fresh if "service_id" in row} & {
        row["service_id"] for row in others if "service_id" in row
    }
    files = {row["file"] for row in others if "file" in row}
    assert not {row["file"] for row in fresh if "file" in row} & files


FIRST_PERSON = re.compile(r"\b(?:ich|mir|mich|mein\w*|wir|uns|unser\w*)\b", re.IGNORECASE)


def test_the_service_development_set_is_situations_over_services_no_other_set_uses() -> None:
    dev = load("dev_service")
    assert len(dev) >= 30
    assert {row["category"] for row in dev} == {"services"}
    for row in dev:
        assert FIELDS["services"] <= set(row), row["id"]
        assert re.fullmatch(r"d-s\d{2}", row["id"]), row["id"]
        assert row["facts"], row["id"]
        # A situation in the first person, not the service's name: "Ich …", "Mein …", "Wir …".
        assert FIRST_PERSON.search(row["question"]), row["id"]
    assert len({row["service_id"] for row in dev}) == len(dev)
    others = {row.get("service_id") for name in ("tuning", "holdout", "fresh") for row in load(name)}
    # Only the development set's own ids are shown when one collides (the fresh set is never printed).
    assert not [row["id"] for row in dev if row["service_id"] in others]
    every = [row["question"] for name in ("tuning", "holdout", "fresh", "dev_service") for row in load(name)]
    assert len(every) == len(set(every))


def test_a_sample_of_zero_takes_nothing() -> None:
    assert sample(load("dev_service"), 0) == []
    assert len(sample(load("tuning"), 8)) >= 4


def test_the_llm_sample_takes_every_category() -> None:
    chosen = sample(load("holdout"), 16)
    assert {row["category"] for row in chosen} == {"services", "bylaws", "unanswerable", "no_place"}
    assert 14 <= len(chosen) <= 18


def _clean(value: str | None) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", value or ""))


def _assert_facts_in_sources(rows: list[dict[str, Any]]) -> None:
    services_dir = shared_data("munich_services")
    bylaws_dir = shared_data("bylaws_bw")
    data = json.loads((services_dir / "munich_services_de.json").read_text(encoding="utf-8"))["data"]
    locations = json.loads((services_dir / "munich_locations_de.json").read_text(encoding="utf-8"))["data"]
    names = {row["id"]: f"{row['displayName']} {row['name']}" for row in locations}
    services = {
        row["id"]: " ".join(
            [
                row["name"],
                _clean(row["description"]),
                _clean(row.get("fees")),
                " ".join(form["name"] for form in row["forms"]),
                " ".join(names.get(place["location"], "") for place in row["locations"]),
                f"{row['duration']} Minuten",
            ]
        )
        for row in data
    }
    for row in rows:
        if row["category"] == "services":
            sources = [(services[row["service_id"]], row["facts"])]
        elif row["category"] == "bylaws":
            sources = [((bylaws_dir / row["file"]).read_text(encoding="utf-8"), row["facts"])]
            assert source_place(bylaws_dir, f"file:{row['file']}")[0] == row["municipality"]
        elif row.get("own"):
            sources = [((bylaws_dir / row["own"]["file"]).read_text(encoding="utf-8"), row["own"]["facts"])]
        else:
            continue
        for text, facts in sources:
            for fact in facts:
                assert has_fact(text, fact), (row["id"], fact)


def test_every_fact_is_in_its_source_data() -> None:
    _assert_facts_in_sources(load("holdout") + load("tuning") + load("fresh") + load("dev_bylaw"))


FACT_SETS = ["dev_refuse", "dev_refuse2", *(f"final{number}" for number in range(2, 10))]


@pytest.mark.parametrize("name", FACT_SETS)
def test_every_fact_and_service_name_of_a_set_is_in_its_source_data(name: str) -> None:
    rows = load(name)
    _assert_facts_in_sources(rows)
    services_dir = shared_data("munich_services")
    data = json.loads((services_dir / "munich_services_de.json").read_text(encoding="utf-8"))["data"]
    names = {row["id"]: row["name"] for row in data}
    assert all(names[row["service_id"]] == row["service"] for row in rows if "service_id" in row)


@pytest.mark.parametrize(("name", "prefix", "size"), [("dev_refuse", "r", 30), ("dev_refuse2", "q", 20)])
def test_the_refusal_sets_have_the_format_and_share_nothing_with_the_development_sets(
    name: str, prefix: str, size: int
) -> None:
    rows = load(name)
    answerable = [row for row in rows if row["category"] in {"services", "bylaws"}]
    unanswerable = [row for row in rows if row["category"] == "unanswerable"]
    assert len(answerable) >= size
    assert len(unanswerable) >= size
    for row in rows:
        assert FIELDS[row["category"]] <= set(row), row["id"]
        assert re.fullmatch(rf"{prefix}-{PREFIX[row['category']]}\d{{2}}", row["id"]), row["id"]
        assert row["question"].strip()
        assert row.get("why", "x").strip()
    others = load("holdout") + load("tuning") + load("dev_bylaw")
    others += [row for other in ("dev_refuse", "dev_refuse2") if other != name for row in load(other)]
    assert not {row["id"] for row in rows} & {row["id"] for row in others}
    questions = [row["question"] for row in rows + others]
    assert len(questions) == len(set(questions))


def test_a_set_without_llm_sample_gets_none() -> None:
    assert sample(load("dev_refuse"), 0) == []
    assert sample(load("dev_refuse2"), 0) == []
    assert LLM_SAMPLE["dev_refuse2"] == 0
    assert sample(load("tuning"), 0) == []


def test_the_sets_say_how_they_were_written() -> None:
    for name in ("holdout", "tuning", "fresh", "dev_bylaw", "dev_refuse", "dev_refuse2", "dev_service"):
        about = json.loads((SETS[name]).read_text(encoding="utf-8"))["about"]
        assert "from the DATA" in about


def test_the_bylaw_development_set_has_the_format_and_its_own_files() -> None:
    rows = load("dev_bylaw")
    assert {row["category"] for row in rows} == {"bylaws"}
    assert len(rows) >= 30
    for row in rows:
        assert FIELDS["bylaws"] <= set(row), row["id"]
        assert re.fullmatch(r"d-b\d{2}", row["id"]), row["id"]
        assert row["facts"], row["id"]
    others = load("holdout") + load("tuning") + load("fresh")
    assert not {row["id"] for row in rows} & {row["id"] for row in others}
    assert not {row["question"] for row in rows} & {row["question"] for row in others}
    assert not {row["file"] for row in rows} & {row["file"] for row in others if "file" in row}
    assert not {row["file"] for row in rows} & {row["own"]["file"] for row in others if row.get("own")}
    for name in ("bylaw_questions.json", "bylaw_questions_holdout.json"):
        older = json.loads((SETS["tuning"].parent / name).read_text(encoding="utf-8"))["questions"]
        assert not {row["file"] for row in rows} & {row["file"] for row in older}
    assert len({row["file"] for row in rows}) >= 20


def test_the_bylaw_development_set_runs_without_an_llm_sample() -> None:
    assert LLM_SAMPLE["dev_bylaw"] == 0
    assert sample(load("dev_bylaw"), 0) == []
    figures = summarise([], Timings([], []))
    assert figures["fact_accuracy"] is None


FINAL_MINIMUM = {"services": 85, "bylaws": 65, "unanswerable": 25, "no_place": 20}
EARLIER = ("holdout", "tuning", "fresh", "dev_bylaw", "dev_refuse", "dev_refuse2", "dev_service")


def _asked(rows: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Per service, every asked-for kind of fact ("fee+period" counts as fee and period)."""
    asked: dict[str, set[str]] = {}
    for row in rows:
        if "service_id" in row:
            asked.setdefault(row["service_id"], set()).update(row["asked"].split("+"))
    return asked


def _check_final_row(category: str, row: dict[str, Any], letter: str = "z") -> None:
    """One row of a held-out set (``final``: ids z-…, ``final2``: y-…) has its category's fields."""
    assert FIELDS[category] <= set(row), row["id"]
    assert re.fullmatch(rf"{letter}-{PREFIX[category]}\d{{2}}", row["id"]), row["id"]
    if category in {"services", "bylaws"}:
        assert row["facts"], row["id"]
        assert all(isinstance(fact, str) and fact.strip() for fact in row["facts"]), row["id"]
    if category == "services":
        assert FIRST_PERSON.search(row["question"]), row["id"]
    if category == "unanswerable":
        assert "grep" in row["why"], row["id"]  # says how the data was searched
    if category == "no_place":
        assert row["expected"] == "clarify"
        assert len(row["municipalities"]) >= 2, row["id"]
        assert row["own"]["municipality"] in row["municipalities"], row["id"]


def test_the_final_set_has_the_format_and_sizes_and_asks_what_no_other_set_asks() -> None:
    final = load("final")
    about = json.loads(SETS["final"].read_text(encoding="utf-8"))["about"]
    assert "from the DATA" in about
    assert "HELD-OUT" in about
    for category, size in FINAL_MINIMUM.items():
        rows = [row for row in final if row["category"] == category]
        assert len(rows) >= size, category
        for row in rows:
            _check_final_row(category, row)
    earlier = [row for name in EARLIER for row in load(name)]
    ids = [row["id"] for row in earlier + final]
    assert len(ids) == len(set(ids))
    questions = [row["question"] for row in earlier + final]
    assert len(questions) == len(set(questions))
    # A service another set uses is asked for another kind of fact (and in another situation).
    before, now = _asked(earlier), _asked(final)
    assert not [service for service, kinds in now.items() if kinds & before.get(service, set())]
    assert len(set(now) - set(before)) >= 20
    # By-law questions only over by-law files no other set (nor the older by-law sets) uses.
    used = {row["file"] for row in earlier if "file" in row}
    used |= {row["own"]["file"] for row in earlier if row.get("own")}
    for name in ("bylaw_questions.json", "bylaw_questions_holdout.json"):
        older = json.loads((SETS["tuning"].parent / name).read_text(encoding="utf-8"))["questions"]
        used |= {row["file"] for row in older}
    files = {row["file"] for row in final if row["category"] == "bylaws"}
    assert not files & used
    assert len({row["municipality"] for row in final if row["category"] == "bylaws"}) == 8


def test_every_fact_of_the_final_set_is_in_its_source_data() -> None:
    _assert_facts_in_sources(load("final"))


def test_the_final_set_is_run_with_an_llm_sample() -> None:
    assert LLM_SAMPLE["final"] == 16
    chosen = sample(load("final"), LLM_SAMPLE["final"])
    assert {row["category"] for row in chosen} == {"services", "bylaws", "unanswerable", "no_place"}
