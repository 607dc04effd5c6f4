"""Small pieces of the reading job: the subject of a letter that came without one."""

from __future__ import annotations

import pytest

from rathaus.inbox.processing import subject_of


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Erika Musterfrau\nBetreff: Laterne defekt\n\nSehr geehrte …", "Laterne defekt"),
        ("‚Betreff: Laterne defekt", "Laterne defekt"),  # a speck read before the first letter
        ("Betrefl: Laterne defekt", "Laterne defekt"),  # OCR's reading of "Betreff"
        ("Betr.: Ihr Schreiben vom 3. März", "Ihr Schreiben vom 3. März"),
        ("Hallo\nDie Laterne vor Nummer 5 ist dunkel.\n", "Die Laterne vor Nummer 5 ist dunkel."),
        ("kurz", "kurz"),
        ("", ""),
    ],
)
def test_the_subject_comes_from_the_betreff_line_else_the_first_real_line(text: str, subject: str) -> None:
    assert subject_of(text) == subject


def test_a_betreff_word_inside_a_sentence_is_not_a_subject_line() -> None:
    assert subject_of("Betreffend Ihre Anfrage melden wir uns: bald.\nZweite Zeile") == (
        "Betreffend Ihre Anfrage melden wir uns: bald."
    )
