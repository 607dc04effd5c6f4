"""Routes of the bodies' customs: who chairs, the factions, numbering and result wording, per body.

``/protokolle/gremien`` lists the tenant's bodies; ``/protokolle/gremien/{id}`` shows a body's
conventions as a plain form (no JavaScript) and stores them. Parsing the form lives in ``forms``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from rathaus.minutes import conventions
from rathaus.minutes.models import Organization
from rathaus.minutes.text.conventions import CouncilConventions
from rathaus.minutes.web.common import PREFIX
from rathaus.minutes.web.forms import EMPTY_FACTION_ROWS, RESULT_CLASSES, ConventionsForm
from rathaus.web.deps import MinutesClerk, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(prefix=f"{PREFIX}/gremien", tags=["Protokollhilfe: Gremien"])


async def posted_form(request: Request) -> FormData:
    """The posted form with repeated fields (read once; the CSRF check has read it already)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def _organization_or_404(session: Session, organization_id: int) -> Organization:
    """The body of the session's tenant, or 404 (another tenant's looks exactly like a missing one)."""
    found = session.scalar(select(Organization).where(Organization.id == organization_id))
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dieses Gremium gibt es nicht.")
    return found


@router.get("", summary="Gremien und ihre Gepflogenheiten")
def bodies(request: Request, user: MinutesClerk, session: TenantSession) -> Response:
    rows = [(body, body.conventions is not None) for body in conventions.organizations(session)]
    return render(request, "minutes/bodies.html", {"rows": rows})


def _page(
    request: Request,
    organization: Organization,
    shown: CouncilConventions,
    *,
    stored: bool,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "minutes/body.html",
        {
            "body": organization,
            "conventions": shown,
            "stored": stored,
            "errors": errors or [],
            "empty_rows": EMPTY_FACTION_ROWS,
            "result_classes": RESULT_CLASSES,
        },
        status_code=status_code,
    )


@router.get("/{organization_id}", summary="Gepflogenheiten eines Gremiums")
def body(request: Request, organization_id: int, user: MinutesClerk, session: TenantSession) -> Response:
    organization = _organization_or_404(session, organization_id)
    shown, stored = conventions.conventions_of(session=session, organization=organization)
    return _page(request, organization, shown, stored=stored)


@router.post("/{organization_id}", summary="Gepflogenheiten eines Gremiums speichern")
def save_body(
    request: Request, organization_id: int, user: MinutesClerk, session: TenantSession, form: PostedForm
) -> Response:
    organization = _organization_or_404(session, organization_id)
    parsed = ConventionsForm.read(form)
    if parsed.errors:
        return _page(
            request, organization, parsed.conventions, stored=False, errors=parsed.errors, status_code=400
        )
    conventions.save_conventions(
        session=session, organization=organization, conventions=parsed.conventions, actor=actor_of(user)
    )
    flash(request, f"Die Gepflogenheiten des Gremiums „{organization.name}“ wurden gespeichert.")
    return RedirectResponse(f"{PREFIX}/gremien/{organization.id}", status_code=status.HTTP_303_SEE_OTHER)
