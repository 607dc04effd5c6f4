"""The filing plan import reads Excel's Windows-1252 CSV without garbling and refuses what it cannot read."""

from __future__ import annotations

import pytest

from rathaus.inbox.filing import PlanImportError, parse_plan


def test_excel_csv_in_windows_1252() -> None:
    data = (
        "Kennzeichen;Titel;Amt\r\n"
        "32.10;Gewerbeangelegenheiten;Ordnungsamt\r\n"
        "61.20;Bauanträge – Prüfung;Bauaufsicht\r\n"
        "66.30;Straßenbau;Tiefbauamt\r\n"
    )
    rows = parse_plan(data=data.encode("cp1252"), filename="aktenplan.csv")
    assert [(row.number, row.title, row.org_unit) for row in rows] == [
        ("32.10", "Gewerbeangelegenheiten", "Ordnungsamt"),
        ("61.20", "Bauanträge – Prüfung", "Bauaufsicht"),
        ("66.30", "Straßenbau", "Tiefbauamt"),
    ]


def test_binary_file_is_refused_in_german() -> None:
    with pytest.raises(PlanImportError, match="keine Textdatei"):
        parse_plan(data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00", filename="aktenplan.xls")
