"""Where in a chair's sentence the result is stated (clauses.py)."""

from __future__ import annotations

from rathaus.core.text.words import plain_text
from rathaus.minutes.text.clauses import EFFECTIVE_DATE, TALLY, result_clauses


def test_the_sentence_splits_after_the_clause_that_states_the_result() -> None:
    said = result_clauses("Das ist eine mehrheitliche Zustimmung, damit können wir jetzt weitermachen.")
    assert said.head == "Das ist eine mehrheitliche Zustimmung"
    assert said.tail == "damit können wir jetzt weitermachen."
    counted = result_clauses(
        "Ich habe eine Enthaltung, eine Gegenstimme, der Rest ist mehrheitliche Zustimmung."
    )
    assert counted.head == "Ich habe eine Enthaltung"  # the count already states a vote
    joined = result_clauses("Damit ist der Haushalt angenommen und wir treffen uns in der Kommission wieder.")
    assert (joined.head, joined.tail) == (
        "Damit ist der Haushalt angenommen",
        "und wir treffen uns in der Kommission wieder.",
    )
    # no clause states an outcome: the whole sentence is the head
    assert result_clauses("Wir kommen zur Abstimmung, bitte.").tail == ""


def test_a_narrated_chair_states_what_follows_the_colon() -> None:
    said = result_clauses("Der Vorsitzende verweist auf die Vorberatung im Bauausschuss: Das ist einstimmig.")
    assert (said.head, said.tail, said.words) == ("Das ist einstimmig.", "", 3)
    assert result_clauses("Er stellt fest: einstimmige Zustimmung.").head == "einstimmige Zustimmung."
    # a colon elsewhere starts no statement of the chair
    assert result_clauses("Im Ausschuss hieß es: einstimmig angenommen.").head.startswith("Im Ausschuss")


def test_the_chairs_count_and_the_date_a_decision_takes_effect() -> None:
    assert TALLY.search(plain_text("Ich habe eine Enthaltung, eine Gegenstimme"))
    assert TALLY.search(plain_text("Ich zähle 3 Gegenstimmen"))
    assert not TALLY.search(plain_text("Ich habe eine Gegenstimme abgegeben"))
    assert not TALLY.search(plain_text("Ich habe zugestimmt"))
    assert EFFECTIVE_DATE.search(plain_text("Anpassung zum 1. Juli 2020"))
    assert EFFECTIVE_DATE.search(plain_text("die Erhöhung ab 2026"))
    assert not EFFECTIVE_DATE.search(plain_text("im März 2020 beschlossen"))
