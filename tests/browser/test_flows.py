"""Core flows clicked through in the real browser: administration, keyboard use, pages without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import ADMIN, ADMIN_NAME, HOME_TENANT, check_accessibility, log_in, log_out
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName, id: e.id,"
        " name: e.getAttribute('name') || '', text: e.textContent.trim()}; }"
    )


def test_admin_creates_a_tenant_and_a_user_who_then_logs_in(page: Page) -> None:
    log_in(page, ADMIN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Willkommen bei Rathaus")
    expect(page.get_by_role("status")).to_have_text(f"Willkommen, {ADMIN_NAME}.")

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Mandanten").click()
    page.get_by_label("Name").fill("Landkreis Celle")
    page.get_by_label("Kürzel").fill("lk-celle")
    page.get_by_label("Bundesland").select_option(label="Niedersachsen")
    page.get_by_role("button", name="Mandant anlegen").click()
    expect(page.get_by_role("status")).to_have_text("Mandant „Landkreis Celle“ wurde angelegt.")
    expect(page.get_by_role("row", name=re.compile("Landkreis Celle lk-celle Niedersachsen"))).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Benutzer", exact=True).click()
    page.get_by_role("link", name="Benutzer anlegen").click()
    page.get_by_label("Vollständiger Name").fill("Clara Celle")
    page.get_by_label("Benutzername").fill("c.celle")
    page.get_by_label("E-Mail-Adresse").fill("c.celle@lk-celle.example")
    page.get_by_label("Startpasswort").fill("ein-sicheres-startpasswort")
    page.get_by_label("Mandant").select_option(label="Landkreis Celle")
    page.get_by_role("checkbox", name="Sachbearbeitung").check()
    page.get_by_role("button", name="Benutzer anlegen").click()
    expect(page).to_have_url(re.compile(r"/admin/benutzer$"))
    expect(page.get_by_role("status")).to_have_text("Benutzer „c.celle“ wurde angelegt.")
    log_out(page)
    expect(page.get_by_role("status")).to_have_text("Sie wurden abgemeldet.")

    log_in(page, "c.celle", "ein-sicheres-startpasswort")
    header = page.get_by_role("banner")
    expect(header).to_contain_text("Landkreis Celle")
    expect(header).to_contain_text("Angemeldet als Clara Celle")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link", name="Posteingang")).to_be_visible()
    expect(nav.get_by_role("link", name="Benutzer", exact=True)).to_have_count(0)
    assert page.goto("/admin/benutzer").status == 403  # type: ignore[union-attr]
    log_out(page)
    assert page.goto("/").url.endswith("/anmelden?weiter=%2F")  # type: ignore[union-attr]


def test_platform_admin_sees_a_user_made_for_another_tenant_in_the_list(admin_page: Page) -> None:
    admin_page.goto("/admin/mandanten")
    if admin_page.get_by_role("cell", name="lk-neustadt").count() == 0:
        admin_page.get_by_label("Name").fill("Gemeinde Neustadt")
        admin_page.get_by_label("Kürzel").fill("lk-neustadt")
        admin_page.get_by_role("button", name="Mandant anlegen").click()
    admin_page.goto("/admin/benutzer/neu")
    admin_page.get_by_label("Vollständiger Name").fill("Nora Neustadt")
    admin_page.get_by_label("Benutzername").fill("n.neustadt")
    admin_page.get_by_label("Startpasswort").fill("ein-sicheres-startpasswort")
    admin_page.get_by_label("Mandant").select_option(label="Gemeinde Neustadt")
    admin_page.get_by_role("button", name="Benutzer anlegen").click()
    expect(admin_page.get_by_role("status")).to_have_text("Benutzer „n.neustadt“ wurde angelegt.")
    expect(admin_page.get_by_role("cell", name="n.neustadt", exact=True)).to_be_visible(timeout=1000)


def _check_skip_link(page: Page) -> None:
    page.keyboard.press("Tab")
    assert _focused(page) == {"tag": "A", "id": "", "name": "", "text": "Zum Inhalt springen"}
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_be_in_viewport()  # shown while focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#inhalt$"))
    assert _focused(page)["id"] == "inhalt"
    page.keyboard.press("Tab")  # the next stop is inside the main content, not back in the header
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_skip_link_on_the_login_page(page: Page) -> None:
    page.goto("/anmelden")
    _check_skip_link(page)
    assert _focused(page)["name"] == "username"


def test_skip_link_on_a_page_with_the_full_navigation(admin_page: Page) -> None:
    admin_page.goto("/admin/benutzer")
    _check_skip_link(admin_page)
    assert _focused(admin_page)["text"] == "Benutzer anlegen"


def test_login_with_the_keyboard_only(page: Page) -> None:
    page.goto("/anmelden")
    for _ in range(5):
        page.keyboard.press("Tab")
        if _focused(page)["name"] == "username":
            break
    assert _focused(page)["name"] == "username", "the username field is not reachable with Tab"
    page.keyboard.type(ADMIN)
    page.keyboard.press("Tab")
    assert _focused(page)["name"] == "password"
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Willkommen bei Rathaus")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Abmelden"  # skip link, brand, then the logout button
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Sie wurden abgemeldet.")


def test_login_and_user_creation_work_without_javascript(no_js_context: BrowserContext) -> None:
    page = no_js_context.new_page()
    log_in(page, ADMIN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Willkommen bei Rathaus")
    expect(page.get_by_role("banner")).to_contain_text(HOME_TENANT)

    page.goto("/admin/benutzer/neu")
    page.get_by_label("Vollständiger Name").fill("Otto Ohnescript")
    page.get_by_label("Benutzername").fill("o.ohnescript")
    page.get_by_label("Startpasswort").fill("ein-sicheres-startpasswort")
    tenant = page.get_by_label("Mandant")
    if tenant.count():  # offered only once another test of this server has created a second tenant
        tenant.select_option(label=HOME_TENANT)
    page.get_by_role("checkbox", name="Prüfung").check()
    page.get_by_role("button", name="Benutzer anlegen").click()
    expect(page.get_by_role("status")).to_have_text("Benutzer „o.ohnescript“ wurde angelegt.")
    row = page.get_by_role("row", name=re.compile("Otto Ohnescript"))
    expect(row).to_contain_text("o.ohnescript")
    expect(row).to_contain_text("Prüfung")
    expect(row).to_contain_text("aktiv")
    log_out(page)

    log_in(page, "o.ohnescript", "ein-sicheres-startpasswort")
    expect(page.get_by_role("banner")).to_contain_text("Angemeldet als Otto Ohnescript")
    expect(
        page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Governance")
    ).to_be_visible()
    log_out(page)
