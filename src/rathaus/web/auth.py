"""Login and logout."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from rathaus.core.security.service import LoginOutcome, authenticate
from rathaus.web.deps import Context, OptionalUser, PlatformSession, csrf_token, flash
from rathaus.web.templating import render

router = APIRouter(tags=["Anmeldung"])

LOGIN_MESSAGES = {
    LoginOutcome.INVALID: (401, "Benutzername oder Passwort ist falsch."),
    LoginOutcome.LOCKED: (
        423,
        "Das Konto ist nach zu vielen Fehlversuchen vorübergehend gesperrt. "
        "Bitte versuchen Sie es später erneut oder wenden Sie sich an die Administration.",
    ),
    LoginOutcome.THROTTLED: (429, "Zu viele Anmeldeversuche von diesem Gerät. Bitte warten Sie eine Minute."),
}


def _safe_target(target: str | None) -> str:
    """Only redirect to a path on this site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/anmelden", summary="Anmeldeseite")
def login_page(request: Request, user: OptionalUser, weiter: str = "/", abgelaufen: int = 0) -> Response:
    if user is not None:
        return RedirectResponse(_safe_target(weiter), status_code=303)
    message = "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an." if abgelaufen else None
    return render(request, "auth/login.html", {"next": _safe_target(weiter), "error": message})


@router.post("/anmelden", summary="Anmelden")
def login(
    request: Request,
    context: Context,
    session: PlatformSession,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    weiter: Annotated[str, Form()] = "/",
) -> Response:
    security = context.settings.security
    client = request.client.host if request.client else "unbekannt"
    result = authenticate(
        session=session,
        username=username,
        password=password,
        client=client,
        max_failures=security.login_max_failures,
        lockout=timedelta(minutes=security.lockout_minutes),
        client_attempts_per_minute=security.ip_attempts_per_minute,
    )
    if result.outcome is not LoginOutcome.OK or result.user is None:
        status_code, message = LOGIN_MESSAGES[result.outcome]
        headers = {"Retry-After": "60"} if result.outcome is LoginOutcome.THROTTLED else None
        response = render(
            request,
            "auth/login.html",
            {"next": _safe_target(weiter), "error": message, "username": username},
            status_code=status_code,
        )
        if headers:
            response.headers.update(headers)
        return response
    user = result.user
    request.session.clear()  # a fresh session on login: no fixation
    request.session.update({"uid": user.id, "sv": user.session_version, "iat": time.time()})
    csrf_token(request)
    flash(request, f"Willkommen, {user.full_name}.")
    return RedirectResponse(_safe_target(weiter), status_code=303)


@router.post("/abmelden", summary="Abmelden")
def logout(request: Request) -> Response:
    request.session.clear()
    flash(request, "Sie wurden abgemeldet.")
    return RedirectResponse("/anmelden", status_code=303)
