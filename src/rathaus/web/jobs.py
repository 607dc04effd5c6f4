"""Job pages: the tenant's jobs, one job with a live progress bar, retrying a failed job."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.jobs import Job, JobStatus, enqueue, retry_job
from rathaus.core.security.models import Role
from rathaus.core.security.session_user import SessionUser
from rathaus.core.selftest import SELFTEST
from rathaus.web.deps import Admin, Context, CurrentUser, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(prefix="/auftraege", tags=["Aufträge"])


def _job(session: Session, job_id: int) -> Job:
    job = session.scalar(select(Job).where(Job.id == job_id))
    if job is None:  # another tenant's job looks exactly like a missing one
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diesen Auftrag gibt es nicht.")
    return job


def _may_retry(user: SessionUser, job: Job) -> bool:
    return job.status is JobStatus.FAILED and (user.has_role(Role.ADMIN) or job.created_by_id == user.id)


def status_text(job: Job) -> str:
    """What the polite live region says: changes only with status or stage, not with every percent."""
    text = job.status.label
    if job.status is JobStatus.RUNNING and job.stage:
        text += f": {job.stage}"
    elif job.status is JobStatus.RETRYING:
        text += " – ein Fehler ist aufgetreten, ein neuer Versuch ist geplant"
    elif job.status is JobStatus.FAILED and job.error:
        text += f". {job.error}"
    return text + "."


def _values(user: SessionUser, job: Job) -> dict[str, Any]:
    key = f"{job.status.value}|{job.stage or ''}"
    return {
        "job": job,
        "status_text": status_text(job),
        "announce_key": key,
        "can_retry": _may_retry(user, job),
    }


@router.get("", summary="Aufträge")
def jobs_page(request: Request, user: CurrentUser, session: TenantSession, context: Context) -> Response:
    context.load_job_kinds()
    jobs = session.scalars(select(Job).order_by(Job.id.desc()).limit(100)).all()
    return render(request, "jobs/list.html", {"jobs": jobs, "may_start_selftest": user.has_role(Role.ADMIN)})


@router.post("/selbsttest", summary="Selbsttest starten")
def start_selftest(request: Request, user: Admin, session: TenantSession, context: Context) -> Response:
    job = enqueue(
        session=session,
        kind=SELFTEST,
        params={"steps": 3, "seconds": 2.0},
        tenant_id=user.tenant_id,
        created_by=user.id,
        max_attempts=context.settings.jobs.max_attempts,
        queue=context.queue,
    )
    flash(request, f"Selbsttest als Auftrag {job.id} gestartet.")
    return RedirectResponse(f"/auftraege/{job.id}", status_code=303)


@router.get("/{job_id}", summary="Auftrag")
def job_page(
    request: Request, job_id: int, user: CurrentUser, session: TenantSession, context: Context
) -> Response:
    context.load_job_kinds()
    return render(request, "jobs/detail.html", _values(user, _job(session, job_id)))


@router.get("/{job_id}/fortschritt", summary="Fortschritt eines Auftrags (HTML-Fragment)")
def job_fragment(
    request: Request, job_id: int, user: CurrentUser, session: TenantSession, gesehen: str = ""
) -> Response:
    values = _values(user, _job(session, job_id))
    values["announce"] = gesehen != values["announce_key"]
    return render(request, "jobs/_fragment.html", values)


@router.post("/{job_id}/wiederholen", summary="Fehlgeschlagenen Auftrag erneut versuchen")
def job_retry(
    request: Request, job_id: int, user: CurrentUser, session: TenantSession, context: Context
) -> Response:
    job = _job(session, job_id)
    if not _may_retry(user, job):
        if job.status is not JobStatus.FAILED:
            flash(request, "Nur fehlgeschlagene Aufträge können erneut versucht werden.", "error")
            return RedirectResponse(f"/auftraege/{job.id}", status_code=303)
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "Nur die Administration oder wer den Auftrag angelegt hat, darf ihn wiederholen.",
        )
    retry_job(
        session=session,
        job_id=job.id,
        actor=actor_of(user),
        extra_attempts=context.settings.jobs.max_attempts,
        queue=context.queue,
    )
    flash(request, f"Auftrag {job.id} wird erneut versucht.")
    return RedirectResponse(f"/auftraege/{job.id}", status_code=303)
