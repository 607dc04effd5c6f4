"""The light suffix stemmer (overlap scores) and the Snowball stemmer (search index)."""

from __future__ import annotations

import pytest

from rathaus.core.text.stems import light_stem, snowball_stem


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("sitzungen", "sitzung"),  # "-ungen" would leave four letters, so "-en" goes
        ("abstimmungen", "abstimm"),
        ("verwaltung", "verwalt"),
        ("kindern", "kinder"),
        ("haus", "haus"),
        ("5.1", "5.1"),
    ],
)
def test_light_stem_strips_one_suffix_and_keeps_five_letters(word: str, stem: str) -> None:
    assert light_stem(word) == stem


def test_light_stem_takes_a_shorter_stem_and_other_suffixes_when_asked() -> None:
    assert light_stem("sitzungen", min_stem=4) == "sitz"
    assert light_stem("wasser", min_stem=4, suffixes=("er",)) == "wass"
    assert light_stem("wasser", suffixes=("en",)) == "wasser"


def test_snowball_stems_fold_umlauts_and_sharp_s() -> None:
    assert snowball_stem("führerscheins") == snowball_stem("führerschein") == "fuhrerschein"
    assert snowball_stem("gebühren") == "gebuhr"
    assert snowball_stem("straße") == "strass"
    assert snowball_stem("häuser") == "haus"
