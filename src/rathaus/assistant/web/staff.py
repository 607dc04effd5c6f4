"""Staff routes of the assistant: ask over internal sources, and review open questions into FAQs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response

from rathaus.assistant import asking, conversations, service
from rathaus.assistant.answers import question_problem
from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.web.common import booking_links, chat_model, embedder
from rathaus.web.deps import Context, CurrentUser, KnowledgeEditor, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(prefix="/assistent", tags=["Assistent"])


@router.get("", summary="Startseite Assistent")
def index(request: Request, user: KnowledgeEditor) -> Response:
    return render(request, "assistant/index.html")


@router.get("/fragen", summary="Assistent für Beschäftigte")
def staff_page(request: Request, user: CurrentUser, session: TenantSession) -> Response:
    departments = sorted(service.staff_departments(session=session, user_id=user.id))
    return render(
        request, "assistant/staff.html", {"question": "", "easy": False, "departments": departments}
    )


@router.post("/fragen", summary="Frage im Assistenten für Beschäftigte stellen")
def staff_ask(
    request: Request,
    user: CurrentUser,
    session: TenantSession,
    context: Context,
    frage: Annotated[str, Form()] = "",
    leicht: Annotated[str | None, Form()] = None,
    gemeinde: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    settings = context.settings.section(AssistantSettings)
    departments = service.staff_departments(session=session, user_id=user.id)
    values: dict[str, Any] = {
        "question": frage,
        "easy": leicht is not None,
        "departments": sorted(departments),
    }
    problem = question_problem(frage, max_chars=settings.max_question_chars)
    if problem:
        return render(request, "assistant/staff.html", {**values, "problem": problem}, status_code=422)
    asked = asking.ask(
        session=session,
        tenant_id=user.tenant_id,
        question=frage,
        audience="staff",
        departments=departments,
        easy_language=leicht is not None,
        embedder=embedder(context),
        chat=chat_model(context),
        settings=settings,
        actor=actor_of(user),
        booking_links=booking_links(context, session, user.tenant_id),
        municipality=gemeinde or None,
    )
    return render(
        request, "assistant/staff.html", {**values, "result": asked.answer, "passages": asked.passages}
    )


@router.get("/rueckmeldungen", summary="Offene und schlecht bewertete Fragen")
def review_page(request: Request, user: KnowledgeEditor, session: TenantSession) -> Response:
    items = conversations.open_questions(session=session)
    return render(request, "assistant/review.html", {"items": items})


@router.post("/rueckmeldungen/{conversation_id}/faq", summary="Aus einer Frage einen FAQ-Eintrag machen")
def review_to_faq(
    request: Request,
    conversation_id: int,
    user: KnowledgeEditor,
    session: TenantSession,
    context: Context,
    frage: Annotated[str, Form()] = "",
    antwort: Annotated[str, Form()] = "",
    sichtbarkeit: Annotated[str, Form()] = "public",
) -> Response:
    conversation = conversations.mark_reviewed(
        session=session, conversation_id=conversation_id, actor=actor_of(user)
    )
    if conversation is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Frage gibt es nicht (mehr).")
    try:
        faq = service.save_faq(
            session=session,
            tenant_id=user.tenant_id,
            question=frage,
            answer=antwort,
            visibility=sichtbarkeit if sichtbarkeit in {"public", "internal"} else "public",
            actor=actor_of(user),
        )
    except (service.SourceError, ValueError) as error:
        session.rollback()
        flash(request, str(error), "error")
        return RedirectResponse("/assistent/rueckmeldungen", status_code=status.HTTP_303_SEE_OTHER)
    conversation.faq_source_id = faq.id
    service.reindex(
        session=session,
        embedder=embedder(context),
        source_ids=[faq.id],
        max_chars=context.settings.section(AssistantSettings).chunk_max_chars,
    )
    flash(request, f"Der FAQ-Eintrag „{faq.title}“ ist gespeichert und durchsuchbar.")
    return RedirectResponse("/assistent/rueckmeldungen", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/rueckmeldungen/{conversation_id}/erledigt", summary="Frage als erledigt markieren")
def review_done(
    request: Request, conversation_id: int, user: KnowledgeEditor, session: TenantSession
) -> Response:
    actor = actor_of(user)
    if conversations.mark_reviewed(session=session, conversation_id=conversation_id, actor=actor) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Frage gibt es nicht (mehr).")
    flash(request, "Die Frage ist als erledigt markiert.")
    return RedirectResponse("/assistent/rueckmeldungen", status_code=status.HTTP_303_SEE_OTHER)
