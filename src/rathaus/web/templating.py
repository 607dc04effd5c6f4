"""One Jinja2 environment over the templates of every package."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader
from starlette.responses import HTMLResponse

from rathaus.core.module import Module
from rathaus.web.deps import csrf_token, pop_flashes

TEMPLATES = Path(__file__).resolve().parent / "templates"


def make_templates(modules: Sequence[Module] = ()) -> Jinja2Templates:
    """The platform's templates, then each module's (``minutes/…``); ``modules`` feed the navigation."""
    folders = [TEMPLATES, *(module.templates for module in modules if module.templates is not None)]
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.loader = ChoiceLoader([FileSystemLoader(str(path)) for path in folders])
    templates.env.globals["modules"] = tuple(modules)
    templates.env.policies["ext.i18n.trimmed"] = True
    templates.env.filters["datum"] = _format_datetime
    return templates


LOCAL = ZoneInfo("Europe/Berlin")


def _format_datetime(value: Any) -> str:
    """A stored time as people in the municipality read it: Europe/Berlin, whatever the server's zone."""
    if value is None:
        return "–"
    if value.tzinfo is None:  # stored times are UTC
        value = value.replace(tzinfo=UTC)
    return str(value.astimezone(LOCAL).strftime("%d.%m.%Y, %H:%M Uhr"))


def _mail_pickup(request: Request) -> bool:
    """Whether mails go to the pickup folder (the navigation then offers the Postausgang)."""
    context = getattr(request.app.state, "context", None)
    return context is not None and context.settings.mail.pickup_dir is not None


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render ``name`` with the values every page needs (user, CSRF token, messages)."""
    templates: Jinja2Templates = request.app.state.templates
    values: dict[str, Any] = {
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "flashes": pop_flashes(request),
        "mail_pickup": _mail_pickup(request),
    }
    values.update(context or {})
    return templates.TemplateResponse(request, name, values, status_code=status_code)
