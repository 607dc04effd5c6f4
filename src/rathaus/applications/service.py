"""Domain logic of the Anträge: submitting an application and reading its state.

A submission is validated on the server against the JSON Schema of its type version (always, whatever
the browser did), gets a reference number (``HST-2026-00017``) and is queued for the check. Posting the
same form twice is one application: the form carries a one-time ``submission_key``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.catalog import definition_of
from rathaus.applications.forms import validate
from rathaus.applications.models import (
    Application,
    ApplicationStatus,
    ApplicationType,
    Attachment,
    Finding,
    TypeStatus,
)
from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow

REFERENCE_TRIES = 5


class SubmissionError(ValueError):
    """A submission that cannot be accepted; ``errors`` are German messages per field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = dict(errors)


def token_hash(token: str) -> str:
    """The stored form of a citizen's link token (only the hash is kept)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _next_number(session: Session, prefix: str, year: int) -> int:
    pattern = f"{prefix}-{year}-%"
    newest = session.scalar(
        select(func.max(Application.reference)).where(Application.reference.like(pattern))
    )
    return int(newest.rsplit("-", 1)[1]) + 1 if newest else 1


def applicant_name(values: Mapping[str, Any]) -> str:
    """The applicant's name from the usual fields (vorname, nachname, firma)."""
    name = " ".join(str(values[key]) for key in ("vorname", "nachname") if values.get(key))
    firm = values.get("firma")
    return f"{name} ({firm})" if name and firm else str(firm or name)


def by_submission_key(*, session: Session, submission_key: str) -> Application | None:
    """The application a form with this one-time key already created."""
    return session.scalar(select(Application).where(Application.submission_key == submission_key))


def submit(
    *,
    session: Session,
    type_row: ApplicationType,
    values: Mapping[str, Any],
    submission_key: str,
    actor: Actor,
    today: date,
    attachments: Sequence[Attachment] = (),
    channel: str = "online",
    access_token: str = "",
    validate_values: bool = True,
) -> tuple[Application, bool]:
    """Create the application (validated again on the server); ``(application, False)`` for a repeat post.

    Raises SubmissionError with German messages when a value is missing or outside the schema, and
    when the type version no longer takes applications. ``validate_values=False`` (a paper form from the
    Posteingang) accepts missing and invalid values: the check reports them to the caseworker.
    """
    existing = by_submission_key(session=session, submission_key=submission_key)
    if existing is not None:
        return existing, False
    if type_row.status != TypeStatus.ACTIVE:
        raise SubmissionError({"": "Dieser Antrag kann zurzeit nicht online gestellt werden."})
    definition = definition_of(type_row)
    errors = validate(definition, values, today=today) if validate_values else {}
    if errors:
        raise SubmissionError(errors)
    application = Application(
        type_id=type_row.id,
        status=ApplicationStatus.SUBMITTED,
        data=dict(values),
        applicant_name=applicant_name(values)[:200],
        applicant_email=str(values.get("email") or "")[:320],
        channel=channel,
        submission_key=submission_key,
        access_hash=token_hash(access_token) if access_token else "",
        submitted_at=utcnow(),
    )
    _insert_with_reference(session, application, definition.reference_prefix, today.year)
    for attachment in attachments:
        attachment.application_id = application.id
        attachment.draft_id = None
    record(
        session=session,
        actor=actor,
        action=ApplicationsAction.SUBMITTED,
        object_type="application",
        object_id=application.id,
        details={
            "reference": application.reference,
            "type": type_row.key,
            "version": type_row.version,
            "channel": channel,
        },
    )
    return application, True


def _insert_with_reference(session: Session, application: Application, prefix: str, year: int) -> None:
    """Give the application the next free reference of its prefix and year (unique per tenant)."""
    for _ in range(REFERENCE_TRIES):
        application.reference = f"{prefix}-{year}-{_next_number(session, prefix, year):05d}"
        try:
            with session.begin_nested():
                session.add(application)
                session.flush()
        except IntegrityError:
            if application in session:
                session.expunge(application)
            continue
        return
    msg = f"no free reference for {prefix}-{year} after {REFERENCE_TRIES} tries"
    raise RuntimeError(msg)


def current_findings(*, session: Session, application: Application) -> list[Finding]:
    """The findings of the newest check, errors first."""
    order = {"fehler": 0, "warnung": 1, "hinweis": 2}
    rows = session.scalars(
        select(Finding).where(Finding.application_id == application.id, Finding.run == application.check_run)
    )
    return sorted(rows, key=lambda finding: (order.get(finding.severity, 3), finding.id))


def queue_counts(*, session: Session) -> dict[ApplicationStatus, int]:
    """How many applications are in each status (for the start page and the queue)."""
    rows = session.execute(select(Application.status, func.count()).group_by(Application.status))
    return {ApplicationStatus(row[0]): int(row[1]) for row in rows.all()}
