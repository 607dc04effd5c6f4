"""The caseworker's side of the Anträge in the browser, without JavaScript; every page passes axe-core.

Queue → application with its checklist → override a finding with a reason → request the missing proof
with the drafted letter (for the post) → the decision, first refused while an error is unreviewed, then
recorded with its reason → the decision record shows the findings and what the person did with them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from rathaus.applications.models import Application
from rathaus.core.db import open_session
from rathaus.core.security.models import Role, Tenant, User
from tests.applications.factories import check_now, install_types, make_application
from tests.browser.conftest import HOME_TENANT, LiveServer, _new_context, check_accessibility, log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser
CASEWORKER = "sb-antraege-browser"
REFERENCE = "HST-2026-00901"
OLD_TEST = "Rettungshundeprüfung nicht älter als zwölf Monate"
MISSING = "Anlage fehlt: Nachweis der Rettungshundeprüfung"


def _case(live_server: LiveServer) -> int:
    """A checked Hundesteuer application with two errors, in the home tenant, and a caseworker."""
    sessions = live_server.context.sessions
    with open_session(sessions) as session:
        tenant = session.scalars(select(Tenant).where(Tenant.name == HOME_TENANT)).one()
        if session.scalar(select(User.id).where(User.username == CASEWORKER)) is None:
            make_user(session, tenant, CASEWORKER, roles={Role.CASEWORKER})
        tenant_id = tenant.id
    with open_session(sessions, tenant_id=tenant_id) as session:
        existing = session.scalar(select(Application).where(Application.reference == REFERENCE))
        if existing is not None:
            return existing.id
        types = install_types(session, tenant_id)
        application = make_application(session, types["hundesteuer"], number=901, email="")
        check_now(session, application)
        return application.id


def _checked(checker: Page, path: str) -> None:
    checker.goto(path)
    check_accessibility(checker)


def test_a_caseworker_reviews_requests_documents_and_decides(
    browser: Browser, live_server: LiveServer, axe_source: str
) -> None:
    application_id = _case(live_server)
    checker = _new_context(browser, live_server, axe_source).new_page()  # axe-core needs JavaScript
    log_in(checker, CASEWORKER)
    page = _new_context(browser, live_server, axe_source, java_script_enabled=False).new_page()
    log_in(page, CASEWORKER)

    page.goto("/antraege")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anträge")
    row = page.locator("tr", has_text=REFERENCE)
    expect(row).to_contain_text("Anmeldung zur Hundesteuer")
    expect(row).to_contain_text("2 Fehler, 0 Warnungen, 0 Hinweise")
    _checked(checker, "/antraege")

    page.get_by_role("link", name=REFERENCE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Antrag {REFERENCE}")
    expect(page.get_by_text("240 € im Jahr — § 5 Abs. 1, 2 und 4 HStS")).to_be_visible()
    finding = page.locator("article", has_text=OLD_TEST)
    expect(finding).to_contain_text("§ 8 Abs. 3 Nr. 3 und Abs. 1 HStS")
    expect(finding).to_contain_text("Noch nicht bewertet")
    _checked(checker, f"/antraege/{application_id}")

    finding.get_by_role("button", name="Übersteuern").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Bitte begründen Sie, warum Sie den Befund übersteuern."
    )
    finding = page.locator("article", has_text=OLD_TEST)
    finding.get_by_role("textbox").fill("Wiederholungsprüfung vom 02.11.2026 liegt im Original vor.")
    finding.get_by_role("button", name="Übersteuern").click()
    expect(page.get_by_role("status")).to_contain_text(f"Befund „{OLD_TEST}“ übersteuert.")
    expect(page.locator("article", has_text=OLD_TEST)).to_contain_text(
        "Übersteuert von Test sb-antraege-browser"
    )

    page.get_by_role("link", name="Unterlagen nachfordern").click()
    expect(page.get_by_label("Fehlende Unterlagen und Angaben")).to_have_value(
        "Nachweis der Rettungshundeprüfung"
    )
    _checked(checker, f"/antraege/{application_id}/nachforderung")
    page.get_by_label("Frist").fill("2099-01-31")
    page.get_by_role("button", name="Brief entwerfen").click()
    expect(page.get_by_role("status")).to_contain_text("Der Brief ist entworfen.")
    text = page.get_by_label("Text", exact=True)
    expect(text).to_have_value(re.compile(r"- Nachweis der Rettungshundeprüfung[\s\S]*bis zum 31\.01\.2099"))
    _checked(checker, page.url)
    expect(page.get_by_role("button", name="Per E-Mail senden")).to_have_count(0)  # no address given
    page.get_by_role("button", name="Für den Postversand abschließen").click()
    expect(page.get_by_role("status")).to_contain_text("zum Versand per Post vermerkt")
    expect(page.get_by_role("link", name="das PDF")).to_be_visible()

    page.get_by_role("link", name=f"Zurück zum Antrag {REFERENCE}").click()
    expect(page.get_by_text("Unterlagen nachgefordert, Frist bis 31.01.2099")).to_be_visible()
    page.get_by_role("link", name="Entscheiden").click()
    expect(page.get_by_text("Rathaus entscheidet nie selbst.")).to_be_visible()
    page.get_by_label("abgelehnt").check()
    page.get_by_label("Begründung").fill("Der Nachweis nach § 8 HStS fehlt; die Befreiung entfällt.")
    page.get_by_label("Bescheid aus der freigegebenen Briefvorlage entwerfen").uncheck()
    page.get_by_role("button", name="Entscheidung festhalten").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        "Vor der Entscheidung muss jeder Fehler-Befund bestätigt oder übersteuert werden."
    )
    expect(alert).to_contain_text(MISSING)
    check_accessibility_of_refusal(checker, application_id)

    alert.get_by_role("link", name=MISSING).click()
    page.locator("article", has_text=MISSING).get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_role("status")).to_contain_text("bestätigt.")
    page.get_by_role("link", name="Entscheiden").click()
    page.get_by_label("abgelehnt").check()
    page.get_by_label("Begründung").fill("Der Nachweis nach § 8 HStS fehlt; die Befreiung entfällt.")
    page.get_by_label("Bescheid aus der freigegebenen Briefvorlage entwerfen").uncheck()
    page.get_by_role("button", name="Entscheidung festhalten").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Entscheidungsvermerk zum Antrag {REFERENCE}")
    expect(page.get_by_text("Der Nachweis nach § 8 HStS fehlt; die Befreiung entfällt.")).to_be_visible()
    overridden = page.locator("tr", has_text=OLD_TEST)
    expect(overridden).to_contain_text("Übersteuert von Test sb-antraege-browser")
    expect(overridden).to_contain_text("Wiederholungsprüfung vom 02.11.2026 liegt im Original vor.")
    expect(page.locator("tr", has_text=MISSING)).to_contain_text("Bestätigt von Test sb-antraege-browser")
    _checked(checker, page.url)


def check_accessibility_of_refusal(checker: Page, application_id: int) -> None:
    """The refused decision page (422) as the checker sees it after posting the same form."""
    checker.goto(f"/antraege/{application_id}/entscheiden")
    checker.get_by_label("abgelehnt").check()
    checker.get_by_label("Begründung").fill("Prüfung der Barrierefreiheit")
    checker.get_by_label("Bescheid aus der freigegebenen Briefvorlage entwerfen").uncheck()
    checker.get_by_role("button", name="Entscheidung festhalten").click()
    expect(checker.get_by_role("alert")).to_contain_text("Noch offen")
    check_accessibility(checker)
