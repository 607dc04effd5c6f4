"""Request dependencies: database session, current user, role checks, CSRF, templates.

Routes declare what they need in their signature (``user: CurrentUser``, ``session: TenantSession``);
no permission logic lives in handlers.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.security.models import Role, User
from rathaus.core.security.session_user import SessionUser
from rathaus.web.context import AppContext

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class LoginRequiredError(Exception):
    """Raised when a page needs a login; the app answers with a redirect to the login page."""

    def __init__(self, *, expired: bool = False) -> None:
        super().__init__("login required")
        self.expired = expired


def get_context(request: Request) -> AppContext:
    context = request.app.state.context
    assert isinstance(context, AppContext)
    return context


Context = Annotated[AppContext, Depends(get_context)]


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def csrf_exempt(request: Request) -> bool:
    """True only for a JSON POST to a cookie-less API that a module declared exempt.

    Such an API reads no cookie and no session, so a forged cross-site request gains nothing a direct
    one would not; requiring JSON keeps plain HTML forms (which cannot send it) out as well.
    """
    content_type = request.headers.get("content-type", "")
    return (
        request.method == "POST"
        and content_type.split(";")[0].strip() == "application/json"
        and any(pattern.match(request.url.path) for pattern in get_context(request).csrf_exempt_json)
    )


async def verify_csrf(request: Request) -> None:
    """Refuse every state-changing request without the session's CSRF token (form field or header)."""
    if request.method in SAFE_METHODS or csrf_exempt(request):
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form: FormData = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(str(expected), sent):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "Das Formular ist abgelaufen oder unvollständig (Sicherheitsmerkmal fehlt). "
            "Bitte laden Sie die Seite neu und senden Sie es erneut.",
        )


def _user_from_session(request: Request, session: Session, max_age: int) -> SessionUser | None:
    user_id = request.session.get("uid")
    if user_id is None:
        return None
    issued = float(request.session.get("iat", 0))
    if time.time() - issued > max_age:
        request.session.clear()
        raise LoginRequiredError(expired=True)
    user = session.scalar(select(User).where(User.id == int(user_id)))
    if user is None or not user.is_active or user.session_version != request.session.get("sv"):
        request.session.clear()
        raise LoginRequiredError(expired=True)
    return SessionUser.of(user)


def _platform_session(context: Context) -> Iterator[Session]:
    with open_session(context.sessions) as session:
        yield session


# scope="function": the commit runs when the endpoint returns, before the response is sent. With the default
# scope it would run after, and a browser following a 303 could load the next page before the commit.
PlatformSession = Annotated[Session, Depends(_platform_session, scope="function")]


def optional_user(request: Request, context: Context, session: PlatformSession) -> SessionUser | None:
    user = _user_from_session(request, session, context.settings.security.session_max_age)
    request.state.user = user
    return user


def current_user(user: Annotated[SessionUser | None, Depends(optional_user)]) -> SessionUser:
    if user is None:
        raise LoginRequiredError
    return user


CurrentUser = Annotated[SessionUser, Depends(current_user)]
OptionalUser = Annotated[SessionUser | None, Depends(optional_user)]


def tenant_session(user: CurrentUser, context: Context) -> Iterator[Session]:
    """A session scoped to the user's tenant: every query sees only that tenant's rows."""
    with open_session(context.sessions, tenant_id=user.tenant_id) as session:
        yield session


TenantSession = Annotated[Session, Depends(tenant_session, scope="function")]


def require_role(role: Role) -> Any:
    """A dependency that lets only users with ``role`` (or admins) through."""

    def check(user: CurrentUser) -> SessionUser:
        if not user.has_role(role):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Für diese Seite fehlt Ihnen die Berechtigung.")
        return user

    return Depends(check)


def require_superuser(user: CurrentUser) -> SessionUser:
    if not user.is_superuser:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "Nur die Plattform-Administration darf Mandanten verwalten."
        )
    return user


Admin = Annotated[SessionUser, require_role(Role.ADMIN)]
Superuser = Annotated[SessionUser, Depends(require_superuser)]
MinutesClerk = Annotated[SessionUser, require_role(Role.MINUTES_CLERK)]
Caseworker = Annotated[SessionUser, require_role(Role.CASEWORKER)]
Reviewer = Annotated[SessionUser, require_role(Role.REVIEWER)]
KnowledgeEditor = Annotated[SessionUser, require_role(Role.KNOWLEDGE_EDITOR)]


def actor_of(user: SessionUser) -> Actor:
    return Actor(id=user.id, name=user.username)


def flash(request: Request, message: str, kind: str = "success") -> None:
    """Show ``message`` on the next page the user sees."""
    messages = list(request.session.get("flash", []))
    messages.append({"kind": kind, "text": message})
    request.session["flash"] = messages


def pop_flashes(request: Request) -> list[dict[str, str]]:
    return list(request.session.pop("flash", []))
