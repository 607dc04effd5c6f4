"""Job kinds for the tests only; worker subprocesses import this module via RATHAUS_JOBS__EXTRA_MODULES.

Effects go to plain tables created here with SQLAlchemy Core (no migration): ``job_test_effects``
gets one row per finished stage, written in the stage's transaction without any de-duplication of
its own, so a count above one would expose a stage that ran its effect twice; ``job_test_starts``
gets a row (in its own transaction) every time a stage *begins*, so tests can see that a stage was
really interrupted and repeated.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from rathaus.core.jobs import JobContext, JobError, job_kind

EFFECTS_KIND = "test.effects"
FLAKY_KIND = "test.flaky"
PERMANENT_KIND = "test.permanent"

metadata = MetaData()
effects = Table(
    "job_test_effects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("job_id", Integer, nullable=False),
    Column("stage", String(40), nullable=False),
    Column("attempt", Integer, nullable=False),
)
starts = Table(
    "job_test_starts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("job_id", Integer, nullable=False),
    Column("stage", String(40), nullable=False),
    Column("attempt", Integer, nullable=False),
)


def ensure_tables(engine: Engine) -> None:
    """CREATE TABLE IF NOT EXISTS for the effect tables."""
    metadata.create_all(engine, checkfirst=True)


def effect_counts(session: Session, job_id: int) -> dict[str, int]:
    rows = session.execute(
        select(effects.c.stage, func.count()).where(effects.c.job_id == job_id).group_by(effects.c.stage)
    ).all()
    return dict(rows)


def start_counts(session: Session, job_id: int) -> dict[str, int]:
    rows = session.execute(
        select(starts.c.stage, func.count()).where(starts.c.job_id == job_id).group_by(starts.c.stage)
    ).all()
    return dict(rows)


@job_kind(EFFECTS_KIND, title="Testauftrag mit Wirkungen")
def effects_job(
    ctx: JobContext,
    *,
    stages: list[str],
    seconds: float = 0.0,
    fail_in: str | None = None,
    fail_times: int = 0,
) -> dict[str, Any]:
    """Each stage logs its start, waits ``seconds`` with progress, then writes its effect row."""
    for index, name in enumerate(stages):

        def work(session: Session, index: int = index, name: str = name) -> str:
            with ctx.session() as own:
                own.execute(insert(starts).values(job_id=ctx.job_id, stage=name, attempt=ctx.attempt))
            for part in range(1, 11):
                time.sleep(seconds / 10)
                ctx.progress(100 * (index + part / 10) / len(stages))
            session.execute(insert(effects).values(job_id=ctx.job_id, stage=name, attempt=ctx.attempt))
            if name == fail_in and ctx.attempt <= fail_times:
                msg = f"absichtlicher Fehler in {name}"
                raise ValueError(msg)
            return f"{name}-erledigt"

        ctx.stage(name, work, percent=100 * (index + 1) / len(stages))
    return {"stages": stages, "attempt": ctx.attempt}


@job_kind(FLAKY_KIND, title="Wackeliger Testauftrag")
def flaky_job(ctx: JobContext, *, fail_times: int) -> dict[str, Any]:
    """Fails on the first ``fail_times`` attempts."""
    ctx.progress(50, "Versuchen")
    if ctx.attempt <= fail_times:
        msg = f"Versuch {ctx.attempt} misslingt absichtlich"
        raise RuntimeError(msg)
    return {"attempt": ctx.attempt}


@job_kind(PERMANENT_KIND, title="Testauftrag ohne Wiederholung")
def permanent_job(ctx: JobContext) -> None:
    """Fails with a readable message that no retry can fix."""
    raise JobError("Die Aufnahme fehlt; bitte laden Sie sie erneut hoch.", retry=False)
