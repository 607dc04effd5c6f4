"""Tables of the assistant: knowledge sources, their chunks, the departments of staff, and conversations.

On SQLite the lexical index is the FTS5 table ``assistant_chunks_fts`` (created by the migration,
kept in sync by ``rathaus.assistant.index``); on PostgreSQL it is the ``search_vector`` tsvector
column with a GIN index. Both hold the index terms of ``rathaus.core.text.search``.

Every source belongs to a municipality (``municipality``; None: the tenant's own) or is ``shared`` by
all; answers never mix two municipalities (see ``rathaus.assistant.scope``).

Questions and comments of conversations are stored only after ``rathaus.assistant.redaction.redact``;
every conversation row is deleted after ``assistant.log_retention_days`` by
``rathaus.assistant.conversations.purge_expired``. A contact request carries the personal data the
citizen chose to give so that the office can reply; the Posteingang picks these up (``picked_up_at``).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rathaus.core.db import Base, TenantOwned, utcnow

FTS_TABLE = "assistant_chunks_fts"


class SourceKind(enum.StrEnum):
    SERVICE = "service"
    BYLAW = "bylaw"
    DOCUMENT = "document"
    FAQ = "faq"
    WEBPAGE = "webpage"

    @property
    def label(self) -> str:
        """The German name shown to people."""
        return KIND_LABELS[self]


KIND_LABELS = {
    SourceKind.SERVICE: "Dienstleistung",
    SourceKind.BYLAW: "Satzung",
    SourceKind.DOCUMENT: "Dokument",
    SourceKind.FAQ: "Häufige Frage",
    SourceKind.WEBPAGE: "Webseite",
}


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    DEPARTMENTS = "departments"

    @property
    def label(self) -> str:
        """The German name shown to people."""
        return VISIBILITY_LABELS[self]


VISIBILITY_LABELS = {
    Visibility.PUBLIC: "Öffentlich",
    Visibility.INTERNAL: "Intern (alle Beschäftigten)",
    Visibility.DEPARTMENTS: "Nur bestimmte Ämter",
}


class KnowledgeSource(TenantOwned, Base):
    """One source of knowledge: a service description, by-law, document, FAQ entry or web page."""

    __tablename__ = "assistant_sources"
    __table_args__ = (UniqueConstraint("tenant_id", "external_id", name="uq_assistant_sources_external"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000), default=None)
    external_id: Mapped[str | None] = mapped_column(
        String(500),
        default=None,
        doc="where it came from (service ID, file name, URL): the key of re-imports",
    )
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.PUBLIC.value, index=True)
    body: Mapped[str] = mapped_column(Text, default="", doc="the text as Markdown, the input of chunking")
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, doc="facts: fees, duration, forms, …")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    indexed_hash: Mapped[str | None] = mapped_column(String(64), default=None, doc="hash at the last index")
    indexed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_changed: Mapped[datetime] = mapped_column(default=utcnow)
    stale: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    municipality: Mapped[str | None] = mapped_column(
        String(200), default=None, index=True, doc='whose rule or service: a municipality or "Landkreis …"'
    )
    district: Mapped[str | None] = mapped_column(String(200), default=None, doc="the Landkreis it lies in")
    shared: Mapped[bool] = mapped_column(
        default=False, server_default=false(), doc="valid in every municipality (a Land law, a general FAQ)"
    )

    department_rows: Mapped[list[SourceDepartment]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SourceDepartment.name"
    )

    @property
    def departments(self) -> list[str]:
        """The departments that may see a source restricted to departments."""
        return [row.name for row in self.department_rows]

    @property
    def needs_index(self) -> bool:
        """Whether the text changed since it was last indexed (or was never indexed)."""
        return self.error is None and self.indexed_hash != self.content_hash


class SourceDepartment(TenantOwned, Base):
    """A department allowed to see a source whose visibility is ``departments``."""

    __tablename__ = "assistant_source_departments"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("assistant_sources.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(120), primary_key=True)


class Chunk(TenantOwned, Base):
    """A passage of a source: what retrieval finds and answers cite."""

    __tablename__ = "assistant_chunks"
    __table_args__ = (Index("ix_assistant_chunks_search_vector", "search_vector", postgresql_using="gin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("assistant_sources.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(default=0)
    section: Mapped[str] = mapped_column(String(500), default="", doc='heading path, e.g. "§ 5 Steuersatz"')
    text: Mapped[str] = mapped_column(Text)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, doc="float32 vector")
    dim: Mapped[int] = mapped_column(default=0)
    search_vector: Mapped[str | None] = mapped_column(
        Text().with_variant(TSVECTOR(), "postgresql"), default=None, doc="PostgreSQL only"
    )


class StaffProfile(TenantOwned, Base):
    """What the assistant knows about a staff member: the departments they belong to."""

    __tablename__ = "assistant_staff_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    departments: Mapped[list[str]] = mapped_column(JSON, default=list)


class Conversation(TenantOwned, Base):
    """One question to the assistant and its answer, without personal data (nor who asked: staff too)."""

    __tablename__ = "assistant_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(String(16), index=True, doc="public or staff")
    question: Mapped[str] = mapped_column(Text, doc="redacted")
    answer: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(16), doc="extractive, llm, handover or refused")
    answered: Mapped[bool] = mapped_column(default=False, index=True)
    easy_language: Mapped[bool] = mapped_column(default=False)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    redactions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict, doc="what redaction removed")
    draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("ai_drafts.id", ondelete="SET NULL"), default=None
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None, doc="handled by a knowledge editor")
    faq_source_id: Mapped[int | None] = mapped_column(default=None, doc="the FAQ entry written from it")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    feedback: Mapped[list[Feedback]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", lazy="selectin"
    )


class Feedback(TenantOwned, Base):
    """A thumbs up or down on an answer, with an optional (redacted) comment."""

    __tablename__ = "assistant_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("assistant_conversations.id", ondelete="CASCADE"), index=True
    )
    helpful: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="feedback")


class ContactRequest(TenantOwned, Base):
    """A citizen's request to be contacted by the office, from the assistant's handover."""

    __tablename__ = "assistant_contact_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("assistant_conversations.id", ondelete="SET NULL"), default=None
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    picked_up_at: Mapped[datetime | None] = mapped_column(default=None, doc="taken over by the Posteingang")
