"""The counter of the Terminvergabe in the browser, without JavaScript: every staff page passes axe-core.

A caseworker books a citizen by phone, adds a walk-in into the next gap, checks the citizen in and
closes the next day after the confirmation step. The clock of the staff pages is set to a Tuesday
morning, so the test does not depend on the weekday it runs on.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from rathaus.appointments.models import Booking
from rathaus.appointments.times import to_utc
from rathaus.appointments.web import staff_common
from rathaus.core.db import open_session
from rathaus.core.security.models import Role, Tenant
from tests.appointments.office import NOW, TUESDAY, make_office
from tests.browser.conftest import HOME_TENANT, LiveServer, _new_context, check_accessibility, log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser
CASEWORKER = "sb-termine"
CLOCK = to_utc(dt.datetime.combine(TUESDAY, dt.time(8, 5)))


def _office(live_server: LiveServer) -> tuple[int, int]:
    with open_session(live_server.context.sessions) as session:
        tenant = session.query(Tenant).filter_by(name=HOME_TENANT).one()
        office = make_office(session, tenant.id, online=1, walk_in=1, now=NOW)
        make_user(session, tenant, CASEWORKER, roles={Role.CASEWORKER})
        session.flush()
        return office.location.id, office.registration.id


def _booking_id(live_server: LiveServer, name: str) -> int:
    with open_session(live_server.context.sessions) as session:
        return session.scalars(select(Booking.id).where(Booking.name == name)).one()


def test_a_caseworker_runs_the_counter_without_javascript(
    browser: Browser, live_server: LiveServer, axe_source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_common, "utcnow", lambda: CLOCK)
    location_id, service_id = _office(live_server)
    # axe-core needs JavaScript; the flow itself runs in a context without it
    checker = _new_context(browser, live_server, axe_source).new_page()
    log_in(checker, CASEWORKER)
    context = _new_context(browser, live_server, axe_source, java_script_enabled=False)
    page: Page = context.new_page()
    log_in(page, CASEWORKER)

    page.goto("/termine")
    expect(page.get_by_role("heading", level=1)).to_have_text("Terminvergabe")
    page.get_by_role("link", name="Tag Kfz-Zulassungsstelle Mitte").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dienstag, 2. Februar 2027")

    page.get_by_role("link", name="Termin für eine Person buchen").click()
    page.get_by_label("Zulassung eines Fahrzeugs (20 Min.) – Anzahl").select_option("1")
    page.get_by_role("button", name="Freie Zeiten zeigen").click()
    page.get_by_label("Beginn").select_option("09:00")
    page.get_by_label("Name").fill("Erika Schalterkundin")
    page.get_by_role("button", name="Termin buchen").click()
    expect(page.get_by_role("status")).to_contain_text("um 09:00 Uhr gebucht")

    page.get_by_label("Außerbetriebsetzung eines Fahrzeugs (10 Min.) – Anzahl").select_option("1")
    page.get_by_role("button", name="In die nächste Lücke eintragen").click()
    expect(page.get_by_role("status")).to_contain_text("08:10 Uhr, angemeldet")

    reference = (
        page.locator("table.day-bookings tbody tr", has_text="Erika Schalterkundin")
        .locator("th")
        .inner_text()
    )
    page.get_by_role("button", name=f"Anmelden {reference}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{reference} ist angemeldet.")

    page.get_by_role("link", name="Diesen Tag schließen").click()
    page.get_by_label("Tag").fill("2027-02-03")
    page.get_by_label("Grund").fill("Betriebsversammlung")
    page.get_by_role("button", name="Weiter: betroffene Termine prüfen").click()
    expect(page.locator("#betroffen")).to_contain_text("0 Termine sind betroffen")
    page.get_by_role("button", name=re.compile("Schließen und 0 Termine absagen")).click()
    expect(page.get_by_role("status")).to_contain_text("ist am Mittwoch, 3. Februar 2027 geschlossen")

    booking_links = page.get_by_role("link", name=re.compile(f"Umbuchen {reference}"))
    expect(booking_links).to_have_count(0)  # checked in: no rebooking any more
    phoned = _booking_id(live_server, "Erika Schalterkundin")
    for path in (
        "/termine",
        f"/termine/tag?standort={location_id}&datum=2027-02-02",
        f"/termine/woche?standort={location_id}&datum=2027-02-02",
        f"/termine/spontan?standort={location_id}&menge-{service_id}=1",
        f"/termine/buchen?standort={location_id}&datum=2027-02-04&menge-{service_id}=1",
        f"/termine/buchungen/{phoned}/umbuchen?datum=2027-02-04",
        f"/termine/buchungen/{phoned}/absagen",
        "/termine/schliessen",
    ):
        response = checker.goto(path)
        assert response is not None
        assert response.status == 200, path
        check_accessibility(checker)
    context.close()
