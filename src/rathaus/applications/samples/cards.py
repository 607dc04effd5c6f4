"""Cards in credit-card format (ID card, disability card, Sozialpass), front and back on one scanned copy.

Each card is marked "MUSTER". Both sides are laid on a white scanner bed at 300 dpi, aged like a copy
and stored as a JPEG, as citizens send them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rathaus.applications.samples.canvas import Sheet, as_jpeg

if TYPE_CHECKING:
    from PIL import Image

    from rathaus.applications.samples.person import Person

CARD_MM = (85.6, 54.0)  # ISO/IEC 7810 ID-1
DPI = 300
CARD_PAPER = 232  # the card, a shade darker than the scanner bed around it
MARGIN = 5.5  # text keeps clear of the card's edge
VALUE_PT = 11.5  # larger than on a real card: Tesseract reads 7 as 1 in smaller DejaVu
PATTERN = 231  # the fine security lines, light enough for OCR to pass over


@dataclass(frozen=True)
class Side:
    """One side of a card: title lines, then labelled values in a column, then free lines below."""

    titles: Sequence[tuple[str, float]]  # (text, pt), bold
    fields: Sequence[tuple[str, str]] = ()  # (label, value)
    lines: Sequence[str] = ()  # free text under the fields
    mono: Sequence[str] = field(default=())  # machine-readable zone at the bottom
    photo: bool = False
    stamp_y: float = 3.0  # where "MUSTER" stands (mm from the top, flush right), clear of the values


def _date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _pattern(sheet: Sheet) -> None:
    """Wavy security lines across the card, in a light grey."""
    import math  # noqa: PLC0415

    width, height = CARD_MM
    for row in range(0, int(height), 4):
        points = [(x / 2, row + 0.8 * math.sin(x / 6 + row)) for x in range(int(width * 2) + 1)]
        sheet.line(points, fill=PATTERN, width=0.12)


def _side(side: Side) -> Image.Image:
    sheet = Sheet(*CARD_MM, dpi=DPI, background=CARD_PAPER)
    _pattern(sheet)
    y = 3.0
    for text, pt in side.titles:
        sheet.text(MARGIN, y, text, pt=pt, bold=True)
        y += pt * 0.42 + 0.8
    sheet.text(CARD_MM[0] - MARGIN, side.stamp_y, "MUSTER", pt=13, bold=True, fill=95, align="right")
    left = MARGIN
    if side.photo:
        sheet.rect(4, y + 1, 21, 27, outline=80, fill=200)
        sheet.draw.ellipse(_box(sheet, 9.5, y + 4, 10, 12), fill=150)
        sheet.draw.chord(_box(sheet, 6, y + 16, 17, 20), 180, 360, fill=150)
        left = 28.0
    y += 1.5
    for label, value in side.fields:
        sheet.text(left, y, label, pt=6.5, fill=60)
        sheet.text(left, y + 3.3, value, pt=VALUE_PT, bold=True)
        y += 8.0
    for text in side.lines:
        sheet.text(left, y, text, pt=8)
        y += 4.2
    for number, text in enumerate(side.mono):
        sheet.text(MARGIN, CARD_MM[1] - 4.5 * (len(side.mono) - number) - 1, text, pt=9, family="mono")
    return sheet.image


def _box(sheet: Sheet, x: float, y: float, w: float, h: float) -> tuple[int, int, int, int]:
    return sheet.px(x), sheet.px(y), sheet.px(x + w), sheet.px(y + h)


def scanned_card(sides: Sequence[Side], *, seed: int, noise: float = 0.05) -> bytes:
    """Both sides, one under the other, on a copy of the scanner bed: a JPEG at 300 dpi."""
    gap, margin = 10.0, 9.0
    bed = Sheet(
        CARD_MM[0] + 2 * margin, margin * 2 + len(sides) * CARD_MM[1] + gap * (len(sides) - 1), dpi=DPI
    )
    for number, side in enumerate(sides):
        bed.paste(_side(side), margin, margin + number * (CARD_MM[1] + gap))
    return as_jpeg(bed.image, seed=seed, dpi=DPI, noise=noise, tilt=0.5, speckles=0.25, quality=85)


def _mrz_name(person: Person) -> str:
    def plain(text: str) -> str:
        spelt = text.upper().replace("Ä", "AE").replace("Ö", "OE").replace("Ü", "UE").replace("ß", "SS")
        return "".join(char if char.isalpha() else "<" for char in spelt)

    return f"{plain(person.family_name)}<<{plain(person.given_name)}".ljust(30, "<")[:30]


def id_card(person: Person, *, seed: int = 0, issued: dt.date = dt.date(2021, 3, 1)) -> bytes:
    """A German ID card ("MUSTER"): name and birth date in front, the address on the back (JPEG)."""
    valid_until = issued.replace(year=issued.year + 10)
    front = Side(
        titles=(
            ("BUNDESREPUBLIK DEUTSCHLAND", 8.0),
            ("FEDERAL REPUBLIC OF GERMANY", 5.5),
            ("PERSONALAUSWEIS", 10.0),
            ("IDENTITY CARD / CARTE D'IDENTITÉ", 6.0),
        ),
        fields=(
            ("Name / Surname / Nom", person.family_name.upper()),
            ("Vornamen / Given names / Prénoms", person.given_name.upper()),
            ("Geburtsdatum / Date of birth", _date(person.birth_date)),
        ),
        lines=(f"Gültig bis {_date(valid_until)}",),
        photo=True,
    )
    birth = person.birth_date.strftime("%y%m%d")
    back = Side(
        titles=(("Anschrift / Address / Adresse", 6.5),),
        fields=(
            ("", f"{person.postcode} {person.city.upper()}"),
            ("", f"{person.street} {person.house_number}".upper()),
        ),
        lines=(
            "Staatsangehörigkeit: DEUTSCH",
            f"Ausgestellt am {_date(issued)}",
            f"Behörde: STADT {person.city.upper()}",
        ),
        stamp_y=31.0,
        mono=(
            "IDD<<L01X00T471<<<<<<<<<<<<<<<",
            f"{birth}1<{valid_until:%y%m%d}8D<<<<<<<<<<<<<4",
            _mrz_name(person),
        ),
    )
    return scanned_card((front, back), seed=seed)


def disability_card(
    person: Person,
    marks: Sequence[str],
    *,
    degree: int = 80,
    seed: int = 0,
    valid_until: dt.date | None = None,
) -> bytes:
    """A Schwerbehindertenausweis ("MUSTER") with the degree of disability and the Merkzeichen (JPEG)."""
    until = valid_until or dt.date(2030, 12, 31)
    front = Side(
        titles=(("Schwerbehindertenausweis", 10.0), ("Grad der Behinderung und Merkzeichen", 6.5)),
        fields=(
            ("Name", person.family_name.upper()),
            ("Vorname", person.given_name.upper()),
            ("Geburtsdatum", _date(person.birth_date)),
            ("GdB / Merkzeichen", f"{degree}   {' '.join(marks) or '-'}"),
        ),
        photo=True,
    )
    back = Side(
        titles=(("Landratsamt Konstanz - Versorgungsamt", 7.5),),
        fields=(("Merkzeichen", " ".join(marks) or "keine"), ("Gültig bis", _date(until))),
        lines=("Aktenzeichen 35-1234/567", "Der Ausweis ist nur mit Lichtbild gültig."),
        stamp_y=CARD_MM[1] - 9,
    )
    return scanned_card((front, back), seed=seed)


def social_pass(person: Person, valid_until: dt.date, *, seed: int = 0) -> bytes:
    """The city's Sozialpass ("MUSTER") with name, address and validity (JPEG)."""
    front = Side(
        titles=((f"Stadt {person.city}", 8.0), ("SOZIALPASS", 11.0)),
        fields=(
            ("Name, Vorname", f"{person.family_name}, {person.given_name}"),
            ("Geburtsdatum", _date(person.birth_date)),
            ("Gültig bis", _date(valid_until)),
        ),
        photo=True,
    )
    back = Side(
        titles=(("Anschrift", 7.0),),
        fields=(("", person.street_line), ("", person.city_line)),
        lines=(
            "Berechtigt zu Ermäßigungen bei städtischen",
            "Einrichtungen (Bürgergeld, Grundsicherung,",
            "Wohngeld). Nur mit Lichtbildausweis gültig.",
            "Pass-Nr. SP-2026-04711",
        ),
        stamp_y=CARD_MM[1] - 9,
    )
    return scanned_card((front, back), seed=seed)
