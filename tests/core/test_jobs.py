"""Job rows, stages, retries and recovery against the real database, run in-process.

The worker logic (claim, stages, backoff) runs here through ``JobRunner.execute`` directly, which is
what a Huey worker thread calls; tests/core/test_worker.py runs the same through real consumers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from huey import Huey
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.models import AuditEvent
from rathaus.core.audit.service import Actor, verify_chain
from rathaus.core.db import open_session, utcnow
from rathaus.core.jobs import (
    Job,
    JobContext,
    JobLostError,
    JobStateError,
    JobStatus,
    backoff_seconds,
    dispatch,
    enqueue,
    make_huey,
    message_job_ids,
    retry_job,
)
from rathaus.core.selftest import SELFTEST, STEP_ACTION
from rathaus.core.worker import JobRunner
from rathaus.modules import Settings
from tests.core import job_kinds
from tests.factories import make_tenant


@pytest.fixture
def tenant_id(sessions: sessionmaker[Session], engine: Engine) -> int:
    job_kinds.ensure_tables(engine)
    with open_session(sessions) as session:
        return make_tenant(session).id


@pytest.fixture
def queue(settings: Settings) -> Iterator[Huey]:
    huey = make_huey(settings)
    yield huey
    huey.storage.close()


def with_jobs(settings: Settings, **values: object) -> Settings:
    return settings.model_copy(update={"jobs": settings.jobs.model_copy(update=values)})


def new_job(sessions: sessionmaker[Session], tenant_id: int, kind: str, **params: object) -> int:
    with open_session(sessions, tenant_id=tenant_id) as session:
        return enqueue(session=session, kind=kind, params=params, tenant_id=tenant_id).id


def load(sessions: sessionmaker[Session], job_id: int) -> Job:
    with open_session(sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def test_enqueue_sends_the_message_only_after_commit(
    sessions: sessionmaker[Session], tenant_id: int, queue: Huey
) -> None:
    def change_of_mind() -> None:
        with open_session(sessions, tenant_id=tenant_id) as session:
            enqueue(
                session=session,
                kind=job_kinds.FLAKY_KIND,
                params={"fail_times": 0},
                tenant_id=tenant_id,
                queue=queue,
            )
            raise RuntimeError("caller changes its mind")

    with pytest.raises(RuntimeError):
        change_of_mind()
    assert message_job_ids(queue) == set()
    with open_session(sessions, tenant_id=tenant_id) as session:
        job = enqueue(
            session=session,
            kind=job_kinds.FLAKY_KIND,
            params={"fail_times": 0},
            tenant_id=tenant_id,
            queue=queue,
        )
        assert message_job_ids(queue) == set()  # flushed, not committed: no message yet
    assert message_job_ids(queue) == {job.id}
    stored = load(sessions, job.id)
    assert (stored.status, stored.progress, stored.params, stored.attempts) == (
        JobStatus.QUEUED,
        0,
        {"fail_times": 0},
        0,
    )
    with open_session(sessions) as session:
        assert session.scalars(select(Job.id)).all() == [job.id]


def test_unknown_kind_is_refused(sessions: sessionmaker[Session], tenant_id: int) -> None:
    with (
        open_session(sessions, tenant_id=tenant_id) as session,
        pytest.raises(ValueError, match="unknown job kind"),
    ):
        enqueue(session=session, kind="gibt.es.nicht", params={}, tenant_id=tenant_id)


def test_failed_stage_leaves_no_effect_and_finished_stages_are_skipped(
    sessions: sessionmaker[Session], settings: Settings, tenant_id: int, queue: Huey
) -> None:
    runner = JobRunner(sessions=sessions, settings=with_jobs(settings, retry_base_seconds=0), queue=queue)
    job_id = new_job(
        sessions,
        tenant_id,
        job_kinds.EFFECTS_KIND,
        stages=["eins", "zwei", "drei"],
        fail_in="zwei",
        fail_times=1,
    )

    runner.execute(job_id)
    first = load(sessions, job_id)
    assert first.status is JobStatus.RETRYING
    assert first.finished_stages == ["eins"]
    assert first.error == "Fehler im Schritt „zwei“: ValueError: absichtlicher Fehler in zwei"
    with open_session(sessions) as session:
        # stage two wrote its effect, then failed: the effect was rolled back with it
        assert job_kinds.effect_counts(session, job_id) == {"eins": 1}
    assert message_job_ids(queue) == {job_id}  # the retry is scheduled

    runner.execute(job_id)
    done = load(sessions, job_id)
    assert done.status is JobStatus.SUCCEEDED
    assert (done.progress, done.attempts, done.error) == (100, 2, None)
    assert done.finished_stages == ["eins", "zwei", "drei"]
    assert done.state["stages"]["zwei"]["result"] == "zwei-erledigt"
    assert done.result == {"stages": ["eins", "zwei", "drei"], "attempt": 2}
    with open_session(sessions) as session:
        assert job_kinds.effect_counts(session, job_id) == {"eins": 1, "zwei": 1, "drei": 1}
        assert job_kinds.start_counts(session, job_id) == {"eins": 1, "zwei": 2, "drei": 1}


def test_retries_back_off_exponentially_then_fail_with_readable_error(
    sessions: sessionmaker[Session], settings: Settings, tenant_id: int, queue: Huey
) -> None:
    assert [backoff_seconds(attempt=n, base=5) for n in (1, 2, 3)] == [5, 10, 20]
    assert backoff_seconds(attempt=30, base=5) == 3600
    runner = JobRunner(sessions=sessions, settings=with_jobs(settings, retry_base_seconds=10), queue=queue)
    job_id = new_job(sessions, tenant_id, job_kinds.FLAKY_KIND, fail_times=5)

    runner.execute(job_id)
    job = load(sessions, job_id)
    assert (job.status, job.attempts) == (JobStatus.RETRYING, 1)
    assert job.error == "Fehler im Schritt „Versuchen“: RuntimeError: Versuch 1 misslingt absichtlich"
    assert job.next_attempt_at is not None
    assert job.heartbeat_at is not None
    assert job.next_attempt_at - job.heartbeat_at == timedelta(seconds=10)

    runner.execute(job_id)  # a message before the retry is due is dropped
    assert (load(sessions, job_id).attempts, load(sessions, job_id).status) == (1, JobStatus.RETRYING)

    for attempt, wait in ((2, 20), (3, None)):
        with open_session(sessions) as session:
            session.execute(update(Job).where(Job.id == job_id).values(next_attempt_at=utcnow()))
        runner.execute(job_id)
        job = load(sessions, job_id)
        assert job.attempts == attempt
        if wait is not None:
            assert job.status is JobStatus.RETRYING
            assert job.next_attempt_at is not None
            assert job.heartbeat_at is not None
            assert job.next_attempt_at - job.heartbeat_at == timedelta(seconds=wait)
    assert job.status is JobStatus.FAILED
    assert job.error == "Fehler im Schritt „Versuchen“: RuntimeError: Versuch 3 misslingt absichtlich"
    assert job.finished_at is not None


def test_job_error_without_retry_fails_at_once(
    sessions: sessionmaker[Session], settings: Settings, tenant_id: int, queue: Huey
) -> None:
    runner = JobRunner(sessions=sessions, settings=settings, queue=queue)
    job_id = new_job(sessions, tenant_id, job_kinds.PERMANENT_KIND)
    runner.execute(job_id)
    job = load(sessions, job_id)
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert job.error == "Fehler: Die Aufnahme fehlt; bitte laden Sie sie erneut hoch."


def test_a_person_retries_a_failed_job(
    sessions: sessionmaker[Session], settings: Settings, tenant_id: int, queue: Huey
) -> None:
    runner = JobRunner(sessions=sessions, settings=settings, queue=queue)
    with open_session(sessions, tenant_id=tenant_id) as session:
        job_id = enqueue(
            session=session,
            kind=job_kinds.FLAKY_KIND,
            params={"fail_times": 1},
            tenant_id=tenant_id,
            max_attempts=1,
        ).id
    runner.execute(job_id)
    assert load(sessions, job_id).status is JobStatus.FAILED

    actor = Actor(id=None, name="sachbearbeitung")
    with open_session(sessions, tenant_id=tenant_id) as session:
        job = retry_job(session=session, job_id=job_id, actor=actor, queue=queue)
        assert (job.status, job.max_attempts) == (JobStatus.QUEUED, 4)
    assert job_id in message_job_ids(queue)
    with open_session(sessions, tenant_id=tenant_id) as session, pytest.raises(JobStateError):
        retry_job(session=session, job_id=job_id, actor=actor)
    with open_session(sessions, tenant_id=tenant_id + 1) as session, pytest.raises(JobStateError):
        retry_job(session=session, job_id=job_id, actor=actor)  # another tenant does not see it

    runner.execute(job_id)
    job = load(sessions, job_id)
    assert (job.status, job.attempts, job.result) == (JobStatus.SUCCEEDED, 2, {"attempt": 2})
    with open_session(sessions) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "job.retry")).one()
        assert (event.object_id, event.actor_name) == (str(job_id), "sachbearbeitung")
        assert event.tenant_id == tenant_id


def test_a_run_that_lost_its_claim_cannot_write(
    sessions: sessionmaker[Session], settings: Settings, tenant_id: int, queue: Huey
) -> None:
    runner = JobRunner(sessions=sessions, settings=settings, queue=queue)
    job_id = new_job(sessions, tenant_id, job_kinds.FLAKY_KIND, fail_times=0)
    with open_session(sessions) as session:  # attempt 1 is running, but its heartbeat went stale
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=JobStatus.RUNNING, attempts=1, heartbeat_at=utcnow() - timedelta(hours=1))
        )
    old_run = JobContext(sessions=sessions, job_id=job_id, tenant_id=tenant_id, token=1, settings=settings)

    runner.execute(job_id)  # recovery's message: attempt 2 takes over and finishes
    assert (load(sessions, job_id).status, load(sessions, job_id).attempts) == (JobStatus.SUCCEEDED, 2)
    with pytest.raises(JobLostError):
        old_run.progress(10, "veraltet")
    with pytest.raises(JobLostError):
        old_run.stage("veraltet", lambda session: 1)
    job = load(sessions, job_id)
    assert (job.status, job.stage, job.progress) == (JobStatus.SUCCEEDED, "Versuchen", 100)


def test_shutdown_puts_the_job_back_without_using_an_attempt(
    sessions: sessionmaker[Session], settings: Settings, tenant_id: int, queue: Huey
) -> None:
    runner = JobRunner(sessions=sessions, settings=settings, queue=queue)
    job_id = new_job(sessions, tenant_id, job_kinds.EFFECTS_KIND, stages=["eins"])
    runner.stop.set()
    runner.execute(job_id)
    job = load(sessions, job_id)
    assert (job.status, job.attempts, job.max_attempts, job.finished_stages) == (JobStatus.QUEUED, 1, 4, [])
    assert message_job_ids(queue) == {job_id}
    runner.stop.clear()
    runner.execute(job_id)
    assert load(sessions, job_id).status is JobStatus.SUCCEEDED


def test_recovery_resends_lost_messages_once_and_fails_exhausted_jobs(
    sessions: sessionmaker[Session], settings: Settings, tenant_id: int, queue: Huey
) -> None:
    runner = JobRunner(sessions=sessions, settings=settings, queue=queue)
    lost = new_job(sessions, tenant_id, job_kinds.FLAKY_KIND, fail_times=0)
    fresh = new_job(sessions, tenant_id, job_kinds.FLAKY_KIND, fail_times=0)
    stale = new_job(sessions, tenant_id, job_kinds.FLAKY_KIND, fail_times=0)
    exhausted = new_job(sessions, tenant_id, job_kinds.FLAKY_KIND, fail_times=0)
    alive = new_job(sessions, tenant_id, job_kinds.FLAKY_KIND, fail_times=0)
    long_ago = utcnow() - timedelta(hours=1)
    with open_session(sessions) as session:
        session.execute(update(Job).where(Job.id != fresh).values(created_at=long_ago))
        for job_id, attempts in ((stale, 2), (exhausted, 3)):  # of max_attempts=3
            session.execute(
                update(Job)
                .where(Job.id == job_id)
                .values(status=JobStatus.RUNNING, attempts=attempts, heartbeat_at=long_ago)
            )
        session.execute(
            update(Job)
            .where(Job.id == alive)
            .values(status=JobStatus.RUNNING, attempts=1, heartbeat_at=utcnow())
        )

    assert sorted(runner.recover()) == sorted([lost, stale])
    assert runner.recover() == []  # their messages are queued now: no duplicates
    assert message_job_ids(queue) == {lost, stale}
    job = load(sessions, exhausted)
    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert "unterbrochen" in job.error
    assert load(sessions, alive).status is JobStatus.RUNNING


def test_immediate_mode_runs_the_selftest_with_its_audit_effects(
    sessions: sessionmaker[Session], settings: Settings, tenant_id: int
) -> None:
    runner = JobRunner(sessions=sessions, settings=settings)
    huey = make_huey(settings, immediate=True, executor=runner.execute)
    runner.queue = huey
    with open_session(sessions, tenant_id=tenant_id) as session:
        job = enqueue(
            session=session, kind=SELFTEST, params={"steps": 2, "seconds": 0}, tenant_id=tenant_id, queue=huey
        )
    done = load(sessions, job.id)  # ran synchronously after the commit
    assert done.status is JobStatus.SUCCEEDED
    assert done.finished_stages == ["Schritt 1 von 2", "Schritt 2 von 2"]
    with open_session(sessions) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == STEP_ACTION).order_by(AuditEvent.id)
        ).all()
        assert [(e.object_id, e.tenant_id, e.details["step"]) for e in events] == [
            (str(job.id), tenant_id, 1),
            (str(job.id), tenant_id, 2),
        ]
        assert done.result == {"steps": 2, "audit_event_ids": [e.id for e in events]}
        checked, problems = verify_chain(session)
        assert problems == []
        assert checked >= 2
    dispatch(huey, job.id)  # a duplicate message is harmless
    assert load(sessions, job.id).attempts == 1
