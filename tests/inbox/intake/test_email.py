"""E-mail files into ``Incoming``: headers, body, sanitised HTML, attachments, nested mails, .msg errors."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from rathaus.inbox.intake.email import parse_eml, parse_msg, unreadable_mail
from rathaus.inbox.intake.html import sanitize, text_of
from rathaus.inbox.intake.parts import MailParseError
from rathaus.inbox.models import DocumentRole, DocumentStatus, ItemSource
from tests.inbox.intake.conftest import EXE_BYTES, MailSpec, mail


def test_headers_body_and_attachments_of_an_eml() -> None:
    raw = mail(
        MailSpec(
            subject="Widerspruch gegen Bescheid",
            sender='"Müller, Hans" <hans.mueller@example.org>',
            to="Poststelle <post@stadt.example>, Bauamt <bau@stadt.example>",
            message_id="<m-1@example.org>",
            text="Hiermit lege ich Widerspruch ein.",
            html="<p>Hiermit lege ich <b>Widerspruch</b> ein.</p>",
        ),
        attachments=(("Bescheid.pdf", b"%PDF-1.4\n1 0 obj\n", "application/octet-stream"),),
    )
    incoming = parse_eml(raw)
    assert incoming.source is ItemSource.EMAIL
    assert (incoming.subject, incoming.sender_name, incoming.sender_address) == (
        "Widerspruch gegen Bescheid",
        "Müller, Hans",
        "hans.mueller@example.org",
    )
    assert incoming.recipient == "post@stadt.example, bau@stadt.example"
    assert incoming.message_id == "<m-1@example.org>"
    assert incoming.received_at == datetime(2025, 6, 3, 7, 30, tzinfo=UTC)
    original, body, attachment = incoming.files
    assert (original.role, original.status, original.media_type, original.data) == (
        DocumentRole.ORIGINAL,
        DocumentStatus.SKIPPED,
        "message/rfc822",
        raw,
    )
    assert original.filename == "Widerspruch gegen Bescheid.eml"
    assert (body.role, body.status, body.media_type) == (DocumentRole.BODY, DocumentStatus.READ, "text/plain")
    assert body.text.strip() == "Hiermit lege ich Widerspruch ein."  # text/plain preferred
    assert body.html_sanitized == "<p>Hiermit lege ich <b>Widerspruch</b> ein.</p>\n"
    assert (attachment.filename, attachment.status, attachment.media_type) == (
        "Bescheid.pdf",
        DocumentStatus.PENDING,
        "application/pdf",  # sniffed, not the declared octet-stream
    )
    assert incoming.notes == ()


def test_a_latin1_mail_and_an_inline_logo() -> None:
    message = EmailMessage()
    message["From"] = "amt@example.org"
    message["Subject"] = "Grüße"
    message.set_content("Straße und Größe", charset="iso-8859-1")
    message.add_alternative('<p>Straße <img src="cid:logo@x"></p>', subtype="html")
    message.get_payload()[1].add_related(
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, maintype="image", subtype="png", cid="<logo@x>"
    )
    incoming = parse_eml(message.as_bytes())
    assert [f.role for f in incoming.files] == [
        DocumentRole.ORIGINAL,
        DocumentRole.BODY,
    ]  # the logo stays inside
    assert incoming.files[1].text.strip() == "Straße und Größe"


def test_a_forwarded_mail_is_an_attachment_with_its_text() -> None:
    inner = EmailMessage()
    inner["From"] = "Bürger <b@example.org>"
    inner["Subject"] = "Schlagloch"
    inner.set_content("Im Lindenweg ist ein Schlagloch.")
    outer = EmailMessage()
    outer["From"] = "kollege@stadt.example"
    outer["Subject"] = "WG: Schlagloch"
    outer.set_content("Zur Kenntnis.")
    outer.add_attachment(inner)
    incoming = parse_eml(outer.as_bytes())
    forwarded = incoming.files[-1]
    assert (forwarded.role, forwarded.media_type, forwarded.status) == (
        DocumentRole.ATTACHMENT,
        "message/rfc822",
        DocumentStatus.READ,
    )
    assert forwarded.filename == "Schlagloch.eml"
    assert "Im Lindenweg ist ein Schlagloch." in forwarded.text
    assert forwarded.text.startswith("Weitergeleitete E-Mail von Bürger: Schlagloch")


def test_a_forwarded_mail_with_a_program_is_quarantined_whole() -> None:
    inner = EmailMessage()
    inner["Subject"] = "Rechnung"
    inner.set_content("siehe Anhang")
    inner.add_attachment(EXE_BYTES, maintype="application", subtype="octet-stream", filename="rechnung.pdf")
    outer = EmailMessage()
    outer["Subject"] = "WG: Rechnung"
    outer.set_content("?")
    outer.add_attachment(inner)
    forwarded = parse_eml(outer.as_bytes()).files[-1]
    assert forwarded.status is DocumentStatus.QUARANTINED
    assert "„rechnung.pdf“" in (forwarded.message or "")


def test_sanitising_keeps_text_and_links_and_drops_everything_active() -> None:
    html = (
        '<div onclick="x()" style="background:url(http://a/b)"><script>alert(1)</script>'
        '<p>Guten Tag</p><img src="https://tracker.example/p.gif" srcset="http://x 1x" alt="Logo">'
        '<a href="javascript:alert(1)">böse</a><a href="https://stadt.example">gut</a>'
        '<form action="https://x"><input name="q"></form><object data="http://x/y.swf"></object>'
        '<link rel="stylesheet" href="http://x/s.css"><svg><image href="http://x/i.png"/></svg></div>'
    )
    cleaned = sanitize(html)
    for forbidden in (
        "script",
        "onclick",
        "style",
        "img",
        "srcset",
        "javascript:",
        "<form",
        "<input",
        "<object",
        "<link",
        "<svg",
        "<image",
        "http://",
    ):
        assert forbidden not in cleaned, forbidden
    assert '<a href="https://stadt.example" rel="noopener noreferrer nofollow">gut</a>' in cleaned
    assert text_of(cleaned) == "Guten Tag\nbösegut"


def test_unreadable_mail_keeps_the_bytes() -> None:
    incoming = unreadable_mail(b"kaputt", source=ItemSource.EMAIL, reason="Nicht lesbar.")
    [original] = incoming.files
    assert (original.data, original.status, original.message) == (
        b"kaputt",
        DocumentStatus.UNREADABLE,
        "Nicht lesbar.",
    )
    assert incoming.notes == ("Nicht lesbar.",)


def test_a_broken_msg_file_is_refused_with_a_german_message() -> None:
    broken = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "__properties_version1.0".encode("utf-16-le")
    )
    with pytest.raises(MailParseError, match="Die Outlook-Datei konnte nicht gelesen werden"):
        parse_msg(broken)
