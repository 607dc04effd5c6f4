"""Anträge end to end in the browser ("Done means" of issue 11), axe-core on every page visited.

A citizen (no login) applies for the Hundesteuer exemption of a hilfsbedürftige Person and uploads a
scan of her Schwerbehindertenausweis (rendered, "MUSTER"); the check runs as the worker runs it, with
Tesseract reading the card; a caseworker sees the application in the queue, opens the checklist where
each finding names its by-law paragraph, requests the missing document with the drafted Nachforderung
(sent by e-mail to a real SMTP server on loopback), overrides the remaining error with a reason, records
the decision with its reason and opens the decision record.

The story: Helga Brandt registers her dog two months after taking it in (a hint, § 10 Abs. 1 HStS), and
her card shows only the Merkzeichen "G" while the by-law (§ 6 Abs. 1 Nr. 1 HStS) exempts only aG, B, Bl,
Gl or H (an error). The Versorgungsamt has since granted "B"; the caseworker asks for that Bescheid, it
comes by post, she overrides the error with that reason, confirms the hint and approves.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from rathaus.applications.jobs import local_today
from rathaus.applications.models import Application, ApplicationStatus, Decision, Finding
from rathaus.applications.samples.cards import disability_card
from rathaus.applications.samples.person import Person
from rathaus.core.db import open_session
from rathaus.core.jobs import Job, JobStatus
from rathaus.core.mail import MailSettings
from rathaus.core.security.models import Role, Tenant, User
from rathaus.core.worker import JobRunner
from tests import servers
from tests.applications.factories import install_types
from tests.browser.conftest import LiveServer, _new_context, check_accessibility, log_in
from tests.factories import make_user
from tests.requirements import require_tool

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TENANT_SLUG = "stadt-anfangsort"
CASEWORKER = "sb-hundesteuer-e2e"
HELGA = Person("Helga", "Brandt", dt.date(1958, 4, 17), "Seestraße", "21", "78464", "Konstanz")
EMAIL = "helga.brandt@example.org"
CARD_FILE = "schwerbehindertenausweis.jpg"
CARD_LABEL = "Schwerbehindertenausweis (Vorder- und Rückseite)"
MERKZEICHEN = "Merkzeichen berechtigt zur Befreiung"
MERKZEICHEN_PARAGRAPH = "§ 6 Abs. 1 Nr. 1 HStS"
WANTED = "Bescheid des Versorgungsamts über das Merkzeichen B (Kopie)"
OVERRIDE = "Bescheid des Versorgungsamts vom 12.01.2027 mit Merkzeichen B liegt vor (Posteingang)."
LATE = "Anzeige innerhalb eines Monats"
LATE_PARAGRAPH = "§ 10 Abs. 1 HStS"
REASON = "Merkzeichen B nach Bescheid des Versorgungsamts; Befreiung nach § 6 Abs. 1 Nr. 1 HStS."


@pytest.fixture
def smtp(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[servers.SmtpServer]:
    """A real SMTP server on loopback that the live app sends its letters through."""
    with servers.smtp_server() as server:
        settings = live_server.context.settings
        mail = MailSettings(
            host=server.host, port=server.port, security="none", from_address="post@example.org"
        )
        monkeypatch.setattr(live_server.context, "settings", settings.model_copy(update={"mail": mail}))
        yield server


@pytest.fixture
def office(live_server: LiveServer) -> int:
    """The home tenant with the shipped types, the approved letter templates and a caseworker; its id."""
    sessions = live_server.context.sessions
    with open_session(sessions) as session:
        tenant = session.scalars(select(Tenant).where(Tenant.slug == TENANT_SLUG)).one()
        if session.scalar(select(User.id).where(User.username == CASEWORKER)) is None:
            make_user(session, tenant, CASEWORKER, roles={Role.CASEWORKER})
        tenant_id = tenant.id
    with open_session(sessions, tenant_id=tenant_id) as session:
        install_types(session, tenant_id)
    return tenant_id


def _card(tmp_path: Path) -> Path:
    """Helga's card as a citizen scans it: a JPEG of both sides, only the Merkzeichen G."""
    path = tmp_path / CARD_FILE
    path.write_bytes(disability_card(HELGA, ["G"], degree=70, seed=11))
    return path


def _citizen_submits(page: Page, card: Path, today: dt.date) -> str:
    """The public form from the tenant's list of Anträge to the receipt; returns the reference."""
    page.goto(f"/buerger/{TENANT_SLUG}/antraege")
    check_accessibility(page)
    page.get_by_role("link", name="Anmeldung zur Hundesteuer").click()
    check_accessibility(page)
    page.get_by_role("button", name="Antrag beginnen").click()

    page.get_by_label("Vorname").fill(HELGA.given_name)
    page.get_by_label("Nachname").fill(HELGA.family_name)
    page.get_by_label("Geburtsdatum").fill(HELGA.birth_date.isoformat())
    page.get_by_label("Straße").fill(HELGA.street)
    page.get_by_label("Hausnummer").fill(HELGA.house_number)
    page.get_by_label("Postleitzahl").fill(HELGA.postcode)
    page.get_by_label("Ort").fill(HELGA.city)
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    check_accessibility(page)
    page.get_by_role("button", name="Speichern und weiter").click()

    expect(page.get_by_text("Schritt 2 von 6")).to_be_visible()
    page.get_by_label("Name des Hundes").fill("Luna")
    page.get_by_label("Rasse oder Kreuzung").fill("Golden Retriever")
    page.get_by_label("Geburtsdatum des Hundes").fill((today - dt.timedelta(days=900)).isoformat())
    page.get_by_label("Seit wann halten Sie den Hund?").fill((today - dt.timedelta(days=60)).isoformat())
    page.get_by_label("Wie viele andere Hunde").fill("0")
    check_accessibility(page)
    page.get_by_role("button", name="Speichern und weiter").click()

    page.get_by_label("Befreiung: Hund dient dem Schutz und der Hilfe").check()
    mark_g = page.get_by_label("G", exact=True)
    expect(mark_g).to_be_visible()  # the conditional field appears as soon as the choice is made
    mark_g.check()
    check_accessibility(page)
    page.get_by_role("button", name="Speichern und weiter").click()

    page.get_by_label("Ich versichere").check()
    check_accessibility(page)
    page.get_by_role("button", name="Speichern und weiter").click()
    expect(page.get_by_role("heading", name=re.compile("Nachweise hochladen"))).to_be_visible()
    expect(page.get_by_text(CARD_LABEL).first).to_be_visible()
    check_accessibility(page)
    page.get_by_label(f"Datei für „{CARD_LABEL}“ auswählen").set_input_files(card)
    page.get_by_role("button", name=f"Hochladen: {CARD_LABEL}").click()
    expect(page.get_by_text(f"„{CARD_FILE}“ wurde hochgeladen.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Weiter zur Zusammenfassung").click()
    expect(page.get_by_text("Golden Retriever")).to_be_visible()
    expect(page.get_by_text(CARD_FILE).first).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Antrag verbindlich absenden").click()
    heading = page.get_by_role("heading", name=re.compile(r"Ihr Antrag HST-\d{4}-\d{5}"))
    expect(heading).to_be_visible()
    check_accessibility(page)
    reference = re.search(r"HST-\d{4}-\d{5}", heading.inner_text())
    assert reference is not None
    return reference.group(0)


def _queued_check(live_server: LiveServer, tenant_id: int, reference: str) -> tuple[int, int]:
    """The application the submission created and the check job it queued: (application id, job id)."""
    with open_session(live_server.context.sessions, tenant_id=tenant_id) as session:
        application = session.scalars(select(Application).where(Application.reference == reference)).one()
        assert application.status == ApplicationStatus.CHECKING
        assert application.applicant_name == "Helga Brandt"
        assert [a.filename for a in application.attachments] == [CARD_FILE]
        assert application.check_job_id is not None
        job = session.get(Job, application.check_job_id)
        assert job is not None
        assert (job.kind, job.status, job.params) == (
            "applications.check",
            JobStatus.QUEUED,
            {"application_id": application.id},
        )
        return application.id, job.id


def _run_check(live_server: LiveServer, tenant_id: int, application_id: int, job_id: int) -> float:
    """Run the queued job as the worker does (claim, stages, outcome); returns its seconds."""
    started = time.perf_counter()
    JobRunner(sessions=live_server.context.sessions, settings=live_server.context.settings).execute(job_id)
    seconds = time.perf_counter() - started
    with open_session(live_server.context.sessions, tenant_id=tenant_id) as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert job.status == JobStatus.SUCCEEDED, job.error
        application = session.get(Application, application_id)
        assert application is not None
        assert application.status == ApplicationStatus.CHECKED
        card = application.attachments[0]
        assert card.readable
        assert card.kind == "schwerbehindertenausweis"  # recognised from the OCR text
        assert "BRANDT" in " ".join(page["text"] for page in card.pages).upper()
        rules = session.scalars(select(Finding.rule_id).where(Finding.application_id == application_id)).all()
        # no finding about the card: the name was found on it and its kind recognised
        assert sorted(rules) == ["hst.anzeigefrist", "hst.merkzeichen"]
    return seconds


def test_a_citizen_applies_the_check_runs_and_a_caseworker_requests_and_decides(
    browser: Browser,
    live_server: LiveServer,
    axe_source: str,
    office: int,
    smtp: servers.SmtpServer,
    tmp_path: Path,
) -> None:
    require_tool("tesseract", install="apt-get install tesseract-ocr tesseract-ocr-deu")
    today = local_today()
    citizen = _new_context(browser, live_server, axe_source).new_page()
    reference = _citizen_submits(citizen, _card(tmp_path), today)
    application_id, job_id = _queued_check(live_server, office, reference)

    page = _new_context(browser, live_server, axe_source).new_page()
    log_in(page, CASEWORKER)
    page.goto("/antraege")
    expect(page.locator("tr", has_text=reference)).to_contain_text("In Prüfung")
    check_accessibility(page)

    seconds = _run_check(live_server, office, application_id, job_id)
    assert seconds < 120, f"the check of one scanned card took {seconds:.1f} s"

    page.reload()
    row = page.locator("tr", has_text=reference)
    expect(row).to_contain_text("Anmeldung zur Hundesteuer")
    expect(row).to_contain_text("Helga Brandt")
    expect(row).to_contain_text("Geprüft")
    expect(row).to_contain_text("1 Fehler, 0 Warnungen, 1 Hinweise")
    check_accessibility(page)

    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Antrag {reference}")
    finding = page.locator("article", has_text=MERKZEICHEN)
    expect(finding).to_contain_text(f"Vorschrift{MERKZEICHEN_PARAGRAPH}")
    expect(finding).to_contain_text("angegeben: G")
    expect(finding).to_contain_text("Merkzeichen im Schwerbehindertenausweis: „G“")
    expect(finding).to_contain_text("Noch nicht bewertet")
    late = page.locator("article", has_text=LATE)
    expect(late).to_contain_text(f"Vorschrift{LATE_PARAGRAPH}")
    expect(late).to_contain_text(f"nach Beginn der Haltung ({today - dt.timedelta(days=60):%d.%m.%Y})")
    expect(page.get_by_role("link", name=CARD_FILE).first).to_be_visible()
    check_accessibility(page)

    # the Nachforderung: the caseworker names the document, the letter lists it with the deadline
    due = today + dt.timedelta(days=21)
    page.get_by_role("link", name="Unterlagen nachfordern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unterlagen nachfordern")
    expect(page.get_by_text(f"Antrag {reference}, Helga Brandt.")).to_be_visible()
    items = page.get_by_label("Fehlende Unterlagen und Angaben")
    expect(items).to_have_value("")  # nothing is missing from the form: the caseworker names the document
    check_accessibility(page)
    items.fill(WANTED)
    page.get_by_label("Frist").fill(due.isoformat())
    page.get_by_role("button", name="Brief entwerfen").click()
    expect(page.get_by_role("status")).to_contain_text("Der Brief ist entworfen.")
    text = page.get_by_label("Text", exact=True)
    expect(text).to_have_value(re.compile(rf"- {re.escape(WANTED)}[\s\S]*bis zum {due:%d\.%m\.%Y}"))
    expect(text).to_have_value(re.compile(reference))
    check_accessibility(page)
    assert smtp.messages == []  # drafting sends nothing
    page.get_by_role("button", name="Per E-Mail senden").click()
    expect(page.get_by_role("status")).to_contain_text(f"per E-Mail an {EMAIL} gesendet")
    check_accessibility(page)
    assert len(smtp.messages) == 1
    assert smtp.messages[0].rcpt_tos == (EMAIL,)
    mail = smtp.messages[0].message()
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert WANTED in body
    assert f"{due:%d.%m.%Y}" in body
    attached = [part.get_filename() for part in mail.iter_attachments()]
    assert attached == [f"nachforderung-{reference}.pdf"]

    page.get_by_role("link", name=f"Zurück zum Antrag {reference}").click()
    expect(page.get_by_text(f"Unterlagen nachgefordert, Frist bis {due:%d.%m.%Y}")).to_be_visible()
    check_accessibility(page)

    # the Bescheid came by post: the error is overridden with that reason, then the decision
    finding = page.locator("article", has_text=MERKZEICHEN)
    finding.get_by_role("textbox").fill(OVERRIDE)
    finding.get_by_role("button", name="Übersteuern").click()
    expect(page.get_by_role("status")).to_contain_text(f"Befund „{MERKZEICHEN}“ übersteuert.")
    expect(page.locator("article", has_text=MERKZEICHEN)).to_contain_text(OVERRIDE)
    check_accessibility(page)
    page.locator("article", has_text=LATE).get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_role("status")).to_contain_text(f"Befund „{LATE}“ bestätigt.")

    page.get_by_role("link", name="Entscheiden").click()
    expect(page.get_by_text("Rathaus entscheidet nie selbst.")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("bewilligt", exact=True).check()
    page.get_by_label("Begründung").fill(REASON)
    page.get_by_role("button", name="Entscheidung festhalten").click()
    # the Bescheid is drafted from the approved template, with the decision and its reason
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schreiben:")
    expect(page.get_by_label("Text", exact=True)).to_have_value(re.compile(re.escape(REASON)))
    check_accessibility(page)

    page.get_by_role("link", name=f"Zurück zum Antrag {reference}").click()
    page.get_by_role("link", name="Bewilligt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Entscheidungsvermerk zum Antrag {reference}")
    expect(page.get_by_text(REASON)).to_be_visible()
    row = page.locator("tr", has_text=MERKZEICHEN)
    expect(row).to_contain_text(MERKZEICHEN_PARAGRAPH)
    expect(row).to_contain_text("Merkzeichen im Schwerbehindertenausweis: „G“")
    expect(row).to_contain_text(f"Übersteuert von Test {CASEWORKER}: {OVERRIDE}")
    late_row = page.locator("tr", has_text=LATE)
    expect(late_row).to_contain_text(LATE_PARAGRAPH)
    expect(late_row).to_contain_text(f"Bestätigt von Test {CASEWORKER}")
    expect(page.get_by_role("table")).to_contain_text("2 Befunde der automatischen Prüfung")
    check_accessibility(page)

    with open_session(live_server.context.sessions, tenant_id=office) as session:
        decision = session.scalars(select(Decision).where(Decision.application_id == application_id)).one()
        assert decision.outcome == "approved"
        assert decision.reason == REASON
        reviews = {row["rule_id"]: (row["review"], row["review_reason"]) for row in decision.findings}
        assert reviews == {
            "hst.merkzeichen": ("overridden", OVERRIDE),
            "hst.anzeigefrist": ("accepted", ""),
        }
