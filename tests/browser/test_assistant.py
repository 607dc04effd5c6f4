"""A citizen asks the public assistant in a real browser: streamed, cited answer; axe-core on every page."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from rathaus.assistant import service
from rathaus.assistant.sources import parse_services
from rathaus.assistant.web.common import backend
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.security.models import Tenant
from tests.browser.conftest import LiveServer, check_accessibility
from tests.conftest import shared_data

pytestmark = pytest.mark.browser
SLUG = "stadt-anfangsort"
PAGE = f"/buerger/{SLUG}/assistent"
QUESTION = "Ich habe meinen Führerschein verloren, was muss ich tun?"


@pytest.fixture(scope="module")
def munich_imported(live_server: LiveServer) -> None:
    """The Munich service descriptions, imported and indexed for the live server's tenant."""
    folder = shared_data("munich_services")
    services = json.loads((folder / "munich_services_de.json").read_text(encoding="utf-8"))
    locations = json.loads((folder / "munich_locations_de.json").read_text(encoding="utf-8"))
    context = live_server.context
    with open_session(context.sessions) as session:
        tenant_id = session.query(Tenant.id).filter(Tenant.slug == SLUG).scalar()
    with open_session(context.sessions, tenant_id=tenant_id) as session:
        service.import_sources(
            session=session,
            tenant_id=tenant_id,
            items=parse_services(services, locations=locations),
            actor=Actor.system("demo"),
        )
        service.reindex(session=session, embedder=backend(context, "embedding"))  # type: ignore[arg-type]


def test_citizen_gets_a_streamed_cited_answer(page: Page, munich_imported: None) -> None:
    page.goto(PAGE)
    expect(page.get_by_text("Sie sprechen mit einem KI-System").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Ihre Frage").fill(QUESTION)
    page.get_by_role("button", name="Frage stellen").click()
    answer = page.locator("#antwort article.assistant-answer")
    expect(answer).to_be_visible(timeout=60_000)
    expect(page.locator("#antwort")).to_have_attribute("aria-busy", "false")
    expect(answer.get_by_role("heading", name="Quellen")).to_be_visible()
    sources = answer.locator(".assistant-sources li")
    assert sources.count() >= 1
    assert "Führerschein" in sources.first.inner_text()
    expect(answer.locator("a.assistant-cite").first).to_have_attribute("href", "#quelle-1")
    assert "Führerscheinstelle" in answer.inner_text()
    assert page.url.endswith(PAGE), "the answer streamed into the page, no form post"
    check_accessibility(page)
    answer.get_by_label("Kommentar (freiwillig, bitte ohne persönliche Daten)").fill("Gut erklärt")
    answer.get_by_role("button", name="Ja, hilfreich").click()
    expect(page.get_by_role("heading", name="Danke für Ihre Rückmeldung")).to_be_visible()
    check_accessibility(page)


def test_keyboard_and_easy_language(page: Page, munich_imported: None) -> None:
    page.goto(PAGE)
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    expect(page.get_by_label("Ihre Frage")).to_be_focused()
    page.keyboard.type("Was kostet ein Reisepass?")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_label("Antwort in Leichter Sprache")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Antwort in Leichter Sprache")).to_be_visible(timeout=60_000)
    check_accessibility(page)


def test_without_javascript_the_form_posts(no_js_context: BrowserContext, munich_imported: None) -> None:
    page = no_js_context.new_page()
    page.goto(PAGE)
    page.get_by_label("Ihre Frage").fill(QUESTION)
    page.get_by_role("button", name="Frage stellen").click()
    expect(page.get_by_role("heading", name="Quellen")).to_be_visible(timeout=60_000)
    page.goto(f"{PAGE}/kontakt")
    expect(page.get_by_role("heading", name="Nachricht an die Verwaltung")).to_be_visible()


def test_contact_form_and_widget_are_accessible(page: Page, munich_imported: None) -> None:
    for path in (f"{PAGE}/kontakt", f"{PAGE}/widget"):
        page.goto(path)
        check_accessibility(page)


def test_staff_mode_and_review_are_accessible(admin_page: Page, munich_imported: None) -> None:
    admin_page.goto("/assistent/fragen")
    check_accessibility(admin_page)
    admin_page.get_by_label("Ihre Frage").fill("Was kostet ein Reisepass?")
    admin_page.get_by_role("button", name="Frage stellen").click()
    expect(admin_page.get_by_role("heading", name="Gefundene Textstellen")).to_be_visible(timeout=60_000)
    check_accessibility(admin_page)
    admin_page.goto("/assistent/rueckmeldungen")
    expect(admin_page.get_by_role("heading", name="Offene Fragen und Rückmeldungen")).to_be_visible()
    check_accessibility(admin_page)


SITUATION = (
    "Ich ziehe von Augsburg nach München und mein Auto muss umgeschrieben werden. "
    "Was kostet die Umschreibung des Fahrzeugs?"
)


def test_a_situation_question_gets_the_fee_first_with_its_source(page: Page, munich_imported: None) -> None:
    page.goto(PAGE)
    page.get_by_label("Ihre Frage").fill(SITUATION)
    page.get_by_role("button", name="Frage stellen").click()
    answer = page.locator("#antwort article.assistant-answer")
    expect(answer).to_be_visible(timeout=60_000)
    expect(page.locator("#antwort")).to_have_attribute("aria-busy", "false")
    lines = answer.locator(".assistant-text p")
    first = lines.first.inner_text()
    assert first.startswith("Gebühr (Umschreibung Fahrzeug"), first
    fees = [lines.nth(i).inner_text() for i in range(1, min(lines.count(), 8))]
    assert any(line.startswith("– ") and "Euro" in line for line in fees), fees
    assert "Euro12" not in answer.inner_text()
    assert "**" not in answer.inner_text()
    cite = lines.first.locator("a.assistant-cite")
    number = cite.inner_text().strip("[]")
    source = answer.locator(f"#quelle-{number}")
    assert "Umschreibung Fahrzeug" in source.inner_text()
    check_accessibility(page)
