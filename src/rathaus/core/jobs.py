"""Background jobs: Huey for delivery, a Job row for everything a person or a retry needs to know.

A job is a function of IDs registered as a *job kind*::

    @job_kind("minutes.pipeline", title="Protokollentwurf")
    def pipeline(ctx: JobContext, *, meeting_id: int) -> dict[str, Any]:
        audio_id = ctx.stage("Audio dekodieren", lambda session: decode(session, meeting_id), percent=10)
        ...

The row is the source of truth; a Huey message only says "job N may be run now". Messages may be
duplicated or lost: the worker *claims* a row atomically before running it (so a duplicate is a
no-op), and recovery re-sends messages for rows that wait without one (see ``rathaus.core.worker``).
``Job.attempts`` grows with every claim and fences every write of a run, so a run that lost its
claim (stale heartbeat, picked up elsewhere) can no longer change the row.
"""

from __future__ import annotations

import enum
import importlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, event, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, sessionmaker

from rathaus.core.audit.actions import PlatformAction
from rathaus.core.audit.service import Actor, record
from rathaus.core.db import Base, TenantOwned, open_session, utcnow
from rathaus.core.ports import Ports

if TYPE_CHECKING:
    from huey import Huey

    from rathaus.core.config import PlatformSettings

T = TypeVar("T")
logger = logging.getLogger(__name__)
QUEUE_NAME = "rathaus"
TASK_NAME = "run_job"


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def label(self) -> str:
        """The German label shown to people."""
        return STATUS_LABELS[self]

    @property
    def active(self) -> bool:
        """Whether the job may still change without anyone doing anything."""
        return self in {JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING}


STATUS_LABELS = {
    JobStatus.QUEUED: "Wartet",
    JobStatus.RUNNING: "Läuft",
    JobStatus.RETRYING: "Wird wiederholt",
    JobStatus.SUCCEEDED: "Abgeschlossen",
    JobStatus.FAILED: "Fehlgeschlagen",
}


class Job(TenantOwned, Base):
    """One unit of background work, a function of IDs, with its visible state."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80), index=True)
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, length=16), default=JobStatus.QUEUED, index=True
    )
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str | None] = mapped_column(String(120), default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, doc="finished stages, for resuming")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def kind_title(self) -> str:
        """The German name of the job's kind, or its technical name."""
        kind = KINDS.get(self.kind)
        return kind.title if kind else self.kind

    @property
    def finished_stages(self) -> list[str]:
        """Names of the stages recorded as done, in order."""
        return list((self.state or {}).get("stages", {}))


# -- errors -----------------------------------------------------------------------------------


class JobError(Exception):
    """A failure with a message for people (German); ``retry=False`` fails the job at once."""

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


class JobInterruptedError(Exception):
    """The worker is shutting down; the job goes back to the queue and resumes later."""


class JobLostError(Exception):
    """This run no longer owns the job (it was claimed again after a stale heartbeat)."""


class JobStateError(ValueError):
    """The job is not in a state that allows the requested change."""


# -- registry of job kinds --------------------------------------------------------------------


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str
    func: Callable[..., dict[str, Any] | None]
    every: timedelta | None = None  # run by the scheduler once per interval in every tenant
    # for a recurring kind: whether a tenant has anything for it (e.g. a mailbox); None means always
    needed: Callable[[Session, int, PlatformSettings], bool] | None = None


KINDS: dict[str, JobKind] = {}

# The platform's own job kinds; the modules' job modules come from their Module record.
PLATFORM_JOB_MODULES: tuple[str, ...] = ("rathaus.core.selftest",)


def import_job_modules(modules: Iterable[str] = ()) -> dict[str, JobKind]:
    """Import the platform's and the given modules that register job kinds; return the registry."""
    for module in (*PLATFORM_JOB_MODULES, *modules):
        importlib.import_module(module)
    return KINDS


def job_kind(
    name: str,
    *,
    title: str | None = None,
    every: timedelta | None = None,
    needed: Callable[[Session, int, PlatformSettings], bool] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``func(ctx, **params)`` as the job kind ``name`` (e.g. ``"minutes.pipeline"``).

    With ``every``, the workers' scheduler queues the kind (without parameters) in every tenant
    once per interval (see ``rathaus.core.schedule``); such a job must be an idempotent sweep.
    ``needed(session, tenant_id, settings)`` lets a frequent sweep skip tenants with nothing for it
    (no mailbox to poll), so the jobs page is not filled with empty runs.
    """

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        existing = KINDS.get(name)
        if existing is not None and existing.func is not func:
            msg = f"job kind {name!r} is already registered by {existing.func.__module__}"
            raise ValueError(msg)
        KINDS[name] = JobKind(name=name, title=title or name, func=func, every=every, needed=needed)
        return func

    return register


# -- what a running job sees ------------------------------------------------------------------


class JobContext:
    """Progress, stages and sessions for one run of one job (``token`` is the claimed attempt)."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        job_id: int,
        tenant_id: int,
        token: int,
        state: dict[str, Any] | None = None,
        progress: int = 0,
        settings: PlatformSettings,
        stop: threading.Event | None = None,
        ports: Ports | None = None,
    ) -> None:
        self.job_id = job_id
        self.settings = settings
        self.ports = ports or Ports.none()  # what the modules provide each other (rathaus.core.ports)
        self.tenant_id = tenant_id
        self.attempt = token
        self.lost = threading.Event()
        self._sessions = sessions
        self._state: dict[str, Any] = json.loads(json.dumps(state or {}))
        self._percent = progress
        self._stage: str | None = None
        self._stop = stop or threading.Event()
        self._stage_wrote = False

    @property
    def finished_stages(self) -> list[str]:
        """Stages already done, including those of earlier attempts."""
        return list(self._state.get("stages", {}))

    @property
    def current_stage(self) -> str | None:
        return self._stage

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A short transaction in the job's tenant (commits when the block ends)."""
        with open_session(self._sessions, tenant_id=self.tenant_id) as session:
            yield session

    def check(self) -> None:
        """Raise if the worker is stopping or this run lost the job; called at every progress step."""
        if self.lost.is_set():
            raise JobLostError(self.job_id)
        if self._stop.is_set():
            raise JobInterruptedError(self.job_id)

    def progress(self, percent: float, stage: str | None = None) -> None:
        """Show ``percent`` (0–100) and the stage name; written in its own transaction for the UI."""
        self.check()
        self._percent = max(0, min(100, round(percent)))
        if stage is not None:
            self._stage = stage
        if self._stage_wrote:
            # The stage's session already holds SQLite's write lock; another connection would wait
            # for it. The numbers are written together with the stage instead.
            return
        with open_session(self._sessions) as session:
            self._write(session, progress=self._percent, stage=self._stage)

    def stage(self, name: str, work: Callable[[Session], T], *, percent: float | None = None) -> T:
        """Run ``work(session)`` once per job: a stage already recorded as done returns its stored result.

        ``work`` gets a session in the job's tenant; what it writes commits in the same transaction as
        the record that the stage is done, so a run killed mid-stage leaves neither behind. The result
        must be JSON (IDs, paths, small dicts): a resumed job gets it back from the row. Do the long
        computation before writing; ``percent`` is the progress once the stage is done.
        """
        done = self._state.get("stages", {})
        if name in done:
            return done[name]["result"]  # type: ignore[no-any-return]
        self.progress(self._percent, name)
        with self.session() as session:
            self._stage_wrote = False
            event.listen(session, "after_flush", self._mark_written)
            event.listen(session, "do_orm_execute", self._mark_statement)
            try:
                result = work(session)
                stored = json.loads(json.dumps(result))
                stages = {**done, name: {"result": stored, "finished_at": utcnow().isoformat()}}
                if percent is not None:
                    self._percent = max(0, min(100, round(percent)))
                state = {**self._state, "stages": stages}
                self._write(session, state=state, progress=self._percent, stage=name)
            finally:
                self._stage_wrote = False
        self._state = state
        return result

    def _mark_written(self, _session: Session, _context: object) -> None:
        self._stage_wrote = True

    def _mark_statement(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            self._stage_wrote = True

    def _write(self, session: Session, **values: Any) -> None:
        statement = (
            update(Job)
            .where(Job.id == self.job_id, Job.attempts == self.attempt, Job.status == JobStatus.RUNNING)
            .values(heartbeat_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )
        if session.execute(statement).rowcount == 0:  # type: ignore[attr-defined]
            self.lost.set()
            raise JobLostError(self.job_id)


# -- creating, sending and retrying -----------------------------------------------------------


def enqueue(
    *,
    session: Session,
    kind: str,
    params: dict[str, Any],
    tenant_id: int,
    created_by: int | None = None,
    max_attempts: int = 3,
    queue: Huey | None = None,
) -> Job:
    """Create a QUEUED job row (the caller commits); with ``queue``, its message is sent after commit.

    Without ``queue`` call ``dispatch(queue, job.id)`` yourself once the transaction is committed.
    """
    if kind not in KINDS:
        msg = f"unknown job kind {kind!r}; known: {', '.join(sorted(KINDS)) or 'none'}"
        raise ValueError(msg)
    clean = json.loads(json.dumps(params))
    job = Job(
        kind=kind,
        params=clean,
        tenant_id=tenant_id,
        created_by_id=created_by,
        max_attempts=max_attempts,
        state={},
        status=JobStatus.QUEUED,
    )
    session.add(job)
    session.flush()
    if queue is not None:
        dispatch_after_commit(session, queue, job.id)
    return job


def retry_job(
    *, session: Session, job_id: int, actor: Actor, extra_attempts: int = 3, queue: Huey | None = None
) -> Job:
    """Queue a failed job again (a person's decision, audited); finished stages are not repeated."""
    job = session.get(Job, job_id)
    if job is None:
        raise JobStateError(f"job {job_id} does not exist")
    if job.status is not JobStatus.FAILED:
        raise JobStateError(f"job {job_id} is {job.status.value}; only failed jobs can be retried")
    job.status = JobStatus.QUEUED
    # attempts keeps counting (it fences concurrent runs); the person grants new attempts instead.
    job.max_attempts = job.attempts + extra_attempts
    job.finished_at = None
    job.next_attempt_at = None
    job.heartbeat_at = None
    record(
        session=session,
        actor=actor,
        action=PlatformAction.JOB_RETRY,
        object_type="job",
        object_id=job.id,
        details={"kind": job.kind, "error": job.error},
        tenant_id=job.tenant_id,
    )
    session.flush()
    if queue is not None:
        dispatch_after_commit(session, queue, job.id)
    return job


def backoff_seconds(*, attempt: int, base: float, cap: float = 3600.0) -> float:
    """Wait before the next attempt after failed attempt ``attempt`` (1, 2, …): base, 2·base, 4·base…"""
    return float(min(cap, base * 2 ** max(0, attempt - 1)))


def make_huey(
    settings: PlatformSettings, *, immediate: bool = False, executor: Callable[[int], None] | None = None
) -> Huey:
    """The Huey instance for ``settings``: RedisHuey with ``redis_url``, else SqliteHuey in the data dir.

    ``executor`` runs a job by ID; only workers pass it (others only send messages).
    """
    from huey import RedisHuey, SqliteHuey  # noqa: PLC0415 - only processes that queue work need it

    huey: Huey
    if settings.redis_url:
        huey = RedisHuey(QUEUE_NAME, url=settings.redis_url, results=False, immediate=immediate)
    else:
        settings.jobs_db_path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(
            QUEUE_NAME, filename=str(settings.jobs_db_path), results=False, immediate=immediate, timeout=30
        )

    def run_job(job_id: int) -> None:
        if executor is None:
            msg = "this Huey instance only sends messages; run `rathaus worker` to execute jobs"
            raise RuntimeError(msg)
        executor(job_id)

    huey.task(name=TASK_NAME)(run_job)
    return huey


def dispatch(queue: Huey, job_id: int, *, eta: datetime | None = None) -> None:
    """Send the message that lets a worker run job ``job_id`` (now, or at ``eta``)."""
    task = queue._registry.string_to_task(f"{__name__}.{TASK_NAME}")  # Huey's own lookup
    queue.enqueue(task((job_id,), {}, eta=eta))


def dispatch_after_commit(session: Session, queue: Huey, job_id: int, *, eta: datetime | None = None) -> None:
    """Send the job's message once ``session`` commits; nothing is sent if it rolls back first."""
    pending = [True]

    def committed(_session: Session) -> None:
        if pending and pending.pop():
            try:
                dispatch(queue, job_id, eta=eta)
            except Exception:  # the row is committed; worker recovery sends the message later
                logger.exception("could not send the message for job %s; recovery will resend it", job_id)

    def rolled_back(_session: Session) -> None:
        pending.clear()

    event.listen(session, "after_commit", committed)
    event.listen(session, "after_rollback", rolled_back)


def message_job_ids(queue: Huey) -> set[int]:
    """IDs of the jobs that have a message waiting in the queue or in the schedule."""
    ids: set[int] = set()
    for task in [*queue.pending(), *queue.scheduled()]:
        if task.name == TASK_NAME and task.args:
            ids.add(int(task.args[0]))
    return ids
