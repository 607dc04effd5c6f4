"""The start page: the modules the user may use, their panels (e.g. deadlines) and running jobs."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from rathaus.core.jobs import Job, JobStatus
from rathaus.core.module import Panel, PanelRequest
from rathaus.web.deps import Context, CurrentUser, PlatformSession, TenantSession
from rathaus.web.templating import render

router = APIRouter(tags=["Start"])
LOCAL = ZoneInfo("Europe/Berlin")


@router.get("/", summary="Startseite")
def home(request: Request, user: CurrentUser, session: TenantSession, context: Context) -> Response:
    visible = [module for module in context.modules if module.visible_to(user)]
    context.load_job_kinds()  # the German names of the running jobs
    running = session.scalars(
        select(Job)
        .where(Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING]))
        .order_by(Job.created_at.desc())
        .limit(5)
    ).all()
    today = datetime.now(LOCAL).date()
    asked = PanelRequest(session=session, user=user, settings=context.settings, today=today)
    panels: list[Panel] = []
    for module in visible:
        panel = module.home_panel(asked) if module.home_panel is not None else None
        if panel is not None:
            panels.append(panel)
    values = {"visible_modules": visible, "running_jobs": running, "panels": panels}
    return render(request, "home.html", values)


@router.get("/healthz", summary="Betriebszustand", include_in_schema=False)
def health(session: PlatformSession) -> dict[str, str]:
    session.execute(select(1))
    return {"status": "ok"}
