"""A forgiving normaliser for speech-to-text output and titles: lower case, ``ß`` → ``ss``, no punctuation.

Numbers keep their dots (``5.1`` stays one token), because agenda items are numbered that way; hyphens
and all other punctuation are dropped.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\d+(?:\.\d+)*|[a-zäöü]+")
_LINE_BREAK_HYPHEN = re.compile(r"(\w)-\s*\n\s*(\w)")


def plain_words(text: str) -> list[str]:
    """The lower-case words and numbers of ``text`` (``"Straße 5.1"`` → ``["strasse", "5.1"]``)."""
    return _WORD.findall(text.lower().replace("ß", "ss"))


def plain_text(text: str) -> str:
    """The :func:`plain_words` of ``text`` joined by spaces; a word split by a line-break hyphen is one."""
    return " ".join(plain_words(_LINE_BREAK_HYPHEN.sub(r"\1\2", text)))
