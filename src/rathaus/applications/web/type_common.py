"""What the pages for application types share: the base path, finding a version, saving a new one."""

from __future__ import annotations

from fastapi import HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rathaus.applications import catalog
from rathaus.applications.definition import DefinitionError, TypeDefinition
from rathaus.applications.models import ApplicationType
from rathaus.core.security.session_user import SessionUser
from rathaus.web.deps import actor_of, flash

BASE = "/antraege/verwaltung"


def version_row(session: Session, key: str, version: int) -> ApplicationType:
    """The version ``version`` of the type ``key``, or 404."""
    row = session.scalar(
        select(ApplicationType).where(ApplicationType.key == key, ApplicationType.version == version)
    )
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Version des Antragstyps gibt es nicht.")
    return row


def save_and_redirect(
    request: Request, session: Session, user: SessionUser, definition: TypeDefinition
) -> Response:
    """Save ``definition`` as a new draft version and show it (DefinitionError when it is refused)."""
    try:
        row = catalog.save_version(session=session, definition=definition, actor=actor_of(user))
    except IntegrityError:
        session.rollback()
        message = "Gleichzeitig wurde eine andere Version gespeichert. Bitte speichern Sie noch einmal."
        raise DefinitionError([message]) from None
    flash(
        request,
        f"Version {row.version} von „{row.title}“ ist als Entwurf gespeichert. "
        "Probieren Sie sie im Probelauf aus und aktivieren Sie sie, damit neue Anträge sie verwenden.",
    )
    return RedirectResponse(f"{BASE}/{row.key}/{row.version}", status.HTTP_303_SEE_OTHER)
