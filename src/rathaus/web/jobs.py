"""Job pages: the list of a tenant's jobs and one job with its progress bar."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import Response
from sqlalchemy import select

from rathaus.core.jobs import Job
from rathaus.web.deps import CurrentUser, TenantSession
from rathaus.web.templating import render

router = APIRouter(prefix="/auftraege", tags=["Aufträge"])


@router.get("", summary="Aufträge")
def jobs_page(request: Request, user: CurrentUser, session: TenantSession) -> Response:
    jobs = session.scalars(select(Job).order_by(Job.id.desc()).limit(100)).all()
    return render(request, "jobs/list.html", {"jobs": jobs})


@router.get("/{job_id}", summary="Auftrag")
def job_page(request: Request, job_id: int, user: CurrentUser, session: TenantSession) -> Response:
    job = session.scalar(select(Job).where(Job.id == job_id))
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diesen Auftrag gibt es nicht.")
    return render(request, "jobs/detail.html", {"job": job})
