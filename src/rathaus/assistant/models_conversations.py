"""Tables of the assistant's conversations: logged questions (redacted), feedback, contact requests.

Questions and comments are stored only after ``rathaus.assistant.redaction.redact``; every row is
deleted after ``assistant.log_retention_days`` by ``rathaus.assistant.conversations.purge_expired``.
A contact request carries the personal data the citizen chose to give so that the office can reply;
the Posteingang picks these up (``picked_up_at``) once it exists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rathaus.core.db import Base, TenantOwned, utcnow


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
