"""The job worker: claims job rows, runs their kind, records the outcome, and recovers lost work.

``rathaus worker`` (and ``rathaus serve`` without Redis) calls ``run_consumer``: it builds the
engine and the Huey instance from settings, imports the job kinds, resumes stale jobs, and runs the
Huey consumer with worker threads until SIGTERM (graceful: running jobs stop at their next progress
step and go back to the queue) or SIGINT (immediate: stale-heartbeat recovery resumes them).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.db import make_engine, make_session_factory, open_session, utcnow
from rathaus.core.jobs import (
    KINDS,
    Job,
    JobContext,
    JobError,
    JobInterruptedError,
    JobLostError,
    JobStatus,
    backoff_seconds,
    dispatch,
    dispatch_after_commit,
    import_job_modules,
    make_huey,
    message_job_ids,
)
from rathaus.core.ports import PortContext, Ports, Provision
from rathaus.core.schedule import schedule_due

if TYPE_CHECKING:
    from huey import Huey

    from rathaus.core.config import PlatformSettings

logger = logging.getLogger(__name__)

# A queued job younger than this may still be waiting for its after-commit message.
DISPATCH_GRACE = timedelta(seconds=5)
# Huey's scheduler may deliver a retry slightly before next_attempt_at on another machine's clock.
ETA_SLACK = timedelta(seconds=5)
SHUTDOWN_TIMEOUT_SECONDS = 20.0


@dataclass
class JobRunner:
    """Runs jobs by ID in this process; shared by all worker threads."""

    sessions: sessionmaker[Session]
    settings: PlatformSettings
    queue: Huey | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    ports: Ports = field(default_factory=Ports.none)

    @property
    def stale_after(self) -> timedelta:
        return timedelta(seconds=self.settings.jobs.stale_after_seconds)

    def execute(self, job_id: int) -> None:
        """Claim job ``job_id`` and run it; a message for a job that is not runnable is dropped."""
        token = self._claim(job_id)
        if token is None:
            logger.info("job %s not runnable (done, running elsewhere or not due); message dropped", job_id)
            return
        with open_session(self.sessions) as session:
            job = session.get(Job, job_id)
            assert job is not None
            kind, params, tenant_id = job.kind, dict(job.params or {}), job.tenant_id
            ctx = JobContext(
                sessions=self.sessions,
                job_id=job_id,
                tenant_id=tenant_id,
                token=token,
                state=job.state,
                progress=job.progress,
                stop=self.stop,
                settings=self.settings,
                ports=self.ports,
            )
        logger.info("job %s (%s) attempt %s started", job_id, kind, token)
        with Heartbeat(self.sessions, ctx, interval=max(1.0, self.stale_after.total_seconds() / 4)):
            try:
                if kind not in KINDS:
                    raise JobError(f"Unbekannte Auftragsart „{kind}“.", retry=False)
                result = KINDS[kind].func(ctx, **params)
            except JobInterruptedError:
                self._requeue(job_id, token)
                return
            except JobLostError:
                logger.warning("job %s attempt %s lost its claim; another run continues it", job_id, token)
                return
            except Exception as error:
                logger.exception("job %s attempt %s failed", job_id, token)
                self._record_failure(job_id, token, error, ctx.current_stage)
                return
        self._finish(job_id, token, result)

    def _claim(self, job_id: int) -> int | None:
        now = utcnow()
        runnable = or_(
            Job.status == JobStatus.QUEUED,
            and_(
                Job.status == JobStatus.RETRYING,
                or_(Job.next_attempt_at.is_(None), Job.next_attempt_at <= now + ETA_SLACK),
            ),
            and_(
                Job.status == JobStatus.RUNNING,
                or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < now - self.stale_after),
            ),
        )
        with open_session(self.sessions) as session:
            claimed = session.execute(
                update(Job)
                .where(Job.id == job_id, Job.attempts < Job.max_attempts, runnable)
                .values(
                    status=JobStatus.RUNNING,
                    attempts=Job.attempts + 1,
                    heartbeat_at=now,
                    started_at=func.coalesce(Job.started_at, now),
                    next_attempt_at=None,
                    finished_at=None,
                )
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount == 0:  # type: ignore[attr-defined]
                return None
            return session.scalar(select(Job.attempts).where(Job.id == job_id))

    def _fenced(self, session: Session, job_id: int, token: int, **values: Any) -> bool:
        statement = (
            update(Job)
            .where(Job.id == job_id, Job.attempts == token, Job.status == JobStatus.RUNNING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def _finish(self, job_id: int, token: int, result: dict[str, Any] | None) -> None:
        with open_session(self.sessions) as session:
            done = self._fenced(
                session,
                job_id,
                token,
                status=JobStatus.SUCCEEDED,
                progress=100,
                error=None,
                result=result,
                finished_at=utcnow(),
                heartbeat_at=utcnow(),
            )
        outcome = "succeeded" if done else "finished but lost its claim"
        logger.info("job %s attempt %s %s", job_id, token, outcome)

    def _requeue(self, job_id: int, token: int) -> None:
        """The worker stops: give the job back without counting the interrupted attempt against it."""
        with open_session(self.sessions) as session:
            if (
                self._fenced(
                    session,
                    job_id,
                    token,
                    status=JobStatus.QUEUED,
                    heartbeat_at=None,
                    max_attempts=Job.max_attempts + 1,
                )
                and self.queue is not None
            ):
                dispatch_after_commit(session, self.queue, job_id)
        logger.info("job %s attempt %s interrupted by shutdown; queued again", job_id, token)

    def _record_failure(self, job_id: int, token: int, error: Exception, stage: str | None) -> None:
        text = describe_error(error, stage)
        retry = not (isinstance(error, JobError) and not error.retry)
        now = utcnow()
        with open_session(self.sessions) as session:
            max_attempts = session.scalar(select(Job.max_attempts).where(Job.id == job_id)) or 0
            if retry and token < max_attempts:
                delay = backoff_seconds(attempt=token, base=self.settings.jobs.retry_base_seconds)
                next_at = now + timedelta(seconds=delay)
                if (
                    self._fenced(
                        session,
                        job_id,
                        token,
                        status=JobStatus.RETRYING,
                        error=text,
                        next_attempt_at=next_at,
                        heartbeat_at=now,
                    )
                    and self.queue is not None
                ):
                    dispatch_after_commit(session, self.queue, job_id, eta=next_at)
                return
            self._fenced(
                session, job_id, token, status=JobStatus.FAILED, error=text, finished_at=now, heartbeat_at=now
            )

    def recover(self) -> list[int]:
        """Resend messages for jobs waiting without one; fail stale jobs out of attempts; return IDs sent."""
        now = utcnow()
        stale_before = now - self.stale_after
        with open_session(self.sessions) as session:
            exhausted = session.execute(
                update(Job)
                .where(
                    Job.status == JobStatus.RUNNING,
                    Job.heartbeat_at < stale_before,
                    Job.attempts >= Job.max_attempts,
                )
                .values(
                    status=JobStatus.FAILED,
                    finished_at=now,
                    error="Der Auftrag wurde bei jedem Versuch unterbrochen (Verarbeitung abgebrochen "
                    "oder Server neu gestartet).",
                )
                .execution_options(synchronize_session=False)
            )
            if exhausted.rowcount:  # type: ignore[attr-defined]
                logger.warning("%s stale jobs had no attempts left and failed", exhausted.rowcount)  # type: ignore[attr-defined]
            waiting = session.execute(
                select(Job.id, Job.status, Job.next_attempt_at).where(
                    or_(
                        and_(Job.status == JobStatus.QUEUED, Job.created_at < now - DISPATCH_GRACE),
                        Job.status == JobStatus.RETRYING,
                        and_(
                            Job.status == JobStatus.RUNNING,
                            or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale_before),
                        ),
                    )
                )
            ).all()
        if not waiting or self.queue is None:
            return []
        # Duplicates are harmless (the claim drops them) but would pile up behind long jobs.
        queued = message_job_ids(self.queue)
        sent = []
        for job_id, status, next_at in waiting:
            if job_id in queued:
                continue
            eta = next_at if status is JobStatus.RETRYING else None
            dispatch(self.queue, job_id, eta=eta)
            sent.append(job_id)
        if sent:
            logger.info("recovery sent messages for jobs %s", sent)
        return sent

    def schedule(self) -> list[int]:
        """Queue the recurring sweeps that are due (``rathaus.core.schedule``); return the new job IDs."""
        if not self.settings.jobs.scheduler:
            return []
        with open_session(self.sessions) as session:
            jobs = schedule_due(session=session, now=utcnow(), settings=self.settings)
            ids = [job.id for job in jobs]
            if self.queue is not None:
                for job_id in ids:
                    dispatch_after_commit(session, self.queue, job_id)
        return ids


def describe_error(error: Exception, stage: str | None) -> str:
    """A readable German error text for the job page."""
    detail = str(error) if isinstance(error, JobError) else f"{type(error).__name__}: {error}".rstrip(": ")
    return f"Fehler im Schritt „{stage}“: {detail}" if stage else f"Fehler: {detail}"


class Heartbeat:
    """Touch the job's heartbeat from a background thread while it runs (long stages included)."""

    def __init__(self, sessions: sessionmaker[Session], ctx: JobContext, *, interval: float) -> None:
        self._sessions = sessions
        self._ctx = ctx
        self._interval = interval
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{ctx.job_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(self._interval):
            try:
                with open_session(self._sessions) as session:
                    touched = session.execute(
                        update(Job)
                        .where(
                            Job.id == self._ctx.job_id,
                            Job.attempts == self._ctx.attempt,
                            Job.status == JobStatus.RUNNING,
                        )
                        .values(heartbeat_at=utcnow())
                        .execution_options(synchronize_session=False)
                    ).rowcount  # type: ignore[attr-defined]
            except SQLAlchemyError:
                logger.warning("heartbeat of job %s not written", self._ctx.job_id, exc_info=True)
                continue
            if not touched:
                self._ctx.lost.set()
                return


def run_consumer(
    settings: PlatformSettings,
    *,
    job_modules: Iterable[str] = (),
    workers: int | None = None,
    provisions: Iterable[Provision[Any]] = (),
) -> None:
    """Run the Huey consumer for ``settings`` until SIGTERM/SIGINT, with the kinds of ``job_modules``.

    ``provisions`` are the modules' ports (``Module.provides``), handed to every job as ``ctx.ports``.
    """
    from rathaus.core.ai.registry import AIRegistry  # noqa: PLC0415 - nothing is loaded until a job asks

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    kinds = import_job_modules(job_modules)
    engine = make_engine(settings.db_url)
    ports = Ports(provisions, PortContext(settings=settings, ai=AIRegistry.from_settings(settings)))
    runner = JobRunner(sessions=make_session_factory(engine), settings=settings, ports=ports)
    huey = make_huey(settings, executor=runner.execute)
    runner.queue = huey
    consumer = huey.create_consumer(
        workers=workers or settings.jobs.workers,
        worker_type="thread",
        graceful_signal="TERM",
        shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS,
        periodic=False,
        check_worker_health=True,
    )
    runner.stop = consumer.stop_flag  # jobs see the shutdown at their next progress step
    logger.info(
        "job kinds: %s; queue: %s",
        ", ".join(sorted(kinds)),
        "Redis" if settings.redis_url else settings.jobs_db_path,
    )
    runner.recover()
    runner.schedule()
    reaper = threading.Thread(
        target=_recover_periodically, args=(runner, consumer.stop_flag), daemon=True, name="job-recovery"
    )
    reaper.start()
    try:
        consumer.run()
    finally:
        engine.dispose()


def _recover_periodically(runner: JobRunner, stop: threading.Event) -> None:
    interval = max(1.0, runner.stale_after.total_seconds() / 2)
    while not stop.wait(interval):
        try:
            runner.recover()
            runner.schedule()
        except Exception:
            logger.exception("job recovery or scheduling failed; trying again in %.0f s", interval)
