"""What the caseworker's routes share: the path prefix, the application or a 404, redirects, today."""

from __future__ import annotations

from datetime import date

from fastapi import HTTPException, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from rathaus.applications.jobs import local_today
from rathaus.applications.models import Application

PREFIX = "/antraege"


def application_or_404(session: Session, application_id: int) -> Application:
    """The tenant's application ``application_id`` or a German 404."""
    application = session.get(Application, application_id)
    if application is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diesen Antrag gibt es nicht.")
    return application


def redirect(path: str) -> Response:
    return RedirectResponse(path, status_code=status.HTTP_303_SEE_OTHER)


def page_of(application: Application, suffix: str = "") -> str:
    """The path of the application's page (``suffix`` appended, e.g. ``/nachforderung``)."""
    return f"{PREFIX}/{application.id}{suffix}"


def today() -> date:
    """Today in the municipality's time zone (as the check and the receipt count days)."""
    return local_today()
