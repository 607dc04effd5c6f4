"""A clerk imports what other systems export, in the real browser: an agenda pasted from a PDF, a CSV
saved by Excel on German Windows (Windows-1252) and a voting system's JSON export; then takes the
attendance suggested from the named votes. axe-core runs on every page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from rathaus.core.db import open_session
from rathaus.core.security.models import Role, Tenant
from tests.browser.conftest import HOME_TENANT, LiveServer, check_accessibility, log_in
from tests.factories import make_user

pytestmark = [pytest.mark.browser]

CLERK = "protokoll-importe"
PDF_AGENDA = """Stadtrat – Sitzung am 27.03.2025
Öffentlicher Teil
1 Eröffnung der Sitzung, Feststellung der ordnungsgemäßen Ladung und der
Beschlussfähigkeit
5.10 Radverkehrskonzept Innenstadt                         DS0081/25
5.10.1 Änderungsantrag zum Radverkehrskonzept                DS0081/25/2
Seite 1 von 1
Nichtöffentlicher Teil
12 Grundstücksangelegenheiten
"""
EXCEL_CSV = (
    "TOP;Antrag;Name;Fraktion;Stimme\r\n"
    "5.10;Beschlussvorschlag;Florian Bühnemann;SPD;J\r\n"
    "5.10;Beschlussvorschlag;Jürgen Weiß;CDU;N\r\n"
    "5.10;Beschlussvorschlag;Änne Öztürk;GRÜNE;E\r\n"
).encode("cp1252")
EXPORT = {
    "Abstimmungen": [
        {
            "Abstimmung": {
                "Nr": 41,
                "Gegenstand": {
                    "TOP": "5.10.1",
                    "Titel": "Änderungsantrag",
                    "Antrag": "Änderungsantrag DS0081/25/2",
                },
                "Ergebnis": {"Ja": 17, "Nein": 23, "Enthaltung": 2},
                "Einzelstimmen": [
                    {"Name": "Florian Bühnemann", "Fraktion": "SPD", "Stimme": "N"},
                    {"Name": "Jürgen Weiß", "Fraktion": "CDU", "Stimme": "J"},
                    {"Name": "Zoë Schmidt", "Fraktion": "FDP", "Stimme": "O"},
                ],
            }
        }
    ]
}


@pytest.fixture(scope="module")
def clerk(live_server: LiveServer) -> str:
    with open_session(live_server.context.sessions) as session:
        tenant = session.scalars(select(Tenant).where(Tenant.name == HOME_TENANT)).one()
        make_user(session, tenant, CLERK, roles={Role.MINUTES_CLERK})
    return CLERK


def test_clerk_imports_pdf_agenda_excel_csv_and_voting_export(page: Page, clerk: str, tmp_path: Path) -> None:
    log_in(page, clerk)
    page.goto("/protokolle/neu")
    check_accessibility(page)
    page.get_by_label("Sitzung (Pflichtfeld)").fill("Stadtrat März")
    page.get_by_label("Datum (Pflichtfeld)").fill("2025-03-27")
    page.get_by_label("Tagesordnung (Pflichtfeld)").fill(PDF_AGENDA)
    page.get_by_role("button", name="Sitzung anlegen").click()
    expect(page.get_by_role("status")).to_contain_text("wurde angelegt")
    agenda = page.locator("#tagesordnung table")
    expect(agenda).to_contain_text(
        "Eröffnung der Sitzung, Feststellung der ordnungsgemäßen Ladung und der Beschlussfähigkeit"
    )
    expect(agenda.get_by_role("row", name="5.10 Radverkehrskonzept Innenstadt ja DS0081/25")).to_be_visible()
    expect(agenda.get_by_role("row", name="12 Grundstücksangelegenheiten nein")).to_be_visible()
    check_accessibility(page)

    csv_file = tmp_path / "abstimmung.csv"
    csv_file.write_bytes(EXCEL_CSV)
    page.get_by_label("CSV- oder JSON-Datei").set_input_files(csv_file)
    page.get_by_role("button", name="Abstimmungen übernehmen").click()
    expect(page.get_by_role("status")).to_contain_text("1 Abstimmungen wurden übernommen")
    votes = page.locator("#abstimmungen table")
    expect(votes.get_by_role("row").nth(1)).to_contain_text("5.10")
    page.locator("#abstimmungen summary").first.click()
    expect(votes).to_contain_text("Florian Bühnemann: ja")
    expect(votes).to_contain_text("Änne Öztürk: enthaltung")
    expect(page.locator("body")).not_to_contain_text("\ufffd")
    check_accessibility(page)

    json_file = tmp_path / "export.json"
    json_file.write_text(json.dumps(EXPORT, ensure_ascii=False), encoding="utf-8")
    page.get_by_label("CSV- oder JSON-Datei").set_input_files(json_file)
    page.get_by_role("button", name="Abstimmungen übernehmen").click()
    expect(page.get_by_role("status")).to_contain_text("1 Abstimmungen wurden übernommen")
    row = page.locator("#abstimmungen tbody tr").first
    expect(row.locator("td").nth(0)).to_have_text("5.10.1")
    expect(row.locator("td").nth(2)).to_have_text("17")
    expect(row.locator("td").nth(3)).to_have_text("23")
    expect(row.locator("td").nth(4)).to_have_text("2")
    expect(row).to_contain_text("Änderungsantrag DS0081/25/2")

    page.get_by_role("link", name="Anwesenheit aus den namentlichen Abstimmungen vorschlagen").click()
    check_accessibility(page)
    expect(page.get_by_role("row", name="Zoë Schmidt")).to_contain_text("nur „nicht abgestimmt“")
    expect(page.get_by_label("Florian Bühnemann übernehmen")).to_be_checked()
    page.get_by_label("Jürgen Weiß übernehmen").uncheck()
    page.get_by_role("button", name="Ausgewählte übernehmen").click()
    expect(page.get_by_role("status")).to_contain_text("für 1 Person(en) aus den Abstimmungen übernommen")
    attendance = page.locator("#anwesenheit ul")
    expect(attendance).to_contain_text("Florian Bühnemann")
    expect(attendance).not_to_contain_text("Jürgen Weiß")
    check_accessibility(page)
