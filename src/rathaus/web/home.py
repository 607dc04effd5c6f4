"""The start page and the module start pages' shared pieces."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from rathaus.core.jobs import Job, JobStatus
from rathaus.core.security.models import Role
from rathaus.minutes import DueMinutes, due_minutes
from rathaus.web.deps import CurrentUser, PlatformSession, TenantSession
from rathaus.web.modules import MODULES
from rathaus.web.templating import render

router = APIRouter(tags=["Start"])
LOCAL = ZoneInfo("Europe/Berlin")
DEADLINES_SHOWN = 10


@router.get("/", summary="Startseite")
def home(request: Request, user: CurrentUser, session: TenantSession) -> Response:
    visible = [module for module in MODULES if module.role is None or user.has_role(module.role)]
    running = session.scalars(
        select(Job)
        .where(Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING]))
        .order_by(Job.created_at.desc())
        .limit(5)
    ).all()
    deadlines: list[DueMinutes] | None = None
    if user.has_role(Role.MINUTES_CLERK):
        deadlines = due_minutes(session=session, today=datetime.now(LOCAL).date())
    return render(
        request,
        "home.html",
        {
            "visible_modules": visible,
            "running_jobs": running,
            "deadlines": deadlines,
            "deadlines_shown": DEADLINES_SHOWN,
        },
    )


@router.get("/healthz", summary="Betriebszustand", include_in_schema=False)
def health(session: PlatformSession) -> dict[str, str]:
    session.execute(select(1))
    return {"status": "ok"}
