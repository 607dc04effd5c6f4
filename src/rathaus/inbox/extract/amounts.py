"""Geldbeträge in a letter: "1.234,56 €", "EUR 50", "50,- Euro"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_NUMBER = r"(?P<{0}>\d{{1,3}}(?:\.\d{{3}})+(?:,(?:\d{{2}}|-{{1,2}}|—))?|\d+(?:,(?:\d{{2}}|-{{1,2}}|—))?)"
_CURRENCY = r"(?:€|EUR|Euro)"
AMOUNT = re.compile(
    rf"(?<![\w.,]){_NUMBER.format('before')}\s?{_CURRENCY}(?!\w)"
    rf"|(?<!\w){_CURRENCY}\s?{_NUMBER.format('after')}(?![\d,])"
)


@dataclass(frozen=True)
class Amount:
    """A sum of money in euro with its span."""

    value: Decimal
    text: str
    start: int
    end: int

    @property
    def description(self) -> str:
        """``"Betrag: 1.234,56 €"``."""
        whole, cents = f"{self.value:,.2f}".split(".")
        return f"Betrag: {whole.replace(',', '.')},{cents} €"


def find_amounts(*, text: str) -> list[Amount]:
    """Every euro amount in ``text``, in text order.

    >>> [a.value for a in find_amounts(text="Gebühr: 1.234,56 €")]
    [Decimal('1234.56')]
    """
    amounts = []
    for match in AMOUNT.finditer(text):
        number = match.group("before") or match.group("after")
        euros, _, cents = number.replace(".", "").partition(",")
        value = Decimal(euros) + (Decimal(cents) / 100 if cents.isdigit() else 0)
        amounts.append(Amount(value=value, text=match.group(0), start=match.start(), end=match.end()))
    return amounts
