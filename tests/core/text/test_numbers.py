"""German number words as speech-to-text writes them."""

from __future__ import annotations

import pytest

from rathaus.core.text.numbers import number_word


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("null", 0),
        ("eins", 1),
        ("zwölf", 12),
        ("siebenundzwanzig", 27),
        ("dreißig", 30),
        ("Dreissig", 30),
        ("zweiunddreißig", 32),
        ("5", 5),
    ],
)
def test_number_words_up_to_ninety_nine_are_read(token: str, value: int) -> None:
    assert number_word(token) == value


@pytest.mark.parametrize("token", ["hundert", "undzwanzig", "zwanzigundeins", "antrag", "5.1", ""])
def test_anything_else_is_no_number(token: str) -> None:
    assert number_word(token) is None
