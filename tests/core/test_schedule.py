"""Recurring sweeps: queued once per interval in every tenant, from the Job rows, and really run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant.jobs import PURGE_LOGS
from rathaus.assistant.models import Conversation
from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session, utcnow
from rathaus.core.jobs import Job, JobStatus, import_job_modules
from rathaus.core.schedule import KEEP_FINISHED, schedule_due, scheduled_kinds
from rathaus.core.worker import JobRunner
from rathaus.minutes.jobs import RETENTION
from rathaus.modules import Settings
from tests.factories import make_tenant


@pytest.fixture(autouse=True)
def _kinds() -> None:
    import_job_modules()


def _scheduled(sessions: sessionmaker[Session], kind: str) -> dict[int, int]:
    with open_session(sessions) as session:
        counts = select(Job.tenant_id, func.count()).where(Job.kind == kind).group_by(Job.tenant_id)
        return {int(row[0]): int(row[1]) for row in session.execute(counts)}


def test_retention_sweeps_are_scheduled_kinds() -> None:
    names = {kind.name for kind in scheduled_kinds()}
    assert {RETENTION, PURGE_LOGS} <= names


def test_each_tenant_gets_one_sweep_per_interval(sessions: sessionmaker[Session]) -> None:
    with open_session(sessions) as session:
        first, second = make_tenant(session, slug="eins").id, make_tenant(session, slug="zwei").id
    now = utcnow()
    with open_session(sessions) as session:
        created = schedule_due(session=session, now=now)
    assert {(job.kind, job.tenant_id) for job in created} >= {
        (RETENTION, first),
        (RETENTION, second),
        (PURGE_LOGS, first),
        (PURGE_LOGS, second),
    }
    # Still waiting: not queued again, however late it is.
    with open_session(sessions) as session:
        assert schedule_due(session=session, now=now + timedelta(days=3)) == []
    # Done an hour ago: not due yet; done more than a day ago: due again.
    with open_session(sessions) as session:
        session.execute(update(Job).values(status=JobStatus.SUCCEEDED, finished_at=now))
    with open_session(sessions) as session:
        # (sweeps with shorter intervals, like the inbox's mailbox poll, are due again by then)
        daily = {RETENTION, PURGE_LOGS}
        assert [
            job for job in schedule_due(session=session, now=now + timedelta(hours=1)) if job.kind in daily
        ] == []
    with open_session(sessions) as session:
        again = schedule_due(session=session, now=now + timedelta(days=1, minutes=1))
    assert {job.tenant_id for job in again if job.kind == RETENTION} == {first, second}
    assert _scheduled(sessions, RETENTION) == {first: 2, second: 2}


def test_old_finished_sweeps_are_removed_but_failed_ones_stay(sessions: sessionmaker[Session]) -> None:
    with open_session(sessions) as session:
        tenant = make_tenant(session).id
    long_ago = utcnow() - KEEP_FINISHED - timedelta(days=2)
    with open_session(sessions) as session:
        for status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            session.add(
                Job(
                    kind=RETENTION,
                    tenant_id=tenant,
                    params={},
                    state={},
                    status=status,
                    created_at=long_ago,
                    finished_at=long_ago,
                )
            )
    with open_session(sessions) as session:
        schedule_due(session=session, now=utcnow())
    with open_session(sessions) as session:
        statuses = sorted(session.scalars(select(Job.status).where(Job.kind == RETENTION)))
    assert statuses == sorted([JobStatus.FAILED, JobStatus.QUEUED])


def test_scheduled_log_purge_runs_in_the_worker_and_is_audited(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    with open_session(sessions) as session:
        tenant = make_tenant(session).id
    days = settings.assistant.log_retention_days
    with open_session(sessions, tenant_id=tenant) as session:
        for age in (days + 5, 1):
            session.add(
                Conversation(
                    tenant_id=tenant,
                    audience="public",
                    question=f"Frage {age}",
                    mode="handover",
                    created_at=utcnow() - timedelta(days=age),
                )
            )
    runner = JobRunner(sessions=sessions, settings=settings)
    for job_id in runner.schedule():
        runner.execute(job_id)
    with open_session(sessions, tenant_id=tenant) as session:
        assert list(session.scalars(select(Conversation.question))) == ["Frage 1"]
        job = session.scalars(select(Job).where(Job.kind == PURGE_LOGS)).one()
        assert job.status is JobStatus.SUCCEEDED
        assert job.result == {"deleted": 1, "retention_days": days}
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "assistant.logs_purged")).one()
        assert event.details["deleted"] == 1


def test_scheduler_can_be_switched_off(sessions: sessionmaker[Session], settings: Settings) -> None:
    with open_session(sessions) as session:
        make_tenant(session)
    off = settings.model_copy(update={"jobs": settings.jobs.model_copy(update={"scheduler": False})})
    assert JobRunner(sessions=sessions, settings=off).schedule() == []


def test_a_frequent_sweep_skips_tenants_with_nothing_for_it(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    from rathaus.inbox.jobs import POLL  # noqa: PLC0415
    from rathaus.inbox.models import Mailbox  # noqa: PLC0415

    with open_session(sessions) as session:
        with_mailbox, without = make_tenant(session, slug="eins").id, make_tenant(session, slug="zwei").id
        session.add(
            Mailbox(
                tenant_id=with_mailbox,
                name="Poststelle",
                host="127.0.0.1",
                username="post",
                password_encrypted="x",
            )
        )
    with open_session(sessions) as session:
        polls = [
            job.tenant_id
            for job in schedule_due(session=session, now=utcnow(), settings=settings)
            if job.kind == POLL
        ]
    assert polls == [with_mailbox]
    assert without not in polls
