"""The knowledge editor's and staff pages of the assistant in a real browser, with axe-core on each."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser
SOURCES = "/assistent/quellen"
FAQ_QUESTION = "Wo gebe ich Fundsachen im Rathaus ab?"
UNANSWERABLE = "Xylophonquartett Zeppelinlandeplatz Quizfrage?"


def test_source_editor_pages_are_accessible(admin_page: Page, tmp_path: Path) -> None:
    page = admin_page
    page.goto("/assistent")
    check_accessibility(page)

    page.goto(SOURCES)
    expect(page.get_by_role("heading", name="Wissensquellen", level=1)).to_be_visible()
    check_accessibility(page)

    # new FAQ entry
    page.goto(f"{SOURCES}/faq")
    expect(page.get_by_role("heading", name="Neue häufige Frage")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Frage").first.fill(FAQ_QUESTION)
    page.get_by_label("Antwort").first.fill("Fundsachen nimmt das Bürgerbüro im Erdgeschoss entgegen.")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(f"**{SOURCES}*")
    expect(page.get_by_text(FAQ_QUESTION).first).to_be_visible()
    check_accessibility(page)  # the list with a source and the flash message

    # import a file
    upload = tmp_path / "muellabfuhr.md"
    upload.write_text(
        "# Müllabfuhr\n\nDie Biotonne wird jeden Dienstag geleert. Sperrmüll melden Sie online an.\n",
        encoding="utf-8",
    )
    page.get_by_label("Dateien", exact=True).set_input_files(str(upload))
    page.get_by_role("button", name="Importieren").click()
    page.wait_for_url(f"**{SOURCES}*")
    expect(page.get_by_text("Import:").first).to_be_visible()
    check_accessibility(page)

    # filter and the source's own page (edit the FAQ entry)
    page.goto(f"{SOURCES}?art=faq")
    check_accessibility(page)
    page.get_by_role("link", name=FAQ_QUESTION).first.click()
    expect(page.get_by_role("heading", name="Häufige Frage bearbeiten")).to_be_visible()
    check_accessibility(page)


def test_staff_question_and_review_pages_are_accessible(admin_page: Page) -> None:
    page = admin_page
    page.goto("/assistent/fragen")
    expect(page.get_by_role("heading", name="Assistent für Beschäftigte")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Ihre Frage").fill(UNANSWERABLE)
    page.get_by_role("button", name="Frage stellen").click()
    page.wait_for_load_state()
    check_accessibility(page)  # the answer (here: none found) with its passages section

    page.goto("/assistent/rueckmeldungen")
    expect(page.get_by_role("heading", name="Offene Fragen und Rückmeldungen")).to_be_visible()
    expect(page.get_by_role("heading", name=UNANSWERABLE)).to_be_visible()
    check_accessibility(page)
