"""Tables of the Anträge: application types (versioned), applications, drafts, attachments, findings.

An *application type* row is one version of a :class:`~rathaus.applications.definition.TypeDefinition`
(JSON); a submission points at the exact version it was filled in against, so a later change of the
type never changes how an old application reads. The check writes *findings* — the caseworker's
checklist — each with its evidence (field, attachment page and line, the by-law paragraph); the
caseworker accepts or overrides each one, and a *decision* is always a person's act, recorded with its
reason and a snapshot of the findings and what the person did with them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rathaus.core.db import Base, TenantOwned, UTCDateTime, utcnow


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=24, values_callable=lambda cls: [m.value for m in cls])


class TypeStatus(enum.StrEnum):
    """A version of an application type: only the active one takes new applications."""

    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class ApplicationStatus(enum.StrEnum):
    """Where an application stands."""

    SUBMITTED = "submitted"
    CHECKING = "checking"
    CHECKED = "checked"
    DOCUMENTS_REQUESTED = "documents_requested"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


class Outcome(enum.StrEnum):
    """What a person decided."""

    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    REJECTED = "rejected"


class Review(enum.StrEnum):
    """What the caseworker did with a finding."""

    ACCEPTED = "accepted"
    OVERRIDDEN = "overridden"


class ApplicationType(TenantOwned, Base):
    """One version of an application type of the tenant."""

    __tablename__ = "application_types"
    __table_args__ = (UniqueConstraint("tenant_id", "key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[TypeStatus] = mapped_column(_enum(TypeStatus), default=TypeStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    activated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Application(TenantOwned, Base):
    """A submitted application (Antrag)."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("tenant_id", "reference", name="uq_applications_reference"),
        UniqueConstraint("tenant_id", "submission_key", name="uq_applications_submission_key"),
        Index("ix_applications_status", "tenant_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), doc="e.g. HST-2026-00017")
    type_id: Mapped[int] = mapped_column(ForeignKey("application_types.id", ondelete="RESTRICT"))
    status: Mapped[ApplicationStatus] = mapped_column(
        _enum(ApplicationStatus), default=ApplicationStatus.SUBMITTED
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    applicant_name: Mapped[str] = mapped_column(String(200), default="")
    applicant_email: Mapped[str] = mapped_column(String(320), default="", index=True)
    channel: Mapped[str] = mapped_column(
        String(20), default="online", doc="online, paper (Posteingang), staff"
    )
    submission_key: Mapped[str] = mapped_column(
        String(64), doc="the form's one-time key: a repeated post is one"
    )
    access_hash: Mapped[str] = mapped_column(
        String(64), default="", doc="hash of the citizen's status link token"
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    check_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_run: Mapped[int] = mapped_column(default=0, doc="the number of the newest check")
    computed: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, doc="values the newest check derived"
    )
    receipt_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    documents_due: Mapped[date | None] = mapped_column(doc="deadline of an open Nachforderung")

    type: Mapped[ApplicationType] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="application", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="application", order_by="Finding.id", cascade="all, delete-orphan"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="application", order_by="Decision.id", cascade="all, delete-orphan"
    )


class ApplicationDraft(TenantOwned, Base):
    """A citizen's form in progress, kept across sessions by a token in a cookie and a link."""

    __tablename__ = "application_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("application_types.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    step: Mapped[str] = mapped_column(String(60), default="")
    submission_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"))

    type: Mapped[ApplicationType] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(back_populates="draft", order_by="Attachment.id")


class Attachment(TenantOwned, Base):
    """A file a citizen attached, with what the check read from it."""

    __tablename__ = "application_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("application_drafts.id", ondelete="SET NULL"), index=True
    )
    requirement: Mapped[str] = mapped_column(String(60), doc="the key of the attachment requirement")
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="RESTRICT"))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(default=0)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, doc="text per page after reading")
    readable: Mapped[bool | None] = mapped_column(doc="None until read")
    read_message: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(40), default="", doc="the detected document kind")
    kind_score: Mapped[float] = mapped_column(default=0.0)

    application: Mapped[Application | None] = relationship(back_populates="attachments")
    draft: Mapped[ApplicationDraft | None] = relationship(back_populates="attachments")


class Finding(TenantOwned, Base):
    """One point of the caseworker's checklist, with its evidence and what the caseworker did with it."""

    __tablename__ = "application_findings"
    __table_args__ = (Index("ix_application_findings_run", "application_id", "run"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    run: Mapped[int] = mapped_column(default=1)
    rule_id: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(24))
    severity: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)
    paragraph: Mapped[str] = mapped_column(String(300), default="")
    field: Mapped[str] = mapped_column(String(60), default="")
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("application_attachments.id", ondelete="SET NULL")
    )
    page: Mapped[int | None] = mapped_column()
    line: Mapped[int | None] = mapped_column()
    snippet: Mapped[str] = mapped_column(Text, default="")
    by_model: Mapped[bool] = mapped_column(
        default=False, doc="a model's suggestion, never a result by itself"
    )
    review: Mapped[Review | None] = mapped_column(_enum(Review))
    review_reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(back_populates="findings")


class Decision(TenantOwned, Base):
    """A person's decision on an application, with its reason and the findings it was taken on."""

    __tablename__ = "application_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, doc="snapshot: finding and review"
    )
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("application_letters.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship(back_populates="decisions")


class Letter(TenantOwned, Base):
    """A letter to the applicant from an approved template (Eingangsbestätigung, Nachforderung, Bescheid)."""

    __tablename__ = "application_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    template_key: Mapped[str] = mapped_column(String(80))
    template_version: Mapped[int] = mapped_column()
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String(12), default="draft", doc="draft, sent (by e-mail) or post (to print and post)"
    )
    due: Mapped[date | None] = mapped_column(doc="the deadline the letter sets (Nachforderung)")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pdf_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
