"""``watch_job`` and ``rathaus jobs watch`` follow a real job in the real database."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from rathaus.cli import app
from rathaus.cli.jobs import watch_job
from rathaus.core.db import open_session
from rathaus.core.jobs import JobStatus, enqueue
from rathaus.core.worker import JobRunner
from rathaus.modules import Settings
from tests.core import job_kinds
from tests.factories import make_tenant


@pytest.fixture
def tenant_id(sessions: sessionmaker[Session], engine: Engine) -> int:
    job_kinds.ensure_tables(engine)
    with open_session(sessions) as session:
        return make_tenant(session).id


def new_job(sessions: sessionmaker[Session], tenant_id: int, kind: str, params: dict[str, object]) -> int:
    with open_session(sessions, tenant_id=tenant_id) as session:
        return enqueue(session=session, kind=kind, params=params, tenant_id=tenant_id, max_attempts=1).id


def test_watch_job_follows_a_running_job_to_the_end(
    sessions: sessionmaker[Session], settings: Settings, tenant_id: int
) -> None:
    params: dict[str, object] = {"stages": ["eins", "zwei"], "seconds": 0.5}
    job_id = new_job(sessions, tenant_id, job_kinds.EFFECTS_KIND, params)
    worker = threading.Thread(target=JobRunner(sessions=sessions, settings=settings).execute, args=(job_id,))
    worker.start()
    screen = io.StringIO()
    job = watch_job(sessions, job_id, console=Console(file=screen, width=100), poll_seconds=0.05)
    worker.join()
    assert (job.status, job.progress) == (JobStatus.SUCCEEDED, 100)
    assert f"Job {job_id} (test.effects)" in screen.getvalue()
    assert "100%" in screen.getvalue()


def test_rathaus_jobs_watch_reports_a_failure(
    sessions: sessionmaker[Session],
    settings: Settings,
    tenant_id: int,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    job_id = new_job(sessions, tenant_id, job_kinds.PERMANENT_KIND, {})
    JobRunner(sessions=sessions, settings=settings).execute(job_id)
    for key, value in {
        "ENVIRONMENT": "test",
        "SECRET_KEY": settings.secret_key,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": settings.db_url,
    }.items():
        monkeypatch.setenv(f"RATHAUS_{key}", value)
    result = CliRunner().invoke(app, ["jobs", "watch", str(job_id)])
    assert result.exit_code == 1
    assert f"Job {job_id} failed: Fehler: Die Aufnahme fehlt" in " ".join(result.output.split())
    missing = CliRunner().invoke(app, ["jobs", "watch", "999999"])
    assert (missing.exit_code, "No job with id 999999." in missing.output) == (2, True)
