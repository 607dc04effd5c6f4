"""Conversation logs without personal data, feedback, contact requests, and their deletion.

Everything a citizen types goes through :func:`rathaus.assistant.redaction.redact` before it is
stored. Logs are deleted after the retention period by :func:`purge_expired`, which the daily job
``assistant.purge_logs`` runs in every tenant (``rathaus.core.schedule``).
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from rathaus.assistant.audit_actions import AssistantAction
from rathaus.assistant.models import ContactRequest, Conversation, Feedback
from rathaus.assistant.redaction import redact
from rathaus.assistant.schemas import Answer
from rathaus.core.audit.models import AIDraft
from rathaus.core.audit.service import Actor, record, record_draft
from rathaus.core.db import utcnow

EMAIL_FORM = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_COMMENT = 2000
MAX_MESSAGE = 5000


class ContactFormError(ValueError):
    """A contact form field is missing or invalid; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def log_conversation(*, session: Session, audience: str, question: str, result: Answer) -> Conversation:
    """Store a question (redacted) with its answer and sources."""
    redacted = redact(question)
    answer_text = redact(result.text)
    conversation = Conversation(
        audience=audience,
        question=redacted.text,
        answer=answer_text.text,
        mode=result.mode,
        answered=result.answered,
        easy_language=result.easy_language,
        citations=[
            {
                "number": c.number,
                "source_id": c.source_id,
                "title": c.title,
                "section": c.section,
                "score": round(c.score, 6),
            }
            for c in result.citations
        ],
        redactions=redacted.found,
    )
    session.add(conversation)
    session.flush()
    return conversation


def record_answer_draft(
    *, session: Session, actor: Actor, result: Answer, conversation: Conversation
) -> AIDraft | None:
    """Record an LLM-written answer as an AI draft (module "assistant"); None for other answers."""
    provenance = result.provenance
    if provenance is None or result.mode != "llm":
        return None
    draft = record_draft(
        session=session,
        actor=actor,
        module="assistant",
        purpose=f"{conversation.audience}_answer",
        backend=provenance.backend,
        model_name=provenance.model_name,
        model_version=provenance.model_version,
        prompt_template=provenance.prompt_template,
        prompt_version=provenance.prompt_version,
        input_digest=provenance.input_digest,
        output=conversation.answer,
        object_type="assistant_conversation",
        object_id=conversation.id,
    )
    conversation.draft_id = draft.id
    result.draft_id = draft.id
    return draft


def add_feedback(
    *, session: Session, conversation_id: int, helpful: bool, comment: str | None = None
) -> Feedback | None:
    """Record thumbs up/down with an optional comment (redacted); None when there is no such answer."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return None
    text = (comment or "").strip()[:MAX_COMMENT]
    feedback = Feedback(conversation=conversation, helpful=helpful, comment=redact(text).text or None)
    session.add(feedback)
    session.flush()
    return feedback


def save_contact_request(
    *, session: Session, name: str, email: str, message: str, conversation_id: int | None = None
) -> ContactRequest:
    """Store a citizen's request to be contacted; ContactFormError names a bad field."""
    name, email, message = name.strip(), email.strip(), message.strip()
    if not name:
        raise ContactFormError("name", "Bitte geben Sie Ihren Namen an.")
    if not EMAIL_FORM.match(email) or len(email) > 200:
        raise ContactFormError("email", "Bitte geben Sie eine gültige E-Mail-Adresse an.")
    if not message:
        raise ContactFormError("message", "Bitte beschreiben Sie Ihr Anliegen.")
    if conversation_id is not None and session.get(Conversation, conversation_id) is None:
        conversation_id = None
    request = ContactRequest(
        conversation_id=conversation_id, name=name[:200], email=email, message=message[:MAX_MESSAGE]
    )
    session.add(request)
    session.flush()
    return request


def open_questions(*, session: Session, limit: int = 100) -> list[Conversation]:
    """Unanswered or down-voted questions that no knowledge editor has handled yet, newest first."""
    down_voted = select(Feedback.conversation_id).where(Feedback.helpful.is_(False))
    query = (
        select(Conversation)
        .where(Conversation.reviewed_at.is_(None))
        .where(or_(Conversation.answered.is_(False), Conversation.id.in_(down_voted)))
        .where(Conversation.mode != "refused")
        .order_by(Conversation.created_at.desc(), Conversation.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def mark_reviewed(
    *, session: Session, conversation_id: int, faq_source_id: int | None = None, actor: Actor
) -> Conversation | None:
    """Mark a question as handled (optionally by the FAQ entry written from it)."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return None
    conversation.reviewed_at = utcnow()
    conversation.faq_source_id = faq_source_id
    session.flush()
    record(
        session=session,
        actor=actor,
        action=AssistantAction.QUESTION_REVIEWED,
        object_type="assistant_conversation",
        object_id=conversation.id,
        details={"faq_source_id": faq_source_id},
    )
    return conversation


def purge_expired(*, session: Session, retention_days: int, actor: Actor) -> int:
    """Delete conversations, feedback and contact requests older than ``retention_days`` (audited if any)."""
    cutoff = utcnow() - timedelta(days=retention_days)
    contacts = session.execute(delete(ContactRequest).where(ContactRequest.created_at < cutoff))
    old = select(Conversation.id).where(Conversation.created_at < cutoff)
    session.execute(delete(Feedback).where(Feedback.conversation_id.in_(old)))
    removed = session.execute(delete(Conversation).where(Conversation.created_at < cutoff))
    session.flush()
    deleted = int(removed.rowcount or 0) + int(contacts.rowcount or 0)  # type: ignore[attr-defined]
    if deleted:
        record(
            session=session,
            actor=actor,
            action=AssistantAction.LOGS_PURGED,
            object_type="assistant_log",
            details={"deleted": deleted, "retention_days": retention_days},
        )
    return deleted
