"""axe-core on every page an admin can reach: no serious or critical WCAG violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility
from tests.core.security.test_uploads import PDF_BYTES, png_bytes

pytestmark = pytest.mark.browser

ADMIN_PAGES = [
    ("/", "Willkommen bei Rathaus"),
    ("/protokolle", "Protokollhilfe"),
    ("/protokolle/gremien", "Gremien und ihre Gepflogenheiten"),
    ("/posteingang", "Posteingang"),
    ("/assistent", "Assistent"),
    ("/termine", "Termin"),
    ("/antraege", "Anträge"),
    ("/governance", "Governance"),
    ("/auftraege", "Aufträge"),
    ("/admin/benutzer", "Benutzerinnen und Benutzer"),
    ("/admin/benutzer/neu", "Benutzer anlegen"),
    ("/admin/mandanten", "Mandanten"),
    ("/protokoll", "Prüfprotokoll"),
    ("/admin/mandant", "Einstellungen von"),
    ("/admin/vorlagen", "Briefvorlagen"),
]


def test_login_page_is_accessible(page: Page) -> None:
    response = page.goto("/anmelden")
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden")
    check_accessibility(page)


def test_login_error_is_accessible(page: Page) -> None:
    page.goto("/anmelden")
    page.get_by_label("Benutzername").fill("niemand")
    page.get_by_label("Passwort").fill("falsches-passwort")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("Benutzername oder Passwort ist falsch.")
    check_accessibility(page)


@pytest.mark.parametrize(("path", "heading"), ADMIN_PAGES)
def test_admin_page_is_accessible(admin_page: Page, path: str, heading: str) -> None:
    response = admin_page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path} answered {response.status}"
    expect(admin_page.get_by_role("heading", level=1)).to_contain_text(heading)
    check_accessibility(admin_page)


def test_user_form_with_validation_errors_is_accessible(admin_page: Page) -> None:
    admin_page.goto("/admin/benutzer/neu")
    admin_page.get_by_label("Vollständiger Name").fill("Erika Fehler")
    admin_page.get_by_label("Benutzername").fill("Erika Fehler!")
    admin_page.get_by_label("Startpasswort").fill("kurz")
    admin_page.get_by_role("button", name="Benutzer anlegen").click()
    expect(admin_page.get_by_role("alert")).to_contain_text("Bitte korrigieren Sie die markierten Angaben.")
    username = admin_page.get_by_label("Benutzername")
    expect(username).to_have_attribute("aria-invalid", "true")
    expect(username).to_have_accessible_description(
        "Kleinbuchstaben, z. B. m.mustermann Der Benutzername darf nur Kleinbuchstaben, Ziffern, Punkt, "
        "Binde- und Unterstrich enthalten."
    )
    check_accessibility(admin_page)


def test_tenant_settings_with_letterhead_and_with_an_error_are_accessible(admin_page: Page) -> None:
    admin_page.goto("/admin/mandant")
    upload = admin_page.get_by_label("Bilddatei")
    upload.set_input_files({"name": "briefkopf.png", "mimeType": "image/png", "buffer": PDF_BYTES})
    admin_page.get_by_role("button", name="Briefkopf speichern").click()
    expect(admin_page.locator("#f-briefkopf-error")).to_have_text(
        "„briefkopf.png“ ist ein PDF-Dokument. Erlaubt sind: JPEG-Bild, PNG-Bild."
    )
    check_accessibility(admin_page)

    admin_page.get_by_label("Bilddatei").set_input_files(
        {"name": "Briefkopf Anfangsort.png", "mimeType": "image/png", "buffer": png_bytes(40, 8)}
    )
    admin_page.get_by_role("button", name="Briefkopf speichern").click()
    expect(admin_page.get_by_role("status")).to_contain_text("„Briefkopf Anfangsort.png“ wurde gespeichert.")
    image = admin_page.get_by_role("img", name="Aktueller Briefkopf von Stadt Anfangsort")
    expect(image).to_be_visible()
    # decode() waits for the image to load; reading naturalWidth at once raced the download
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 40
    check_accessibility(admin_page)

    admin_page.get_by_role("button", name="Briefkopf löschen").click()
    expect(admin_page.get_by_role("status")).to_have_text("Der Briefkopf wurde gelöscht.")


def test_error_page_is_accessible(admin_page: Page) -> None:
    response = admin_page.goto("/gibt-es-nicht")
    assert response is not None
    assert response.status == 404
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Seite nicht gefunden")
    check_accessibility(admin_page)


def test_the_accessibility_check_reports_rule_and_target(page: Page) -> None:
    """The check itself can fail: a field without label and an image without alt text are reported."""
    page.goto("/anmelden")
    page.evaluate(
        """() => {
            const probe = document.createElement('div');
            probe.id = 'probe';
            probe.innerHTML = '<input type="text" id="ohne-label">'
                + '<img src="/static/css/rathaus.css" id="ohne-alt">';
            document.querySelector('main').append(probe);
        }"""
    )
    with pytest.raises(pytest.fail.Exception) as caught:
        check_accessibility(page)
    message = str(caught.value)
    assert "- label (critical)" in message
    assert "#ohne-label" in message
    assert "- image-alt (critical)" in message
    assert "#ohne-alt" in message
