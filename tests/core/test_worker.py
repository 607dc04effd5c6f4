"""Real consumer processes (`python -m rathaus worker`): crash and resume, graceful stop, Redis mode."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from huey import Huey
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.db import open_session
from rathaus.core.jobs import Job, JobStatus, enqueue, make_huey
from rathaus.modules import Settings
from tests import servers
from tests.conftest import REPO_ROOT
from tests.core import job_kinds
from tests.factories import make_tenant

pytestmark = pytest.mark.slow

STALE_AFTER = 5
STAGES = ["eins", "zwei", "drei"]


class Workers:
    """Starts `rathaus worker` processes for one test and stops whatever is left at the end."""

    def __init__(self, settings: Settings, log_dir: Path) -> None:
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("RATHAUS_")}
        self.env.update(
            {
                "RATHAUS_ENVIRONMENT": "test",
                "RATHAUS_SECRET_KEY": settings.secret_key,
                "RATHAUS_DATABASE_URL": settings.db_url,
                "RATHAUS_DATA_DIR": str(settings.data_dir),
                "RATHAUS_JOBS__STALE_AFTER_SECONDS": str(STALE_AFTER),
                "RATHAUS_JOBS__RETRY_BASE_SECONDS": "0",
                "RATHAUS_JOBS__EXTRA_MODULES": '["tests.core.job_kinds"]',
                "PYTHONUNBUFFERED": "1",
            }
        )
        if settings.redis_url:
            self.env["RATHAUS_REDIS_URL"] = settings.redis_url
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"worker-{len(self.processes) + 1}.log").open("wb")
        command = [sys.executable, "-m", "rathaus", "worker", "--workers", "2"]
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.log_dir.glob("worker-*.log"))
        )

    def wait_for(self, what: str, condition: Callable[[], bool], timeout: float = 90) -> None:
        """Poll ``condition`` (a guard against hanging, not a timing assertion)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            for process in self.processes:
                if process.poll() not in (None, -signal.SIGKILL, 0):
                    pytest.fail(f"worker exited ({process.returncode}) waiting for {what}\n{self.logs()}")
            time.sleep(0.1)
        pytest.fail(f"gave up waiting for {what}\n{self.logs()}")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def setup(settings: Settings, engine: Engine, sessions: sessionmaker[Session]) -> int:
    job_kinds.ensure_tables(engine)
    with open_session(sessions) as session:
        return make_tenant(session).id


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(settings, tmp_path)
    yield pool
    pool.stop_all()


def submit(sessions: sessionmaker[Session], queue: Huey, tenant_id: int, seconds: float) -> int:
    with open_session(sessions, tenant_id=tenant_id) as session:
        params = {"stages": STAGES, "seconds": seconds}
        return enqueue(
            session=session, kind=job_kinds.EFFECTS_KIND, params=params, tenant_id=tenant_id, queue=queue
        ).id


def job_row(sessions: sessionmaker[Session], job_id: int) -> Job:
    with open_session(sessions) as session:
        job = session.scalar(select(Job).where(Job.id == job_id))
        assert job is not None
        return job


def starts(sessions: sessionmaker[Session], job_id: int) -> dict[str, int]:
    with open_session(sessions) as session:
        return job_kinds.start_counts(session, job_id)


def effects(sessions: sessionmaker[Session], job_id: int) -> dict[str, int]:
    with open_session(sessions) as session:
        return job_kinds.effect_counts(session, job_id)


def test_killed_worker_is_resumed_without_duplicated_effects(
    settings: Settings, sessions: sessionmaker[Session], setup: int, workers: Workers
) -> None:
    queue = make_huey(settings)
    first = workers.start()
    job_id = submit(sessions, queue, setup, seconds=3)
    workers.wait_for("stage two to run", lambda: starts(sessions, job_id).get("zwei") == 1)
    running = job_row(sessions, job_id)
    assert (running.status, running.stage, running.finished_stages) == (JobStatus.RUNNING, "zwei", ["eins"])

    first.send_signal(signal.SIGKILL)
    first.wait()
    assert effects(sessions, job_id) == {"eins": 1}  # stage two's effect died with its transaction
    workers.start()
    workers.wait_for("the job to finish", lambda: not job_row(sessions, job_id).status.active)

    done = job_row(sessions, job_id)
    assert done.status is JobStatus.SUCCEEDED, workers.logs()
    assert (done.progress, done.attempts, done.finished_stages) == (100, 2, STAGES)
    assert effects(sessions, job_id) == {"eins": 1, "zwei": 1, "drei": 1}
    assert starts(sessions, job_id) == {"eins": 1, "zwei": 2, "drei": 1}  # stage two really ran again
    with open_session(sessions) as session:
        rows = session.execute(
            select(job_kinds.effects.c.stage, job_kinds.effects.c.attempt)
            .where(job_kinds.effects.c.job_id == job_id)
            .order_by(job_kinds.effects.c.id)
        ).all()
    assert [tuple(row) for row in rows] == [("eins", 1), ("zwei", 2), ("drei", 2)]


def test_sigterm_stops_gracefully_and_the_job_continues_later(
    settings: Settings, sessions: sessionmaker[Session], setup: int, workers: Workers
) -> None:
    queue = make_huey(settings)
    first = workers.start()
    job_id = submit(sessions, queue, setup, seconds=3)
    workers.wait_for("stage two to run", lambda: starts(sessions, job_id).get("zwei") == 1)
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=60) == 0
    stopped = job_row(sessions, job_id)
    assert (stopped.status, stopped.finished_stages, stopped.attempts) == (JobStatus.QUEUED, ["eins"], 1)
    assert stopped.max_attempts == 4  # the interrupted attempt does not count

    workers.start()
    workers.wait_for("the job to finish", lambda: not job_row(sessions, job_id).status.active)
    assert job_row(sessions, job_id).status is JobStatus.SUCCEEDED, workers.logs()
    assert effects(sessions, job_id) == {"eins": 1, "zwei": 1, "drei": 1}


@pytest.mark.redis
def test_redis_mode_with_two_workers_runs_each_job_once(
    settings: Settings, sessions: sessionmaker[Session], setup: int, tmp_path: Path
) -> None:
    with servers.redis_server(tmp_path / "redis") as redis_url:
        redis_settings = settings.model_copy(update={"redis_url": redis_url})
        queue = make_huey(redis_settings)
        assert type(queue).__name__ == "RedisHuey"
        pool = Workers(redis_settings, tmp_path)
        try:
            pool.start()
            pool.start()  # two "machines" on one queue
            jobs = [submit(sessions, queue, setup, seconds=0.3) for _ in range(4)]
            pool.wait_for(
                "all jobs to finish",
                lambda: all(not job_row(sessions, job_id).status.active for job_id in jobs),
            )
            for job_id in jobs:
                done = job_row(sessions, job_id)
                assert (done.status, done.attempts) == (JobStatus.SUCCEEDED, 1), pool.logs()
                assert effects(sessions, job_id) == {"eins": 1, "zwei": 1, "drei": 1}
            # the workers' scheduler may just have queued a recurring sweep: the queue must drain
            pool.wait_for("the queue to drain", lambda: queue.pending_count() == 0)
            assert not settings.jobs_db_path.exists()  # nothing went to the SQLite queue
        finally:
            pool.stop_all()
