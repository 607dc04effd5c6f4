"""The daily deadline sweep: open items whose Frist ends soon are marked and their departments told."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.core.db import tenant_of, utcnow
from rathaus.core.security.models import Tenant
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.models import Item, ItemStatus, OrgUnit

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
    """Remind once a day per item: audited, and mailed to the department when mail is configured.

    One mail per department with an address lists its items with their deadlines (subjects and
    numbers only, no letter text). A mail that fails is logged in the result; the reminder stands.
    """
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
    mailed, failed = _mail_departments(session=session, by_unit=by_unit, settings=settings, today=today)
    return {"reminded": len(items), "departments": len(by_unit), "mailed": mailed, "mail_failed": failed}


def _mail_departments(
    *, session: Session, by_unit: dict[int | None, list[Item]], settings: PlatformSettings, today: date
) -> tuple[int, list[str]]:
    from rathaus.core.mail import MailError, send, sender  # noqa: PLC0415

    if not settings.mail.configured:
        return 0, []
    tenant = session.get(Tenant, tenant_of(session)) if tenant_of(session) is not None else None
    mailed, failed = 0, []
    for unit_id, items in by_unit.items():
        unit = session.get(OrgUnit, unit_id) if unit_id is not None else None
        if unit is None or not unit.email:
            continue
        message = EmailMessage()
        message["From"] = sender(settings.mail, tenant.name if tenant else None)
        message["To"] = unit.email
        message["Subject"] = f"Posteingang: {len(items)} Frist(en) laufen bald ab – {unit.name}"
        lines = [
            f"Nr. {item.id}: {item.subject or '(ohne Betreff)'} – "
            + (
                f"überfällig seit {item.due_date:%d.%m.%Y}"
                if item.due_date and item.due_date < today
                else f"fällig am {item.due_date:%d.%m.%Y}"
                if item.due_date
                else ""
            )
            for item in items
        ]
        message.set_content(
            f"Guten Tag,\n\nim Arbeitsvorrat von {unit.name} laufen diese Fristen bald ab:\n\n"
            + "\n".join(lines)
            + "\n\nDiese Nachricht wurde automatisch vom Posteingang erstellt.\n"
        )
        try:
            send(settings.mail, message)
        except MailError as error:
            failed.append(f"{unit.name}: {error}")
            continue
        mailed += 1
    return mailed, failed
