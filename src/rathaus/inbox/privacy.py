"""Personal data in the Posteingang: retention after completion, and export and erasure for one person.

Incoming letters and e-mails carry their senders' personal data. Once an item is done (answered or
closed) the inbox copy is kept for the configured period and then deleted with its files (the record
belongs in the e-file); a person's items can be exported (DSGVO Art. 15) and erased (Art. 17) on request.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow
from rathaus.core.module import PersonRef
from rathaus.core.storage import StoredFile, delete_file, purge_expired
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.models import Item, ItemDocument, ItemStatus, Reply

DONE = (ItemStatus.ANSWERED, ItemStatus.CLOSED)


def _items_of(session: Session, person: PersonRef) -> list[Item]:
    conditions = []
    if person.email:
        conditions.append(func.lower(Item.sender_address) == person.email.strip().lower())
    if person.name:
        conditions.append(func.lower(Item.sender_name) == person.name.strip().lower())
    if not conditions:
        return []
    return list(
        session.scalars(
            select(Item).where(or_(*conditions)).options(selectinload(Item.documents)).order_by(Item.id)
        )
    )


def export_person(session: Session, person: PersonRef) -> list[dict[str, Any]]:
    """What the Posteingang holds on a sender: each item with its text and the replies sent to them."""
    rows = []
    for item in _items_of(session, person):
        replies = session.scalars(select(Reply).where(Reply.item_id == item.id).order_by(Reply.id))
        rows.append(
            {
                "eingang": item.id,
                "eingegangen": item.received_at.isoformat(),
                "absender": f"{item.sender_name} {item.sender_address}".strip(),
                "betreff": item.subject,
                "status": item.status.label,
                "text": item.text or "\n\n".join(d.text for d in item.documents if d.text),
                "dateien": [document.filename for document in item.documents],
                "antworten": [
                    {
                        "an": reply.to_address,
                        "betreff": reply.subject,
                        "text": reply.body,
                        "status": reply.status.value,
                    }
                    for reply in replies
                ],
            }
        )
    return rows


def _delete_items(
    session: Session, items: list[Item], *, files_dir: Path | None, actor: Actor, reason: str
) -> int:
    """Delete items with their documents and replies; their files go now (or at the next sweep)."""
    file_ids = {
        file_id
        for item in items
        for document in item.documents
        for file_id in (document.file_id, document.pdf_file_id)
        if file_id is not None
    }
    for item in items:
        record(
            session=session,
            actor=actor,
            action=InboxAction.ITEM_DELETED,
            object_type="inbox_item",
            object_id=item.id,
            details={"reason": reason, "files": len(item.documents)},
        )
        session.execute(delete(Reply).where(Reply.item_id == item.id))
        session.delete(item)
    session.flush()
    still_used = set(
        session.scalars(select(ItemDocument.file_id).where(ItemDocument.file_id.in_(file_ids)))
    ) | set(session.scalars(select(ItemDocument.pdf_file_id).where(ItemDocument.pdf_file_id.in_(file_ids))))
    for stored in session.scalars(select(StoredFile).where(StoredFile.id.in_(file_ids - still_used))):
        if files_dir is None:
            stored.delete_after = utcnow()  # the retention sweep removes the bytes
        else:
            delete_file(session=session, files_dir=files_dir, stored=stored, actor=actor, reason=reason)
    session.flush()
    return len(items)


def erase_person(session: Session, person: PersonRef, actor: Actor) -> int:
    """Erase a sender's items (Art. 17); their files are removed by the next daily retention sweep."""
    return _delete_items(
        session,
        _items_of(session, person),
        files_dir=None,
        actor=actor,
        reason="Löschung auf Antrag (Art. 17 DSGVO)",
    )


def purge_done(
    *, session: Session, files_dir: Path, days: int, actor: Actor, now: datetime | None = None
) -> int:
    """Delete items done more than ``days`` ago, then every file whose deletion is due; the count of items."""
    moment = now or utcnow()
    cutoff = moment - timedelta(days=days)
    done_at = func.coalesce(Item.answered_at, Item.closed_at)
    items = list(
        session.scalars(
            select(Item)
            .where(Item.status.in_(DONE), done_at.is_not(None), done_at < cutoff)
            .options(selectinload(Item.documents))
        )
    )
    # duplicates point at their first item: delete them first, then the originals
    items.sort(key=lambda item: item.duplicate_of_id is None)
    deleted = _delete_items(
        session,
        items,
        files_dir=files_dir,
        actor=actor,
        reason=f"Aufbewahrungsfrist von {days} Tagen abgelaufen",
    )
    purge_expired(session=session, files_dir=files_dir, now=moment)
    return deleted
