"""Public routes of the assistant: the citizen page and widget per tenant, and the JSON API.

Public routes need no login: the tenant comes from the URL (``/buerger/{tenant_slug}/…``), every
query runs in a session scoped to that tenant, and questions are rate-limited per client. Answers
stream as server-sent events to ``assistant.js``; without JavaScript the form posts and the full
answer page comes back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request, status
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.assistant import asking, conversations
from rathaus.assistant.answers import question_problem
from rathaus.assistant.asking import Asked
from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.schemas import AskRequest, AskResponse
from rathaus.assistant.web.common import answer_response, booking_links, chat_model, embedder
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.security.models import Tenant
from rathaus.web.context import AppContext
from rathaus.web.deps import Context, PlatformSession
from rathaus.web.templating import render

router = APIRouter(tags=["Assistent"])
PUBLIC_ACTOR = Actor.system("assistant-public")
AI_NOTICE = (
    "Sie sprechen mit einem KI-System. Die Antworten werden automatisch aus Unterlagen der "
    "Verwaltung zusammengestellt und können Fehler enthalten. Verbindlich ist die Auskunft der Verwaltung."
)
RATE_MESSAGE = (
    "Sie haben in kurzer Zeit sehr viele Fragen gestellt. Bitte warten Sie eine Minute und "
    "versuchen Sie es dann erneut."
)


@dataclass(frozen=True)
class PublicTenant:
    id: int
    slug: str
    name: str


def _check_rate(request: Request, context: AppContext, tenant: PublicTenant) -> None:
    client = request.client.host if request.client else "unbekannt"
    if not context.rate_limiter.allow(
        f"assistant:{tenant.id}:{client}", context.settings.section(AssistantSettings).requests_per_minute
    ):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, RATE_MESSAGE, headers={"Retry-After": "60"})


def _tenant(session: Session, slug: str) -> PublicTenant:
    """The tenant of a public page; the platform session then gives its connection back.

    The answer is read in a tenant-scoped session that stays open while the answer streams; holding
    the platform session's connection as well would take two of the pool's connections per question.
    """
    tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    found = None if tenant is None else PublicTenant(id=tenant.id, slug=tenant.slug, name=tenant.name)
    session.close()
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Gemeinde gibt es hier nicht.")
    return found


def _ask_public(
    context: AppContext,
    tenant: PublicTenant,
    question: str,
    easy_language: bool,
    municipality: str | None = None,
) -> Iterator[str | Asked]:
    """The public answer as it streams, then the logged result once it is committed."""
    asked: Asked | None = None
    with open_session(context.sessions, tenant_id=tenant.id) as session:
        for item in asking.ask_stream(
            session=session,
            tenant_id=tenant.id,
            question=question,
            audience="public",
            easy_language=easy_language,
            embedder=embedder(context),
            chat=chat_model(context),
            settings=context.settings.section(AssistantSettings),
            actor=PUBLIC_ACTOR,
            booking_links=booking_links(context, session, tenant.id),
            municipality=municipality,
        ):
            if isinstance(item, Asked):
                asked = item
            else:
                yield item
    # Only after the commit: the page may send feedback on the conversation at once.
    assert asked is not None
    yield asked


def _asked_public(
    context: AppContext, tenant: PublicTenant, question: str, easy_language: bool, municipality: str | None
) -> Asked:
    items = _ask_public(context, tenant, question, easy_language, municipality)
    return [item for item in items if isinstance(item, Asked)][-1]


def _page(
    request: Request, tenant: PublicTenant, name: str, values: dict[str, Any], code: int = 200
) -> Response:
    base = {"tenant": tenant, "ai_notice": AI_NOTICE, "max_chars": _max_chars(request)}
    return render(request, name, {**base, **values}, status_code=code)


def _max_question(context: AppContext) -> int:
    return context.settings.section(AssistantSettings).max_question_chars


def _max_chars(request: Request) -> int:
    context: AppContext = request.app.state.context
    return _max_question(context)


# --- public page ----------------------------------------------------------------------------------


@router.get("/buerger/{tenant_slug}/assistent", summary="Bürger-Assistent (öffentlich)")
def public_page(request: Request, tenant_slug: str, session: PlatformSession) -> Response:
    tenant = _tenant(session, tenant_slug)
    return _page(request, tenant, "assistant/ask.html", {"question": "", "easy": False})


@router.get("/buerger/{tenant_slug}/assistent/widget", summary="Einbettbares Assistent-Widget")
def widget(request: Request, tenant_slug: str, session: PlatformSession) -> Response:
    tenant = _tenant(session, tenant_slug)
    response = _page(request, tenant, "assistant/widget.html", {"question": "", "easy": False})
    # The widget is framed by the municipality's own website: the origins named in the settings.
    section = context_of(request).settings.section(AssistantSettings)
    response.headers["content-security-policy"] = widget_csp(section)
    # Browsers follow frame-ancestors when it is present; X-Frame-Options only speaks for old ones.
    response.headers["x-frame-options"] = "SAMEORIGIN"
    return response


def widget_csp(settings: AssistantSettings) -> str:
    """The widget's Content-Security-Policy: framing by this site and the configured origins only."""
    ancestors = " ".join(["'self'", *settings.widget_frame_ancestors])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        f"frame-ancestors {ancestors}"
    )


def context_of(request: Request) -> AppContext:
    """The application context of a request."""
    context: AppContext = request.app.state.context
    return context


@router.post("/buerger/{tenant_slug}/assistent", summary="Frage stellen (ohne JavaScript)")
def public_ask(
    request: Request,
    tenant_slug: str,
    context: Context,
    session: PlatformSession,
    frage: Annotated[str, Form()] = "",
    leicht: Annotated[str | None, Form()] = None,
    ansicht: Annotated[str, Form()] = "seite",
    gemeinde: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    tenant = _tenant(session, tenant_slug)
    template = "assistant/widget.html" if ansicht == "widget" else "assistant/ask.html"
    easy = leicht is not None
    values: dict[str, Any] = {"question": frage, "easy": easy}
    problem = question_problem(frage, max_chars=_max_question(context))
    if problem:
        return _page(request, tenant, template, {**values, "problem": problem}, code=422)
    _check_rate(request, context, tenant)
    asked = _asked_public(context, tenant, frage, easy, gemeinde or None)
    return _page(request, tenant, template, {**values, "result": asked.answer, "widget": ansicht == "widget"})


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.get("/buerger/{tenant_slug}/assistent/stream", summary="Antwort als Server-Sent Events")
def public_stream(
    request: Request,
    tenant_slug: str,
    context: Context,
    session: PlatformSession,
    frage: Annotated[str, Query()] = "",
    leicht: Annotated[str, Query()] = "0",
    gemeinde: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    tenant = _tenant(session, tenant_slug)
    problem = question_problem(frage, max_chars=_max_question(context))
    if problem is None:
        try:
            _check_rate(request, context, tenant)
        except HTTPException as error:
            problem = str(error.detail)
    templates = request.app.state.templates
    csrf = request.session.get("csrf", "")

    def events() -> Iterator[str]:
        if problem:
            yield _event("problem", {"message": problem})
            return
        for item in _ask_public(context, tenant, frage, leicht == "1", gemeinde or None):
            if isinstance(item, Asked):
                html = templates.get_template("assistant/answer.html").render(
                    result=item.answer, tenant=tenant, csrf_token=csrf, ai_notice=AI_NOTICE, question=frage
                )
                yield _event("answer", {"html": html, "conversation_id": item.conversation_id})
            else:
                yield _event("token", {"text": item})

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.post("/buerger/{tenant_slug}/assistent/rueckmeldung", summary="Rückmeldung zu einer Antwort")
def public_feedback(
    request: Request,
    tenant_slug: str,
    context: Context,
    session: PlatformSession,
    gespraech: Annotated[int, Form()],
    hilfreich: Annotated[str, Form()],
    kommentar: Annotated[str, Form()] = "",
) -> Response:
    tenant = _tenant(session, tenant_slug)
    with open_session(context.sessions, tenant_id=tenant.id) as scoped:
        saved = conversations.add_feedback(
            session=scoped, conversation_id=gespraech, helpful=hilfreich == "ja", comment=kommentar
        )
    if saved is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, "Zu dieser Antwort kann keine Rückmeldung gegeben werden."
        )
    return _page(
        request,
        tenant,
        "assistant/feedback.html",
        {"helpful": hilfreich == "ja", "conversation_id": gespraech},
    )


@router.get("/buerger/{tenant_slug}/assistent/kontakt", summary="Kontaktformular")
def contact_form(
    request: Request, tenant_slug: str, session: PlatformSession, gespraech: int | None = None
) -> Response:
    tenant = _tenant(session, tenant_slug)
    return _page(
        request,
        tenant,
        "assistant/feedback_contact.html",
        {"conversation_id": gespraech, "form": {}, "errors": {}},
    )


@router.post("/buerger/{tenant_slug}/assistent/kontakt", summary="Kontaktanfrage senden")
def contact_send(
    request: Request,
    tenant_slug: str,
    context: Context,
    session: PlatformSession,
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    nachricht: Annotated[str, Form()] = "",
    gespraech: Annotated[int | None, Form()] = None,
) -> Response:
    tenant = _tenant(session, tenant_slug)
    form = {"name": name, "email": email, "nachricht": nachricht}
    try:
        with open_session(context.sessions, tenant_id=tenant.id) as scoped:
            conversations.save_contact_request(
                session=scoped, name=name, email=email, message=nachricht, conversation_id=gespraech
            )
    except conversations.ContactFormError as error:
        field = "nachricht" if error.field == "message" else error.field
        values = {"conversation_id": gespraech, "form": form, "errors": {field: str(error)}}
        return _page(request, tenant, "assistant/feedback_contact.html", values, code=422)
    return _page(request, tenant, "assistant/feedback_contact.html", {"sent": True, "form": {}, "errors": {}})


# --- JSON API -------------------------------------------------------------------------------------


@router.post(
    "/api/assistant/{tenant_slug}/ask",
    summary="Frage an den Bürger-Assistenten",
    response_model=AskResponse,
    responses={
        422: {"description": "Leere, zu lange oder unlesbare Frage"},
        429: {"description": "Zu viele Fragen"},
    },
)
def api_ask(
    request: Request, tenant_slug: str, body: AskRequest, context: Context, session: PlatformSession
) -> AskResponse:
    """Answer a question from the tenant's public sources, with citations or a handover.

    No cookie or session is used, so the route is exempt from CSRF (see ``web.deps.verify_csrf``).
    """
    tenant = _tenant(session, tenant_slug)
    problem = question_problem(body.question, max_chars=_max_question(context))
    if problem:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, problem)
    _check_rate(request, context, tenant)
    asked = _asked_public(context, tenant, body.question, body.easy_language, body.municipality)
    contact_url = f"/buerger/{tenant.slug}/assistent/kontakt"
    return answer_response(asked.answer, contact_url=contact_url, notice=AI_NOTICE)


@router.get("/buerger/{tenant_slug}", include_in_schema=False)
def public_root(tenant_slug: str) -> Response:
    return RedirectResponse(f"/buerger/{tenant_slug}/assistent", status_code=status.HTTP_303_SEE_OTHER)
