"""How the answerability checks find a question's words in a passage's line."""

from __future__ import annotations

import pytest

from rathaus.assistant.wording import found_in, line_coverage, terms, topic_terms
from tests.assistant.conftest import passage


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("§ 4 lärm von sport- und bolzplätzen", "bolzplatz"),  # plural with umlaut
        ("§ 5 instandhaltung der unterkünfte", "unterkunft"),
        ("§ 2 steuerhebesätze: gewerbesteuer 360 v. h.", "gewerbesteuerhebesatz"),  # compound parts
        ("die steuer für jeden hund", "hundesteuer"),
        ("für jeden angefangenen laufenden meter 9,00 euro", "laufendem"),  # an adjective's dative
    ],
)
def test_a_question_word_is_found_in_its_other_forms(text: str, word: str) -> None:
    assert found_in(text, word)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("die bar am see, öffnungszeiten", "bär"),
        ("schon schöne zeiten", "schön"),
        ("der hund bellt", "katze"),
        # a compound's parts stand as words or compound parts, not inside other words
        ("prod. nr. 55.20 – fischerei: bescheinigung 25 €", "fischereischein"),
    ],
)
def test_other_words_are_not_found(text: str, word: str) -> None:
    assert not found_in(text, word)


def test_the_line_with_the_rare_word_and_the_value_covers_the_question() -> None:
    bylaw = passage(
        "Polizeiverordnung",
        "Auf Spiel- und Bolzplätzen ist ab 22.00 Uhr Ruhe zu halten.\nDie Verordnung tritt in Kraft.",
        source_id=1,
        kind="bylaw",
        section="§ 4 Lärm von Sport- und Spielplätzen",
    )
    question = "Bis wann dürfen Jugendliche auf dem Bolzplatz spielen?"
    assert line_coverage([bylaw], question, lambda line: "Uhr" in line) > 0.5
    assert line_coverage([bylaw], question, lambda line: "Kraft" in line) < 0.5


def test_a_date_in_a_line_is_not_cut_at_its_ordinal() -> None:
    market = passage(
        "Marktordnung",
        "(1) In der Gemeinde finden zwei Jahrmärkte statt, am 15. Juli und am 20. November jeden Jahres.",
        source_id=1,
        kind="bylaw",
        section="§ 1 Markttage",
    )
    question = "An welchen Tagen ist Jahrmarkt?"
    assert line_coverage([market], question, lambda line: "15. Juli" in line) > 0.5


def test_a_compound_part_counts_at_the_start_or_end_of_a_word() -> None:
    assert found_in("fischerei: der angelschein kostet 10 €", "fischereischein")
    assert not found_in("gebühr für den fischereischein", "jahresfischereischein")  # no "jahr"
    assert found_in("im jahr: fischereiabgabe und angelschein", "jahresfischereischein")


def test_the_administration_a_question_addresses_is_no_topic() -> None:
    question = "Gibt die Gemeinde einen Zuschuss, wenn wir die Ölheizung durch eine Wärmepumpe ersetzen?"
    assert topic_terms(question) == {"zuschus", "ölheiz", "wärmepump"}
    assert "stadt" not in terms("Was verlangt die Stadt für die Leichenhalle?")
