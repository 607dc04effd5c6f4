"""Two German stemmers: a light suffix stripper for overlap scores, and Snowball for the search index."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

LIGHT_SUFFIXES = ("ungen", "ung", "ern", "en", "er", "es", "em", "e", "n", "s")


def light_stem(word: str, *, min_stem: int = 5, suffixes: Sequence[str] = LIGHT_SUFFIXES) -> str:
    """``word`` without the first of ``suffixes`` it ends with, if ``min_stem`` letters remain.

    Example: ``light_stem("sitzungen")`` is ``"sitzung"`` ("-ungen" would leave only four letters).
    """
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=200_000)
def snowball_stem(word: str) -> str:
    """The Snowball stem of a lower-case word, with umlauts folded (ä → a, ß → ss)."""
    return str(_snowball().stemWord(word)).replace("ä", "a").replace("ö", "o").replace("ü", "u")


@lru_cache(maxsize=1)
def _snowball() -> Any:
    import snowballstemmer  # type: ignore[import-untyped]  # noqa: PLC0415 - pure Python, needed by the index only

    return snowballstemmer.stemmer("german")
