"""The public pages of published minutes: anonymous, per tenant slug, public agenda items only."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.db import open_session
from rathaus.core.security.models import Tenant
from rathaus.minutes import export
from rathaus.minutes.models import Meeting, MeetingStatus
from rathaus.minutes.web.common import PREFIX
from rathaus.minutes.web.review import render_export
from rathaus.web.deps import Context, OptionalUser, PlatformSession
from rathaus.web.templating import render

router = APIRouter(prefix=PREFIX, tags=["Protokollhilfe"])


def _public_tenant(session: Session, slug: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Seite gibt es nicht.")
    return tenant


@router.get("/oeffentlich/{tenant_slug}", summary="Veröffentlichte Niederschriften (öffentlich)")
def public_list(
    request: Request, tenant_slug: str, user: OptionalUser, platform: PlatformSession, context: Context
) -> Response:
    tenant = _public_tenant(platform, tenant_slug)
    with open_session(context.sessions, tenant_id=tenant.id) as session:
        meetings = list(
            session.scalars(
                select(Meeting)
                .where(Meeting.status == MeetingStatus.PUBLISHED)
                .order_by(Meeting.session_date.desc())
            )
        )
        bodies: dict[str, list[Meeting]] = {}
        for meeting in meetings:
            bodies.setdefault(meeting.organization.name if meeting.organization else "Sitzungen", []).append(
                meeting
            )
        return render(request, "minutes/public_list.html", {"bodies": bodies, "slug": tenant_slug})


@router.get("/oeffentlich/{tenant_slug}/{meeting_id}", summary="Veröffentlichte Niederschrift (öffentlich)")
def public_meeting(
    request: Request,
    tenant_slug: str,
    meeting_id: int,
    user: OptionalUser,
    platform: PlatformSession,
    context: Context,
    format: str = "",
) -> Response:
    tenant = _public_tenant(platform, tenant_slug)
    with open_session(context.sessions, tenant_id=tenant.id) as session:
        meeting = session.scalar(
            select(Meeting).where(Meeting.id == meeting_id, Meeting.status == MeetingStatus.PUBLISHED)
        )
        if meeting is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Niederschrift ist nicht veröffentlicht.")
        if format in {"pdf", "json", "oparl"}:
            return render_export(
                request, session, meeting, format, context.settings.files_dir, public_only=True
            )
        document = export.minutes_document(session, meeting, public_only=True)
        return render(
            request,
            "minutes/public_meeting.html",
            {
                "document": document,
                "rows": export.header_rows(document),
                "slug": tenant_slug,
                "meeting": meeting,
                "result_line": export.result_line,
            },
        )
