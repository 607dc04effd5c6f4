"""The append-only audit log and the record of every AI draft."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rathaus.core.db import Base, TenantOwned, utcnow


class AuditEvent(Base):
    """One event of the hash chain. Rows are never updated or deleted (triggers refuse it)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="RESTRICT"), index=True, default=None
    )
    actor_id: Mapped[int | None] = mapped_column(Integer, default=None, doc="user id; no FK, users may go")
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str | None] = mapped_column(String(80), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True, doc="unique: the chain cannot fork")
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Decision(enum.StrEnum):
    """What a person did with an AI draft."""

    ACCEPTED = "accepted"
    EDITED = "edited"
    REJECTED = "rejected"


class AIDraft(TenantOwned, Base):
    """An AI output as a draft: its provenance and, later, the human decision."""

    __tablename__ = "ai_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(String(40), index=True)
    purpose: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str | None] = mapped_column(String(80), default=None)
    object_id: Mapped[str | None] = mapped_column(String(80), default=None)
    backend: Mapped[str] = mapped_column(String(80))
    model_name: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(80))
    prompt_template: Mapped[str] = mapped_column(String(120))
    prompt_version: Mapped[str] = mapped_column(String(40))
    input_hash: Mapped[str] = mapped_column(String(64))
    output: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[Decision | None] = mapped_column(
        Enum(Decision, native_enum=False, length=16), default=None
    )
    final_text: Mapped[str | None] = mapped_column(Text, default=None)
    edit_distance: Mapped[int | None] = mapped_column(default=None)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class AuditHead(Base):
    """The single row holding the newest hash; updating it serialises writers and reveals a cut tail."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(default=0)
