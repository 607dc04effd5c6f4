"""What the citizen form pages share: the tenant from the URL, the rate limit, the draft cookie, the steps.

No login: the tenant comes from the URL and is read in its own short session, then every query runs in
one session scoped to it (a public request holds one connection at a time). The draft of a type is
found by the token in the cookie ``antrag-<key>`` (long-lived, HttpOnly, only under the form's path)
or, in a new browser, by the "Link zum Fortsetzen", which sets that cookie again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.applications.config import ApplicationsSettings
from rathaus.applications.definition import TypeDefinition
from rathaus.applications.jobs import local_today
from rathaus.core.db import open_session, utcnow
from rathaus.core.security.models import Tenant
from rathaus.core.security.uploads import format_size
from rathaus.web.context import AppContext
from rathaus.web.templating import render

RATE_MESSAGE = (
    "Sie haben in kurzer Zeit sehr viele Anfragen gestellt. Bitte warten Sie eine Minute und "
    "versuchen Sie es dann erneut."
)
ATTACHMENTS_STEP = "anlagen"
SUMMARY_STEP = "zusammenfassung"
LIVE_CHECK_FACTOR = 4  # the live check of fields sends a request per changed field


@dataclass(frozen=True)
class PublicTenant:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class Step:
    """One step of the form: a section of the type, the attachments or the summary."""

    key: str
    title: str
    path: str


def now() -> datetime:
    """The clock of drafts (tests move it by patching ``utcnow`` here)."""
    return utcnow()


def today() -> date:
    """Today in the municipality (rules compare dates with it)."""
    return local_today()


def context_of(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


def section(request: Request) -> ApplicationsSettings:
    return context_of(request).settings.section(ApplicationsSettings)


def tenant(request: Request, slug: str) -> PublicTenant:
    """The tenant of the URL, read in its own short session (404 with a German message if unknown)."""
    with open_session(context_of(request).sessions) as session:
        row = session.scalar(select(Tenant).where(Tenant.slug == slug))
        if row is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Gemeinde gibt es hier nicht.")
        return PublicTenant(id=row.id, slug=row.slug, name=row.name)


@contextmanager
def scoped(request: Request, who: PublicTenant) -> Iterator[Session]:
    """The one session of a public request, scoped to the tenant (commits when the block ends)."""
    with open_session(context_of(request).sessions, tenant_id=who.id) as session:
        yield session


def check_rate(request: Request, who: PublicTenant, *, factor: int = 1) -> None:
    """The platform's rate limiter per client; 429 with a German message."""
    context = context_of(request)
    client = request.client.host if request.client else "unbekannt"
    bucket = "live" if factor > 1 else "pages"
    key = f"applications:{who.id}:{bucket}:{client}"
    if not context.rate_limiter.allow(key, section(request).rate_per_minute * factor):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, RATE_MESSAGE, headers={"Retry-After": "60"})


def base_path(who: PublicTenant) -> str:
    return f"/buerger/{who.slug}/antraege"


def form_path(who: PublicTenant, key: str) -> str:
    return f"{base_path(who)}/{key}"


def cookie_name(key: str) -> str:
    return f"antrag-{key}"


def draft_token(request: Request, key: str) -> str:
    """The token of the draft of type ``key`` from the cookie ('' when there is none)."""
    return request.cookies.get(cookie_name(key), "")


def keep_token(response: Response, request: Request, who: PublicTenant, key: str, token: str) -> None:
    """Remember the draft in a long-lived cookie, sent only to the form's pages."""
    response.set_cookie(
        cookie_name(key),
        token,
        max_age=section(request).draft_days * 86_400,
        path=base_path(who),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def public_url(request: Request, path: str) -> str:
    """An absolute link for the citizen (bookmark, e-mail)."""
    return str(request.base_url).rstrip("/") + path


def steps_of(who: PublicTenant, definition: TypeDefinition) -> list[Step]:
    """The steps of the form: one per section, the attachments (if the type has any), the summary."""
    root = form_path(who, definition.key)
    steps = [Step(item.key, item.title, f"{root}/schritt/{item.key}") for item in definition.sections]
    if definition.attachments:
        steps.append(Step(ATTACHMENTS_STEP, "Nachweise hochladen", f"{root}/{ATTACHMENTS_STEP}"))
    steps.append(Step(SUMMARY_STEP, "Zusammenfassung und Absenden", f"{root}/{SUMMARY_STEP}"))
    return steps


def step_after(steps: list[Step], key: str) -> Step:
    index = next(position for position, step in enumerate(steps) if step.key == key)
    return steps[min(index + 1, len(steps) - 1)]


def step_before(steps: list[Step], key: str) -> Step | None:
    index = next(position for position, step in enumerate(steps) if step.key == key)
    return steps[index - 1] if index > 0 else None


def page(
    request: Request, who: PublicTenant, name: str, values: Mapping[str, Any], code: int = 200
) -> Response:
    """A citizen page of the Anträge (``applications/public/<name>``)."""
    base = {
        "tenant": who,
        "errors": [],
        "home_url": base_path(who),
        "upload_limit": format_size(section(request).max_upload_bytes),
    }
    return render(request, f"applications/public/{name}", {**base, **values}, status_code=code)


def message_page(
    request: Request,
    who: PublicTenant,
    code: int,
    title: str,
    text: str,
    back: str = "",
    back_label: str = "",
) -> Response:
    """A German page for a refused request, with a way back."""
    values = {"title": title, "text": text, "back": back, "back_label": back_label}
    return page(request, who, "message.html", values, code=code)


def see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=status.HTTP_303_SEE_OTHER)
