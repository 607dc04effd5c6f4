"""Posteingang in the browser: a scanned letter arrives, is read, re-routed and answered by e-mail.

Real parts throughout: the upload form, the reading job with Tesseract and the e5 embedder, the rule
that suggests a position, the caseworker's re-routing, the reply drafted from a text block, and an SMTP
server on loopback that receives what the caseworker sends. axe-core checks every page on the way.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from rathaus.core.ai.bundles import install_bundle, locate_model
from rathaus.core.ai.catalog import CATALOG
from rathaus.core.ai.errors import ModelNotInstalledError
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.mail import MailSettings
from rathaus.core.reading.scans import render_scan
from rathaus.core.security.models import Role, Tenant, User
from rathaus.core.worker import JobRunner
from rathaus.inbox import filing
from rathaus.inbox.models import Item
from rathaus.inbox.textblocks import demo_text_blocks
from tests import servers
from tests.browser.conftest import LiveServer, _new_context, check_accessibility, log_in
from tests.factories import make_user
from tests.inbox.stand_ins import import_small_plan
from tests.requirements import require_bundle, require_tool

pytestmark = [pytest.mark.browser, pytest.mark.model]
CASEWORKER = "sb-posteingang"
LETTER = """Erika Musterfrau
Bahnhofstraße 12, 29221 Celle
E-Mail: erika.musterfrau@example.org

Betreff: Laterne neben dem Mülleimer

Sehr geehrte Damen und Herren,

die Straßenlaterne neben dem Mülleimer vor dem Haus Bahnhofstraße 12
ist seit zwei Wochen dunkel. Abends ist der Gehweg nicht beleuchtet.
Bitte reparieren Sie die Laterne bis zum 30.01.2027.

Mit freundlichen Grüßen
Erika Musterfrau
"""


@pytest.fixture
def smtp(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[servers.SmtpServer]:
    """A real SMTP server on loopback that the live app sends through; no LLM for the reply body."""
    with servers.smtp_server() as server:
        settings = live_server.context.settings
        mail = MailSettings(
            host=server.host, port=server.port, security="none", from_address="post@example.org"
        )
        inbox = settings.inbox.model_copy(update={"use_llm_replies": False})  # type: ignore[attr-defined]
        monkeypatch.setattr(
            live_server.context, "settings", settings.model_copy(update={"mail": mail, "inbox": inbox})
        )
        yield server


@pytest.fixture
def caseworker_page(browser: Browser, live_server: LiveServer, axe_source: str) -> Iterator[Page]:
    """A caseworker of the home tenant, logged in; the tenant has the small plan, a rule and text blocks."""
    sessions = live_server.context.sessions
    with open_session(sessions) as session:
        tenant = session.scalars(select(Tenant).where(Tenant.slug == "stadt-anfangsort")).one()
        if session.scalar(select(User.id).where(User.username == CASEWORKER)) is None:
            make_user(session, tenant, CASEWORKER, roles={Role.CASEWORKER})
        tenant_id = tenant.id
    with open_session(sessions, tenant_id=tenant_id) as session:
        if not filing.active_positions(session=session):
            import_small_plan(session)
            abfall = filing.position_by_number(session=session, number="70.10")
            assert abfall is not None
            filing.save_rule(
                session=session,
                name="Mülleimer",
                field="body",
                match="fuzzy",
                pattern="Mülleimer",
                position=abfall,
                actor=Actor.system("test"),
            )
            demo_text_blocks(session=session, actor=Actor.system("test"))
    context = _new_context(browser, live_server, axe_source)
    page = context.new_page()
    log_in(page, CASEWORKER)
    yield page
    context.close()


def _install_e5(live_server: LiveServer) -> None:
    """The e5 bundle in the live server's models folder, as ``rathaus models install`` puts it there."""
    require_bundle("multilingual-e5-small")
    models_dir = live_server.context.settings.models_dir
    try:
        locate_model("multilingual-e5-small", kind="embedding", models_dir=models_dir)
    except ModelNotInstalledError:
        install_bundle(CATALOG["multilingual-e5-small"], models_dir=models_dir)


def _read(live_server: LiveServer, item_id: int) -> None:
    """Run the item's reading job as a worker would, in a thread beside the browser."""
    sessions = live_server.context.sessions
    with open_session(sessions) as session:
        item = session.get(Item, item_id)
        assert item is not None
        assert item.process_job_id is not None
        job_id = item.process_job_id
    runner = JobRunner(sessions=sessions, settings=live_server.context.settings)
    worker = threading.Thread(target=runner.execute, args=(job_id,), name="inbox-worker")
    worker.start()
    worker.join(timeout=300)
    assert not worker.is_alive(), "the reading job did not finish in 5 minutes"


def test_caseworker_reads_a_scanned_letter_reroutes_it_and_sends_the_answer(
    caseworker_page: Page, live_server: LiveServer, smtp: servers.SmtpServer, tmp_path: Path
) -> None:
    require_tool("tesseract", install="apt-get install tesseract-ocr tesseract-ocr-deu")
    _install_e5(live_server)
    page = caseworker_page
    scan = tmp_path / "brief-laterne.pdf"
    scan.write_bytes(render_scan(LETTER, seed=3))

    page.goto("/posteingang")
    check_accessibility(page)
    page.get_by_label("Scans, PDF-Dateien oder E-Mails").set_input_files(scan)
    page.get_by_role("button", name="Hochladen und lesen").click()
    page.wait_for_url(re.compile(r"/posteingang/eingaenge/\d+$"))
    item_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("#status-wert")).to_contain_text("eingegangen, wird gelesen")
    check_accessibility(page)

    _read(live_server, item_id)
    page.reload()
    expect(page.locator("#status-wert")).to_contain_text("zugeordnet, nicht angenommen")
    # the OCR text beside the page image, with its confidence
    image = page.get_by_role("img", name=re.compile(r"Seite 1 von brief-laterne"))
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 300", arg=image.element_handle())
    expect(page.locator(".reading pre").first).to_contain_text("Laterne")
    confidence = page.get_by_role("heading", name=re.compile(r"Seite 1 – Texterkennung \d+ % sicher"))
    expect(confidence).to_be_visible()
    # the suggestion with its reason: the caseworker's fuzzy rule fired on the OCR text
    suggestion = page.locator("#vorschlag")
    expect(suggestion).to_contain_text("Vorschlag: 70.10 Abfall")
    expect(suggestion).to_contain_text("Begründung: Regel: Text")
    expect(page.get_by_text("30.01.2027").first).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Andere Position des Aktenplans").select_option("66.20")
    page.get_by_label("Selbst übernehmen").check()
    page.get_by_role("button", name="Zuordnen").click()
    expect(page.get_by_role("status").first).to_contain_text("66.20 „Straßenbeleuchtung“ zugeordnet")
    expect(suggestion).to_contain_text("Zugeordnet: 66.20 Straßenbeleuchtung")

    page.get_by_role("link", name="Antwort entwerfen").click()
    check_accessibility(page)
    page.get_by_role("button", name="Entwurf erstellen").click()
    body = page.get_by_label("Text der Antwort")
    expect(body).not_to_be_empty()
    body.fill(body.input_value() + "\n\nDie Laterne wird in dieser Woche repariert.")
    assert smtp.messages == []  # drafting and saving send nothing
    page.get_by_role("button", name="Senden …").click()
    expect(page.get_by_role("heading", name="Antwort senden?")).to_be_visible()
    check_accessibility(page)
    assert smtp.messages == []
    page.get_by_role("button", name="Jetzt senden").click()
    expect(page.get_by_role("status").first).to_be_visible()

    assert len(smtp.messages) == 1
    sent = smtp.messages[0].message()
    assert smtp.messages[0].rcpt_tos == ("erika.musterfrau@example.org",)
    assert "Die Laterne wird in dieser Woche repariert." in sent.get_content()
    with open_session(live_server.context.sessions) as session:
        item = session.get(Item, item_id)
        assert item is not None
        assert item.status.value == "answered"
        assert item.confirmed
