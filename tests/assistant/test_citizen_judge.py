"""How the citizen benchmark judges one answer: its facts, its municipality, a refusal, a question back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.assistant_citizen import Timings, judge, summarise
from bench.citizen_facts import foreign


def test_a_district_source_belongs_to_its_district_only() -> None:
    expected = ("Bad Boll", "Lkr_GP")
    assert not foreign(("Bad Boll", "Lkr_GP"), expected)
    assert foreign(("Konstanz", "Lkr_KON"), expected)
    assert not foreign(("", "Lkr_GP"), expected)
    assert foreign(("", "Lkr_KON"), expected)
    assert foreign(("München", "München"), expected)


@dataclass
class _Answer:
    mode: str
    text: str
    cited: list[str]
    facts: list[Any] = field(default_factory=list)


def _places(external: str) -> tuple[str, str]:
    return {
        "file:Lkr_GP/BBO/hund.md": ("Bad Boll", "Lkr_GP"),
        "file:Lkr_KON/KON/hund.md": ("Konstanz", "Lkr_KON"),
    }.get(external, ("München", "München"))


BYLAW = {
    "id": "x-b01",
    "category": "bylaws",
    "question": "Wie hoch ist die Hundesteuer in Bad Boll?",
    "file": "Lkr_GP/BBO/hund.md",
    "municipality": "Bad Boll",
    "facts": ["165,00 €"],
}


def test_judge_an_answer_that_also_quotes_another_town() -> None:
    result = _Answer(
        "extractive",
        "Die Steuer beträgt 165 Euro [1].",
        ["file:Lkr_GP/BBO/hund.md", "file:Lkr_KON/KON/hund.md"],
    )
    verdict = judge(BYLAW, result, ["file:Lkr_KON/KON/hund.md", "file:Lkr_GP/BBO/hund.md"], _places)
    assert verdict["facts"]
    assert verdict["answered"]
    assert verdict["wrong_municipality"]
    assert not verdict["first"]
    assert verdict["top5"]


def test_judge_a_refusal_and_a_clarifying_question() -> None:
    refused = judge(BYLAW, _Answer("handover", "Dazu finde ich keine Antwort.", []), [], _places)
    assert not refused["answered"]
    assert not refused["facts"]
    assert not refused["wrong_municipality"]
    no_place = {"id": "x-n01", "category": "no_place", "question": "Wie hoch ist die Hundesteuer?"}
    asked_back = judge(
        no_place, _Answer("refused", "Für welche Gemeinde möchten Sie das wissen?", []), [], _places
    )
    mixed = judge(
        no_place,
        _Answer(
            "extractive",
            "165 Euro [1] … 120 Euro [2]",
            ["file:Lkr_GP/BBO/hund.md", "file:Lkr_KON/KON/hund.md"],
        ),
        [],
        _places,
    )
    assert asked_back["clarified"]
    assert not mixed["clarified"]
    assert mixed["mixed"]
    figures = summarise([refused, asked_back, mixed], Timings([0.1, 0.2, 0.3], [0.05, 0.1, 0.3]))
    assert figures["false_refusal_rate"] == 1.0
    assert figures["no_place_clarify_rate"] == 0.5
    assert figures["no_place_mixed_rate"] == 0.5
    assert figures["first_text_p50_ms"] == 100.0  # the first streamed piece, not the whole answer
    assert figures["first_text_max_ms"] == 300.0
