"""Tables of the Posteingang: filing plan, departments, mailboxes, incoming items and their documents.

An *item* (Eingang) is one letter, scan or e-mail as it arrived; its *documents* are the files that
came with it (the scan, the e-mail body, each attachment). Routing puts an item on a *position* of the
tenant's filing plan (Aktenplan) and so in the queue of the department that handles the position.
Only items a caseworker confirmed (accepted or re-routed) are training data for the classifier.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Enum, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rathaus.core.db import Base, TenantOwned, utcnow


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=lambda cls: [m.value for m in cls])


class ItemSource(enum.StrEnum):
    """How an item arrived."""

    EMAIL = "email"  # polled from an IMAP mailbox
    EMAIL_UPLOAD = "eml"  # an .eml or .msg file uploaded in the browser
    UPLOAD = "upload"  # a scan or PDF uploaded in the browser
    FOLDER = "folder"  # the scanner's drop folder
    DEMO = "demo"

    @property
    def label(self) -> str:
        """The German label shown to people."""
        return SOURCE_LABELS[self]


SOURCE_LABELS = {
    ItemSource.EMAIL: "E-Mail (Postfach)",
    ItemSource.EMAIL_UPLOAD: "E-Mail (hochgeladen)",
    ItemSource.UPLOAD: "Scan/PDF (hochgeladen)",
    ItemSource.FOLDER: "Scan (Ablageordner)",
    ItemSource.DEMO: "Beispiel",
}


class ItemStatus(enum.StrEnum):
    """Where an item stands: eingegangen → (Poststelle) → zugeordnet → angenommen → beantwortet/erledigt."""

    RECEIVED = "received"  # stored, text and routing still to come (job queued)
    TRIAGE = "triage"  # routing was unsure: the Poststelle assigns it
    ROUTED = "routed"  # suggested to a department, not yet accepted there
    ACCEPTED = "accepted"  # a caseworker took it (confirmed the position)
    ANSWERED = "answered"  # a reply was sent
    CLOSED = "closed"  # done without reply
    FAILED = "failed"  # unreadable (corrupt, encrypted, …): the message says why; the file is kept
    QUARANTINED = "quarantined"  # dangerous attachment: kept closed, never opened

    @property
    def label(self) -> str:
        """The German label shown to people."""
        return STATUS_LABELS[self]

    @property
    def open(self) -> bool:
        """Whether somebody still has to act on the item."""
        return self in {
            ItemStatus.RECEIVED,
            ItemStatus.TRIAGE,
            ItemStatus.ROUTED,
            ItemStatus.ACCEPTED,
            ItemStatus.FAILED,
            ItemStatus.QUARANTINED,
        }


STATUS_LABELS = {
    ItemStatus.RECEIVED: "eingegangen, wird gelesen",
    ItemStatus.TRIAGE: "in der Poststelle (Zuordnung unsicher)",
    ItemStatus.ROUTED: "zugeordnet, nicht angenommen",
    ItemStatus.ACCEPTED: "angenommen",
    ItemStatus.ANSWERED: "beantwortet",
    ItemStatus.CLOSED: "erledigt",
    ItemStatus.FAILED: "nicht lesbar",
    ItemStatus.QUARANTINED: "in Quarantäne",
}


class DocumentRole(enum.StrEnum):
    """What a document is to its item."""

    ORIGINAL = "original"  # the scan, the PDF or the uploaded e-mail file
    BODY = "body"  # the text of an e-mail
    ATTACHMENT = "attachment"


class DocumentStatus(enum.StrEnum):
    """Whether a document's text could be read."""

    PENDING = "pending"
    READ = "read"  # text layer or OCR text present
    NO_TEXT = "no_text"  # readable, but there is no text in it
    UNREADABLE = "unreadable"  # corrupt, encrypted, too large: the message says why
    QUARANTINED = "quarantined"  # executable or macro: stored, never opened
    SKIPPED = "skipped"  # a type Rathaus does not read (kept as a file)


class Position(TenantOwned, Base):
    """A position of the filing plan (Aktenplan): number, title, description, handling department."""

    __tablename__ = "inbox_positions"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), doc="Aktenplankennzeichen, e.g. 66.20")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    org_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_org_units.id", ondelete="SET NULL"), default=None
    )
    active: Mapped[bool] = mapped_column(default=True)

    org_unit: Mapped[OrgUnit | None] = relationship(back_populates="positions")


class OrgUnit(TenantOwned, Base):
    """A department (Amt, Fachbereich, Dezernat) with its e-mail address; it handles positions."""

    __tablename__ = "inbox_org_units"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(40), default=None)
    email: Mapped[str | None] = mapped_column(String(254), default=None)

    positions: Mapped[list[Position]] = relationship(back_populates="org_unit", order_by="Position.number")


class RoutingRule(TenantOwned, Base):
    """A caseworker's rule: a field matched by text, regular expression or fuzzily → a position."""

    __tablename__ = "inbox_routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(16), doc="sender, subject or body")
    match: Mapped[str] = mapped_column(String(16), doc="contains, regex or fuzzy")
    pattern: Mapped[str] = mapped_column(String(500))
    position_id: Mapped[int] = mapped_column(ForeignKey("inbox_positions.id", ondelete="CASCADE"))
    order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    position: Mapped[Position] = relationship()


class Mailbox(TenantOwned, Base):
    """An IMAP mailbox polled for incoming mail; the password is stored encrypted (Fernet)."""

    __tablename__ = "inbox_mailboxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(default=993)
    security: Mapped[str] = mapped_column(String(16), default="ssl", doc="ssl, starttls or none")
    username: Mapped[str] = mapped_column(String(255))
    password_encrypted: Mapped[str] = mapped_column(Text, doc="Fernet token; never shown again")
    folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    enabled: Mapped[bool] = mapped_column(default=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    rules: Mapped[list[MailRule]] = relationship(
        back_populates="mailbox", order_by="MailRule.order", cascade="all, delete-orphan"
    )


class MailRule(TenantOwned, Base):
    """A mail rule of a mailbox, applied in order: filters, an optional position, post-actions.

    Filters left empty match everything; each is a text (case-insensitive substring) or, with
    ``use_regex``, a regular expression. ``stop`` ends the rule chain for a matching mail.
    ``action`` is ``take`` (take the mail in) or ``ignore`` (leave it in the mailbox, logged).
    """

    __tablename__ = "inbox_mail_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("inbox_mailboxes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    order: Mapped[int] = mapped_column(default=0)
    sender: Mapped[str] = mapped_column(String(300), default="")
    recipient: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(String(300), default="")
    attachment_name: Mapped[str] = mapped_column(String(300), default="")
    use_regex: Mapped[bool] = mapped_column(default=False)
    action: Mapped[str] = mapped_column(String(16), default="take")
    position_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_positions.id", ondelete="SET NULL"), default=None
    )
    mark_read: Mapped[bool] = mapped_column(default=True)
    move_to: Mapped[str | None] = mapped_column(String(255), default=None, doc="IMAP folder after intake")
    stop: Mapped[bool] = mapped_column(default=True)

    mailbox: Mapped[Mailbox] = relationship(back_populates="rules")


class ProcessedMail(TenantOwned, Base):
    """The processed-mail log: one row per (mailbox, UIDVALIDITY, UID), written before intake commits.

    The unique key is what keeps a restart, a crash or two workers from taking a mail in twice.
    """

    __tablename__ = "inbox_processed_mails"
    __table_args__ = (UniqueConstraint("mailbox_id", "uidvalidity", "uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("inbox_mailboxes.id", ondelete="CASCADE"))
    uidvalidity: Mapped[int]
    uid: Mapped[int]
    message_id: Mapped[str | None] = mapped_column(String(998), default=None)
    outcome: Mapped[str] = mapped_column(String(16), doc="taken, ignored, duplicate or failed")
    detail: Mapped[str | None] = mapped_column(Text, default=None)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="SET NULL"), default=None
    )
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Case(TenantOwned, Base):
    """A case (Vorgang) known by its file reference (Aktenzeichen); items with that reference join it."""

    __tablename__ = "inbox_cases"
    __table_args__ = (UniqueConstraint("tenant_id", "file_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_reference: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Item(TenantOwned, Base):
    """One incoming letter, scan or e-mail, with its routing and what was found in it."""

    __tablename__ = "inbox_items"
    __table_args__ = (Index("ix_inbox_items_queue", "tenant_id", "status", "org_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[ItemSource] = mapped_column(_enum(ItemSource))
    status: Mapped[ItemStatus] = mapped_column(_enum(ItemStatus), default=ItemStatus.RECEIVED, index=True)
    status_message: Mapped[str | None] = mapped_column(Text, default=None, doc="German; why it failed etc.")
    subject: Mapped[str] = mapped_column(String(998), default="")
    sender_name: Mapped[str] = mapped_column(String(300), default="")
    sender_address: Mapped[str] = mapped_column(String(300), default="", doc="e-mail or postal address")
    recipient: Mapped[str] = mapped_column(String(300), default="")
    message_id: Mapped[str | None] = mapped_column(String(998), default=None)
    text: Mapped[str] = mapped_column(Text, default="", doc="the text routing and extraction read")
    content_sha256: Mapped[str] = mapped_column(String(64), index=True, doc="of the original's bytes")
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="SET NULL"), default=None
    )
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_cases.id", ondelete="SET NULL"), default=None
    )
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    process_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("jobs.id", ondelete="SET NULL"), default=None, doc="the reading job, for its progress"
    )

    # routing: a suggestion until a caseworker confirms it
    position_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_positions.id", ondelete="SET NULL"), default=None
    )
    org_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_org_units.id", ondelete="SET NULL"), default=None
    )
    routing_method: Mapped[str | None] = mapped_column(String(16), default=None)
    routing_confidence: Mapped[float | None] = mapped_column(Float, default=None)
    routing_reason: Mapped[str | None] = mapped_column(Text, default=None)
    confirmed: Mapped[bool] = mapped_column(default=False, doc="a caseworker confirmed the position")
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    routed_at: Mapped[datetime | None] = mapped_column(default=None)
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    # extraction
    due_date: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    due_text: Mapped[str | None] = mapped_column(String(300), default=None, doc="the phrase it came from")
    file_reference: Mapped[str | None] = mapped_column(String(120), default=None)
    extraction: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    has_personal_data: Mapped[bool] = mapped_column(default=False)
    needs_review: Mapped[bool] = mapped_column(default=False, doc="a page was read with low OCR confidence")
    reminded_at: Mapped[datetime | None] = mapped_column(default=None, doc="last deadline reminder")

    documents: Mapped[list[ItemDocument]] = relationship(
        back_populates="item", order_by="ItemDocument.id", cascade="all, delete-orphan"
    )
    position: Mapped[Position | None] = relationship()
    org_unit: Mapped[OrgUnit | None] = relationship()
    case: Mapped[Case | None] = relationship()


class ItemDocument(TenantOwned, Base):
    """A file of an item: the original, the e-mail body or an attachment, with its text and OCR copy."""

    __tablename__ = "inbox_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inbox_items.id", ondelete="CASCADE"), index=True)
    role: Mapped[DocumentRole] = mapped_column(_enum(DocumentRole))
    file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_files.id", ondelete="SET NULL"), default=None
    )
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[DocumentStatus] = mapped_column(_enum(DocumentStatus), default=DocumentStatus.PENDING)
    message: Mapped[str | None] = mapped_column(Text, default=None, doc="German; why it was not read")
    text: Mapped[str] = mapped_column(Text, default="")
    text_method: Mapped[str | None] = mapped_column(String(16), default=None, doc="text_layer, ocr, email")
    html_sanitized: Mapped[str | None] = mapped_column(Text, default=None, doc="HTML mail after nh3")
    pdf_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_files.id", ondelete="SET NULL"), default=None, doc="searchable PDF/A after OCR"
    )
    page_count: Mapped[int] = mapped_column(default=0)

    item: Mapped[Item] = relationship(back_populates="documents")
    pages: Mapped[list[DocumentPage]] = relationship(
        back_populates="document", order_by="DocumentPage.number", cascade="all, delete-orphan"
    )


class DocumentPage(TenantOwned, Base):
    """One page of a document: its text and the OCR confidence (None for a text layer)."""

    __tablename__ = "inbox_pages"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("inbox_documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(doc="1-based")
    text: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float | None] = mapped_column(Float, default=None, doc="mean word confidence 0–1")
    low_confidence: Mapped[bool] = mapped_column(default=False)

    document: Mapped[ItemDocument] = relationship(back_populates="pages")


class RoutingModel(TenantOwned, Base):
    """The tenant's trained classifier: a file written by the retraining job, checked by its hash."""

    __tablename__ = "inbox_routing_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    examples: Mapped[int]
    positions: Mapped[int]
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)


class TextBlock(TenantOwned, Base):
    """An approved, versioned text block (Textbaustein); editing writes a new version of the same key."""

    __tablename__ = "inbox_text_blocks"
    __table_args__ = (UniqueConstraint("tenant_id", "key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    position_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_positions.id", ondelete="SET NULL"), default=None, doc="suggested for this position"
    )
    current: Mapped[bool] = mapped_column(default=True, doc="the newest version of its key")
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    approved_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReplyStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    FAILED = "failed"  # the SMTP server refused; the draft is kept and can be sent again


class Reply(TenantOwned, Base):
    """A reply to an item: drafted (text blocks, cited sources, LLM), edited and sent by a person."""

    __tablename__ = "inbox_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inbox_items.id", ondelete="CASCADE"), index=True)
    status: Mapped[ReplyStatus] = mapped_column(_enum(ReplyStatus), default=ReplyStatus.DRAFT)
    to_address: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(998))
    body: Mapped[str] = mapped_column(Text, doc="the current text (draft, then as sent)")
    draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("ai_drafts.id", ondelete="SET NULL"), default=None
    )
    text_blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, doc="key and version used")
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    message_id: Mapped[str | None] = mapped_column(String(998), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
