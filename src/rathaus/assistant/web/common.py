"""What the assistant's routes share: retrieval with the configured backends, API responses."""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import TYPE_CHECKING, Literal

from sqlalchemy.orm import Session

from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.redaction import without_personal_data
from rathaus.assistant.retrieval import Passage, retrieve
from rathaus.assistant.schemas import (
    Answer,
    AskResponse,
    CitationOut,
    ContactOut,
    HandoverOut,
    KeyFactsOut,
)
from rathaus.core.ai.errors import AIError

if TYPE_CHECKING:
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


def chat_model(context: AppContext) -> ChatModel | None:
    """The LLM for answers, or None (extractive answers) when switched off or not installed."""
    if not context.settings.section(AssistantSettings).use_llm:
        return None
    return backend(context, "llm")  # type: ignore[return-value]


def retrieve_for(
    context: AppContext,
    session: Session,
    tenant_id: int,
    question: str,
    *,
    audience: Literal["public", "staff"],
    departments: Collection[str] = (),
) -> tuple[list[Passage], ChatModel | None]:
    """The passages for ``question`` that ``audience`` may see, and the LLM to answer with."""
    settings = context.settings.section(AssistantSettings)
    embedder: Embedder | None = backend(context, "embedding")  # type: ignore[assignment]
    found = retrieve(
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
    return found, chat_model(context)


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
    )
