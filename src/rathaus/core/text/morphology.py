"""German morphology and part-of-speech tags from the HanTa tagger: compound parts, STTS tags.

The tagger is loaded once per process on first use and is not thread-safe, so every call holds one
lock. Without HanTa installed the functions answer "nothing known" (``()`` or None).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

COMPOUND_MIN = 8  # shorter words are rarely compounds worth splitting
PART_MIN = 3
CONTENT_TAGS = ("NN", "NE", "VV", "ADJ")

_lock = threading.Lock()
_tagger: Any = None
_tagger_loaded = False


def _hanta() -> Any:
    """The HanTa tagger, loaded once; None when the package is absent."""
    global _tagger, _tagger_loaded  # noqa: PLW0603 - one lazily loaded model per process
    with _lock:
        if not _tagger_loaded:
            _tagger_loaded = True
            try:
                from HanTa import HanoverTagger  # type: ignore[import-untyped]  # noqa: PLC0415 - loaded on first use
            except ImportError:  # pragma: no cover - HanTa is a dependency; stems only without it
                _tagger = None
            else:
                _tagger = HanoverTagger.HanoverTagger("morphmodel_ger.pgz")
        return _tagger


@lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The content parts of a compound (``"hundesteuer"`` → ``("hund", "steuer")``); () if none."""
    if len(word) < COMPOUND_MIN or word.isdigit():
        return ()
    tagger = _hanta()
    if tagger is None:
        return ()
    with _lock:
        try:
            _lemma, morphemes, _tag = tagger.analyze(word.capitalize(), taglevel=3)
        except Exception:
            return ()
    parts = tuple(
        part.lower()
        for part, tag in morphemes
        if tag.startswith(CONTENT_TAGS) and len(part) >= PART_MIN and part.isalpha()
    )
    return parts if len(parts) >= 2 else ()


def pos_tags(words: list[str]) -> list[str] | None:
    """HanTa's STTS tags of a word sequence (``NE``: proper name); None without HanTa."""
    tagger = _hanta()
    if tagger is None or not words:
        return None
    with _lock:
        try:
            tagged = tagger.tag_sent(words, taglevel=1)
        except Exception:
            return None
    return [str(tag) for _word, _lemma, tag in tagged]


def word_tags(word: str) -> list[tuple[str, float]] | None:
    """HanTa's candidate tags of one word out of context, with log-probabilities; None without HanTa."""
    tagger = _hanta()
    if tagger is None:
        return None
    with _lock:
        try:
            candidates = tagger.tag_word(word)
        except Exception:
            return None
    return [(str(tag), float(score)) for tag, score in candidates]
