"""A citizen fills in the Hundesteuer form in the browser, uploads a proof and submits; axe on every page.

Once with JavaScript (the conditional field appears as soon as the choice is made, the live check shows
the server's message next to the field) and once without (the field appears after the step is saved).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from rathaus.applications.catalog import install_shipped
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.security.models import Tenant
from tests.applications.web.flow import tiny_pdf
from tests.browser.conftest import LiveServer, check_accessibility

pytestmark = pytest.mark.browser
BASE = "/buerger/stadt-anfangsort/antraege"


@pytest.fixture
def types(live_server: LiveServer) -> None:
    with open_session(live_server.context.sessions) as session:
        tenant_id = session.scalar(select(Tenant.id).where(Tenant.slug == "stadt-anfangsort"))
        assert tenant_id is not None
    with open_session(live_server.context.sessions, tenant_id=tenant_id) as session:
        install_shipped(session=session, actor=Actor.system("test"))


def _axe(page: Page, script: bool) -> None:
    """axe-core runs in the page, so only with JavaScript; the run without it checks the flow."""
    if script:
        check_accessibility(page)


def _person(page: Page, *, script: bool) -> None:
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Mustermann")
    page.get_by_label("Geburtsdatum").fill("1975-08-12")
    page.get_by_label("Straße").fill("Marktstätte")
    page.get_by_label("Hausnummer").fill("5")
    page.get_by_label("Postleitzahl").fill("7846")
    if script:  # the live check shows the server's message at the field
        page.get_by_label("Ort").focus()
        expect(page.locator("#feld-plz-fehler")).to_have_text("Bitte prüfen Sie die Schreibweise.")
    page.get_by_label("Postleitzahl").fill("78462")
    page.get_by_label("Ort").fill("Konstanz")
    _axe(page, script)
    page.get_by_role("button", name="Speichern und weiter").click()


def _dog(page: Page, *, script: bool) -> None:
    expect(page.get_by_text("Schritt 2 von 6")).to_be_visible()
    page.get_by_label("Name des Hundes").fill("Bello")
    page.get_by_label("Rasse oder Kreuzung").fill("Labrador-Mischling")
    page.get_by_label("Geburtsdatum des Hundes").fill("2024-03-01")
    page.get_by_label("Seit wann halten Sie den Hund?").fill("2024-06-01")
    page.get_by_label("Wie viele andere Hunde").fill("0")
    _axe(page, script)
    page.get_by_role("button", name="Speichern und weiter").click()


def _relief(page: Page, *, script: bool) -> None:
    proof_date = page.get_by_label("Datum der bestandenen Rettungshundeprüfung")
    expect(proof_date).to_be_hidden()
    page.get_by_label("Befreiung: geprüfter Rettungshund").check()
    if not script:
        page.get_by_role("button", name="Speichern und weiter").click()
        expect(page.get_by_text("weitere Felder hinzugekommen")).to_be_visible()
    expect(proof_date).to_be_visible()
    proof_date.fill("2025-05-10")
    _axe(page, script)
    page.get_by_role("button", name="Speichern und weiter").click()


def _finish(page: Page, *, script: bool) -> str:
    page.get_by_label("Ich versichere").check()
    _axe(page, script)
    page.get_by_role("button", name="Speichern und weiter").click()
    expect(page.get_by_role("heading", name=re.compile("Nachweise hochladen"))).to_be_visible()
    _axe(page, script)
    page.get_by_label("Datei für „Nachweis der Rettungshundeprüfung“ auswählen").set_input_files(
        {"name": "pruefung.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf("Rettungshundeprüfung")}
    )
    page.get_by_role("button", name="Hochladen: Nachweis der Rettungshundeprüfung").click()
    expect(page.get_by_text("„pruefung.pdf“ wurde hochgeladen.")).to_be_visible()
    _axe(page, script)
    page.get_by_role("link", name="Weiter zur Zusammenfassung").click()
    expect(page.get_by_text("Labrador-Mischling")).to_be_visible()
    _axe(page, script)
    page.get_by_role("button", name="Antrag verbindlich absenden").click()
    heading = page.get_by_role("heading", name=re.compile(r"Ihr Antrag HST-\d{4}-\d{5}"))
    expect(heading).to_be_visible()
    _axe(page, script)
    reference = re.search(r"HST-\d{4}-\d{5}", heading.inner_text())
    assert reference is not None
    return reference.group(0)


def _walk(page: Page, *, script: bool) -> str:
    page.goto(BASE)
    _axe(page, script)
    page.get_by_role("link", name="Anmeldung zur Hundesteuer").click()
    _axe(page, script)
    page.get_by_role("button", name="Antrag beginnen").click()
    _person(page, script=script)
    _dog(page, script=script)
    _relief(page, script=script)
    return _finish(page, script=script)


def test_a_citizen_submits_the_hundesteuer_form(page: Page, types: None) -> None:
    reference = _walk(page, script=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Eingangsbestätigung herunterladen (PDF)").click()
    assert download.value.suggested_filename == f"Eingangsbestaetigung-{reference}.pdf"


def test_the_form_works_without_javascript(no_js_context: BrowserContext, types: None) -> None:
    page = no_js_context.new_page()
    reference = _walk(page, script=False)
    assert reference.startswith("HST-")
