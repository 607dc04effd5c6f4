"""Domain logic of the Posteingang: keyword-only functions taking a session; the caller commits.

Intake of every channel ends in :func:`receive`; the reading job fills in text, routing and
extraction (:mod:`rathaus.inbox.processing`); caseworkers accept, re-route or close items here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from rathaus.core.audit.service import Actor, record
from rathaus.core.db import tenant_of, utcnow
from rathaus.core.storage import store_bytes
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.models import (
    DocumentStatus,
    Item,
    ItemDocument,
    ItemStatus,
    OrgUnit,
    Position,
)
from rathaus.inbox.schemas import Incoming

FILE_PURPOSE = "inbox"
DUPLICATE_MESSAGE = "Doppelt eingegangen: gleicher Inhalt wie Eingang Nr. {number}. Nicht erneut bearbeitet."


class ItemStateError(ValueError):
    """The item is not in a state that allows the change; the message is German."""


@dataclass(frozen=True)
class Received:
    item: Item
    duplicate_of: Item | None = None


def content_hash(incoming: Incoming) -> str:
    """What identifies an item's content: the hash of its original file (or of its subject and text)."""
    original = incoming.original
    if original is not None:
        return hashlib.sha256(original.data).hexdigest()
    return hashlib.sha256(f"{incoming.subject}\x1f{incoming.sender_address}".encode()).hexdigest()


def find_duplicate(*, session: Session, sha256: str, message_id: str | None = None) -> Item | None:
    """The first item with the same content (or the same e-mail Message-ID), if any."""
    same = select(Item).where(Item.content_sha256 == sha256, Item.duplicate_of_id.is_(None))
    found = session.scalar(same.order_by(Item.id).limit(1))
    if found is None and message_id:
        by_id = select(Item).where(Item.message_id == message_id, Item.duplicate_of_id.is_(None))
        found = session.scalar(by_id.order_by(Item.id).limit(1))
    return found


def receive(
    *, session: Session, files_dir: Path, incoming: Incoming, actor: Actor, uploaded_by_id: int | None = None
) -> Received:
    """Store an arriving item and its files; a duplicate is linked to the first, not read again.

    The bytes of equal files are stored once (content-addressed). The caller queues the reading job
    for ``received.item`` unless it is a duplicate, and commits.
    """
    tenant_id = tenant_of(session)
    if tenant_id is None:
        raise ValueError("receive needs a tenant-scoped session")
    sha256 = content_hash(incoming)
    first = find_duplicate(session=session, sha256=sha256, message_id=incoming.message_id)
    item = Item(
        source=incoming.source,
        subject=incoming.subject[:998],
        sender_name=incoming.sender_name[:300],
        sender_address=incoming.sender_address[:300],
        recipient=incoming.recipient[:300],
        message_id=incoming.message_id,
        content_sha256=sha256,
        received_at=incoming.received_at or utcnow(),
    )
    if first is not None:
        item.duplicate_of_id = first.id
        item.status = ItemStatus.CLOSED
        item.closed_at = utcnow()
        item.status_message = DUPLICATE_MESSAGE.format(number=first.id)
    session.add(item)
    session.flush()
    for incoming_file in incoming.files:
        stored = store_bytes(
            session=session,
            files_dir=files_dir,
            tenant_id=tenant_id,
            data=incoming_file.data,
            filename=incoming_file.filename,
            media_type=incoming_file.media_type,
            purpose=FILE_PURPOSE,
            uploaded_by_id=uploaded_by_id,
        )
        item.documents.append(
            ItemDocument(
                role=incoming_file.role,
                file_id=stored.id,
                filename=stored.filename,
                media_type=incoming_file.media_type,
                sha256=stored.sha256,
                status=incoming_file.status,
                message=incoming_file.message,
                text=incoming_file.text,
                html_sanitized=incoming_file.html_sanitized,
            )
        )
    if any(document.status is DocumentStatus.QUARANTINED for document in item.documents):
        record(
            session=session,
            actor=actor,
            action=InboxAction.ITEM_QUARANTINED,
            object_type="inbox_item",
            object_id=item.id,
            details={"files": [d.filename for d in item.documents if d.status is DocumentStatus.QUARANTINED]},
        )
    if incoming.position_number:
        item.extraction = {"rule_position": incoming.position_number, "rule_reason": incoming.rule_reason}
    if incoming.notes:
        item.extraction = {**item.extraction, "notes": list(incoming.notes)}
    session.flush()
    action = InboxAction.ITEM_DUPLICATE if first is not None else InboxAction.ITEM_RECEIVED
    record(
        session=session,
        actor=actor,
        action=action,
        object_type="inbox_item",
        object_id=item.id,
        details={
            "source": incoming.source.value,
            "files": len(incoming.files),
            "sha256": sha256,
            "duplicate_of": first.id if first is not None else None,
        },
    )
    return Received(item=item, duplicate_of=first)


def get_item(*, session: Session, item_id: int) -> Item | None:
    """The item with its documents and pages, in the session's tenant."""
    return session.scalar(
        select(Item)
        .where(Item.id == item_id)
        .options(selectinload(Item.documents).selectinload(ItemDocument.pages))
    )


# -- caseworker decisions ------------------------------------------------------------------------


def _check_open(item: Item) -> None:
    if item.status in {ItemStatus.ANSWERED, ItemStatus.CLOSED}:
        raise ItemStateError(f"Eingang Nr. {item.id} ist bereits {item.status.label}.")
    if item.status is ItemStatus.RECEIVED:
        raise ItemStateError(f"Eingang Nr. {item.id} wird noch gelesen. Bitte warten Sie einen Moment.")


def accept(*, session: Session, item: Item, actor: Actor) -> Item:
    """A caseworker takes the item as routed: the position is confirmed and becomes training data."""
    _check_open(item)
    if item.position_id is None:
        raise ItemStateError("Der Eingang ist noch keiner Position des Aktenplans zugeordnet.")
    item.status = ItemStatus.ACCEPTED
    item.confirmed, item.confirmed_by_id = True, actor.id
    item.accepted_at = item.accepted_at or utcnow()
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.ITEM_ACCEPTED,
        object_type="inbox_item",
        object_id=item.id,
        details={"position": item.position.number if item.position else None, "method": item.routing_method},
    )
    return item


def reroute(
    *, session: Session, item: Item, position: Position, actor: Actor, accept_now: bool = False
) -> Item:
    """Put the item on another position (and its department's queue); confirmed, so training data.

    From the Poststelle (triage) the item goes to the department's queue as routed; a caseworker who
    re-routes from their own queue hands it over the same way. ``accept_now`` keeps it with the actor.
    """
    if item.status not in {ItemStatus.TRIAGE, ItemStatus.FAILED, ItemStatus.QUARANTINED}:
        _check_open(item)
    if not position.active:
        raise ItemStateError(f"Die Position {position.number} ist nicht mehr im Aktenplan.")
    before = item.position.number if item.position else None
    item.position_id, item.org_unit_id = position.id, position.org_unit_id
    item.routing_method, item.routing_confidence = "person", 1.0
    item.routing_reason = f"von {actor.name} zugeordnet" + (f" (vorher {before})" if before else "")
    item.confirmed, item.confirmed_by_id = True, actor.id
    item.routed_at = item.routed_at or utcnow()
    item.status = ItemStatus.ACCEPTED if accept_now else ItemStatus.ROUTED
    if accept_now:
        item.accepted_at = utcnow()
    session.flush()
    session.refresh(item, ["position", "org_unit"])
    record(
        session=session,
        actor=actor,
        action=InboxAction.ITEM_REROUTED,
        object_type="inbox_item",
        object_id=item.id,
        details={"from": before, "to": position.number},
    )
    return item


def close(*, session: Session, item: Item, actor: Actor, note: str = "") -> Item:
    """Done without a reply (e.g. for information only, or passed on by post)."""
    if item.status in {ItemStatus.ANSWERED, ItemStatus.CLOSED}:
        raise ItemStateError(f"Eingang Nr. {item.id} ist bereits {item.status.label}.")
    item.status, item.closed_at = ItemStatus.CLOSED, utcnow()
    if note:
        item.status_message = note[:2000]
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.ITEM_CLOSED,
        object_type="inbox_item",
        object_id=item.id,
        details={"note": bool(note)},
    )
    return item


def reopen(*, session: Session, item: Item, actor: Actor) -> Item:
    """Back to the department's queue (or the Poststelle when it has no position)."""
    if item.status not in {ItemStatus.CLOSED, ItemStatus.ANSWERED}:
        raise ItemStateError(f"Eingang Nr. {item.id} ist noch offen.")
    item.status = ItemStatus.ACCEPTED if item.position_id else ItemStatus.TRIAGE
    item.closed_at = None
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.ITEM_REOPENED,
        object_type="inbox_item",
        object_id=item.id,
    )
    return item


# -- queues and figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    item: Item
    overdue: bool
    due_soon: bool

    @property
    def due_label(self) -> str:
        """The due date in words, so that overdue items are marked in text and not only by colour."""
        if self.item.due_date is None:
            return "keine Frist erkannt"
        shown = self.item.due_date.strftime("%d.%m.%Y")
        if self.overdue:
            return f"überfällig seit {shown}"
        return f"fällig am {shown}" + (" (bald)" if self.due_soon else "")


OPEN_IN_QUEUE = (ItemStatus.ROUTED, ItemStatus.ACCEPTED)


def queue(*, session: Session, org_unit_id: int | None, today: date, soon_days: int = 3) -> list[QueueRow]:
    """A department's open items (``None``: the Poststelle), by due date first, undated ones last."""
    statement = select(Item).where(Item.duplicate_of_id.is_(None))
    if org_unit_id is None:
        statement = statement.where(
            Item.status.in_(
                [ItemStatus.TRIAGE, ItemStatus.FAILED, ItemStatus.QUARANTINED, ItemStatus.RECEIVED]
            )
            | (Item.status.in_(OPEN_IN_QUEUE) & Item.org_unit_id.is_(None))
        )
    else:
        statement = statement.where(Item.org_unit_id == org_unit_id, Item.status.in_(OPEN_IN_QUEUE))
    items = list(session.scalars(statement.options(selectinload(Item.position))))
    items.sort(key=lambda item: (item.due_date is None, item.due_date or date.max, item.received_at))
    return [queue_row(item, today=today, soon_days=soon_days) for item in items]


def queue_row(item: Item, *, today: date, soon_days: int = 3) -> QueueRow:
    """The item with its deadline judged against ``today`` (overdue, or due within ``soon_days``)."""
    due = item.due_date
    return QueueRow(
        item=item,
        overdue=due is not None and due < today,
        due_soon=due is not None and today <= due <= today + timedelta(days=soon_days),
    )


@dataclass(frozen=True)
class QueueCount:
    org_unit: OrgUnit | None
    open: int
    overdue: int


def queue_counts(*, session: Session, today: date) -> list[QueueCount]:
    """Open and overdue items per department, the Poststelle first."""
    counts = [
        QueueCount(
            org_unit=None,
            open=len(rows := queue(session=session, org_unit_id=None, today=today)),
            overdue=sum(row.overdue for row in rows),
        )
    ]
    for unit in session.scalars(select(OrgUnit).order_by(OrgUnit.name)):
        rows = queue(session=session, org_unit_id=unit.id, today=today)
        counts.append(QueueCount(org_unit=unit, open=len(rows), overdue=sum(row.overdue for row in rows)))
    return counts


@dataclass(frozen=True)
class ProcessingTimes:
    """Median hours per department (never per person): received → routed → accepted → answered."""

    org_unit: str
    items: int
    to_routed_h: float | None
    to_accepted_h: float | None
    to_answered_h: float | None


def _median_hours(spans: list[timedelta]) -> float | None:
    if not spans:
        return None
    ordered = sorted(span.total_seconds() / 3600 for span in spans)
    middle = len(ordered) // 2
    return round(ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2, 1)


def processing_times(*, session: Session, since: datetime) -> list[ProcessingTimes]:
    """Processing times per department for items received since ``since``."""
    items = session.scalars(
        select(Item)
        .where(Item.received_at >= since, Item.duplicate_of_id.is_(None))
        .options(selectinload(Item.org_unit))
    )
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.org_unit.name if item.org_unit else "Poststelle", []).append(item)
    return [
        ProcessingTimes(
            org_unit=name,
            items=len(group),
            to_routed_h=_median_hours([i.routed_at - i.received_at for i in group if i.routed_at]),
            to_accepted_h=_median_hours([i.accepted_at - i.received_at for i in group if i.accepted_at]),
            to_answered_h=_median_hours([i.answered_at - i.received_at for i in group if i.answered_at]),
        )
        for name, group in sorted(groups.items())
    ]
