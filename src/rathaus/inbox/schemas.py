"""Data the Posteingang passes between intake, reading and routing (no ORM objects, no web)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rathaus.inbox.models import DocumentRole, DocumentStatus, ItemSource


@dataclass(frozen=True)
class IncomingFile:
    """A file as it arrived: bytes and a name; ``status`` is set by intake for quarantined files."""

    filename: str
    data: bytes
    media_type: str
    role: DocumentRole = DocumentRole.ATTACHMENT
    status: DocumentStatus = DocumentStatus.PENDING
    message: str | None = None
    text: str = ""  # known text (an e-mail body); empty means "read it"
    html_sanitized: str | None = None


@dataclass(frozen=True)
class Incoming:
    """One arriving letter, scan or e-mail, whatever the channel (IMAP, upload, drop folder, demo)."""

    source: ItemSource
    files: tuple[IncomingFile, ...]
    subject: str = ""
    sender_name: str = ""
    sender_address: str = ""
    recipient: str = ""
    message_id: str | None = None
    received_at: datetime | None = None
    position_number: str | None = None  # set by a mail rule: routed by that rule
    rule_reason: str | None = None
    notes: tuple[str, ...] = field(default=())  # German remarks of intake (e.g. "E-Mail ohne Text")

    @property
    def original(self) -> IncomingFile | None:
        """The file whose content hash identifies the item (the first file)."""
        return self.files[0] if self.files else None
