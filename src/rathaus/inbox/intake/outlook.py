"""Outlook .msg files read with extract-msg (imported lazily: it pulls in RTF and OLE tooling)."""

from __future__ import annotations

import io
import logging
import mimetypes
from datetime import UTC, datetime
from email.utils import getaddresses, parseaddr
from typing import Any

from rathaus.core.db import utcnow
from rathaus.core.text.encoding import decode_best_effort
from rathaus.inbox.intake.parts import Attachment, MailParseError, MailParts, mail_date
from rathaus.inbox.intake.sniff import media_type_of

logger = logging.getLogger(__name__)
EMBEDDED_NOTE = "Eingebettete Outlook-Nachricht „{name}“: nur im Original enthalten."


def parts_of_msg(data: bytes) -> MailParts:
    """Subject, addresses, date, text, HTML and attachments of an Outlook message."""
    import extract_msg  # noqa: PLC0415

    try:
        message: Any = extract_msg.openMsg(io.BytesIO(data), delayAttachments=False)
    except Exception as error:  # extract-msg raises many kinds on broken or foreign OLE files
        raise MailParseError(
            f"Die Outlook-Datei konnte nicht gelesen werden ({type(error).__name__})."
        ) from error
    try:
        return _parts(message)
    except Exception as error:
        raise MailParseError(
            f"Die Outlook-Datei konnte nicht gelesen werden ({type(error).__name__})."
        ) from error
    finally:
        message.close()


def _parts(message: Any) -> MailParts:
    if not hasattr(message, "body"):
        raise MailParseError("Die Outlook-Datei ist keine E-Mail (z. B. ein Termin oder Kontakt).")
    sender_name, sender_address = parseaddr(str(message.sender or ""))
    recipients = [address for _, address in getaddresses([str(message.to or "")]) if address]
    html_body = message.htmlBody
    html = decode_best_effort(html_body) if isinstance(html_body, bytes) else str(html_body or "")
    attachments: list[Attachment] = []
    for number, attachment in enumerate(message.attachments, start=1):
        found = _attachment(attachment, number)
        if found is not None:
            attachments.append(found)
    return MailParts(
        subject=str(message.subject or "").strip(),
        sender_name=sender_name,
        sender_address=sender_address,
        recipient=", ".join(recipients) or str(message.to or "").strip(),
        message_id=str(message.messageId or "").strip() or None,
        date=_date(message.date) or _header_date(message),
        text=str(message.body or ""),
        html=html if not str(message.body or "").strip() else "",
        attachments=tuple(attachments),
    )


def _attachment(attachment: Any, number: int) -> Attachment | None:
    name = str(attachment.longFilename or attachment.shortFilename or "") or f"Anhang-{number}"
    data = attachment.data
    if not isinstance(data, bytes):  # an embedded message or an unsupported kind: kept in the original
        logger.info("msg attachment %s (%s) is not a plain file; left in the original", name, type(data))
        return Attachment(
            filename=f"{name}.txt",
            data=EMBEDDED_NOTE.format(name=name).encode(),
            media_type="text/plain",
            text=EMBEDDED_NOTE.format(name=name),
        )
    declared = str(getattr(attachment, "mimetype", "") or "") or (
        mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    return Attachment(filename=name, data=data, media_type=media_type_of(data) or declared)


def _header_date(message: Any) -> datetime | None:
    """The Date of the transport headers, when the message has no submit time of its own."""
    try:
        header = message.header
    except Exception:
        return None
    return mail_date(header.get("date")) if header is not None else None


def _date(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return min(aware.astimezone(UTC), utcnow())
