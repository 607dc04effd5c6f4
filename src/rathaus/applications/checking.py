"""The automatic check of a submitted application, as the job ``applications.check`` runs it.

Two stages, each resumable: *read* every attachment not read yet (OCR where needed; is it readable,
what kind of document is it) and store what was read on the attachment row; then *check*: completeness
of the fields (the JSON Schema again), the attachments (present, readable, of the expected kind), the
computed values and rules of the type, and the consistency of form and attachments (the name, the
address, the amount). The result is a new *run* of ``Finding`` rows: the caseworker's checklist. The
check never decides; it points, with the paragraph and the evidence.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.catalog import definition_of
from rathaus.applications.checks import (
    AttachmentState,
    Hint,
    attachment_hints,
    computed_values,
    field_hints,
    rule_hints,
    shown_value,
)
from rathaus.applications.definition import Category, ConsistencyDef, ConsistencyMode, TypeDefinition
from rathaus.applications.forms import typed
from rathaus.applications.models import Application, ApplicationStatus, Attachment, Finding
from rathaus.applications.paper import PAPER_FORM
from rathaus.applications.reading import Reading, classify, find_amount, find_text, read_attachment
from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow
from rathaus.core.reading import Limits
from rathaus.core.storage import blob_path, get_file

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import OcrEngine


def read_pending(
    *, session: Session, application_id: int, files_dir: Path, ocr: OcrEngine | None, limits: Limits
) -> dict[str, Any]:
    """Read the attachments of the application that were not read yet; store text, readability and kind."""
    application = session.get(Application, application_id)
    if application is None:
        return {"missing": True}
    read = 0
    for attachment in application.attachments:
        if attachment.readable is not None:
            continue
        stored = get_file(session=session, file_id=attachment.file_id)
        with tempfile.TemporaryDirectory(prefix="rathaus-antrag-") as work:
            reading = read_attachment(
                path=blob_path(files_dir, stored.sha256),
                media_type=attachment.media_type,
                ocr=ocr,
                work_dir=Path(work),
                limits=limits,
            )
        remember(attachment, reading)
        read += 1
    return {"read": read}


def remember(attachment: Attachment, reading: Reading) -> None:
    """Store what was read from an attachment on its row."""
    attachment.pages = reading.as_json()["pages"]
    attachment.readable = reading.readable
    attachment.read_message = reading.reason or ""
    guess = classify(reading) if reading.readable else None
    attachment.kind = str(guess.kind) if guess else ""
    attachment.kind_score = round(guess.score, 3) if guess else 0.0


def reading_from(attachment: Attachment) -> Reading:
    """The stored reading of an attachment (no new OCR)."""
    return Reading.from_json(
        {
            "readable": bool(attachment.readable),
            "reason": attachment.read_message or None,
            "pages": attachment.pages,
        }
    )


def _needle(check: ConsistencyDef, values: Mapping[str, Any]) -> str:
    return " ".join(str(values[key]) for key in check.fields if values.get(key) not in (None, ""))


def _amount_hint(
    check: ConsistencyDef, values: Mapping[str, Any], readings: Sequence[Reading]
) -> Hint | None:
    stated = values.get(check.fields[0])
    if stated is None:
        return None
    found = next((hit for reading in readings if (hit := find_amount(reading, check.labels))), None)
    if found is None:
        message = (
            f"Im Nachweis ist kein Betrag zu „{' / '.join(check.labels)}“ zu finden; "
            f"im Antrag stehen {shown_value(float(stated))} €."
        )
        return _consistency_hint(check, message)
    tolerance = Decimal(str(check.tolerance_percent)) / 100 * max(found.amount, Decimal(1))
    if abs(found.amount - Decimal(str(stated))) <= tolerance:
        return None
    message = (
        f"Im Antrag stehen {shown_value(float(stated))} €, im Nachweis „{found.label}“: "
        f"{shown_value(float(found.amount))} €."
    )
    return replace(
        _consistency_hint(check, message),
        page=found.evidence.page,
        line=found.evidence.line,
        snippet=found.evidence.snippet,
    )


def _consistency_hint(check: ConsistencyDef, message: str) -> Hint:
    return Hint(
        rule_id=check.id,
        category=Category.CONSISTENCY,
        severity=check.severity,
        title=check.title,
        message=message,
        paragraph=check.paragraph,
        field=check.fields[0],
        attachment=check.attachment,
    )


def consistency_hints(
    definition: TypeDefinition, data: Mapping[str, Any], readings: Mapping[str, Sequence[Reading]]
) -> list[Hint]:
    """Form against attachments: the name, the address or the amount of the form appears in the attachment."""
    values = typed(data, definition)
    hints = []
    for check in definition.consistency:
        usable = [reading for reading in readings.get(check.attachment, ()) if reading.readable]
        if not usable:
            continue  # missing or unreadable: a completeness finding already says so
        if check.mode == ConsistencyMode.AMOUNT_MATCHES:
            hint = _amount_hint(check, values, usable)
            if hint is not None:
                hints.append(hint)
            continue
        needle = _needle(check, values)
        if not needle or any(find_text(reading, needle) for reading in usable):
            continue
        what = "Der Name" if check.mode == ConsistencyMode.NAME_PRESENT else "Die Anschrift"
        hints.append(
            _consistency_hint(check, f"{what} aus dem Antrag („{needle}“) steht nicht in der Anlage.")
        )
    return hints


def evaluate(
    definition: TypeDefinition,
    data: Mapping[str, Any],
    attachments: Mapping[str, Sequence[Reading]],
    *,
    today: date,
    kinds: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], list[Hint]]:
    """The computed values and every finding for one application (file level: no database).

    ``kinds``: the document kind already recognised per requirement (when the attachments were read);
    without it the readings are classified here.
    """
    computed = computed_values(definition, data, today=today)
    states = {
        key: AttachmentState(
            key=key,
            count=len(readings),
            readable=all(reading.readable for reading in readings),
            read_message=next((reading.reason or "" for reading in readings if not reading.readable), ""),
            kind=kinds[key] if kinds is not None and key in kinds else _kind_of(readings),
        )
        for key, readings in attachments.items()
    }
    hints = field_hints(definition, data, today=today)
    hints += attachment_hints(definition, data, states, today=today)
    hints += rule_hints(definition, data, computed, today=today)
    hints += consistency_hints(definition, data, attachments)
    return computed, hints


def _kind_of(readings: Sequence[Reading]) -> str:
    """The kind of an attachment's files: the best-recognised one (several scans of one document)."""
    guesses = [classify(reading) for reading in readings if reading.readable]
    if not guesses:
        return ""
    return str(max(guesses, key=lambda guess: guess.score).kind)


def check_application(*, session: Session, application_id: int, today: date) -> dict[str, Any]:
    """Run the check on the stored application and its read attachments; write a new run of findings."""
    application = session.get(Application, application_id)
    if application is None:
        return {"missing": True}
    definition = definition_of(application.type)
    readings: dict[str, list[Reading]] = {}
    rows_by_key: dict[str, Attachment] = {}
    for attachment in application.attachments:
        if attachment.requirement == PAPER_FORM:
            continue  # the paper form itself (Posteingang): its values are the form, not an attachment
        readings.setdefault(attachment.requirement, []).append(reading_from(attachment))
        best = rows_by_key.get(attachment.requirement)
        if best is None or attachment.kind_score > best.kind_score:
            rows_by_key[attachment.requirement] = attachment
    kinds = {key: row.kind for key, row in rows_by_key.items() if row.readable}
    computed, hints = evaluate(definition, application.data, readings, today=today, kinds=kinds)
    application.check_run += 1
    for hint in hints:
        row = rows_by_key.get(hint.attachment)
        session.add(
            Finding(
                application_id=application.id,
                run=application.check_run,
                rule_id=hint.rule_id,
                category=str(hint.category),
                severity=str(hint.severity),
                title=hint.title[:300],
                message=hint.message,
                paragraph=hint.paragraph[:300],
                field=hint.field,
                attachment_id=row.id if row is not None else None,
                page=hint.page,
                line=hint.line,
                snippet=hint.snippet,
            )
        )
    application.computed = {key: _plain(value) for key, value in computed.items()}
    application.checked_at = utcnow()
    if application.status in {ApplicationStatus.SUBMITTED, ApplicationStatus.CHECKING}:
        application.status = ApplicationStatus.CHECKED
    counts = {
        severity: sum(1 for hint in hints if hint.severity == severity) for severity in ("fehler", "warnung")
    }
    record(
        session=session,
        actor=Actor.system("applications.check"),
        action=ApplicationsAction.CHECKED,
        object_type="application",
        object_id=application.id,
        details={"run": application.check_run, "findings": len(hints), **counts},
    )
    return {"run": application.check_run, "findings": len(hints), **counts}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
