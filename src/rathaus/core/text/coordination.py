"""Coordinated compounds written out: "Grund- und Gewerbesteuer" → "Grundsteuer und Gewerbesteuer".

German leaves out the shared head of coordinated compounds and marks the gap with a hyphen, the
Ergänzungsstrich: "Satzung über die Erhebung der Grund- und Gewerbesteuer", "Wasser- und
Abwassergebühren", "Grund-, Gewerbe- und Hundesteuer". Administrative titles are written this way
so often that a search for "Grundsteuer" misses the by-law that levies it. :func:`expand_coordinations`
completes each hyphenated part with the head of the compound that closes the coordination (its last
part by :func:`~rathaus.core.text.morphology.compound_parts`, in the form written there). Without a
known head (a simple word, no HanTa) the text stays as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rathaus.core.text.morphology import compound_parts

_PART = r"[A-Za-zÄÖÜäöüß]+"
_GAP = rf"{_PART}-(?:,\s*|\s+(?:und|oder|bzw\.|sowie|bis)\s+)"
_CHAIN = re.compile(rf"(?<![\w-])((?:{_GAP})+)({_PART})\b")
_OPEN = re.compile(rf"({_PART})-(?=,|\s)")


def compound_head(word: str) -> str:
    """The head of a compound as written in it ("Abwassergebühren" → "gebühren"); "" for no compound."""
    parts = compound_parts(word.lower())
    if not parts:
        return ""
    start = word.lower().rfind(parts[-1])
    return word[start:].lower() if start > 0 else ""


@lru_cache(maxsize=8192)
def expand_coordinations(text: str) -> str:
    """``text`` with every coordinated compound written out in full (see the module's docstring)."""
    if "- " not in text and "-," not in text:
        return text

    def complete(match: re.Match[str]) -> str:
        head = compound_head(match.group(2))
        if not head:
            return match.group(0)
        return _OPEN.sub(lambda part: part.group(1) + head, match.group(1)) + match.group(2)

    return _CHAIN.sub(complete, text)
