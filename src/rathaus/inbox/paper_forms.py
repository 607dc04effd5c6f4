"""Paper application forms in the Posteingang: a scanned form handed over to the Anträge.

The Anträge module provides the port ``APPLICATION_INTAKE`` (``rathaus.core.ports``); the Posteingang
asks it which application type a scanned document looks like and, when a caseworker says so, hands the
scan over as an application. Without the port (the module is not installed) or without a match nothing
is offered. A handed-over item is done here ("erledigt", with a note) and remembers its application in
``extraction["application"]`` (id, reference, type), so the item page links to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.models import DocumentStatus, Item, ItemDocument, ItemStatus
from rathaus.inbox.service import ItemStateError

if TYPE_CHECKING:
    from huey import Huey
    from sqlalchemy.orm import Session

    from rathaus.core.ports import ApplicationIntake, PaperResult, TypeMatch

#: from this score (0–1) on a document is offered as an application; a filled-in form scores about 0.8,
#: a letter that only names the type (e.g. "Abmeldung zur Hundesteuer") about 0.5 or less
MIN_SCORE = 0.55
NOT_OFFERED = {ItemStatus.RECEIVED, ItemStatus.QUARANTINED}


@dataclass(frozen=True)
class Offer:
    """The application type a scanned document of the item looks like."""

    match: TypeMatch
    document: ItemDocument

    @property
    def because(self) -> str:
        """The words that gave it away, for the page ("Titel „…“, Feld „…“")."""
        return ", ".join(self.match.evidence)


def handed_over(item: Item) -> dict[str, Any] | None:
    """The application the item became (``{"id", "reference", "type"}``), or None."""
    found = (item.extraction or {}).get("application")
    return found if isinstance(found, dict) else None


def _scanned(item: Item) -> list[ItemDocument]:
    """The item's documents that may be a paper form: a read PDF or image with its file kept."""
    return [
        document
        for document in item.documents
        if document.file_id is not None
        and document.status is DocumentStatus.READ
        and (document.media_type == "application/pdf" or document.media_type.startswith("image/"))
    ]


def document_text(document: ItemDocument) -> str:
    """The text read from a document, its pages apart (form feeds) where it has pages."""
    if document.pages:
        return "\f".join(page.text for page in document.pages)
    return document.text


def offer(*, session: Session, item: Item, intake: ApplicationIntake) -> Offer | None:
    """The best application type one of the item's scans looks like (score ``MIN_SCORE`` or more)."""
    if handed_over(item) is not None or not item.status.open or item.status in NOT_OFFERED:
        return None
    best: Offer | None = None
    for document in _scanned(item):
        matches = intake.match(session=session, text=document_text(document))
        if (
            matches
            and matches[0].score >= MIN_SCORE
            and (best is None or matches[0].score > best.match.score)
        ):
            best = Offer(matches[0], document)
    return best


def hand_over(
    *,
    session: Session,
    item: Item,
    intake: ApplicationIntake,
    type_key: str,
    actor: Actor,
    queue: Huey | None = None,
) -> PaperResult:
    """Make the item's scanned form an application of ``type_key``; the item is then done here.

    Raises ItemStateError (German) when the item was handed over already or no scan looks like
    that type, and ValueError (German) when the Anträge refuse it.
    """
    if handed_over(item) is not None:
        raise ItemStateError(f"Eingang Nr. {item.id} wurde bereits als Antrag übergeben.")
    chosen = offer(session=session, item=item, intake=intake)
    if chosen is None or chosen.match.key != type_key:
        raise ItemStateError(f"Eingang Nr. {item.id} sieht nicht nach diesem Antrag aus.")
    document = chosen.document
    assert document.file_id is not None  # _scanned keeps only documents with a file
    result = intake.take_paper(
        session=session,
        type_key=type_key,
        text=document_text(document),
        file_id=document.file_id,
        filename=document.filename,
        media_type=document.media_type,
        actor=actor,
        queue=queue,
    )
    item.extraction = {
        **(item.extraction or {}),
        "application": {
            "id": result.application_id,
            "reference": result.reference,
            "type": result.type_title,
        },
    }
    item.status, item.closed_at = ItemStatus.CLOSED, utcnow()
    item.status_message = f"Als Antrag {result.reference} („{result.type_title}“) an die Anträge übergeben."
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.ITEM_HANDED_OVER,
        object_type="inbox_item",
        object_id=item.id,
        details={
            "application_id": result.application_id,
            "reference": result.reference,
            "type": type_key,
            "score": chosen.match.score,
            "document_id": document.id,
        },
    )
    return result
