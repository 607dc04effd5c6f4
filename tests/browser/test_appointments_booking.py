"""A citizen books a Kfz-Zulassung appointment in the browser, confirms it from the mail and cancels it.

The proof of work (ALTCHA) runs for real in chromium, at the lowest difficulty the settings allow; the
fallback wait is set far longer than the test, so the booking only goes through when the widget solved it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from rathaus.appointments.config import AppointmentsSettings
from rathaus.core.db import open_session, utcnow
from rathaus.core.mail import MailSettings
from rathaus.core.security.models import Tenant
from tests import servers
from tests.appointments.office import make_office
from tests.browser.conftest import LiveServer, check_accessibility

pytestmark = pytest.mark.browser
SLUG = "stadt-anfangsort"


@pytest.fixture
def smtp(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[servers.SmtpServer]:
    """Mail through a real SMTP server on loopback; the office with two Kfz services, released from today."""
    with open_session(live_server.context.sessions) as session:
        tenant_id = session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        assert tenant_id is not None
        make_office(session, tenant_id, online=2, now=utcnow())
    with servers.smtp_server() as server:
        settings = live_server.context.settings
        mail = MailSettings(
            host=server.host, port=server.port, security="none", from_address="termine@example.org"
        )
        appointments = AppointmentsSettings(proof_difficulty=1_000, proof_wait_seconds=3_000)
        monkeypatch.setattr(
            live_server.context,
            "settings",
            settings.model_copy(update={"mail": mail, "appointments": appointments}),
        )
        yield server


def _link(server: servers.SmtpServer, index: int, part: str) -> str:
    body = server.messages[index].message().get_body(preferencelist=("plain",)).get_content()
    match = re.search(rf"https?://[^/\s]+(/buerger/{SLUG}/termine/{part}/[A-Za-z0-9_-]+)", body)
    assert match, body
    return match.group(1)


def test_a_citizen_books_confirms_and_cancels_and_the_waiting_list_gets_the_time(
    page: Page, smtp: servers.SmtpServer
) -> None:
    page.goto(f"/buerger/{SLUG}/termine?dienstleistung=10295182")
    expect(page.get_by_role("heading", name="Termin buchen")).to_be_visible()
    expect(page.get_by_label("Zulassung eines Fahrzeugs")).to_be_checked()
    check_accessibility(page)
    page.get_by_role("button", name="Weiter zur Standortwahl").click()

    expect(page.get_by_role("heading", name="Standort wählen")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Kfz-Zulassungsstelle Mitte wählen").click()

    expect(page.get_by_role("heading", name="Tag wählen")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("table").get_by_role("link").first.click()

    expect(page.get_by_role("heading", name="Uhrzeit wählen")).to_be_visible()
    expect(page.get_by_text("Zulassungsbescheinigung Teil II")).to_be_visible()
    check_accessibility(page)
    # the widget solves the proof of work in web workers as soon as the page has loaded
    page.wait_for_function(
        "() => document.querySelector('altcha-widget')?.getState?.() === 'verified'", timeout=60_000
    )
    page.get_by_role("group", name="Freie Uhrzeiten").get_by_role("button").first.click()

    page.wait_for_url(re.compile(r"/termine/buchung/"))
    expect(page.get_by_role("heading", name="Kontaktdaten angeben")).to_be_visible()
    expect(page.get_by_text("Schritt 5 von 5")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Ihr Name").fill("Erika Mustermann")
    page.get_by_label("Ihre E-Mail-Adresse").fill("erika@example.org")
    page.get_by_role("button", name="Weiter: Bestätigungs-E-Mail anfordern").click()

    expect(page.get_by_role("heading", name="Bitte bestätigen Sie Ihren Termin")).to_be_visible()
    check_accessibility(page)
    assert len(smtp.messages) == 1
    assert smtp.messages[0].rcpt_tos == ("erika@example.org",)

    page.goto(_link(smtp, 0, "bestaetigen"))
    check_accessibility(page)
    page.get_by_role("button", name="Termin verbindlich buchen").click()
    expect(page.get_by_text("Status: gebucht")).to_be_visible()
    check_accessibility(page)
    confirmation = smtp.messages[1].message()
    assert confirmation["Subject"].startswith("Bestätigung Ihres Termins T-")
    assert any(part.get_content_type() == "text/calendar" for part in confirmation.iter_attachments())

    _second_citizen_waits(page.context.new_page(), smtp)

    page.get_by_role("link", name="Termin absagen").click()
    expect(page.get_by_role("heading", name="Termin absagen?")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Ja, Termin absagen").click()
    expect(page.get_by_text("Status: storniert")).to_be_visible()
    check_accessibility(page)
    subjects = [message.message()["Subject"] for message in smtp.messages[3:]]
    assert any(subject.startswith("Absage Ihres Termins T-") for subject in subjects), subjects

    # the freed time goes to the waiting list first: the second citizen gets it offered and takes it
    offer = next(i for i, m in enumerate(smtp.messages) if m.rcpt_tos == ("max@example.org",) and i >= 3)
    page.goto(_link(smtp, offer, "warteliste/angebot"))
    expect(page.get_by_role("heading", name="Ein Termin ist für Sie frei geworden")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Termin verbindlich annehmen").click()
    expect(page.get_by_role("heading", name="Ihr Termin ist gebucht")).to_be_visible()
    check_accessibility(page)
    booked = smtp.messages[-1]
    assert booked.rcpt_tos == ("max@example.org",)
    assert booked.message()["Subject"].startswith("Bestätigung Ihres Termins T-")


def _second_citizen_waits(page: Page, smtp: servers.SmtpServer) -> None:
    """Max finds no time he likes and goes on the waiting list for the Zulassung; he confirms his address."""
    page.goto(f"/buerger/{SLUG}/termine?dienstleistung=10295182")
    page.get_by_role("button", name="Weiter zur Standortwahl").click()
    page.get_by_role("link", name="Kfz-Zulassungsstelle Mitte wählen").click()
    page.get_by_role("link", name="Auf die Warteliste setzen lassen").click()
    expect(page.get_by_role("heading", name="Auf die Warteliste")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Ihr Name").fill("Max Mustermann")
    page.get_by_label("Ihre E-Mail-Adresse").fill("max@example.org")
    page.get_by_role("button", name="Auf die Warteliste setzen").click()
    expect(page.get_by_role("heading", name="Bitte bestätigen Sie Ihre E-Mail-Adresse")).to_be_visible()
    check_accessibility(page)
    verify = len(smtp.messages) - 1
    assert smtp.messages[verify].rcpt_tos == ("max@example.org",)
    page.goto(_link(smtp, verify, "warteliste/bestaetigen"))
    check_accessibility(page)
    page.get_by_role("button", name="E-Mail-Adresse bestätigen").click()
    check_accessibility(page)
    page.close()


@pytest.fixture
def no_js_page(
    no_js_context: BrowserContext,
    smtp: servers.SmtpServer,
    live_server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Page:
    """A page without JavaScript; the form may be sent 2 seconds after it was loaded."""
    settings = live_server.context.settings
    appointments = AppointmentsSettings(proof_difficulty=1_000, proof_wait_seconds=2)
    monkeypatch.setattr(
        live_server.context, "settings", settings.model_copy(update={"appointments": appointments})
    )
    return no_js_context.new_page()


def test_without_javascript_the_citizen_only_waits_a_moment(no_js_page: Page) -> None:
    page = no_js_page
    page.goto(f"/buerger/{SLUG}/termine?dienstleistung=10242339")
    page.get_by_role("button", name="Weiter zur Standortwahl").click()
    page.get_by_role("link", name="Kfz-Zulassungsstelle Mitte wählen").click()
    page.get_by_role("table").get_by_role("link").first.click()
    assert "erst 2 Sekunden nach dem Laden" in " ".join(page.content().split())
    page.get_by_role("group", name="Freie Uhrzeiten").get_by_role("button").first.click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte warten Sie noch")
    page.wait_for_timeout(2_500)  # the wait goes on from the first load, it does not start again
    page.get_by_role("group", name="Freie Uhrzeiten").get_by_role("button").first.click()
    expect(page.get_by_role("heading", name="Kontaktdaten angeben")).to_be_visible()
