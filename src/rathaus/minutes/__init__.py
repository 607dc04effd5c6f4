"""Protokollhilfe: from a session recording to approved, published minutes.

Other packages (the start page) meet this one through ``open_minutes``. The package import stays
light: the pure pipeline stages import ``rathaus.minutes.schemas`` without the database models.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def open_minutes(*, session: Session, today: date) -> tuple[int, int]:
    """(open, overdue) minutes of the session's tenant, for the dashboard."""
    from rathaus.minutes import workflow  # noqa: PLC0415 - keeps the package import light

    return workflow.open_minutes(session=session, today=today)


__all__ = ["open_minutes"]
