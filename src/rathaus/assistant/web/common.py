"""What the assistant's routes share: the configured AI backends, API responses."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.schemas import (
    Answer,
    AskResponse,
    CitationOut,
    ContactOut,
    HandoverOut,
    KeyFactsOut,
)
from rathaus.core.ai.errors import AIError
from rathaus.core.ports import BOOKABLE_SERVICES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rathaus.assistant.handover import BookingLinks
    from rathaus.core.ai.protocols import ChatModel, Embedder
    from rathaus.web.context import AppContext

logger = logging.getLogger(__name__)


def backend(context: AppContext, task: Literal["llm", "embedding"]) -> object | None:
    """The configured backend for ``task``, or None when it is switched off or not installed."""
    unavailable = context.unavailable_ai
    if task in unavailable or not context.ai.enabled(task):
        return None
    try:
        backend: object = context.ai.chat() if task == "llm" else context.ai.embedder()
    except AIError as error:  # a missing model bundle: answer without it, say so once in the log
        logger.warning("assistant: %s backend unavailable, continuing without it: %s", task, error)
        unavailable.add(task)
        return None
    return backend


def booking_links(context: AppContext, session: Session, tenant_id: int) -> BookingLinks | None:
    """The tenant's own booking pages of its services (the Terminvergabe's port), or None without it."""
    bookable = context.ports.get(BOOKABLE_SERVICES)
    if bookable is None:
        return None
    return dict(bookable(session=session, tenant_id=tenant_id)).get


def chat_model(context: AppContext) -> ChatModel | None:
    """The LLM for answers, or None (extractive answers) when switched off or not installed."""
    if not context.settings.section(AssistantSettings).use_llm:
        return None
    return backend(context, "llm")  # type: ignore[return-value]


def embedder(context: AppContext) -> Embedder | None:
    """The embedder for retrieval, or None (lexical retrieval only) when switched off or not installed."""
    return backend(context, "embedding")  # type: ignore[return-value]


def answer_response(result: Answer, *, contact_url: str, notice: str) -> AskResponse:
    """The JSON API's view of an answer."""
    handover = None
    if result.handover is not None:
        handover = HandoverOut(
            reason=result.handover.reason,
            contacts=[ContactOut(**vars(contact)) for contact in result.handover.contacts],
            booking_url=result.handover.booking_url,
            contact_form_url=contact_url
            + (f"?gespraech={result.conversation_id}" if result.conversation_id else ""),
        )
    return AskResponse(
        answer=result.text,
        mode=result.mode,
        answered=result.answered,
        easy_language=result.easy_language,
        citations=[
            CitationOut(number=c.number, title=c.title, section=c.section, url=c.url, score=c.score)
            for c in result.citations
        ],
        facts=[
            KeyFactsOut(
                service=f.service,
                fees=f.fees,
                duration=f.duration,
                documents=list(f.documents),
                forms=[{"name": name, "link": link} for name, link in f.forms],
                locations=list(f.locations),
                booking_url=f.booking_url,
            )
            for f in result.facts
        ],
        handover=handover,
        conversation_id=result.conversation_id,
        notice=" ".join(filter(None, [notice, result.notice])),
        choices=list(result.choices),
    )
