"""Answerability for "Wie viele … darf ich …?": a permitted number needs a rule that sets one.

The examples follow the demo by-laws of the Landkreis Göppingen and Ludwigsburg: a dog-tax by-law counts
dogs for the tax (Zwingersteuer, the second dog) but limits nothing; a cemetery by-law limits the urns
in a grave ("dürfen … höchstens 4").
"""

from __future__ import annotations

from dataclasses import replace

from rathaus.assistant import answerability, needs
from rathaus.assistant.retrieval import Passage
from tests.assistant.conftest import passage


def bylaw(title: str, section: str, text: str, source_id: int) -> Passage:
    return replace(passage(title, text, source_id=source_id, section=section), kind="bylaw", dense=0.87)


DOG_TAX = bylaw(
    "Satzung über die Erhebung der Hundesteuer",
    "§ 5 Steuersatz",
    "(1) Die Steuer beträgt im Kalenderjahr für jeden Hund 96 €. (2) Für den zweiten und jeden "
    "weiteren Hund erhöht sich der Steuersatz nach Abs. 1 auf 192 €. (3) Werden in dem Zwinger mehr als "
    "5 Hunde gehalten, so erhöht sich die Steuer.",
    source_id=1,
)
URN_GRAVES = bylaw(
    "Satzung über das Friedhofs- und Bestattungswesen",
    "§ 14 Urnengrabstätten",
    "(3) In einem Urnenerdwahlgrab dürfen die Aschen von höchstens 4 Verstorbenen, in einem "
    "Urnennischenwahlgrab von höchstens 3 Verstorbenen beigesetzt werden.",
    source_id=2,
)
CATS = bylaw(
    "Verordnung zum Schutz freilebender Katzen",
    "§ 3 Kastrationspflicht",
    "(1) Katzenhalter, die ihrer Katze unkontrollierten freien Auslauf gewähren, haben diese zuvor "
    "kastrieren zu lassen. (2) Dazu ist eine Halterabfrage nach § 3 Absatz 2 zulässig.",
    source_id=3,
)


def test_a_permitted_count_is_not_answered_by_a_tax_that_counts() -> None:
    question = "Wie viele Hunde darf ich in Eschenbach höchstens halten?"
    assert needs.missing([DOG_TAX], question) == "count"
    assert not answerability.decide([DOG_TAX], question).answerable


def test_a_permitted_count_is_answered_by_a_limit() -> None:
    question = "Wie viele Urnen dürfen in einem Urnenerdwahlgrab beigesetzt werden?"
    assert needs.missing([URN_GRAVES], question) is None


def test_paragraph_numbers_and_references_are_no_limit() -> None:
    assert needs.missing([CATS], "Wie viele Katzen darf ich halten?") == "count"
    assert not needs.states_limit(CATS)


def test_a_count_without_a_permission_asks_for_no_limit() -> None:
    assert not needs.asks_permitted_count("In wie vielen Monatsbeiträgen wird der Beitrag erhoben?")
    assert not needs.asks_permitted_count("Wie viel darf die Hausnummer kosten?")
    assert needs.asks_permitted_count("Wie viele Tage im Jahr darf ich mein Wohnmobil abstellen?")
