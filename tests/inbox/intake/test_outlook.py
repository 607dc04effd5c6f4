"""Outlook .msg files (built by ``msgfile``, a writer of the documented format) read through extract-msg."""

from __future__ import annotations

from datetime import UTC, datetime

from rathaus.inbox.intake.email import parse_msg
from rathaus.inbox.intake.uploads import incoming_from_upload
from rathaus.inbox.models import DocumentRole, DocumentStatus, ItemSource
from tests.inbox.intake.conftest import EXE_BYTES
from tests.inbox.intake.msgfile import outlook_message

PDF = b"%PDF-1.4\n" + b"0" * 5000  # larger than a mini stream: stored in regular sectors


def _message() -> bytes:
    return outlook_message(
        subject="Antrag auf Parkausweis",
        sender_name="Erika Mustermann",
        sender_address="erika@example.org",
        to="poststelle@stadt.example",
        body="Guten Tag,\nanbei mein Antrag auf einen Anwohnerparkausweis.",
        message_id="<outlook-1@example.org>",
        attachments=(("Antrag.pdf", PDF), ("Rechnung.pdf", EXE_BYTES)),
    )


def test_an_outlook_mail_becomes_an_item_with_body_and_attachments() -> None:
    incoming = parse_msg(_message())
    assert incoming.source is ItemSource.EMAIL_UPLOAD
    assert (incoming.subject, incoming.sender_name, incoming.sender_address, incoming.recipient) == (
        "Antrag auf Parkausweis",
        "Erika Mustermann",
        "erika@example.org",
        "poststelle@stadt.example",
    )
    assert incoming.message_id == "<outlook-1@example.org>"
    assert incoming.received_at == datetime(2025, 6, 3, 7, 30, tzinfo=UTC)
    original, body, pdf, program = incoming.files
    assert (original.role, original.media_type, original.status) == (
        DocumentRole.ORIGINAL,
        "application/vnd.ms-outlook",
        DocumentStatus.SKIPPED,
    )
    assert (body.role, body.status) == (DocumentRole.BODY, DocumentStatus.READ)
    assert "Anwohnerparkausweis" in body.text
    assert (pdf.filename, pdf.media_type, pdf.status, pdf.data) == (
        "Antrag.pdf",
        "application/pdf",
        DocumentStatus.PENDING,
        PDF,
    )
    assert (program.filename, program.status) == ("Rechnung.pdf", DocumentStatus.QUARANTINED)
    assert "Windows-Programm" in (program.message or "")


def test_an_uploaded_msg_is_recognised_by_its_content() -> None:
    incoming = incoming_from_upload(filename="scan.pdf", data=_message(), max_image_pixels=1_000_000)
    assert incoming.source is ItemSource.EMAIL_UPLOAD
    assert incoming.files[0].filename == "scan.pdf"
    assert incoming.subject == "Antrag auf Parkausweis"
