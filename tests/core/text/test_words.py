"""The forgiving normaliser: lower case, ß → ss, numbers with their dots, punctuation dropped."""

from __future__ import annotations

from rathaus.core.text.words import plain_text, plain_words


def test_words_are_lower_case_with_sharp_s_spelt_out_and_agenda_numbers_whole() -> None:
    assert plain_words("Die Straße Nr. 5.1: Windenergie-Anlage, 2024!") == [
        "die",
        "strasse",
        "nr",
        "5.1",
        "windenergie",
        "anlage",
        "2024",
    ]


def test_plain_text_joins_a_word_split_at_a_line_break_hyphen() -> None:
    assert plain_text("Tagesordnungs-\n  punkt 7 – Maßnahmen") == "tagesordnungspunkt 7 massnahmen"
    assert plain_words("Tagesordnungs-\n  punkt") == ["tagesordnungs", "punkt"]


def test_text_without_letters_or_digits_has_no_words() -> None:
    assert plain_words("… – !? 🙂") == []
    assert plain_text("") == ""
