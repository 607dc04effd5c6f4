"""Letter templates (Briefvorlagen): versioned, approved texts with placeholders, shared by every module."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rathaus.core.db import Base, TenantOwned, utcnow


class LetterKind(enum.StrEnum):
    """What a letter is for."""

    EINGANGSBESTAETIGUNG = "eingangsbestaetigung"
    NACHFORDERUNG = "nachforderung"
    BESCHEID = "bescheid"
    ANTWORT = "antwort"
    SONSTIGES = "sonstiges"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    LetterKind.EINGANGSBESTAETIGUNG: "Eingangsbestätigung",
    LetterKind.NACHFORDERUNG: "Nachforderung",
    LetterKind.BESCHEID: "Bescheid",
    LetterKind.ANTWORT: "Antwortschreiben",
    LetterKind.SONSTIGES: "Sonstiges",
}


class TemplateStatus(enum.StrEnum):
    """Only approved versions are used for letters; approving a newer one retires the previous."""

    DRAFT = "draft"
    APPROVED = "approved"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    TemplateStatus.DRAFT: "Entwurf",
    TemplateStatus.APPROVED: "freigegeben",
    TemplateStatus.RETIRED: "abgelöst",
}


class LetterTemplate(TenantOwned, Base):
    """One version of a letter template; editing writes a new version of the same key."""

    __tablename__ = "letter_templates"
    __table_args__ = (UniqueConstraint("tenant_id", "key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), doc="slug shared by all versions, e.g. nachforderung")
    kind: Mapped[LetterKind] = mapped_column(Enum(LetterKind, native_enum=False, length=32))
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300), doc="subject line with placeholders")
    body: Mapped[str] = mapped_column(Text, doc="paragraphs split by blank lines; '- ' lines are list items")
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[TemplateStatus] = mapped_column(
        Enum(TemplateStatus, native_enum=False, length=16), default=TemplateStatus.DRAFT
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
