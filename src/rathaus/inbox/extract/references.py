"""Aktenzeichen in a letter: "Az. 61.2-123/2025", "Unser Zeichen: BA-2025-00123", "Ihr Zeichen …"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# Whose file the reference belongs to, seen from the letter's sender: "Unser Zeichen" is the sender's
# own, "Ihr Zeichen" is the file of the addressee (the Verwaltung receiving the letter).
Party = Literal["sender", "recipient", "unknown"]

# The value is a court file number ("4 K 1234/25") or one token of digits, letters, dots, dashes, slashes.
REFERENCE = re.compile(
    r"(?<![\w-])(?P<cue>"
    r"(?P<ours>unser(?:e)?\s+(?:zeichen|aktenzeichen|az\.?|gz\.?|geschäftszeichen|kassenzeichen)"
    r"|u\.\s?z\.)"
    r"|(?P<theirs>ihr(?:e)?\s+(?:zeichen|aktenzeichen|az\.?|gz\.?|geschäftszeichen|kassenzeichen)|i\.\s?z\.)"
    r"|(?P<plain>(?:aktenzeichen|geschäftszeichen|kassenzeichen)s?|az\.?|gz\.?|vorgangsnummer|vorgangs-nr\.?)"
    r")"
    r"(?:\s*(?:lautet|ist|:|\.|-)\s*)*\s*"
    r"(?P<value>\d{1,3}\s[A-Z]{1,3}\s\d{1,6}/\d{2,4}|[A-ZÄÖÜa-zäöü0-9][\w./-]*(?:\s?[/-]\s?[\w.]+)*)",
    re.IGNORECASE,
)
_DESCRIPTIONS: dict[Party, str] = {
    "sender": "Zeichen des Absenders (Unser Zeichen)",
    "recipient": "Unser Aktenzeichen, vom Absender genannt (Ihr Zeichen)",
    "unknown": "Aktenzeichen",
}


@dataclass(frozen=True)
class FileReference:
    """An Aktenzeichen with its span and whose file it is."""

    value: str
    party: Party
    start: int
    end: int
    description: str


def find_references(*, text: str) -> list[FileReference]:
    """Every Aktenzeichen after a cue ("Az.", "Aktenzeichen", "Unser/Ihr Zeichen"), in text order.

    >>> [r.value for r in find_references(text="Az. 61.2-123/2025")]
    ['61.2-123/2025']
    """
    references = []
    for match in REFERENCE.finditer(text):
        value = match.group("value").rstrip(".,;:-/")
        if not any(char.isdigit() for char in value):
            continue
        party: Party = "unknown"
        if match.group("ours") or match.group("theirs"):
            party = "sender" if match.group("ours") else "recipient"
        start = match.start("value")
        references.append(
            FileReference(
                value=value,
                party=party,
                start=start,
                end=start + len(value),
                description=_DESCRIPTIONS[party],
            )
        )
    return references
