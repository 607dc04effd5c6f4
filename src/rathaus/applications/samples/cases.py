"""Planted-problem suites: complete, incomplete and implausible applications for the three shipped types.

Every case is written from the Konstanz by-law its type rests on and says which findings the check must
raise (``expected``, by rule id); a complete case must raise none. The attachments are rendered by
``samples.documents`` etc. as scanned-looking images and PDFs, so the check really reads them with OCR.
Used by the tests (``tests/applications/test_suites.py``), the benchmark (``bench/applications.py``)
and the demo (a few cases become the demo tenant's applications). Dates are relative to ``today``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from rathaus.applications.samples import cards, documents, sheets, siteplan
from rathaus.applications.samples.breeding import breeding_register
from rathaus.applications.samples.person import Person

Group = Literal["vollständig", "unvollständig", "unplausibel"]
Render = Callable[[int], tuple[bytes, str, str]]  # seed → (data, media type, file name)


@dataclass(frozen=True)
class Doc:
    """One attachment of a case: for which requirement, and how it is rendered."""

    requirement: str
    render: Render


@dataclass(frozen=True)
class Case:
    """One application of a suite with the findings the check must raise."""

    name: str
    type_key: str
    group: Group
    values: dict[str, Any]
    documents: tuple[Doc, ...] = ()
    expected: frozenset[str] = field(default_factory=frozenset)


ERIKA = Person("Erika", "Brenner", dt.date(1984, 5, 17), "Hussenstraße", "12", "78462", "Konstanz")
JUERGEN = Person("Jürgen", "Größmann", dt.date(1959, 11, 2), "Seestraße", "21", "78464", "Konstanz")
AYLIN = Person("Aylin", "Demir", dt.date(1991, 2, 9), "Zasiusstraße", "8", "78462", "Konstanz")
LUKAS = Person("Lukas", "Maier", dt.date(1978, 8, 30), "Mainaustraße", "45", "78464", "Konstanz")
SOPHIE = Person("Sophie", "Weiß", dt.date(1988, 3, 14), "Reichenaustraße", "11", "78467", "Konstanz")
OTHER = Person("Thomas", "Kessler", dt.date(1970, 1, 1), "Wollmatinger Straße", "3", "78467", "Konstanz")


def _jpeg(name: str, make: Callable[[int], bytes]) -> Render:
    return lambda seed: (make(seed), "image/jpeg", name)


def _pdf(name: str, make: Callable[[int], bytes]) -> Render:
    return lambda seed: (make(seed), "application/pdf", name)


def disability(person: Person, marks: tuple[str, ...] = ("B", "G")) -> Render:
    """A scanned Schwerbehindertenausweis."""
    return _jpeg("schwerbehindertenausweis.jpg", lambda seed: cards.disability_card(person, marks, seed=seed))


def id_card(person: Person) -> Render:
    """A scanned Personalausweis."""
    return _jpeg("ausweis.jpg", lambda seed: cards.id_card(person, seed=seed))


def rescue(person: Person, dog: str, exam: dt.date) -> Render:
    """The certificate of a rescue-dog exam."""
    return _pdf(
        "pruefung.pdf",
        lambda seed: sheets.rescue_dog_certificate(person, dog_name=dog, exam_date=exam, seed=seed),
    )


def register(person: Person, breed: str, last_litter: int) -> Render:
    """An extract from the breeding register."""
    return _pdf(
        "zuchtbuch.pdf",
        lambda seed: breeding_register(person, breed=breed, last_litter=last_litter, seed=seed),
    )


def income(
    person: Person, year: int, gross: int, kind: sheets.StatementKind = "lohnsteuerbescheinigung"
) -> Render:
    """A Lohnsteuerbescheinigung or Einkommensteuerbescheid."""
    return _pdf(
        "einkommen.pdf",
        lambda seed: sheets.income_statement(
            person, year=year, gross_income=Decimal(gross), kind=kind, seed=seed
        ),
    )


def social(person: Person, today: dt.date) -> Render:
    """A scanned Sozialpass."""
    return _jpeg(
        "sozialpass.jpg", lambda seed: cards.social_pass(person, today + dt.timedelta(days=200), seed=seed)
    )


def plan(address: str, use: str, width: float = 3.0, depth: float = 5.0) -> Render:
    """A Lageplan of the used area."""
    return _pdf(
        "lageplan.pdf",
        lambda seed: siteplan.site_plan(address, width_m=width, depth_m=depth, use=use, seed=seed),
    )


BLANK: Render = _jpeg("scan.jpg", lambda seed: documents.blank_scan(seed=seed))
CAT: Render = _jpeg("foto.jpg", lambda seed: documents.cat_photo(seed=seed))


def person_values(person: Person) -> dict[str, Any]:
    """The applicant fields every shipped type has."""
    return {
        "vorname": person.given_name,
        "nachname": person.family_name,
        "geburtsdatum": person.birth_date.isoformat(),
        "strasse": person.street,
        "hausnummer": person.house_number,
        "plz": person.postcode,
        "ort": person.city,
        "email": f"{person.given_name.lower()}.{person.family_name.lower()}@example.org".replace("ö", "oe")
        .replace("ß", "ss")
        .replace("ü", "ue"),
        "richtigkeit": True,
    }


def _day(today: dt.date, days: int) -> str:
    return (today + dt.timedelta(days=days)).isoformat()
