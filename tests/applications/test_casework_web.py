"""The caseworker's pages: queue with filters, the checklist with paragraphs and evidence, reviews,
the refused and the recorded decision, the Nachforderung letter as PDF and DOCX."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from pdfminer.high_level import extract_text
from sqlalchemy import select

from rathaus.applications.definition import Severity
from rathaus.applications.models import Application, ApplicationStatus, Decision, Finding, Letter
from rathaus.core.db import open_session
from rathaus.core.mail import MailSettings
from rathaus.core.security.models import Role
from rathaus.web.context import AppContext
from tests.applications.factories import (
    add_attachment,
    add_finding,
    check_now,
    install_types,
    make_application,
)
from tests.conftest import World, csrf_from, login
from tests.factories import make_member
from tests.requirements import require_module
from tests.servers import smtp_server

CASEWORKER = "sb-antraege"


@dataclass(frozen=True)
class Case:
    application_id: int
    errors: dict[str, int]  # rule id -> finding id
    consistency_id: int


@pytest.fixture
def case(world: World, app_context: AppContext, client: TestClient) -> Case:
    make_member(world.sessions, world.tenant_a_id, CASEWORKER, Role.CASEWORKER)
    make_member(world.sessions, world.tenant_b_id, "sb-andere-stadt", Role.CASEWORKER)
    files_dir: Path = app_context.settings.files_dir
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        types = install_types(session, world.tenant_a_id)
        application = make_application(session, types["hundesteuer"], number=1)
        photo = add_attachment(
            session,
            application,
            files_dir,
            requirement="rettungshundepruefung",
            text="Urlaubsfoto mit Bello",
            kind="sonstiges",
            filename="foto.pdf",
        )
        findings = check_now(session, application)
        consistency = add_finding(
            session,
            application,
            attachment_id=photo.id,
            page=1,
            line=4,
            snippet="Prüfling: Max Mustermann",
            field="nachname",
            by_model=True,
        )
        street = make_application(
            session,
            types["sondernutzung"],
            number=2,
            data={"vorname": "Bodo", "nachname": "Baustelle"},
            status=ApplicationStatus.DOCUMENTS_REQUESTED,
        )
        street.documents_due = street.submitted_at.date()
        result = Case(
            application_id=application.id,
            errors={f.rule_id: f.id for f in findings if f.severity == Severity.ERROR},
            consistency_id=consistency.id,
        )
    login(client, CASEWORKER)
    return result


def test_the_queue_shows_the_check_and_filters(client: TestClient, case: Case) -> None:
    page = client.get("/antraege")
    assert page.status_code == 200
    text = page.text
    assert "<h1>Anträge</h1>" in text
    assert "HST-2026-00001" in text
    assert "SNE-2026-00002" in text
    assert "Anmeldung zur Hundesteuer" in text
    assert "Erika Musterfrau" in text
    assert "Geprüft: 1" in text
    assert "Unterlagen nachgefordert: 1" in text
    assert "Alle: 2" in text
    assert "1 Fehler, 2 Warnungen, 0 Hinweise" in text
    assert text.index("HST-2026-00001") < text.index("SNE-2026-00002")  # oldest first
    dogs = client.get("/antraege", params={"art": "hundesteuer"}).text
    assert "HST-2026-00001" in dogs
    assert "SNE-2026-00002" not in dogs
    waiting = client.get("/antraege", params={"status": "documents_requested"}).text
    assert "SNE-2026-00002" in waiting
    assert "HST-2026-00001" not in waiting
    assert "01.12.2026" in waiting  # the deadline of the open Nachforderung


def test_the_application_page_shows_values_computed_values_and_the_checklist(
    client: TestClient, case: Case
) -> None:
    page = client.get(f"/antraege/{case.application_id}")
    assert page.status_code == 200
    text = page.text
    assert "<dt>Name des Hundes</dt><dd>Bello</dd>" in text
    assert "(online)</dd>" in text  # the channel it came by
    assert (
        "<dt>Beantragen Sie eine Steuervergünstigung?</dt>"
        "<dd>Befreiung: geprüfter Rettungshund (§ 6 Abs. 1 Nr. 2)</dd>" in text
    )
    assert (
        "<strong>Jahressteuer für diesen Hund (ohne Befreiung):</strong> "
        "240 € im Jahr — § 5 Abs. 1, 2 und 4 HStS" in text
    )
    assert "foto.pdf" in text
    assert "Sonstiges Dokument" in text
    checklist = text[text.index('id="h-pruefliste"') :]
    assert (
        checklist.index("Vollständigkeit") < checklist.index("Plausibilität") < checklist.index("Konsistenz")
    )
    old_test = case.errors["hst.pruefung-aktuell"]
    block = checklist[checklist.index(f'id="befund-{old_test}"') :]
    block = block[: block.index("</article>")]
    assert "Fehler:</span> Rettungshundeprüfung nicht älter als zwölf Monate" in block
    assert "<dt>Vorschrift</dt><dd>§ 8 Abs. 3 Nr. 3 und Abs. 1 HStS</dd>" in block
    assert "Noch nicht bewertet" in block
    evidence = checklist[checklist.index(f'id="befund-{case.consistency_id}"') :]
    evidence = evidence[: evidence.index("</article>")]
    assert "<dt>Angabe</dt><dd>Nachname: „Musterfrau“</dd>" in evidence
    assert "foto.pdf</a>, Seite 1, Zeile 4" in evidence
    assert "<q>Prüfling: Max Mustermann</q>" in evidence
    assert "Vorschlag eines KI-Modells" in evidence
    assert "Rathaus entscheidet nicht über Anträge" in text


def test_the_attachment_downloads_and_another_tenant_sees_nothing(
    client: TestClient, case: Case, world: World
) -> None:
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        attachment_id = session.get(Application, case.application_id).attachments[0].id  # type: ignore[union-attr]
    download = client.get(f"/antraege/{case.application_id}/anlagen/{attachment_id}")
    assert download.status_code == 200
    assert b"Urlaubsfoto" in download.content
    assert "attachment" in download.headers["content-disposition"]
    client.cookies.clear()
    login(client, "sb-andere-stadt")
    assert client.get(f"/antraege/{case.application_id}").status_code == 404
    assert client.get(f"/antraege/{case.application_id}/anlagen/{attachment_id}").status_code == 404
    assert "HST-2026-00001" not in client.get("/antraege").text


def _review(client: TestClient, case: Case, finding_id: int, action: str, reason: str) -> str:
    token = csrf_from(client, f"/antraege/{case.application_id}")
    response = client.post(
        f"/antraege/{case.application_id}/befunde/{finding_id}",
        data={"csrf_token": token, "aktion": action, "begruendung": reason},
    )
    assert response.status_code == 200
    return response.text


def test_override_needs_a_reason_and_shows_who_and_when(client: TestClient, case: Case, world: World) -> None:
    old_test = case.errors["hst.pruefung-aktuell"]
    refused = _review(client, case, old_test, "uebersteuern", "")
    assert "Bitte begründen Sie, warum Sie den Befund übersteuern." in refused
    done = _review(client, case, old_test, "uebersteuern", "Neue Prüfung vom 02.11.2026 liegt vor.")
    assert "Befund „Rettungshundeprüfung nicht älter als zwölf Monate“ übersteuert." in done
    assert re.search(
        r"<strong>Übersteuert</strong> von Test sb-antraege am \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr: "
        r"Neue Prüfung vom 02\.11\.2026 liegt vor\.",
        done,
    )
    assert "Befund bewertet" in done  # the history
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        finding = session.get(Finding, old_test)
        assert finding is not None
        assert finding.review is not None
        assert finding.review.value == "overridden"


def test_a_decision_with_unreviewed_errors_is_refused_then_recorded(
    client: TestClient, case: Case, world: World
) -> None:
    token = csrf_from(client, f"/antraege/{case.application_id}/entscheiden")
    form = {"csrf_token": token, "ergebnis": "rejected", "begruendung": "Nachweis fehlt.", "bescheid": ""}
    refused = client.post(f"/antraege/{case.application_id}/entscheiden", data=form)
    assert refused.status_code == 422
    assert "Vor der Entscheidung muss jeder Fehler-Befund bestätigt oder übersteuert werden." in refused.text
    assert "Rettungshundeprüfung nicht älter als zwölf Monate" in refused.text
    assert 'value="rejected" required checked' in refused.text
    assert "Nachweis fehlt.</textarea>" in refused.text
    for finding_id in case.errors.values():
        _review(client, case, finding_id, "bestaetigen", "")
    recorded = client.post(f"/antraege/{case.application_id}/entscheiden", data=form)
    assert recorded.status_code == 200
    assert "Entscheidungsvermerk zum Antrag HST-2026-00001" in recorded.text
    assert "<strong>Abgelehnt</strong>" in recorded.text
    assert "Nachweis fehlt." in recorded.text
    assert "Bestätigt von Test sb-antraege" in recorded.text
    assert "§ 8 Abs. 3 Nr. 3 und Abs. 1 HStS" in recorded.text
    assert "Prüfling: Max Mustermann" in recorded.text
    assert "nicht bewertet" in recorded.text
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        decision = session.scalars(select(Decision)).one()
        assert len(decision.findings) == 3


def test_the_nachforderung_is_prefilled_drafted_previewed_and_marked_for_the_post(
    client: TestClient, case: Case, world: World
) -> None:
    form = client.get(f"/antraege/{case.application_id}/nachforderung")
    assert form.status_code == 200
    textarea = form.text[form.text.index('name="unterlagen"') :]
    textarea = textarea[textarea.index(">") + 1 : textarea.index("</textarea>")]
    # the photo is of another kind than the proof the by-law asks for
    assert textarea == (
        "Nachweis der Rettungshundeprüfung (die eingereichte Datei ist kein Dokument der Art "
        "„Nachweis der Rettungshundeprüfung“)"
    )
    assert 'name="frist" type="date" value="' in form.text
    token = csrf_from(client, f"/antraege/{case.application_id}/nachforderung")
    drafted = client.post(
        f"/antraege/{case.application_id}/nachforderung",
        data={"csrf_token": token, "unterlagen": "Zeugnis der Rettungshundeprüfung", "frist": "2099-01-31"},
    )
    assert drafted.status_code == 200
    assert "Der Brief ist entworfen." in drafted.text
    assert "- Zeugnis der Rettungshundeprüfung" in drafted.text
    assert "bis zum 31.01.2099" in drafted.text
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        letter_id = session.scalars(select(Letter.id)).one()
    base = f"/antraege/{case.application_id}/schreiben/{letter_id}"
    pdf = client.get(f"{base}/brief.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "Zeugnis der Rettungshundeprüfung" in " ".join(extract_text(io.BytesIO(pdf.content)).split())
    docx = Document(io.BytesIO(client.get(f"{base}/brief.docx").content))
    assert any("Zeugnis der Rettungshundeprüfung" in p.text for p in docx.paragraphs)
    token = csrf_from(client, base)
    page = client.get(base).text
    body = page[page.index('name="text"') :]
    body = body[body.index(">") + 1 : body.index("</textarea>")]
    sent = client.post(
        base,
        data={
            "csrf_token": token,
            "betreff": "Fehlender Nachweis",
            "text": html.unescape(body),
            "aktion": "post",
        },
    )
    assert "zum Versand per Post vermerkt" in sent.text
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        application = session.get(Application, case.application_id)
        assert application is not None
        assert application.status == ApplicationStatus.DOCUMENTS_REQUESTED
        assert application.documents_due is not None
        assert application.documents_due.isoformat() == "2099-01-31"
        letter = session.get(Letter, letter_id)
        assert letter is not None
        assert letter.status == "post"
        assert letter.subject == "Fehlender Nachweis"
    queue = client.get("/antraege").text
    assert "31.01.2099" in queue


def test_a_nachforderung_needs_a_future_deadline(client: TestClient, case: Case) -> None:
    token = csrf_from(client, f"/antraege/{case.application_id}/nachforderung")
    refused = client.post(
        f"/antraege/{case.application_id}/nachforderung",
        data={"csrf_token": token, "unterlagen": "Zeugnis", "frist": "2000-01-01"},
    )
    assert refused.status_code == 422
    assert "Die Frist muss in der Zukunft liegen." in refused.text
    assert "Zeugnis</textarea>" in refused.text


def test_check_again_queues_the_check(client: TestClient, case: Case, world: World) -> None:
    token = csrf_from(client, f"/antraege/{case.application_id}")
    page = client.post(f"/antraege/{case.application_id}/pruefen", data={"csrf_token": token})
    assert "Die automatische Prüfung wurde erneut gestartet." in page.text
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        application = session.get(Application, case.application_id)
        assert application is not None
        assert application.check_job_id is not None


def test_the_bescheid_is_drafted_with_the_decision_and_sent_by_mail(
    client: TestClient, case: Case, world: World, app_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_module("aiosmtpd", install="pip install -e '.[dev]'")
    for finding_id in case.errors.values():
        _review(client, case, finding_id, "bestaetigen", "")
    token = csrf_from(client, f"/antraege/{case.application_id}/entscheiden")
    decided = client.post(
        f"/antraege/{case.application_id}/entscheiden",
        data={
            "csrf_token": token,
            "ergebnis": "partially_approved",
            "begruendung": "Steuer nach § 5 HStS; die Befreiung nach § 6 entfällt.",
            "bescheid": "1",
        },
    )
    assert "Entscheidung festgehalten: teilweise bewilligt. Der Bescheid ist entworfen" in decided.text
    assert "Ihrem Antrag wird teilweise entsprochen." in decided.text
    assert "Steuer nach § 5 HStS; die Befreiung nach § 6 entfällt." in decided.text
    assert "Per E-Mail senden" in decided.text
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        decision = session.scalars(select(Decision)).one()
        assert decision.letter_id is not None
        letter_id = decision.letter_id
    base = f"/antraege/{case.application_id}/schreiben/{letter_id}"
    with smtp_server() as server:
        mail = MailSettings(
            host=server.host, port=server.port, security="none", from_address="a@stadt-a.example"
        )
        monkeypatch.setattr(app_context, "settings", app_context.settings.model_copy(update={"mail": mail}))
        letter = client.get(base).text
        body = html.unescape(
            letter[letter.index('name="text"') :].split(">", 1)[1].split("</textarea>", 1)[0]
        )
        subject = html.unescape(letter.split('name="betreff" value="', 1)[1].split('"', 1)[0])
        sent = client.post(
            base,
            data={"csrf_token": csrf_from(client, base), "betreff": subject, "text": body, "aktion": "email"},
        )
        assert "Das Schreiben ist per E-Mail an erika@example.org gesendet (PDF im Anhang)." in sent.text
        assert [message.rcpt_tos for message in server.messages] == [("erika@example.org",)]
        assert b"application/pdf" in server.messages[0].data
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        application = session.get(Application, case.application_id)
        assert application is not None
        assert application.status == ApplicationStatus.DECIDED
