"""axe-core on the type pages; a refused rule and a Probelauf, as a person does them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rathaus.applications import catalog
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.security.models import Tenant
from tests.browser.conftest import LiveServer, check_accessibility

pytestmark = pytest.mark.browser
BASE = "/antraege/verwaltung"


@pytest.fixture
def types_installed(live_server: LiveServer) -> None:
    with open_session(live_server.context.sessions) as platform:
        tenant_id = platform.query(Tenant.id).filter_by(slug="stadt-anfangsort").scalar()
    with open_session(live_server.context.sessions, tenant_id=tenant_id) as session:
        catalog.install_shipped(session=session, actor=Actor.system("test"))


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        (BASE, "Antragstypen"),
        (f"{BASE}/hundesteuer/1", "Anmeldung zur Hundesteuer"),
        (f"{BASE}/sondernutzung/1", "Antrag auf Sondernutzungserlaubnis"),
        (f"{BASE}/hundesteuer/1/bearbeiten", "Neue Version von"),
        (f"{BASE}/hundesteuer/1/felder/rasse_liste", "Feld „rasse_liste“ bearbeiten"),
        (f"{BASE}/hundesteuer/1/regeln/neu", "Regel hinzufügen"),
        (f"{BASE}/kita-ermaessigung/1/probelauf", "Probelauf"),
    ],
)
def test_type_pages_are_accessible(admin_page: Page, types_installed: None, path: str, heading: str) -> None:
    response = admin_page.goto(path)
    assert response is not None
    assert response.status == 200
    expect(admin_page.get_by_role("heading", level=1)).to_contain_text(heading)
    check_accessibility(admin_page)


def test_a_rule_naming_an_unknown_field_is_refused_and_a_probelauf_finds_the_kangal(
    admin_page: Page, types_installed: None
) -> None:
    page = admin_page
    page.goto(f"{BASE}/hundesteuer/1/regeln/neu")
    page.get_by_label("Kennung").fill("hst.kangal")
    page.get_by_label("Titel").fill("Kein Kangal")
    page.get_by_label("Paragraph").fill("§ 5 Abs. 1 HStS")
    page.get_by_label("Prüfung (was gelten muss)").fill('hunderasse != "Kangal"')
    page.get_by_label("Meldung").fill("Ein Kangal.")
    page.get_by_role("button", name="Regel speichern (neue Version)").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Die Regel „hst.kangal“ verweist auf das Feld „hunderasse“, das es in diesem Antragstyp nicht gibt."
    )
    expect(page.get_by_label("Prüfung (was gelten muss)")).to_have_value('hunderasse != "Kangal"')
    check_accessibility(page)
    page.goto(f"{BASE}/hundesteuer/1/probelauf")
    page.get_by_label("Der Hund gehört zu einer Rasse").check()
    page.get_by_label("Welche Rasse nach der Polizeiverordnung?").select_option("Kangal")
    page.get_by_label("Beantragen Sie eine Steuervergünstigung?").select_option("befreiung_rettungshund")
    page.get_by_role("button", name="Probelauf starten").click()
    row = page.get_by_role("row", name="Keine Befreiung für gefährliche Hunde")
    expect(row).to_contain_text("§ 6 Abs. 2 HStS")
    check_accessibility(page)
