"""Remove personal data from what citizens type before it is stored.

Rules, not a model: no open German NER model ships offline (see docs/models.md), and presidio's
pattern recognisers add spaCy for what four regular expressions do here. Names are found where
people introduce them ("ich heiße …", "mein Name ist …", "Herr/Frau …", a greeting's signature);
a name typed without such a cue is not found — the conversation log is therefore also deleted after
the retention period.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

PLACEHOLDERS = {"email": "[E-Mail]", "iban": "[IBAN]", "phone": "[Telefon]", "name": "[Name]"}

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# An IBAN as typed: two letters, two check digits, then 11-30 letters/digits, optionally in groups.
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
# International (+49 …, 0049 …) or national (0 + area code) numbers with spaces, dashes, slashes.
PHONE = re.compile(
    r"(?<![\w+.,/])(?:(?:\+|00)\d{1,3}[\s./-]?(?:\(0\)[\s./-]?)?|\(?0)\d{1,5}\)?(?:[\s./-]?\d{2,}){1,5}(?!\w)"
)
NAME_WORD = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
NAME = rf"{NAME_WORD}(?:\s+(?:von|van|de|zu|von der)\s+{NAME_WORD}|\s+{NAME_WORD}){{0,2}}"
NAME_CUES = re.compile(
    r"(?P<cue>\b(?i:ich\s+hei(?:ß|ss)e|mein\s+(?:vor|nach|familien)?name\s+(?:ist|lautet)|"
    r"name\s*:|(?:herrn?|frau)(?:\s+(?:dr|prof)\.)*|"
    r"(?:mit\s+)?(?:freundlichen\s+)?(?:grüßen|gruß|grüße)\s*,?)\s+)"
    rf"(?P<name>{NAME})"
)
# Words that follow a cue but are no names ("Frau Bürgermeisterin" is a role, "Grüße aus …").
NOT_NAMES = frozenset({"Bürgermeister", "Bürgermeisterin", "Aus", "Und", "Vom", "Von", "Der", "Die", "Das"})


@dataclass(frozen=True)
class Redacted:
    """Text with personal data replaced by placeholders, and what was found."""

    text: str
    found: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.found)


def iban_valid(candidate: str) -> bool:
    """True when ``candidate`` passes the IBAN check digit test (ISO 13616, mod 97)."""
    compact = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha():
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


def _looks_like_iban(candidate: str) -> bool:
    compact = re.sub(r"\s", "", candidate).upper()
    # German IBANs are redacted even with a typo in them; others must pass the check digits.
    return (compact.startswith("DE") and len(compact) == 22 and compact[2:].isdigit()) or iban_valid(compact)


def redact(text: str) -> Redacted:
    """Replace e-mail addresses, IBANs, phone numbers and introduced names with placeholders."""
    found: Counter[str] = Counter()

    def replace(kind: str) -> str:
        found[kind] += 1
        return PLACEHOLDERS[kind]

    text = EMAIL.sub(lambda m: replace("email"), text)
    text = IBAN.sub(lambda m: replace("iban") if _looks_like_iban(m.group(0)) else m.group(0), text)
    text = PHONE.sub(lambda m: replace("phone") if _digits(m.group(0)) >= 6 else m.group(0), text)

    def name(match: re.Match[str]) -> str:
        words = match.group("name").split()
        if words[0] in NOT_NAMES:
            return match.group(0)
        return match.group("cue") + replace("name")

    text = NAME_CUES.sub(name, text)
    return Redacted(text=text, found=dict(found))


def _digits(value: str) -> int:
    return sum(char.isdigit() for char in value)
