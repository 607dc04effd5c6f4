"""Patterns for personal data in German text: e-mail addresses, IBANs (with check digits), phone numbers.

Shared by the assistant (which redacts them) and the Posteingang (which flags them).
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# An IBAN as typed: two letters, two check digits, then 11-30 letters/digits, optionally in groups.
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
# International (+49 …, 0049 …) or national (0 + area code) numbers with spaces, dashes, slashes.
PHONE = re.compile(
    r"(?<![\w+.,/])(?:(?:\+|00)\d{1,3}[\s./-]?(?:\(0\)[\s./-]?)?|\(?0)\d{1,5}\)?(?:[\s./-]?\d{2,}){1,5}(?!\w)"
)
NUMERIC_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}")


def iban_valid(candidate: str) -> bool:
    """True when ``candidate`` passes the IBAN check digit test (ISO 13616, mod 97)."""
    compact = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha():
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


def is_phone(value: str) -> bool:
    """Enough digits for a phone number, and not a date such as 01.03.2025."""
    return sum(char.isdigit() for char in value) >= 6 and not NUMERIC_DATE.fullmatch(value.strip())
