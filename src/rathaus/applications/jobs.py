"""Background jobs of the module Anträge: the check of a submitted application, the sweep of old drafts.

``applications.check`` reads the attachments (OCR) and checks fields, attachments, rules and consistency;
its findings are the caseworker's checklist.
``applications.drafts`` deletes citizen forms that were left unfinished longer than
``ApplicationsSettings.draft_days``, with their uploaded files.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rathaus.core.jobs import JobContext, enqueue, job_kind

if TYPE_CHECKING:
    from huey import Huey
    from sqlalchemy.orm import Session

    from rathaus.applications.models import Application

CHECK = "applications.check"
DRAFTS = "applications.drafts"
RETENTION = "applications.retention"
LOCAL = ZoneInfo("Europe/Berlin")


def local_today() -> date:
    """Today in the municipality's time zone: the day rules compare dates with."""
    return datetime.now(LOCAL).date()


def queue_check(
    *, session: Session, application: Application, created_by: int | None = None, queue: Huey | None = None
) -> int:
    """Queue the check of ``application`` (the caller commits; with ``queue`` the message goes then)."""
    from rathaus.applications.models import ApplicationStatus  # noqa: PLC0415 - keep the job module light

    job = enqueue(
        session=session,
        kind=CHECK,
        params={"application_id": application.id},
        tenant_id=application.tenant_id,
        created_by=created_by,
        queue=queue,
    )
    application.check_job_id = job.id
    if application.status == ApplicationStatus.SUBMITTED:
        application.status = ApplicationStatus.CHECKING
    return job.id


@job_kind(CHECK, title="Antrag prüfen")
def check(ctx: JobContext, *, application_id: int) -> dict[str, Any]:
    """Read the attachments (OCR), then check fields, attachments, rules and consistency: the checklist."""
    from rathaus.applications import checking  # noqa: PLC0415 - heavy imports only in the worker
    from rathaus.applications.config import ApplicationsSettings  # noqa: PLC0415
    from rathaus.core.ai.registry import AIRegistry  # noqa: PLC0415
    from rathaus.core.reading import Limits  # noqa: PLC0415

    settings = ctx.settings
    section = settings.section(ApplicationsSettings)
    ai = AIRegistry.from_settings(settings)
    ocr = ai.ocr() if ai.enabled("ocr") else None
    limits = Limits(max_pages=section.max_attachment_pages)
    read = ctx.stage(
        "Anlagen lesen",
        lambda session: checking.read_pending(
            session=session,
            application_id=application_id,
            files_dir=settings.files_dir,
            ocr=ocr,
            limits=limits,
        ),
        percent=80,
    )
    if read.get("missing"):
        return {"missing": True}
    return ctx.stage(
        "Angaben, Regeln und Anlagen prüfen",
        lambda session: checking.check_application(
            session=session, application_id=application_id, today=local_today()
        ),
        percent=100,
    )


def _has_drafts(session: Session, tenant_id: int, _settings: Any) -> bool:
    from sqlalchemy import exists, select  # noqa: PLC0415

    from rathaus.applications.models import ApplicationDraft  # noqa: PLC0415

    return bool(session.scalar(select(exists().where(ApplicationDraft.tenant_id == tenant_id))))


@job_kind(DRAFTS, title="Angefangene Anträge löschen", every=timedelta(hours=6), needed=_has_drafts)
def sweep_drafts(ctx: JobContext) -> dict[str, Any]:
    """Delete the expired citizen forms of the tenant and their uploaded files."""
    from rathaus.applications.drafts import sweep_expired  # noqa: PLC0415
    from rathaus.core.db import utcnow  # noqa: PLC0415

    files_dir = ctx.settings.files_dir

    def run(session: Session) -> dict[str, Any]:
        return {"deleted": sweep_expired(session=session, files_dir=files_dir, now=utcnow())}

    return ctx.stage("Löschen", run, percent=100)


def _has_closed(session: Session, tenant_id: int, _settings: Any) -> bool:
    from sqlalchemy import exists, select  # noqa: PLC0415

    from rathaus.applications.models import Application  # noqa: PLC0415
    from rathaus.applications.retention import CLOSED  # noqa: PLC0415

    query = exists().where(Application.tenant_id == tenant_id, Application.status.in_(CLOSED))
    return bool(session.scalar(select(query)))


@job_kind(RETENTION, title="Abgeschlossene Anträge löschen", every=timedelta(days=1), needed=_has_closed)
def sweep_retention(ctx: JobContext) -> dict[str, Any]:
    """Delete decided and withdrawn applications after the retention period, with their files."""
    from rathaus.applications.config import ApplicationsSettings  # noqa: PLC0415
    from rathaus.applications.retention import purge  # noqa: PLC0415
    from rathaus.core.db import utcnow  # noqa: PLC0415

    settings = ctx.settings
    days = settings.section(ApplicationsSettings).retention_days

    def run(session: Session) -> dict[str, Any]:
        return {"deleted": purge(session=session, files_dir=settings.files_dir, now=utcnow(), days=days)}

    return ctx.stage("Löschen", run, percent=100)
