"""Agendas pasted from a PDF or copied from a table (real patterns of council information systems)."""

from __future__ import annotations

import pytest

from rathaus.minutes.agenda import MinutesInputError, parse_agenda, parse_attendees

# Copied from the PDF of an invitation: letterhead, section headings, wrapped titles, references in a
# right-hand column, page marks and the repeated page header.
PDF_PASTE = """Stadtrat – Sitzung am 27.03.2025
Tagesordnung
Öffentlicher Teil
1 Eröffnung der Sitzung, Feststellung der ordnungsgemäßen Ladung und der
Beschlussfähigkeit
2 Bestätigung der Tagesordnung
5.10 Radverkehrskonzept Innenstadt – Fortschreibung 2025 bis           DS0081/25
2030
5.10.1 Änderungsantrag der Fraktion im Stadtrat zum                     DS0081/25/2
Radverkehrskonzept
Seite 1 von 2
Stadtrat – Sitzung am 27.03.2025
6 Bebauungsplan „Am Mühlbach“ (Vorlage 2025/0441)
Stadtrat – Sitzung am 27.03.2025
Nichtöffentlicher Teil
12 Grundstücksangelegenheiten
13 Personalangelegenheiten
Seite 2 von 2
"""


def test_pdf_paste_wrapped_titles_headings_and_page_marks() -> None:
    entries = parse_agenda(PDF_PASTE)
    assert [(e.number, e.title, e.public, e.paper_reference) for e in entries] == [
        (
            "1",
            "Eröffnung der Sitzung, Feststellung der ordnungsgemäßen Ladung und der Beschlussfähigkeit",
            True,
            None,
        ),
        ("2", "Bestätigung der Tagesordnung", True, None),
        ("5.10", "Radverkehrskonzept Innenstadt – Fortschreibung 2025 bis 2030", True, "DS0081/25"),
        ("5.10.1", "Änderungsantrag der Fraktion im Stadtrat zum Radverkehrskonzept", True, "DS0081/25/2"),
        ("6", "Bebauungsplan „Am Mühlbach“", True, "2025/0441"),
        ("12", "Grundstücksangelegenheiten", False, None),
        ("13", "Personalangelegenheiten", False, None),
    ]


def test_tab_separated_table_with_a_reference_column() -> None:
    table = (
        "TOP\tBetreff\tDrucksache\n"
        "Ö 1\tEröffnung der Sitzung\t\n"
        "Ö 4\tHaushaltssatzung 2026\t0441/25\n"
        "N 9\tVergabe Schulsanierung\tDS 0102/25\n"
    )
    assert [(e.number, e.title, e.public, e.paper_reference) for e in parse_agenda(table)] == [
        ("1", "Eröffnung der Sitzung", True, None),
        ("4", "Haushaltssatzung 2026", True, "0441/25"),
        ("9", "Vergabe Schulsanierung", False, "DS 0102/25"),
    ]


def test_tab_separated_rows_without_header_are_read_by_content() -> None:
    rows = "3\t2023/0597\tSanierung der Stadthalle\n4\tMitteilungen\n"
    assert [(e.number, e.title, e.paper_reference) for e in parse_agenda(rows)] == [
        ("3", "Sanierung der Stadthalle", "2023/0597"),
        ("4", "Mitteilungen", None),
    ]


def test_typed_agenda_still_works_and_dates_are_no_items() -> None:
    entries = parse_agenda("Sitzung vom\n27.03.2025\nTOP 1: Eröffnung\nN 2 Personalsache\n")
    assert [(e.number, e.title, e.public) for e in entries] == [
        ("1", "Eröffnung", True),
        ("2", "Personalsache", False),
    ]


def test_text_without_any_numbered_line_is_refused() -> None:
    with pytest.raises(MinutesInputError, match=r"Keine Zeile.*Zeile 1 \(„Eröffnung“\)"):
        parse_agenda("Eröffnung\nBestätigung der Tagesordnung\n")


def test_text_copied_from_a_garbled_source_is_refused() -> None:
    with pytest.raises(MinutesInputError, match=r"Die Tagesordnung enthält bereits unlesbare Zeichen"):
        parse_agenda("1 Er\ufffdffnung\n")
    with pytest.raises(
        MinutesInputError, match=r"Die Anwesenheitsliste enthält bereits unlesbare Zeichen.*B\ufffdhnemann"
    ):
        parse_attendees("Florian B\ufffdhnemann; SPD\n")
