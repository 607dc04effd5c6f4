"""The letter template pages in a browser: list, template, an error, a draft approved; axe-core on each."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.letters import service
from rathaus.core.security.models import Tenant
from tests.browser.conftest import HOME_TENANT, LiveServer, check_accessibility

pytestmark = pytest.mark.browser


def _seed(live_server: LiveServer) -> None:
    with open_session(live_server.context.sessions) as session:
        tenant = session.query(Tenant).filter_by(name=HOME_TENANT).one()
        service.ensure_defaults(session=session, tenant_id=tenant.id, actor=Actor.system("test"))


def test_an_admin_edits_and_approves_a_letter_template(admin_page: Page, live_server: LiveServer) -> None:
    _seed(live_server)
    page = admin_page
    page.goto("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Briefvorlagen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Briefvorlagen")
    expect(page.get_by_role("table")).to_contain_text("Bescheid: Ablehnung")
    check_accessibility(page)

    page.get_by_role("link", name="Bescheid: Ablehnung").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Briefvorlage „Bescheid: Ablehnung“")
    check_accessibility(page)

    text = page.get_by_label("Text (Pflichtfeld)")
    original = text.input_value()
    text.fill(original + "\n\nHinweis: {hinweis")
    page.get_by_role("button", name="Als neue Fassung speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("passen die geschweiften Klammern nicht zusammen")
    expect(page.get_by_label("Text (Pflichtfeld)")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)

    page.get_by_label("Text (Pflichtfeld)").fill(
        original + "\n\nFür Rückfragen erreichen Sie uns montags bis freitags."
    )
    page.get_by_role("button", name="Als neue Fassung speichern").click()
    expect(page.get_by_role("status")).to_contain_text("ist als Entwurf gespeichert")
    page.get_by_role("button", name="Fassung 2 freigeben").click()
    expect(page.get_by_role("status")).to_contain_text("Fassung 2 von „Bescheid: Ablehnung“ ist freigegeben")
    expect(page.get_by_role("row", name="Fassung 2")).to_contain_text("Anna Admin")
    expect(page.get_by_role("row", name="Fassung 1")).to_contain_text("abgelöst")
    check_accessibility(page)
