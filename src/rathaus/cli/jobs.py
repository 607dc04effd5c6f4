"""``rathaus jobs …``: job progress on the command line, ``watch_job`` (a Rich progress bar)."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session, sessionmaker

from rathaus.cli.common import connect_migrated, load_settings, out
from rathaus.core.db import make_session_factory, open_session
from rathaus.core.jobs import Job, JobStatus

jobs_app = typer.Typer(help="Background jobs.", no_args_is_help=True)


def _snapshot(sessions: sessionmaker[Session], job_id: int) -> Job | None:
    with open_session(sessions) as session:
        return session.get(Job, job_id)


def watch_job(
    sessions: sessionmaker[Session],
    job_id: int,
    *,
    console: Console | None = None,
    poll_seconds: float = 0.5,
    timeout: float | None = None,
) -> Job:
    """Show a progress bar for job ``job_id`` until it succeeds or fails; return its final row.

    Example: ``job = watch_job(sessions, job.id); raise SystemExit(job.status is not JobStatus.SUCCEEDED)``.
    A ``timeout`` (seconds) returns the row as it is then, still active.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[stage]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console or Console(stderr=True), transient=False) as progress:
        job = _snapshot(sessions, job_id)
        if job is None:
            msg = f"no job with id {job_id}"
            raise LookupError(msg)
        bar = progress.add_task(f"Job {job.id} ({job.kind})", total=100, stage="")
        while True:
            stage = job.stage or ""
            if job.status is JobStatus.RETRYING:
                stage = f"retrying after error (attempt {job.attempts} of {job.max_attempts})"
            elif job.status is JobStatus.QUEUED:
                stage = "waiting for a worker"
            progress.update(bar, completed=job.progress, stage=stage)
            if not job.status.active or (deadline is not None and time.monotonic() >= deadline):
                return job
            time.sleep(poll_seconds)
            job = _snapshot(sessions, job_id) or job


@jobs_app.command("watch")
def watch(job_id: Annotated[int, typer.Argument(help="the job's number")]) -> None:
    """Follow a job's progress until it finishes; exit 1 if it failed."""
    sessions = make_session_factory(connect_migrated(load_settings()))
    try:
        job = watch_job(sessions, job_id)
    except LookupError:
        out().print(f"No job with id {job_id}.")
        raise typer.Exit(2) from None
    if job.status is JobStatus.FAILED:
        out().print(f"Job {job.id} failed: {job.error}")
        raise typer.Exit(1)
    out().print(f"Job {job.id} succeeded.")
