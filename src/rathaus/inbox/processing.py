"""The reading job's work for one item: text of every document → routing → extraction.

Each step is a stage of the job ``inbox.process`` (see ``jobs.py``); the slow part (OCR, embeddings)
runs before the stage writes, so a job killed mid-way repeats only the unfinished stage.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record, record_draft
from rathaus.core.db import utcnow
from rathaus.core.reading import Limits, ReadResult, read_document
from rathaus.core.security.models import Tenant
from rathaus.core.storage import blob_path, store_bytes
from rathaus.inbox import routing
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.config import InboxSettings
from rathaus.inbox.extract import extract
from rathaus.inbox.filing import position_by_number
from rathaus.inbox.models import Case, DocumentPage, DocumentStatus, Item, ItemStatus
from rathaus.inbox.service import FILE_PURPOSE, get_item
from rathaus.inbox.training import routing_document

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import OcrEngine

SYSTEM = Actor.system("posteingang")
READABLE_STATUSES = {DocumentStatus.PENDING}
TEXT_SEPARATOR = "\n\n"


def limits_of(settings: InboxSettings) -> Limits:
    return Limits(
        max_pages=settings.max_pages,
        max_image_pixels=settings.max_image_pixels,
        low_confidence=settings.low_confidence,
    )


def read_pending(
    *, session: Session, item_id: int, files_dir: Path, limits: Limits, ocr: OcrEngine | None
) -> dict[str, Any]:
    """Read every pending document of the item (OCR where needed); store texts, pages and PDF/As."""
    item = get_item(session=session, item_id=item_id)
    if item is None:
        return {"missing": True}
    read = 0
    for document in item.documents:
        if document.status not in READABLE_STATUSES:
            continue
        with tempfile.TemporaryDirectory(prefix="rathaus-inbox-") as work:
            result = _read(document.sha256, document.media_type, files_dir, limits, ocr, Path(work))
            document.status, document.message = DocumentStatus(result.status.value), result.message
            document.text, document.text_method = result.text, result.method
            document.page_count = len(result.pages)
            document.pages = [
                DocumentPage(
                    number=page.number,
                    text=page.text,
                    confidence=page.confidence,
                    low_confidence=page.confidence is not None and page.confidence < limits.low_confidence,
                )
                for page in result.pages
            ]
            if result.pdfa_path is not None and result.pdfa_path.exists():
                stored = store_bytes(
                    session=session,
                    files_dir=files_dir,
                    tenant_id=item.tenant_id,
                    data=result.pdfa_path.read_bytes(),
                    filename=f"{Path(document.filename).stem}-ocr.pdf",
                    media_type="application/pdf",
                    purpose=FILE_PURPOSE,
                )
                document.pdf_file_id = stored.id
        read += 1
    texts = [document.text for document in item.documents if document.text.strip()]
    item.text = TEXT_SEPARATOR.join(texts)
    if not item.subject.strip() and item.text.strip():
        item.subject = subject_of(item.text)
    item.needs_review = any(page.low_confidence for document in item.documents for page in document.pages)
    statuses = {document.status for document in item.documents}
    if not item.text.strip():
        if DocumentStatus.QUARANTINED in statuses:
            item.status = ItemStatus.QUARANTINED
            item.status_message = "Der Anhang wurde als gefährlich erkannt und nicht geöffnet. Bitte prüfen."
        elif DocumentStatus.UNREADABLE in statuses:
            item.status = ItemStatus.FAILED
            item.status_message = "; ".join(d.message for d in item.documents if d.message) or None
        elif not item.subject.strip():
            item.status = ItemStatus.FAILED
            item.status_message = "Der Eingang enthält keinen lesbaren Text. Bitte von Hand zuordnen."
    session.flush()
    return {"documents_read": read, "chars": len(item.text), "status": item.status.value}


def subject_of(text: str) -> str:
    """A letter's subject for the lists: its "Betreff:" line, else its first line of some length."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        bare = line.lstrip(" ‚'\"„-–.,:;")  # OCR often reads a speck before the first letter
        if bare.lower().startswith("betr") and ":" in bare[:10]:  # "Betreff:", "Betr.:", OCR's "Betrefl:"
            return bare.split(":", 1)[1].strip()[:200] or bare[:200]
    return next((line[:200] for line in lines if len(line) >= 12), lines[0][:200] if lines else "")


def _read(
    sha256: str, media_type: str, files_dir: Path, limits: Limits, ocr: OcrEngine | None, work: Path
) -> ReadResult:
    source = work / f"input{_suffix(media_type)}"
    source.symlink_to(blob_path(files_dir, sha256))
    return read_document(path=source, media_type=media_type, limits=limits, ocr=ocr, work_dir=work)


def _suffix(media_type: str) -> str:
    return {
        "application/pdf": ".pdf",
        "image/png": ".png",
        "image/jpeg": ".jpg",
        "image/tiff": ".tif",
        "text/plain": ".txt",
        "text/html": ".html",
    }.get(media_type, ".bin")


def route_item(*, session: Session, item_id: int, router: routing.Router) -> dict[str, Any]:
    """Route the item: a mail rule's position first, else the router; low confidence goes to triage."""
    item = session.get(Item, item_id)
    if item is None or item.status is not ItemStatus.RECEIVED:
        return {"skipped": True}
    decision = _rule_decision(session, item) or router.route(documents=[routing_document(item)])[0]
    return apply_decision(session=session, item=item, decision=decision)


def _rule_decision(session: Session, item: Item) -> routing.Decision | None:
    number = (item.extraction or {}).get("rule_position")
    if not number or position_by_number(session=session, number=number) is None:
        return None
    reason = (item.extraction or {}).get("rule_reason") or f"Postfachregel: Position {number}"
    return routing.Decision(method="rule", key=number, confidence=1.0, reason=reason)


def apply_decision(*, session: Session, item: Item, decision: routing.Decision) -> dict[str, Any]:
    """Write a routing decision onto the item (never a position outside the active filing plan)."""
    position = None if decision.unsure else position_by_number(session=session, number=decision.key)
    item.routing_method, item.routing_confidence = decision.method, round(decision.confidence, 4)
    item.routing_reason = decision.reason
    if position is None:
        item.position_id = item.org_unit_id = None
        item.status = ItemStatus.TRIAGE
    else:
        item.position_id, item.org_unit_id = position.id, position.org_unit_id
        item.status = ItemStatus.ROUTED
        item.routed_at = utcnow()
    session.flush()
    if decision.provenance is not None:
        _record_model_output(session, item, decision.provenance)
    record(
        session=session,
        actor=SYSTEM,
        action=InboxAction.ITEM_ROUTED,
        object_type="inbox_item",
        object_id=item.id,
        details={
            "method": decision.method,
            "position": None if position is None else position.number,
            "confidence": item.routing_confidence,
        },
    )
    return {
        "position": None if position is None else position.number,
        "method": decision.method,
        "confidence": item.routing_confidence,
        "triage": position is None,
    }


def _record_model_output(session: Session, item: Item, provenance: routing.Provenance) -> None:
    """An LLM's routing answer is an AI output: kept as a draft record with its provenance."""
    record_draft(
        session=session,
        actor=SYSTEM,
        module="inbox",
        purpose="inbox.routing",
        backend=provenance.backend,
        model_name=provenance.model_name,
        model_version=provenance.model_version,
        prompt_template=provenance.prompt_template,
        prompt_version=provenance.prompt_version,
        input_digest=provenance.input_digest,
        output=provenance.output,
        object_type="inbox_item",
        object_id=item.id,
    )


def extract_item(*, session: Session, item_id: int) -> dict[str, Any]:
    """Fristen, Aktenzeichen, Beträge and personal data; an Aktenzeichen of a known case joins it."""
    item = session.get(Item, item_id)
    if item is None:
        return {"missing": True}
    tenant = session.get(Tenant, item.tenant_id)
    state = tenant.state if tenant is not None else "NI"
    text = "\n".join(part for part in (item.subject, item.text) if part)
    received: date = item.received_at.date()
    found = extract(text=text, received=received, state=state)
    earliest = found.earliest_deadline
    item.due_date = earliest.due if earliest else None
    item.due_text = earliest.text[:300] if earliest else None
    reference = next((ref for ref in found.references if ref.party == "recipient"), None) or next(
        iter(found.references), None
    )
    item.file_reference = reference.value[:120] if reference else None
    item.has_personal_data = bool(found.personal_data)
    sender_from_text = None
    if not item.sender_address.strip():
        # a letter by post: its sender's e-mail address, if it gives one, is where an answer can go
        sender_from_text = next((p.text for p in found.personal_data if p.kind == "email"), None)
        if sender_from_text:
            item.sender_address = sender_from_text[:300]
    item.extraction = {
        **{
            key: value
            for key, value in (item.extraction or {}).items()
            if key in {"rule_position", "rule_reason", "notes", "sender_from_text", "application"}
        },
        **({"sender_from_text": sender_from_text} if sender_from_text else {}),
        "deadlines": [
            {**asdict(d), "due": d.due.isoformat(), "stated": d.stated.isoformat()} for d in found.deadlines
        ],
        "references": [asdict(ref) for ref in found.references],
        "amounts": [
            {"text": a.text, "value": str(a.value), "description": a.description} for a in found.amounts
        ],
        "personal_data": [
            {"kind": p.kind, "text": p.text, "start": p.start, "end": p.end, "description": p.description}
            for p in found.personal_data
        ],
    }
    if item.file_reference:
        case = session.scalar(select(Case).where(Case.file_reference == item.file_reference))
        if case is None:
            case = Case(file_reference=item.file_reference, title=item.subject[:300])
            session.add(case)
            session.flush()
        item.case_id = case.id
    session.flush()
    return {
        "deadlines": len(found.deadlines),
        "references": len(found.references),
        "due": item.due_date.isoformat() if item.due_date else None,
    }
