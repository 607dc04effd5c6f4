"""German sentence splitters: at ``.!?`` followed by whitespace and what can start a sentence.

None of them knows abbreviations: "Dr. Müller" splits after "Dr.", while "Nr. 5" holds together only
where a digit cannot start a sentence (:func:`sentences`). Changing that changes drafts, answers and
chunks, so it is left as it is.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ\"„(])")
# In documents a sentence may start with a number ("2 Lichtbilder …"), and each line is an item of its own.
_SENTENCE_OR_LINE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9„\"(])|\n+")
# Long paragraphs are cut for chunking at clause ends too, and before a dash that opens a list item.
_PIECE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-ZÄÖÜ0-9(„\"-])")


def sentences(text: str) -> list[str]:
    """A paragraph (a transcript segment) split into sentences at ``.!?`` followed by a capital letter."""
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


def sentences_and_items(text: str) -> list[str]:
    """A document split into sentences and lines, whitespace tidied, list bullets and fragments dropped."""
    parts = (re.sub(r"\s+", " ", part).strip(" -•*") for part in _SENTENCE_OR_LINE_END.split(text))
    return [part for part in parts if len(part) > 2]


def sentence_pieces(text: str) -> list[str]:
    """``text`` cut after ``.!?;:`` where a sentence, clause or list item starts; the pieces as they are."""
    return _PIECE_END.split(text)
