"""Recurring sweeps: job kinds registered with ``every=`` run once per interval in every tenant.

Retention (recordings after approval, assistant logs after their period) must happen without anyone
clicking, and must survive restarts and a lost queue. So there is no timer in memory: every worker
calls :func:`schedule_due` periodically (with job recovery). It looks at the Job rows themselves — a
kind is due in a tenant when no job of that kind was created there within its interval and none is
still waiting or running — and queues a normal job, visible on the jobs page with its result.

Two workers may queue the same sweep at the same moment; sweeps are idempotent (they delete only
what has expired), so the second finds nothing to do. Finished sweep rows older than
``KEEP_FINISHED`` are removed so the jobs page is not filled with them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from rathaus.core.jobs import KINDS, Job, JobKind, JobStatus, enqueue
from rathaus.core.security.models import Tenant

if TYPE_CHECKING:
    from rathaus.core.config import PlatformSettings

logger = logging.getLogger(__name__)

KEEP_FINISHED = timedelta(days=30)
KEEP_RUNS = 100  # a sweep every five minutes keeps the last eight hours of its runs


def scheduled_kinds() -> list[JobKind]:
    """The registered kinds that recur, by name."""
    return sorted((kind for kind in KINDS.values() if kind.every is not None), key=lambda kind: kind.name)


def schedule_due(*, session: Session, now: datetime, settings: PlatformSettings | None = None) -> list[Job]:
    """Queue every recurring kind that is due in a tenant; return the new rows (the caller commits).

    ``session`` must be unscoped (it reads all tenants). Send the messages after commit, e.g. with
    ``dispatch_after_commit``; a row without a message is sent later by job recovery anyway. With
    ``settings``, a kind's ``needed`` check is asked per tenant.
    """
    kinds = scheduled_kinds()
    if not kinds:
        return []
    tenant_ids = list(session.scalars(select(Tenant.id).order_by(Tenant.id)))
    created: list[Job] = []
    for kind in kinds:
        assert kind.every is not None
        last_created = select(Job.tenant_id, func.max(Job.created_at)).where(Job.kind == kind.name)
        latest = dict(session.execute(last_created.group_by(Job.tenant_id)).all())
        active = set(
            session.scalars(
                select(Job.tenant_id).where(
                    Job.kind == kind.name,
                    Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING]),
                )
            )
        )
        for tenant_id in tenant_ids:
            last = latest.get(tenant_id)
            if tenant_id in active or (last is not None and last > now - kind.every):
                continue
            if (
                kind.needed is not None
                and settings is not None
                and not kind.needed(session, tenant_id, settings)
            ):
                continue
            created.append(enqueue(session=session, kind=kind.name, params={}, tenant_id=tenant_id))
        session.execute(
            delete(Job)
            .where(
                Job.kind == kind.name,
                Job.status == JobStatus.SUCCEEDED,
                Job.finished_at < now - min(KEEP_FINISHED, kind.every * KEEP_RUNS),
            )
            .execution_options(synchronize_session=False)
        )
    if created:
        logger.info("scheduled %s", ", ".join(f"{job.kind} (tenant {job.tenant_id})" for job in created))
    return created
