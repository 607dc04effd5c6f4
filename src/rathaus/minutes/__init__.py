"""Protokollhilfe: from a session recording to approved, published minutes.

Other packages (the start page) meet this one through ``open_minutes`` and ``due_minutes``. The
package import stays light: the pure pipeline stages import ``rathaus.minutes.schemas`` without
the database models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def open_minutes(*, session: Session, today: date) -> tuple[int, int]:
    """(open, overdue) minutes of the session's tenant, for the dashboard."""
    from rathaus.minutes import workflow  # noqa: PLC0415 - keeps the package import light

    return workflow.open_minutes(session=session, today=today)


@dataclass(frozen=True)
class DueMinutes:
    """Open minutes with their deadline, as the start page lists them."""

    meeting_id: int
    name: str
    session_date: date
    due_date: date | None
    status: str
    overdue: bool
    days_overdue: int


def due_minutes(*, session: Session, today: date) -> list[DueMinutes]:
    """The open minutes of the session's tenant with due date, earliest due first."""
    from rathaus.minutes import workflow  # noqa: PLC0415 - keeps the package import light

    return [
        DueMinutes(
            meeting_id=meeting.id,
            name=meeting.name,
            session_date=meeting.session_date,
            due_date=meeting.due_date,
            status=meeting.status.label,
            overdue=late,
            days_overdue=(today - meeting.due_date).days if late and meeting.due_date else 0,
        )
        for meeting, late in workflow.open_minutes_due(session=session, today=today)
    ]


__all__ = ["DueMinutes", "due_minutes", "open_minutes"]
