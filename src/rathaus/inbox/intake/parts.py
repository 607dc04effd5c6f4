"""What intake needs of a mail, whatever its format (RFC 822 or Outlook .msg)."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime

from rathaus.core.db import utcnow


class MailParseError(ValueError):
    """The file is not an e-mail that can be read; the message is German."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    media_type: str
    text: str = ""  # known text (a forwarded mail)
    danger: str | None = None  # why it must not be opened, when known from its content


@dataclass(frozen=True)
class MailParts:
    """What intake needs of a mail, whatever its format."""

    subject: str = ""
    sender_name: str = ""
    sender_address: str = ""
    recipient: str = ""
    message_id: str | None = None
    date: datetime | None = None
    text: str = ""
    html: str = ""
    attachments: tuple[Attachment, ...] = ()


def mail_date(value: object) -> datetime | None:
    """The Date header as an aware UTC time; None when absent or unreadable, now when in the future."""
    if value is None:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return min(parsed.astimezone(UTC), utcnow())
