"""E-mail into ``Incoming``: an RFC 822 message (.eml, IMAP) or an Outlook .msg file.

The item's files are: the original message (role ORIGINAL, kept and never read as text: SKIPPED), the
body (role BODY, already READ: text/plain preferred, else the text of the sanitised HTML), and every
attachment (role ATTACHMENT, PENDING for the reading job, or QUARANTINED when it is a program, a
script or an Office file with macros). Nested messages (message/rfc822) are attachments whose text is
the forwarded mail's text. Nothing here opens, runs or unpacks an attachment.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import mimetypes
from email.headerregistry import Address
from email.message import EmailMessage, Message

from rathaus.core.text.encoding import decode_best_effort
from rathaus.inbox.intake import html as html_mail
from rathaus.inbox.intake.parts import Attachment, MailParseError, MailParts, mail_date
from rathaus.inbox.intake.safety import danger_of
from rathaus.inbox.intake.sniff import EML, MSG, media_type_of
from rathaus.inbox.models import DocumentRole, DocumentStatus, ItemSource
from rathaus.inbox.schemas import Incoming, IncomingFile

ORIGINAL_MESSAGE = "Original der E-Mail (aufbewahrt); gelesen werden Nachrichtentext und Anhänge."
NO_TEXT_NOTE = "Die E-Mail enthält keinen Text."
ONLY_ATTACHMENTS_NOTE = "Die E-Mail enthält keinen eigenen Text, nur Anhänge."
HTML_ONLY_NOTE = (
    "Die E-Mail lag nur als HTML vor; der Text wurde daraus gewonnen, Bilder und Skripte entfernt."
)
DEFAULT_ATTACHMENT = "application/octet-stream"


def parse_eml(data: bytes, *, source: ItemSource = ItemSource.EMAIL, filename: str = "") -> Incoming:
    """An RFC 822 message (an .eml file or a mail fetched by IMAP) as ``Incoming``."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        parts = _parts_of_eml(message)
    except Exception as error:  # the email package raises many kinds on broken input
        raise MailParseError(f"Die E-Mail konnte nicht gelesen werden ({type(error).__name__}).") from error
    name = filename or _file_name(parts.subject, ".eml")
    return incoming_of(
        parts,
        original=IncomingFile(
            filename=name,
            data=data,
            media_type=EML,
            role=DocumentRole.ORIGINAL,
            status=DocumentStatus.SKIPPED,
            message=ORIGINAL_MESSAGE,
        ),
        source=source,
    )


def parse_msg(data: bytes, *, source: ItemSource = ItemSource.EMAIL_UPLOAD, filename: str = "") -> Incoming:
    """An Outlook .msg file as ``Incoming`` (read with extract-msg; attachments are not opened)."""
    from rathaus.inbox.intake.outlook import parts_of_msg  # noqa: PLC0415 - extract-msg is heavy

    parts = parts_of_msg(data)
    name = filename or _file_name(parts.subject, ".msg")
    return incoming_of(
        parts,
        original=IncomingFile(
            filename=name,
            data=data,
            media_type=MSG,
            role=DocumentRole.ORIGINAL,
            status=DocumentStatus.SKIPPED,
            message=ORIGINAL_MESSAGE,
        ),
        source=source,
    )


def unreadable_mail(
    data: bytes, *, source: ItemSource, reason: str, filename: str = "E-Mail.eml"
) -> Incoming:
    """A mail that could not be parsed, kept whole so that nothing is lost (the item is marked FAILED)."""
    return Incoming(
        source=source,
        files=(
            IncomingFile(
                filename=filename,
                data=data,
                media_type=media_type_of(data) or EML,
                role=DocumentRole.ORIGINAL,
                status=DocumentStatus.UNREADABLE,
                message=reason,
            ),
        ),
        notes=(reason,),
    )


def incoming_of(parts: MailParts, *, original: IncomingFile, source: ItemSource) -> Incoming:
    """Build the item: original, body (READ), attachments (PENDING or QUARANTINED), notes."""
    files = [original]
    notes: list[str] = []
    text = parts.text.strip()
    sanitized = html_mail.sanitize(parts.html) if parts.html.strip() else None
    if not text and sanitized:
        text = html_mail.text_of(sanitized)
        if text:
            notes.append(HTML_ONLY_NOTE)
    if text or sanitized:
        body_is_html = not parts.text.strip() and sanitized is not None
        files.append(
            IncomingFile(
                filename="Nachricht.html" if body_is_html else "Nachricht.txt",
                data=(sanitized if body_is_html and sanitized else text).encode("utf-8"),
                media_type="text/html" if body_is_html else "text/plain",
                role=DocumentRole.BODY,
                status=DocumentStatus.READ if text else DocumentStatus.NO_TEXT,
                text=text,
                html_sanitized=sanitized,
            )
        )
    if not text:
        notes.append(ONLY_ATTACHMENTS_NOTE if parts.attachments else NO_TEXT_NOTE)
    files.extend(_attachment_file(attachment) for attachment in parts.attachments)
    return Incoming(
        source=source,
        files=tuple(files),
        subject=parts.subject,
        sender_name=parts.sender_name,
        sender_address=parts.sender_address,
        recipient=parts.recipient,
        message_id=parts.message_id,
        received_at=parts.date,
        notes=tuple(notes),
    )


def _attachment_file(attachment: Attachment) -> IncomingFile:
    danger = attachment.danger or danger_of(attachment.filename, attachment.data)
    if danger is not None:
        return IncomingFile(
            filename=attachment.filename,
            data=attachment.data,
            media_type=attachment.media_type,
            role=DocumentRole.ATTACHMENT,
            status=DocumentStatus.QUARANTINED,
            message=danger,
        )
    known = bool(attachment.text.strip())
    return IncomingFile(
        filename=attachment.filename,
        data=attachment.data,
        media_type=attachment.media_type,
        role=DocumentRole.ATTACHMENT,
        status=DocumentStatus.READ if known else DocumentStatus.PENDING,
        text=attachment.text,
    )


# -- RFC 822 ---------------------------------------------------------------------------------------


def _parts_of_eml(message: EmailMessage) -> MailParts:
    sender_name, sender_address = _first_address(message, "from")
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    text = _text_of(plain) if plain is not None else ""
    html = _text_of(rich) if rich is not None and rich.get_content_type() == "text/html" else ""
    bodies = {id(part) for part in (plain, rich) if part is not None}
    return MailParts(
        subject=str(message.get("subject", "") or "").strip(),
        sender_name=sender_name,
        sender_address=sender_address,
        recipient=_recipients(message),
        message_id=str(message.get("message-id", "") or "").strip() or None,
        date=mail_date(message.get("date")),
        text=text,
        html=html,
        attachments=tuple(_attachments(message, bodies, html)),
    )


def _first_address(message: Message, header: str) -> tuple[str, str]:
    value = message.get(header)
    addresses: tuple[Address, ...] = getattr(value, "addresses", ()) if value is not None else ()
    if addresses:
        return addresses[0].display_name or "", addresses[0].addr_spec or ""
    name, address = email.utils.parseaddr(str(value or ""))
    return name, address


def _recipients(message: Message) -> str:
    value = message.get("to") or message.get("delivered-to")
    addresses: tuple[Address, ...] = getattr(value, "addresses", ()) if value is not None else ()
    found = [address.addr_spec for address in addresses if address.addr_spec]
    return ", ".join(found) if found else str(value or "").strip()


def _text_of(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, ValueError):  # unknown or wrong charset
        payload = part.get_payload(decode=True)
        content = decode_best_effort(payload) if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _leaves(part: Message) -> list[Message]:
    """The parts that are not containers; a nested message (message/rfc822) counts as one leaf."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        return [part]
    payload = part.get_payload()
    children = payload if isinstance(payload, list) else []
    return [leaf for child in children if isinstance(child, Message) for leaf in _leaves(child)]


def _attachments(message: EmailMessage, bodies: set[int], html: str) -> list[Attachment]:
    found: list[Attachment] = []
    for part in _leaves(message):
        if id(part) in bodies or part is message:
            continue
        media_type = part.get_content_type()
        disposition = part.get_content_disposition()
        content_id = str(part.get("content-id", "") or "").strip("<> ")
        inline = disposition != "attachment"
        if inline and media_type.startswith("image/") and content_id and f"cid:{content_id}" in html:
            continue  # a picture of the HTML body (a logo); it stays in the original
        if (
            disposition != "attachment"
            and media_type in {"text/plain", "text/html"}
            and not part.get_filename()
        ):
            continue  # an alternative or extra body part, not a file
        found.append(_attachment_of(part, media_type, len(found) + 1))
    return found


def _attachment_of(part: Message, media_type: str, number: int) -> Attachment:
    if media_type == "message/rfc822":
        inner = part.get_payload(0) if isinstance(part.get_payload(), list) else None
        data = inner.as_bytes(policy=email.policy.default) if isinstance(inner, Message) else b""
        subject = str(inner.get("subject", "") or "") if isinstance(inner, Message) else ""
        name = part.get_filename() or _file_name(subject or f"Weitergeleitete E-Mail {number}", ".eml")
        text, danger = _forwarded(data, name)
        return Attachment(filename=name, data=data, media_type=EML, text=text, danger=danger)
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    sniffed = media_type_of(data)
    declared = media_type if media_type != "application/octet-stream" else DEFAULT_ATTACHMENT
    extension = mimetypes.guess_extension(sniffed or declared) or ".bin"
    name = part.get_filename() or f"Anhang-{number}{extension}"
    return Attachment(filename=name, data=data, media_type=sniffed or declared)


def _forwarded(data: bytes, name: str) -> tuple[str, str | None]:
    """The text of a forwarded mail, and why it is dangerous when one of its attachments is."""
    try:
        inner = parse_eml(data)
    except MailParseError:
        return "", None
    dangerous = [f.filename for f in inner.files if f.status is DocumentStatus.QUARANTINED]
    if dangerous:
        listed = ", ".join(f"„{filename}“" for filename in dangerous)
        reason = f"Die weitergeleitete E-Mail „{name}“ enthält gefährliche Anhänge ({listed})."
        return "", f"{reason} Sie wurde nicht geöffnet."
    body = next((f.text for f in inner.files if f.role is DocumentRole.BODY), "")
    if not body:
        return "", None
    head = f"Weitergeleitete E-Mail von {inner.sender_name or inner.sender_address}: {inner.subject}".strip()
    return f"{head}\n\n{body}", None


def _file_name(subject: str, suffix: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in " -_." else "_" for ch in subject).strip()[:80]
    return f"{cleaned or 'E-Mail'}{suffix}"
