"""axe-core on the Terminvergabe's administration, statistics and planning pages, with a small office."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rathaus.appointments.models import Location
from rathaus.core.db import open_session, utcnow
from rathaus.core.security.models import Tenant
from tests.appointments.office import make_office
from tests.browser.conftest import LiveServer, check_accessibility

pytestmark = pytest.mark.browser


@pytest.fixture
def location_id(live_server: LiveServer) -> int:
    with open_session(live_server.context.sessions) as session:
        tenant = session.query(Tenant).filter_by(slug="stadt-anfangsort").one()
        office = make_office(session, tenant.id, online=2, walk_in=1, now=utcnow())
        location: Location = office.location
        return location.id


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/termine/verwaltung", "Dienstleistungen und Standorte"),
        ("/termine/statistik", "Statistik der Terminvergabe"),
        ("/termine/planung", "Planung"),
    ],
)
def test_admin_pages_are_accessible(admin_page: Page, location_id: int, path: str, heading: str) -> None:
    response = admin_page.goto(path)
    assert response is not None
    assert response.status == 200
    expect(admin_page.get_by_role("heading", level=1)).to_contain_text(heading)
    check_accessibility(admin_page)


def test_hours_form_with_errors_and_plans_are_accessible(admin_page: Page, location_id: int) -> None:
    admin_page.goto(f"/termine/verwaltung/standorte/{location_id}")
    check_accessibility(admin_page)
    admin_page.get_by_label("Montag, Zeile 1: Ende").fill("07:00")
    admin_page.get_by_role("button", name="Öffnungszeiten speichern").click()
    expect(admin_page.get_by_role("alert")).to_contain_text("muss vor dem Ende (07:00) liegen")
    check_accessibility(admin_page)
    admin_page.goto("/termine/planung")
    admin_page.get_by_role("button", name="Vorschlag neu berechnen").click()
    expect(admin_page.get_by_text("Der Vorschlag ist neu berechnet")).to_be_visible()
    check_accessibility(admin_page)
