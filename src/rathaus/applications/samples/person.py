"""The person whose documents are rendered: name, birth date, address."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    given_name: str
    family_name: str
    birth_date: dt.date
    street: str
    house_number: str
    postcode: str
    city: str

    @property
    def full_name(self) -> str:
        """ "Erika Mustermann"."""
        return f"{self.given_name} {self.family_name}"

    @property
    def street_line(self) -> str:
        """ "Lindenstraße 12"."""
        return f"{self.street} {self.house_number}"

    @property
    def city_line(self) -> str:
        """ "78462 Konstanz"."""
        return f"{self.postcode} {self.city}"

    @property
    def address(self) -> str:
        """ "Lindenstraße 12, 78462 Konstanz"."""
        return f"{self.street_line}, {self.city_line}"
