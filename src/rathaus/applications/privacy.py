"""Personal data in the Anträge: the applicant's name, contact, form values, attachments and letters.

A person's applications are found by the e-mail address or the name they gave. The export (DSGVO
Art. 15) lists each application as it is stored, with its attachments, decisions and letters. The
erasure (Art. 17) withdraws an open application, empties the form values, the name and e-mail, the text
read from attachments, the evidence snippets of the findings and of the decision snapshots and the
letters' text, and marks the stored files for deletion (the daily storage sweep removes their bytes).
The reference, the type, the dates, the outcome and the findings' titles stay, so the counts and the
record that a decision was taken remain.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.casework import OPEN_STATUSES
from rathaus.applications.correspondence import letters_of
from rathaus.applications.labels import OUTCOME_LABELS, STATUS_LABELS
from rathaus.applications.models import Application, ApplicationStatus
from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow
from rathaus.core.module import PersonRef
from rathaus.core.storage import StoredFile

ERASED = ""
ERASED_TEXT = "[auf Wunsch der betroffenen Person gelöscht]"
SNAPSHOT_PERSONAL = ("value", "snippet", "message")


def applications_of(session: Session, person: PersonRef) -> list[Application]:
    """The applications whose applicant gave this e-mail address or this name (case-insensitive)."""
    conditions = []
    if person.email and person.email.strip():
        conditions.append(func.lower(Application.applicant_email) == person.email.strip().lower())
    if person.name and person.name.strip():
        conditions.append(func.lower(Application.applicant_name) == person.name.strip().lower())
    if not conditions:
        return []
    return list(session.scalars(select(Application).where(or_(*conditions)).order_by(Application.id)))


def export_person(session: Session, person: PersonRef) -> list[dict[str, Any]]:
    """A person's applications as they are stored: values, attachments, decisions and letters."""
    return [
        {
            "antrag": application.reference,
            "antragsart": application.type.title,
            "status": STATUS_LABELS[application.status],
            "eingegangen_am": application.submitted_at.isoformat(),
            "name": application.applicant_name,
            "e_mail": application.applicant_email,
            "angaben": dict(application.data),
            "anlagen": [
                {"datei": a.filename, "art": a.kind, "hochgeladen_am": a.uploaded_at.isoformat()}
                for a in application.attachments
            ],
            "entscheidungen": [
                {
                    "ergebnis": OUTCOME_LABELS[d.outcome],
                    "begruendung": d.reason,
                    "entschieden_am": d.decided_at.isoformat(),
                }
                for d in application.decisions
            ],
            "schreiben": [
                {"betreff": letter.subject, "text": letter.body, "status": letter.status}
                for letter in letters_of(session=session, application=application)
            ],
        }
        for application in applications_of(session, person)
    ]


def _expire_file(session: Session, file_id: int | None) -> None:
    stored = session.get(StoredFile, file_id) if file_id else None
    if stored is not None and stored.deleted_at is None:
        stored.delete_after = utcnow()


def _erase(session: Session, application: Application) -> None:
    if application.status in OPEN_STATUSES:
        application.status = ApplicationStatus.WITHDRAWN
        application.documents_due = None
    application.applicant_name = application.applicant_email = ERASED
    application.data, application.computed = {}, {}
    application.access_hash = ERASED
    _expire_file(session, application.receipt_file_id)
    for attachment in application.attachments:
        attachment.pages, attachment.read_message = [], ERASED
        attachment.filename = "gelöscht"
        _expire_file(session, attachment.file_id)
    for finding in application.findings:
        finding.snippet = ERASED
        finding.message = finding.title
    for decision in application.decisions:
        decision.findings = [
            {**row, **{key: ERASED for key in SNAPSHOT_PERSONAL if key in row}} for row in decision.findings
        ]
    for letter in letters_of(session=session, application=application):
        letter.body = ERASED_TEXT
        _expire_file(session, letter.pdf_file_id)


def erase_person(session: Session, person: PersonRef, actor: Actor) -> int:
    """Erase a person's data from their applications (open ones are withdrawn first). Returns rows changed."""
    changed = 0
    for application in applications_of(session, person):
        _erase(session, application)
        record(
            session=session,
            actor=actor,
            action=ApplicationsAction.DATA_ERASED,
            object_type="application",
            object_id=application.id,
            details={"reference": application.reference, "reason": "request"},
        )
        changed += 1
    session.flush()
    return changed
