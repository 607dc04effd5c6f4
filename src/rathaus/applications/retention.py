"""Retention of the Anträge: decided and withdrawn applications are deleted after the configured period.

An application, its attachments (the stored files too), findings, decisions and letters go together;
the audit log keeps that they existed (reference, type, dates), not what they said.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.models import Application, ApplicationStatus, Decision
from rathaus.core.audit.service import Actor, record
from rathaus.core.storage import StoredFileMissingError, delete_file, get_file

CLOSED = (ApplicationStatus.DECIDED, ApplicationStatus.WITHDRAWN)


def expired(*, session: Session, now: datetime, days: int) -> list[Application]:
    """Closed applications whose last decision (or submission, when withdrawn) is older than ``days``."""
    last_decision = (
        select(Decision.application_id, func.max(Decision.decided_at).label("at"))
        .group_by(Decision.application_id)
        .subquery()
    )
    closed_at = func.coalesce(last_decision.c.at, Application.submitted_at)
    rows = session.scalars(
        select(Application)
        .outerjoin(last_decision, last_decision.c.application_id == Application.id)
        .where(Application.status.in_(CLOSED), closed_at < now - timedelta(days=days))
    )
    return list(rows)


def purge(*, session: Session, files_dir: Path, now: datetime, days: int) -> int:
    """Delete the expired applications with their files; returns how many."""
    actor = Actor.system("applications.retention")
    gone = expired(session=session, now=now, days=days)
    for application in gone:
        file_ids = [attachment.file_id for attachment in application.attachments]
        file_ids += [file_id for file_id in (application.receipt_file_id,) if file_id is not None]
        record(
            session=session,
            actor=actor,
            action=ApplicationsAction.DATA_ERASED,
            object_type="application",
            object_id=application.id,
            details={"reference": application.reference, "reason": "retention", "days": days},
        )
        session.delete(application)
        session.flush()
        for file_id in file_ids:
            with contextlib.suppress(StoredFileMissingError):
                stored = get_file(session=session, file_id=file_id)
                delete_file(
                    session=session, files_dir=files_dir, stored=stored, actor=actor, reason="retention"
                )
    return len(gone)
