"""A Lageplan for a Sondernutzung: street, pavement, the building, the marked area with its measures,
north arrow, scale bar and a title block, drawn to scale on A4 and scanned (PDF, 200 dpi)."""

from __future__ import annotations

import re
from decimal import Decimal

from rathaus.applications.samples.canvas import A4_MM, Sheet, as_pdf

DPI = 200
SCALES = (100, 200, 250, 500)  # 1:n, the smallest that fits the drawing is used
DRAWING = (25.0, 40.0, 160.0, 150.0)  # x, y, width, height of the drawing area in mm
STREET_M, PAVEMENT_M, BUILDING_M = 7.0, 3.5, 10.0
HATCH = 110


def _m(value: float) -> str:
    return f"{Decimal(str(value)).quantize(Decimal('0.01'))}".replace(".", ",") + " m"


def _street_of(address: str) -> tuple[str, str, str]:
    """ "Marktstätte 4, 78462 Konstanz" → ("Marktstätte", "4", "Konstanz")."""
    first, _, rest = address.partition(",")
    found = re.match(r"^(.*?)\s+(\d+\s*[a-zA-Z]?)$", first.strip())
    street, number = (found.group(1), found.group(2)) if found else (first.strip(), "")
    city = re.sub(r"^\s*\d{5}\s*", "", rest).strip()
    return street, number, city


def site_plan(address: str, *, width_m: float, depth_m: float, use: str, seed: int = 0) -> bytes:
    """A Lageplan of the area ``width_m`` × ``depth_m`` (along × into the street) in front of ``address``."""
    street, number, city = _street_of(address)
    world_w = max(width_m + 12.0, 24.0)
    world_h = STREET_M + PAVEMENT_M + BUILDING_M
    scale = next(
        (n for n in SCALES if world_w * 1000 / n <= DRAWING[2] and world_h * 1000 / n <= DRAWING[3]), 500
    )
    sheet = Sheet(*A4_MM, dpi=DPI)
    x0, y0 = DRAWING[0], DRAWING[1]

    def mm(metres: float) -> float:
        return metres * 1000 / scale

    sheet.text(x0, 18, "Lageplan", pt=20, bold=True)
    sheet.text(x0, 28, "zum Antrag auf Sondernutzungserlaubnis", pt=11)
    # building, pavement and street from the top down
    building_y, pavement_y = y0, y0 + mm(BUILDING_M)
    street_y = pavement_y + mm(PAVEMENT_M)
    sheet.rect(x0 + mm(4), building_y, mm(world_w - 8), mm(BUILDING_M) - mm(1), line=0.5)
    sheet.text(
        x0 + mm(world_w / 2),
        building_y + mm(BUILDING_M / 2) - 3,
        f"Gebäude Nr. {number}",
        pt=10,
        align="center",
    )
    sheet.line([(x0, pavement_y), (x0 + mm(world_w), pavement_y)], width=0.35)
    sheet.line([(x0, street_y), (x0 + mm(world_w), street_y)], width=0.5)
    sheet.line([(x0, street_y + mm(STREET_M)), (x0 + mm(world_w), street_y + mm(STREET_M))], width=0.5)
    sheet.text(x0 + 3, street_y + mm(STREET_M) / 2 + 1, street, pt=12, bold=True)
    # the marked area: on the pavement, reaching into the street where it is deeper
    area_x, area_y = x0 + mm((world_w - width_m) / 2), pavement_y + mm(0.5)
    _hatched(sheet, area_x, area_y, mm(width_m), mm(depth_m))
    _label(sheet, area_x + mm(width_m) / 2, area_y - 5.5, _m(width_m), align="center")
    _label(sheet, area_x + mm(width_m) + 3, area_y + mm(depth_m) / 2 - 2, _m(depth_m))
    _label(sheet, x0 + 3, pavement_y + mm(PAVEMENT_M) / 2 - 2, "Gehweg")
    _north_arrow(sheet, DRAWING[0] + DRAWING[2] - 8, 14)
    _scale_bar(sheet, x0, DRAWING[1] + DRAWING[3] + 4, scale)
    _title_block(sheet, address, city, use, width_m, depth_m, scale)
    return as_pdf([sheet.image], seed=seed, dpi=DPI)


def _label(sheet: Sheet, x: float, y: float, text: str, *, align: str = "left") -> None:
    """A measure or a name on a white ground, so that no line of the drawing runs through it."""
    width = sheet.font(9).getlength(text) / sheet.dpi * 25.4
    left = x - (width / 2 if align == "center" else 0)
    sheet.rect(left - 0.8, y - 0.3, width + 1.6, 4.2, outline=None, fill=255)
    sheet.text(left, y, text, pt=9)


def _hatched(sheet: Sheet, x: float, y: float, w: float, h: float) -> None:
    sheet.rect(x, y, w, h, outline=0, line=0.6)
    step = 2.5
    offset = 0.0
    while offset < w + h:
        start = (x + min(offset, w), y + max(0.0, offset - w))
        end = (x + max(0.0, offset - h), y + min(offset, h))
        sheet.line([start, end], fill=HATCH, width=0.2)
        offset += step


def _north_arrow(sheet: Sheet, x: float, y: float) -> None:
    sheet.draw.polygon(
        [(sheet.px(x), sheet.px(y)), (sheet.px(x - 3), sheet.px(y + 12)), (sheet.px(x), sheet.px(y + 9))],
        fill=0,
    )
    sheet.draw.polygon(
        [(sheet.px(x), sheet.px(y)), (sheet.px(x + 3), sheet.px(y + 12)), (sheet.px(x), sheet.px(y + 9))],
        outline=0,
    )
    sheet.text(x, y + 13, "N", pt=12, bold=True, align="center")


def _scale_bar(sheet: Sheet, x: float, y: float, scale: int) -> None:
    metres = 10 if scale <= 250 else 20
    length = metres * 1000 / scale
    for part in range(5):
        fill = 0 if part % 2 == 0 else 255
        sheet.rect(x + part * length / 5, y, length / 5, 2, outline=0, fill=fill, line=0.2)
    sheet.text(x, y + 3, "0", pt=8)
    sheet.text(x + length, y + 3, f"{metres} m", pt=8, align="center")


def _title_block(
    sheet: Sheet, address: str, city: str, use: str, width_m: float, depth_m: float, scale: int
) -> None:
    top = 215.0
    sheet.rect(25, top, 160, 55, line=0.4)
    area = Decimal(str(width_m)) * Decimal(str(depth_m))
    rows = (
        ("Ort der Sondernutzung", address),
        ("Art der Nutzung", use),
        ("Sondernutzungsfläche", f"{_m(width_m)} × {_m(depth_m)} = {_m(float(area))}²"),
        ("Maßstab", f"1:{scale}"),
        ("Gemarkung / Flurstück", f"{city or 'Konstanz'}, Flurstück 1234/5"),
    )
    y = top + 4
    for label, value in rows:
        sheet.text(29, y, label, pt=10)
        sheet.text(85, y, value, pt=10, bold=True)
        y += 7
    sheet.text(29, top + 44, "Datum, Unterschrift: ______________________", pt=10)
