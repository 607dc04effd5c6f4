"""Personal data in a letter, flagged for the Posteingang: IBANs, e-mail addresses, phones, birth dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rathaus.core.text.pii import EMAIL, IBAN, PHONE, iban_valid, is_phone

Kind = Literal["iban", "email", "phone", "birthdate"]

_DATE = (
    r"\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})"
    r"|\d{1,2}\.\s?(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)"
    r"\s+\d{4}"
)
BIRTHDATE = re.compile(
    r"(?:\b(?i:geboren(?:\s+am)?|geb\.(?:\s*am)?|geburtsdatum\s*:?)\s*|(?<![\w*])\*\s?)"
    rf"(?P<date>{_DATE})(?!\d)"
)
_DESCRIPTIONS: dict[Kind, str] = {
    "iban": "IBAN (Bankverbindung, Prüfziffer gültig)",
    "email": "E-Mail-Adresse",
    "phone": "Telefonnummer",
    "birthdate": "Geburtsdatum",
}


@dataclass(frozen=True)
class PersonalData:
    """A piece of personal data with its span; the UI marks it and the archive may blank it."""

    kind: Kind
    text: str
    start: int
    end: int

    @property
    def description(self) -> str:
        """German label for the UI."""
        return _DESCRIPTIONS[self.kind]


def find_ibans(*, text: str) -> list[PersonalData]:
    """IBANs that pass the mod-97 check digit test; a mistyped one is left out."""
    return [
        PersonalData(kind="iban", text=m.group(0), start=m.start(), end=m.end())
        for m in IBAN.finditer(text)
        if iban_valid(m.group(0))
    ]


def find_personal_data(*, text: str) -> list[PersonalData]:
    """IBANs, e-mail addresses, phone numbers and birth dates in ``text``, in text order."""
    found = find_ibans(text=text)
    found += [
        PersonalData(kind="email", text=m.group(0), start=m.start(), end=m.end())
        for m in EMAIL.finditer(text)
    ]
    found += [
        PersonalData(kind="birthdate", text=m.group("date"), start=m.start("date"), end=m.end("date"))
        for m in BIRTHDATE.finditer(text)
    ]
    taken = [(item.start, item.end) for item in found]
    for match in PHONE.finditer(text):
        overlaps = any(match.start() < end and start < match.end() for start, end in taken)
        if is_phone(match.group(0)) and not overlaps:
            found.append(
                PersonalData(kind="phone", text=match.group(0), start=match.start(), end=match.end())
            )
    return sorted(found, key=lambda item: item.start)
