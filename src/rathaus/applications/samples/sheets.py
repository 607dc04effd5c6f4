"""A4 documents as scanned PDFs at 200 dpi: income statements, a rescue-dog exam certificate, a pedigree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from rathaus.applications.samples.canvas import A4_MM, Sheet, as_pdf, german_amount

if TYPE_CHECKING:
    from rathaus.applications.samples.person import Person

DPI = 200
LEFT, RIGHT = 25.0, 185.0
StatementKind = Literal["lohnsteuerbescheinigung", "einkommensteuerbescheid"]
CENT = Decimal("0.01")


class Writer:
    """Writes a document top down: lines, label–value rows (value flush right), gaps."""

    def __init__(self, *, top: float = 20.0) -> None:
        self.sheet = Sheet(*A4_MM, dpi=DPI)
        self.y = top

    def line(self, text: str, *, pt: float = 10.5, bold: bool = False, x: float = LEFT) -> None:
        self.sheet.text(x, self.y, text, pt=pt, bold=bold)
        self.y += pt * 0.353 * 1.5

    def row(self, label: str, value: str, *, pt: float = 10.5, bold: bool = False, x: float = LEFT) -> None:
        self.sheet.text(x, self.y, label, pt=pt, bold=bold)
        self.sheet.text(RIGHT, self.y, value, pt=pt, bold=bold, align="right")
        self.y += pt * 0.353 * 1.6

    def rule(self) -> None:
        self.sheet.line([(LEFT, self.y), (RIGHT, self.y)], width=0.25)
        self.y += 2.5

    def gap(self, mm: float = 4.0) -> None:
        self.y += mm

    def address(self, sender: str, person: Person) -> None:
        """Sender line and the recipient's address in the window of a DIN 5008 letter."""
        self.y = 45.0
        self.line(sender, pt=7.5)
        self.gap(2)
        for text in (person.full_name, person.street_line, person.city_line):
            self.line(text, pt=11)


def _share(amount: Decimal, rate: str) -> str:
    return german_amount((amount * Decimal(rate)).quantize(CENT))


def income_statement(
    person: Person, *, year: int, gross_income: Decimal, kind: StatementKind, seed: int = 0
) -> bytes:
    """A Lohnsteuerbescheinigung (``Bruttoarbeitslohn``) or an Einkommensteuerbescheid (``Summe der
    Einkünfte`` and ``Gesamtbetrag der Einkünfte``), each stating ``gross_income``: a scanned PDF."""
    writer = Writer()
    if kind == "lohnsteuerbescheinigung":
        _wage_certificate(writer, person, year, gross_income)
    else:
        _tax_assessment(writer, person, year, gross_income)
    return as_pdf([writer.sheet.image], seed=seed, dpi=DPI)


def _wage_certificate(writer: Writer, person: Person, year: int, gross: Decimal) -> None:
    writer.address("Muster Bau GmbH · Hafenstraße 3 · 78462 Konstanz", person)
    writer.y = 90.0
    writer.line(f"Ausdruck der elektronischen Lohnsteuerbescheinigung für {year}", pt=13, bold=True)
    writer.line("Nachstehende Daten wurden maschinell an die Finanzverwaltung übertragen.", pt=9)
    writer.gap()
    writer.row("Geburtsdatum", person.birth_date.strftime("%d.%m.%Y"))
    writer.row("Identifikationsnummer", "12 345 678 901")
    writer.row("Personalnummer", "4711")
    writer.row("Steuerklasse / Faktor", "1")
    writer.gap()
    writer.rule()
    writer.row("1. Dauer des Dienstverhältnisses", f"01.01. - 31.12.{year}")
    writer.row("2. Zeiträume ohne Anspruch auf Arbeitslohn", "0")
    writer.row("3. Bruttoarbeitslohn einschl. Sachbezüge", german_amount(gross), bold=True)
    writer.row("4. Einbehaltene Lohnsteuer von 3.", _share(gross, "0.142"))
    writer.row("5. Einbehaltener Solidaritätszuschlag von 3.", german_amount(0))
    writer.row("6. Einbehaltene Kirchensteuer von 3.", _share(gross, "0.0114"))
    writer.row("22. Arbeitgeberanteil zur Rentenversicherung", _share(gross, "0.093"))
    writer.row("23. Arbeitnehmeranteil zur Rentenversicherung", _share(gross, "0.093"))
    writer.row("25. Beiträge zur Krankenversicherung", _share(gross, "0.0815"))
    writer.row("26. Beiträge zur Pflegeversicherung", _share(gross, "0.017"))
    writer.row("27. Beiträge zur Arbeitslosenversicherung", _share(gross, "0.013"))
    writer.rule()
    writer.gap()
    writer.line("Finanzamt, an das die Lohnsteuer abgeführt wurde: Finanzamt Konstanz (3309)", pt=9)
    writer.line("eTIN: MSTRERKA83H12      Arbeitgeber: Muster Bau GmbH, Steuernummer 09/123/45678", pt=9)


def _tax_assessment(writer: Writer, person: Person, year: int, income: Decimal) -> None:
    writer.address("Finanzamt Konstanz · Bahnhofstraße 9 · 78462 Konstanz", person)
    writer.sheet.text(RIGHT, 45, "Steuernummer 09/123/45678", pt=9, align="right")
    writer.sheet.text(RIGHT, 50, f"Datum {dt.date(year + 1, 5, 14):%d.%m.%Y}", pt=9, align="right")
    writer.y = 90.0
    writer.line(f"Bescheid für {year}", pt=13, bold=True)
    writer.line("über Einkommensteuer, Solidaritätszuschlag und Kirchensteuer", pt=11, bold=True)
    writer.line("Einkommensteuerbescheid - Festsetzung", pt=10)
    writer.gap()
    special = Decimal("2340.00")
    taxable = max(income - special, Decimal(0))
    tax = (taxable * Decimal("0.17")).quantize(Decimal(1))
    writer.row("Festgesetzt werden: Einkommensteuer", german_amount(tax), bold=True)
    writer.row("Solidaritätszuschlag", german_amount(0))
    writer.row("Kirchensteuer", _share(tax, "0.08"))
    writer.gap()
    writer.line("Ermittlung der Einkünfte", pt=11, bold=True)
    writer.rule()
    writer.row("Einkünfte aus nichtselbständiger Arbeit", german_amount(income))
    writer.row("Summe der Einkünfte", german_amount(income), bold=True)
    writer.row("Gesamtbetrag der Einkünfte", german_amount(income), bold=True)
    writer.row("abzüglich Sonderausgaben", german_amount(special))
    writer.row("zu versteuerndes Einkommen", german_amount(taxable))
    writer.rule()
    writer.gap()
    writer.line("Dieser Bescheid ergeht unter dem Vorbehalt der Nachprüfung (§ 164 AO).", pt=9)
    writer.line("Rechtsbehelfsbelehrung: Gegen diesen Bescheid ist der Einspruch zulässig.", pt=9)


def rescue_dog_certificate(person: Person, *, dog_name: str, exam_date: dt.date, seed: int = 0) -> bytes:
    """The certificate of a passed Rettungshundeprüfung for handler and dog: a scanned PDF."""
    writer = Writer()
    writer.line("Rettungshundestaffel Bodensee e. V.", pt=14, bold=True)
    writer.line("Mitglied im Bundesverband Rettungshunde · Seestraße 21 · 78464 Konstanz", pt=8.5)
    writer.y = 60.0
    writer.line("Prüfungsbescheinigung", pt=18, bold=True)
    writer.line("über die bestandene Rettungshundeprüfung", pt=13, bold=True)
    writer.gap(8)
    writer.row("Hundeführer/in", person.full_name)
    writer.row("Anschrift", person.address)
    writer.row("Geburtsdatum", person.birth_date.strftime("%d.%m.%Y"))
    writer.gap()
    writer.row("Name des Hundes", dog_name)
    writer.row("Rasse", "Labrador Retriever")
    writer.row("Chipnummer", "276 098 100 234 567")
    writer.gap()
    writer.row("Sparte", "Flächensuche")
    writer.row("Prüfungsdatum", exam_date.strftime("%d.%m.%Y"))
    writer.row("Ergebnis", "bestanden")
    writer.row("Gültig bis", exam_date.replace(year=exam_date.year + 2).strftime("%d.%m.%Y"))
    writer.gap(8)
    writer.line("Das Team hat die Prüfung nach der Prüfungsordnung des Bundesverbandes abgelegt", pt=10)
    writer.line("und ist für den Einsatz im Katastrophenschutz geeignet.", pt=10)
    writer.gap(20)
    writer.sheet.line([(LEFT, writer.y), (LEFT + 60, writer.y)], width=0.25)
    writer.sheet.line([(RIGHT - 60, writer.y), (RIGHT, writer.y)], width=0.25)
    writer.gap(2)
    writer.sheet.text(LEFT, writer.y, f"Konstanz, {exam_date:%d.%m.%Y}", pt=9)
    writer.sheet.text(RIGHT, writer.y, "Leiter/in der Prüfung", pt=9, align="right")
    writer.sheet.text(RIGHT - 12, 250, "MUSTER", pt=28, bold=True, fill=120, align="right")
    return as_pdf([writer.sheet.image], seed=seed, dpi=DPI)


def pedigree(person: Person, *, dog_name: str, litter_date: dt.date, seed: int = 0) -> bytes:
    """A pedigree (Ahnentafel) with its Zuchtbuch entry and the owner: a scanned PDF."""
    writer = Writer()
    writer.line("Deutscher Retriever Club e. V.", pt=14, bold=True)
    writer.line("Mitglied im Verband für das Deutsche Hundewesen (VDH) · Zuchtbuchamt", pt=8.5)
    writer.y = 60.0
    writer.line("Ahnentafel", pt=18, bold=True)
    writer.line("Auszug aus dem Zuchtbuch", pt=13, bold=True)
    writer.gap(8)
    writer.row("Name des Hundes", f"{dog_name} vom Seerhein")
    writer.row("Rasse", "Labrador Retriever")
    writer.row("Zuchtbuchnummer", "DRC-L 12345/23")
    writer.row("Wurfdatum", litter_date.strftime("%d.%m.%Y"))
    writer.row("Chipnummer", "276 098 100 234 567")
    writer.gap()
    writer.row("Vater", "Arko vom Hegau (DRC-L 10231/19)")
    writer.row("Mutter", "Cira vom Seerhein (DRC-L 10877/20)")
    writer.gap()
    writer.row("Züchter/in", "Zwinger vom Seerhein, Konstanz")
    writer.row("Eigentümer/in", person.full_name)
    writer.row("Anschrift", person.address)
    writer.gap(20)
    writer.sheet.line([(RIGHT - 60, writer.y), (RIGHT, writer.y)], width=0.25)
    writer.gap(2)
    writer.sheet.text(RIGHT, writer.y, "Zuchtbuchamt", pt=9, align="right")
    writer.sheet.text(RIGHT - 12, 250, "MUSTER", pt=28, bold=True, fill=120, align="right")
    return as_pdf([writer.sheet.image], seed=seed, dpi=DPI)
