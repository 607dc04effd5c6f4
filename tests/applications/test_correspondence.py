"""Letters of an application: the Nachforderung drafted from the approved template and the findings,
sent by e-mail to a real SMTP server with the PDF attached, or marked for the post; the Bescheid."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from sqlalchemy.orm import Session

from rathaus.applications import casework, checklist, correspondence
from rathaus.applications.casework import CaseworkError
from rathaus.applications.catalog import definition_of
from rathaus.applications.models import ApplicationStatus, Outcome, Review
from rathaus.core import letters
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.mail import MailSettings
from rathaus.core.storage import StoredFile, blob_path
from tests.applications.factories import TODAY, add_attachment, check_now, install_types, make_application
from tests.conftest import World
from tests.requirements import require_module
from tests.servers import SmtpServer, smtp_server

ACTOR = Actor(id=None, name="sb-test")


@pytest.fixture
def tenant_session(world: World) -> Iterator[Session]:
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        yield session


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    require_module("aiosmtpd", install="pip install -e '.[dev]'")
    with smtp_server() as server:
        yield server


def _unreadable_and_missing(
    session: Session, tenant_id: int, files_dir: Path, email: str = "erika@example.org"
):  # type: ignore[no-untyped-def]
    types = install_types(session, tenant_id)
    application = make_application(
        session,
        types["kita-ermaessigung"],
        data={
            "vorname": "Erika",
            "nachname": "Musterfrau",
            "strasse": "Marktstätte",
            "hausnummer": "1",
            "plz": "78462",
            "ort": "Konstanz",
            "email": email,
            "kind_vorname": "Mia",
            "kind_nachname": "Musterfrau",
            "kind_geburtsdatum": "2023-04-01",
            "aufnahmedatum": "2026-09-01",
            "betreuungsform": "vormittags",
            "kinder_unter_18": 1,
            "kinder_in_betreuung": 1,
            "sozialpass": True,
            "richtigkeit": True,
        },
        email=email,
    )
    add_attachment(session, application, files_dir, requirement="sozialpass", text="", readable=False)
    check_now(session, application)
    return application


def test_missing_items_come_from_the_completeness_findings(
    tenant_session: Session, world: World, tmp_path: Path
) -> None:
    application = _unreadable_and_missing(tenant_session, world.tenant_a_id, tmp_path)
    items = correspondence.missing_items(session=tenant_session, application=application)
    assert items == [
        "Angabe „Geburtsdatum“",
        "Kopie des Sozialpasses (die eingereichte Datei war nicht lesbar; bitte erneut einreichen)",
    ]

    overridden = next(
        f
        for f in checklist.checklist(session=tenant_session, application=application)[0].items
        if f.field_label == "Geburtsdatum"
    ).finding
    casework.review_finding(
        session=tenant_session,
        application=application,
        finding=overridden,
        review=Review.OVERRIDDEN,
        reason="telefonisch erfragt",
        actor=ACTOR,
    )
    assert "Angabe „Geburtsdatum“" not in correspondence.missing_items(
        session=tenant_session, application=application
    )


def test_the_request_letter_is_merged_edited_rendered_and_sent_by_mail(
    tenant_session: Session, world: World, tmp_path: Path, smtp: SmtpServer
) -> None:
    session = tenant_session
    application = _unreadable_and_missing(session, world.tenant_a_id, tmp_path)
    items = correspondence.missing_items(session=session, application=application)
    due = date(2026, 12, 20)
    letter = correspondence.draft_request(
        session=session, application=application, items=items, due=due, actor=ACTOR, today=TODAY
    )
    assert letter.status == "draft"
    assert letter.due == due
    assert letter.subject == (
        f"Ihr Antrag ({application.type.title}), Aktenzeichen {application.reference} – fehlende Unterlagen"
    )
    assert letter.body.startswith("Guten Tag Erika Musterfrau,")
    assert (
        "- Kopie des Sozialpasses (die eingereichte Datei war nicht lesbar; bitte erneut einreichen)"
        in letter.body
    )
    assert "- Angabe „Geburtsdatum“" in letter.body
    assert "bis zum 20.12.2026" in letter.body
    assert "{" not in letter.body

    correspondence.save_letter(
        session=session,
        application=application,
        letter=letter,
        subject=letter.subject,
        body=letter.body + "\n\nBei Fragen erreichen Sie uns montags bis freitags.",
        actor=ACTOR,
    )
    content = correspondence.content(session=session, application=application, letter=letter, letterhead=None)
    assert content.recipient_lines == ("Erika Musterfrau", "Marktstätte 1", "78462 Konstanz")
    pdf = letters.render_pdf(content)
    text = " ".join(extract_text(io.BytesIO(pdf)).split())
    assert "Kopie des Sozialpasses (die eingereichte Datei war nicht lesbar" in text
    assert "montags bis freitags" in text
    assert application.reference in text

    mail = MailSettings(
        host=smtp.host, port=smtp.port, security="none", from_address="steueramt@stadt-a.example", timeout=5
    )
    sent = correspondence.send_letter(
        session=session,
        application=application,
        letter=letter,
        pdf=pdf,
        files_dir=tmp_path,
        mail=mail,
        actor=ACTOR,
    )
    assert sent == "sent"
    assert letter.sent_at is not None
    assert application.status == ApplicationStatus.DOCUMENTS_REQUESTED
    assert application.documents_due == due
    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received.rcpt_tos == ("erika@example.org",)
    parsed = message_from_bytes(received.data, policy=default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["To"] == "erika@example.org"
    assert application.reference in parsed["Subject"]
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None
    assert "Kopie des Sozialpasses" in body.get_content()
    attachments = list(parsed.iter_attachments())
    assert [a.get_content_type() for a in attachments] == ["application/pdf"]
    assert attachments[0].get_content() == pdf
    stored = session.get(StoredFile, letter.pdf_file_id)
    assert stored is not None
    assert blob_path(tmp_path, stored.sha256).read_bytes() == pdf
    with pytest.raises(CaseworkError, match="bereits versandt"):
        correspondence.send_letter(
            session=session,
            application=application,
            letter=letter,
            pdf=pdf,
            files_dir=tmp_path,
            mail=mail,
            actor=ACTOR,
        )


def test_without_an_address_the_letter_is_for_the_post(
    tenant_session: Session, world: World, tmp_path: Path
) -> None:
    session = tenant_session
    application = _unreadable_and_missing(session, world.tenant_a_id, tmp_path, email="")
    letter = correspondence.draft_request(
        session=session,
        application=application,
        items=["Sozialpass"],
        due=date(2026, 12, 20),
        actor=ACTOR,
        today=TODAY,
    )
    with pytest.raises(CaseworkError, match="keine E-Mail-Adresse"):
        correspondence.send_letter(
            session=session,
            application=application,
            letter=letter,
            pdf=b"%PDF",
            files_dir=tmp_path,
            mail=MailSettings(host="127.0.0.1", from_address="a@b.example"),
            actor=ACTOR,
        )
    assert letter.status == "draft"
    sent = correspondence.send_letter(
        session=session,
        application=application,
        letter=letter,
        pdf=b"%PDF-1.7",
        files_dir=tmp_path,
        mail=None,
        actor=ACTOR,
    )
    assert sent == "post"
    assert application.status == ApplicationStatus.DOCUMENTS_REQUESTED


def test_a_mail_server_that_is_down_leaves_the_draft(
    tenant_session: Session, world: World, tmp_path: Path
) -> None:
    session = tenant_session
    application = _unreadable_and_missing(session, world.tenant_a_id, tmp_path)
    letter = correspondence.draft_request(
        session=session,
        application=application,
        items=["Sozialpass"],
        due=date(2026, 12, 20),
        actor=ACTOR,
        today=TODAY,
    )
    with smtp_server() as server:
        down = MailSettings(
            host=server.host, port=server.port, security="none", from_address="a@b.example", timeout=2
        )
    with pytest.raises(CaseworkError, match="nicht gesendet"):
        correspondence.send_letter(
            session=session,
            application=application,
            letter=letter,
            pdf=b"%PDF",
            files_dir=tmp_path,
            mail=down,
            actor=ACTOR,
        )
    assert letter.status == "draft"
    assert application.status == ApplicationStatus.CHECKED


def test_no_letter_without_an_approved_template_and_a_sensible_request(
    tenant_session: Session, world: World, tmp_path: Path
) -> None:
    session = tenant_session
    application = _unreadable_and_missing(session, world.tenant_a_id, tmp_path)
    with pytest.raises(CaseworkError, match="mindestens eine"):
        correspondence.draft_request(
            session=session,
            application=application,
            items=[" "],
            due=date(2026, 12, 20),
            actor=ACTOR,
            today=TODAY,
        )
    with pytest.raises(CaseworkError, match="Zukunft"):
        correspondence.draft_request(
            session=session,
            application=application,
            items=["Sozialpass"],
            due=TODAY,
            actor=ACTOR,
            today=TODAY,
        )
    template = letters.approved(session=session, key="nachforderung")
    assert template is not None
    template.status = letters.TemplateStatus.RETIRED
    session.flush()
    with pytest.raises(CaseworkError, match="keine Briefvorlage „nachforderung“"):
        correspondence.draft_request(
            session=session,
            application=application,
            items=["Sozialpass"],
            due=date(2026, 12, 20),
            actor=ACTOR,
            today=TODAY,
        )


def test_the_bescheid_carries_the_decision_and_its_reason(
    tenant_session: Session, world: World, tmp_path: Path
) -> None:
    session = tenant_session
    application = _unreadable_and_missing(session, world.tenant_a_id, tmp_path)
    for group in checklist.checklist(session=session, application=application):
        for item in group.items:
            casework.review_finding(
                session=session,
                application=application,
                finding=item.finding,
                review=Review.ACCEPTED,
                reason="",
                actor=ACTOR,
            )
    decision = casework.decide(
        session=session,
        application=application,
        outcome=Outcome.REJECTED,
        reason="Ohne lesbaren Sozialpass und ohne Einkommensnachweis ist keine Ermäßigung "
        "nach § 4 KitaKBS möglich.",
        actor=ACTOR,
    )
    letter = correspondence.draft_decision_letter(
        session=session, application=application, decision=decision, actor=ACTOR, today=TODAY
    )
    assert letter.template_key == "bescheid-ablehnung"
    assert decision.letter_id == letter.id
    assert "Ihr Antrag wird abgelehnt." in letter.body
    assert "keine Ermäßigung nach § 4 KitaKBS möglich" in letter.body
    assert (
        letter.subject
        == f"Ablehnung Ihres Antrags ({application.type.title}), Aktenzeichen {application.reference}"
    )
    sent = correspondence.send_letter(
        session=session,
        application=application,
        letter=letter,
        pdf=b"%PDF-1.7",
        files_dir=tmp_path,
        mail=None,
        actor=ACTOR,
    )
    assert sent == "post"
    assert application.status == ApplicationStatus.DECIDED


def test_the_letter_dates_are_those_of_the_municipality_not_of_the_server_clock(
    world: World, tenant_session: Session
) -> None:
    """Submitted at 00:30 in Konstanz (23:30 UTC the day before): the letter thanks for the 7th, like the
    receipt, whatever time zone the server runs in; the letter's date is the local one too."""
    types = install_types(tenant_session, world.tenant_a_id)
    late = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    application = make_application(tenant_session, types["hundesteuer"], submitted_at=late)
    definition = definition_of(application.type)
    values = correspondence.letter_values(application=application, definition=definition, today=TODAY)
    assert values["eingangsdatum"] == "07.12.2026"
    letter = correspondence.draft_request(
        session=tenant_session,
        application=application,
        items=["Nachweis der Rettungshundeprüfung"],
        due=date(2027, 1, 15),
        actor=ACTOR,
        today=TODAY,
    )
    assert "vielen Dank für Ihren Antrag vom 07.12.2026" in letter.body
    letter.sent_at = late
    content = correspondence.content(
        session=tenant_session, application=application, letter=letter, letterhead=None
    )
    assert content.date == date(2026, 12, 7)
