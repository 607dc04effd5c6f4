"""Test data of the Anträge: the shipped types, applications, attachments and the findings of a check.

:func:`check_now` runs the check's second stage (``checking.check_application``) on attachments whose
text is given (no OCR); :func:`add_finding` writes one finding by hand (e.g. a consistency finding with its
page, line and snippet).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.applications import catalog, checking
from rathaus.applications.catalog import definition_of
from rathaus.applications.definition import Category, Severity
from rathaus.applications.models import (
    Application,
    ApplicationStatus,
    ApplicationType,
    Attachment,
    Finding,
)
from rathaus.core.audit.service import Actor
from rathaus.core.letters import ensure_defaults
from rathaus.core.storage import store_bytes

ACTOR = Actor.system("test-factory")
TODAY = date(2026, 12, 6)
DOG_OWNER: dict[str, Any] = {
    "vorname": "Erika",
    "nachname": "Musterfrau",
    "geburtsdatum": "1980-05-01",
    "strasse": "Marktstätte",
    "hausnummer": "1",
    "plz": "78462",
    "ort": "Konstanz",
    "email": "erika@example.org",
    "hund_name": "Bello",
    "rasse": "Labrador",
    "hund_geburtsdatum": "2022-01-01",
    "haltung_beginn": "2026-11-20",
    "listenhund": False,
    "weitere_hunde": 1,
    "verguenstigung": "befreiung_rettungshund",
    "pruefung_datum": "2024-03-01",
    "richtigkeit": True,
}


def install_types(session: Session, tenant_id: int) -> dict[str, ApplicationType]:
    """The three shipped types (active) and the approved default letter templates of the tenant."""
    catalog.install_shipped(session=session, actor=ACTOR)
    ensure_defaults(session=session, tenant_id=tenant_id, actor=ACTOR)
    return {row.key: row for row in catalog.active_types(session=session)}


def make_application(
    session: Session,
    type_row: ApplicationType,
    *,
    data: dict[str, Any] | None = None,
    number: int = 1,
    status: ApplicationStatus = ApplicationStatus.SUBMITTED,
    submitted_at: datetime | None = None,
    email: str | None = None,
) -> Application:
    """An application of ``type_row`` (a Hundesteuer owner's data unless ``data`` is given)."""
    values = dict(DOG_OWNER if data is None else data)
    if email is not None:
        values["email"] = email
    prefix = definition_of(type_row).reference_prefix
    application = Application(
        reference=f"{prefix}-2026-{number:05d}",
        type_id=type_row.id,
        status=status,
        data=values,
        applicant_name=f"{values.get('vorname', '')} {values.get('nachname', '')}".strip(),
        applicant_email=str(values.get("email") or ""),
        submission_key=f"key-{prefix}-{number}",
        submitted_at=submitted_at or datetime(2026, 12, 1, 9, number % 60, tzinfo=UTC),
    )
    session.add(application)
    session.flush()
    return application


def add_attachment(
    session: Session,
    application: Application,
    files_dir: Path,
    *,
    requirement: str,
    text: str,
    kind: str = "",
    readable: bool = True,
    filename: str = "nachweis.pdf",
) -> Attachment:
    """An attachment with a stored file and the text "read" from its one page."""
    stored = store_bytes(
        session=session,
        files_dir=files_dir,
        tenant_id=application.tenant_id,
        data=f"%PDF-1.4\n% {text}\n".encode(),
        filename=filename,
        media_type="application/pdf",
        purpose="application_attachment",
    )
    attachment = Attachment(
        application_id=application.id,
        requirement=requirement,
        file_id=stored.id,
        filename=filename,
        media_type="application/pdf",
        size=stored.size,
        pages=[{"number": 1, "text": text, "confidence": None}] if readable else [],
        readable=readable,
        read_message="" if readable else "Die Datei ließ sich nicht lesen.",
        kind=kind,
    )
    session.add(attachment)
    session.flush()
    session.refresh(application)
    return attachment


def check_now(session: Session, application: Application, *, today: date = TODAY) -> list[Finding]:
    """Run the check's second stage (the attachments count as read) and return the new run's findings."""
    checking.check_application(session=session, application_id=application.id, today=today)
    session.flush()
    session.refresh(application)
    return list(
        session.scalars(
            select(Finding).where(
                Finding.application_id == application.id, Finding.run == application.check_run
            )
        )
    )


def add_finding(
    session: Session,
    application: Application,
    *,
    rule_id: str = "hst.name-im-nachweis",
    title: str = "Name im Nachweis",
    message: str = "Der Name aus dem Antrag steht nicht im Nachweis.",
    paragraph: str = "§ 8 Abs. 1 HStS",
    category: Category = Category.CONSISTENCY,
    severity: Severity = Severity.WARNING,
    **more: Any,
) -> Finding:
    """One finding of the newest run, written by hand."""
    finding = Finding(
        application_id=application.id,
        run=application.check_run,
        rule_id=rule_id,
        category=category.value,
        severity=severity.value,
        title=title,
        message=message,
        paragraph=paragraph,
        **more,
    )
    session.add(finding)
    session.flush()
    return finding
