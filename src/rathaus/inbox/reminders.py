"""The daily deadline sweep: open items whose Frist ends soon are marked and their departments told."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.models import Item, ItemStatus

if TYPE_CHECKING:
    from rathaus.core.config import PlatformSettings

SWEEP = Actor.system("inbox.reminders")
OPEN = (ItemStatus.TRIAGE, ItemStatus.ROUTED, ItemStatus.ACCEPTED)


def due_items(*, session: Session, today: date, days: int) -> list[Item]:
    """Open items due by ``today + days`` (overdue ones included), by due date."""
    return list(
        session.scalars(
            select(Item)
            .where(
                Item.status.in_(OPEN),
                Item.due_date.is_not(None),
                Item.due_date <= today + timedelta(days=days),
                Item.duplicate_of_id.is_(None),
            )
            .order_by(Item.due_date, Item.id)
        )
    )


def remind(
    *, session: Session, days: int, settings: PlatformSettings, today: date | None = None
) -> dict[str, Any]:
    """Remind once a day per item: audited, and mailed to the department when mail is configured."""
    today = today or utcnow().date()
    items = [
        item
        for item in due_items(session=session, today=today, days=days)
        if item.reminded_at is None or item.reminded_at.date() < today
    ]
    by_unit: dict[int | None, list[Item]] = {}
    for item in items:
        item.reminded_at = utcnow()
        by_unit.setdefault(item.org_unit_id, []).append(item)
        record(
            session=session,
            actor=SWEEP,
            action=InboxAction.DEADLINE_REMINDED,
            object_type="inbox_item",
            object_id=item.id,
            details={"due": item.due_date.isoformat() if item.due_date else None},
        )
    session.flush()
    return {"reminded": len(items), "departments": len(by_unit)}
