"""Asking the assistant: one flow for the citizen page, the widget, the JSON API and staff mode.

Check the question, retrieve the passages the audience may see, answer from them (streaming or not),
log the conversation redacted and record an LLM answer as an AI draft. The routes add only what is
HTTP: forms, the rate limit, rendering and the event stream. Like every domain function here, this
takes a session and does not commit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from rathaus.assistant import conversations
from rathaus.assistant.answers import question_problem, stream_answer
from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.handover import BookingLinks, pattern_links
from rathaus.assistant.redaction import without_personal_data
from rathaus.assistant.retrieval import Audience, Passage, retrieve
from rathaus.assistant.schemas import Answer
from rathaus.assistant.values import with_value_passage
from rathaus.core.audit.service import Actor

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import ChatModel, Embedder


class QuestionError(ValueError):
    """A question that cannot be answered as typed (the message, in German, says why)."""


@dataclass(frozen=True)
class Asked:
    """A logged answer with the passages it was built from (staff mode shows them)."""

    answer: Answer
    passages: list[Passage]
    conversation_id: int


def ask_stream(
    *,
    session: Session,
    tenant_id: int,
    question: str,
    audience: Audience,
    departments: Collection[str] = (),
    easy_language: bool = False,
    embedder: Embedder | None,
    chat: ChatModel | None,
    settings: AssistantSettings,
    actor: Actor,
    booking_links: BookingLinks | None = None,
) -> Iterator[str | Asked]:
    """Yield the answer text piece by piece, then the logged :class:`Asked` (see :func:`ask`)."""
    problem = question_problem(question, max_chars=settings.max_question_chars)
    if problem:
        raise QuestionError(problem)
    passages = retrieve(
        session=session,
        tenant_id=tenant_id,
        query=without_personal_data(question),
        audience=audience,
        departments=departments,
        k=settings.answer_passages,
        embedder=embedder,
        candidates=settings.candidates,
        rrf_k=settings.rrf_k,
        dense_weight=settings.dense_weight,
    )
    passages = with_value_passage(
        session=session,
        tenant_id=tenant_id,
        found=passages,
        question=question,
        audience=audience,
        departments=departments,
    )
    final: Answer | None = None
    for item in stream_answer(
        passages=passages,
        question=question,
        chat=chat,
        easy_language=easy_language,
        max_tokens=settings.answer_max_tokens,
        booking_links=booking_links or pattern_links(settings.booking_url_pattern),
    ):
        if isinstance(item, Answer):
            final = item
        else:
            yield item
    assert final is not None
    conversation = conversations.log_conversation(
        session=session, audience=audience, question=question, result=final
    )
    conversations.record_answer_draft(session=session, actor=actor, result=final, conversation=conversation)
    final.conversation_id = conversation.id
    yield Asked(answer=final, passages=passages, conversation_id=conversation.id)


def ask(
    *,
    session: Session,
    tenant_id: int,
    question: str,
    audience: Audience,
    departments: Collection[str] = (),
    easy_language: bool = False,
    embedder: Embedder | None,
    chat: ChatModel | None,
    settings: AssistantSettings,
    actor: Actor,
    booking_links: BookingLinks | None = None,
) -> Asked:
    """Answer ``question`` from the sources ``audience`` (with ``departments``) may see, and log it.

    Raises QuestionError for an empty, too long or wordless question; nothing is logged then.
    """
    stream = ask_stream(
        session=session,
        tenant_id=tenant_id,
        question=question,
        audience=audience,
        departments=departments,
        easy_language=easy_language,
        embedder=embedder,
        chat=chat,
        settings=settings,
        actor=actor,
        booking_links=booking_links,
    )
    return [item for item in stream if isinstance(item, Asked)][-1]
