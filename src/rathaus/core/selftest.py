"""``platform.selftest``: a demo job whose stages wait, report progress and leave audit events.

It shows the job machinery end to end (progress bar, stages, resuming) without an AI model; every
step appends one audit event, so "each effect exactly once" can be checked in the audit log.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.orm import Session

from rathaus.core.audit.actions import PlatformAction
from rathaus.core.audit.service import Actor, record
from rathaus.core.jobs import JobContext, job_kind

SELFTEST = "platform.selftest"
STEP_ACTION = PlatformAction.JOB_SELFTEST_STEP


@job_kind(SELFTEST, title="Selbsttest")
def selftest(ctx: JobContext, *, steps: int = 3, seconds: float = 1.0) -> dict[str, Any]:
    """Run ``steps`` stages of ``seconds`` each; each appends one audit event."""
    events = []
    for number in range(1, steps + 1):

        def step(session: Session, number: int = number) -> int:
            return _step(ctx, session, number=number, steps=steps, seconds=seconds)

        events.append(ctx.stage(f"Schritt {number} von {steps}", step, percent=100 * number / steps))
    return {"steps": steps, "audit_event_ids": events}


def _step(ctx: JobContext, session: Session, *, number: int, steps: int, seconds: float) -> int:
    slices = 10
    for part in range(1, slices + 1):
        time.sleep(seconds / slices)
        ctx.progress(100 * (number - 1 + part / slices) / steps)
    event = record(
        session=session,
        actor=Actor.system("selftest"),
        action=STEP_ACTION,
        object_type="job",
        object_id=ctx.job_id,
        details={"step": number, "attempt": ctx.attempt},
    )
    session.flush()
    return event.id
