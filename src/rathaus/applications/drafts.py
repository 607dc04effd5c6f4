"""Saved progress of the citizen form: drafts found by a random token, their uploads, the submission.

A citizen who starts a form gets a *draft* (``ApplicationDraft``) and a random token; only its hash is
stored (``service.token_hash``). The token lives in a long-lived cookie and in the "Link zum
Fortsetzen", so a citizen whose browser session ended comes back to every value and upload. A draft
expires ``draft_days`` after its last change; the sweep :func:`sweep_expired` (job
``applications.drafts``) deletes it with its uploaded files. On submission the same token becomes the
status link of the application (``Application.access_hash`` is the draft's ``token_hash``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.catalog import definition_of
from rathaus.applications.definition import TypeDefinition
from rathaus.applications.models import (
    Application,
    ApplicationDraft,
    ApplicationStatus,
    ApplicationType,
    Attachment,
)
from rathaus.applications.service import SubmissionError, submit, token_hash
from rathaus.core.audit.service import Actor, record
from rathaus.core.security.uploads import IMAGE_TYPES, PDF, UploadRejectedError
from rathaus.core.storage import StoredFile, delete_file, save_upload

ALLOWED_TYPES = frozenset({PDF, *IMAGE_TYPES})
CITIZEN = Actor.system("applications-public")
SWEEPER = Actor.system("applications.drafts")
KEY_MISMATCH = (
    "Dieses Formular passt nicht mehr zu Ihrem Antrag. Bitte prüfen Sie die Zusammenfassung "
    "und senden Sie den Antrag von dort ab."
)


def new_token() -> str:
    """A random token for the link and the cookie (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def start_draft(
    *, session: Session, type_row: ApplicationType, now: datetime, days: int
) -> tuple[ApplicationDraft, str]:
    """A new draft of the type version ``type_row`` and its token (only the hash is stored)."""
    token = new_token()
    draft = ApplicationDraft(
        token_hash=token_hash(token),
        type_id=type_row.id,
        data={},
        step="",
        submission_key=secrets.token_hex(32),
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(draft)
    session.flush()
    return draft, token


def draft_by_token(*, session: Session, token: str, now: datetime) -> ApplicationDraft | None:
    """The draft of ``token`` that has not expired (None for an unknown, expired or empty token)."""
    if not token:
        return None
    draft = session.scalar(select(ApplicationDraft).where(ApplicationDraft.token_hash == token_hash(token)))
    if draft is None or draft.expires_at <= now:
        return None
    return draft


def application_by_token(*, session: Session, token: str) -> Application | None:
    """The application whose status link carries ``token``."""
    if not token:
        return None
    return session.scalar(select(Application).where(Application.access_hash == token_hash(token)))


def save_values(
    *, draft: ApplicationDraft, values: Mapping[str, Any], step: str, now: datetime, days: int
) -> None:
    """Keep what the citizen typed (also text that is not valid yet) and extend the draft's life."""
    draft.data = dict(values)
    draft.step = step
    draft.updated_at = now
    draft.expires_at = now + timedelta(days=days)


def add_attachment(
    *,
    session: Session,
    draft: ApplicationDraft,
    requirement: str,
    upload: UploadFile | IO[bytes],
    files_dir: Path,
    max_bytes: int,
) -> Attachment:
    """Check and store an upload for the requirement ``requirement`` (UploadRejectedError when refused)."""
    attachment = _stored_attachment(
        session, definition_of(draft.type), draft.tenant_id, requirement, upload, files_dir, max_bytes
    )
    attachment.draft_id = draft.id
    session.add(attachment)
    session.flush()
    return attachment


def _stored_attachment(
    session: Session,
    definition: TypeDefinition,
    tenant_id: int,
    requirement: str,
    upload: UploadFile | IO[bytes],
    files_dir: Path,
    max_bytes: int,
) -> Attachment:
    """Check and store one upload for a requirement of the type (UploadRejectedError when refused)."""
    if definition.attachment(requirement) is None:
        raise UploadRejectedError(400, "Diese Anlage gehört nicht zu diesem Antrag.")
    stored = save_upload(
        session=session,
        files_dir=files_dir,
        tenant_id=tenant_id,
        upload=upload,
        allowed=ALLOWED_TYPES,
        max_bytes=max_bytes,
        purpose="application",
        uploaded_by_id=None,
    )
    return _attachment(stored, requirement)


def _attachment(stored: StoredFile, requirement: str) -> Attachment:
    return Attachment(
        requirement=requirement,
        file_id=stored.id,
        filename=stored.filename,
        media_type=stored.media_type,
        size=stored.size,
    )


def remove_attachment(
    *, session: Session, draft: ApplicationDraft, attachment_id: int, files_dir: Path
) -> bool:
    """Remove one upload of the draft and its file; False when the draft has no such upload."""
    attachment = next((item for item in draft.attachments if item.id == attachment_id), None)
    if attachment is None:
        return False
    _delete_attachment(session, attachment, files_dir, CITIZEN, "removed by the citizen")
    return True


def _delete_attachment(
    session: Session, attachment: Attachment, files_dir: Path, actor: Actor, reason: str
) -> None:
    stored = session.get(StoredFile, attachment.file_id)
    session.delete(attachment)
    session.flush()
    if stored is not None and not _file_in_use(session, stored.id):
        delete_file(session=session, files_dir=files_dir, stored=stored, actor=actor, reason=reason)


def _file_in_use(session: Session, file_id: int) -> bool:
    return session.scalar(select(Attachment.id).where(Attachment.file_id == file_id).limit(1)) is not None


def sweep_expired(*, session: Session, files_dir: Path, now: datetime) -> int:
    """Delete the drafts that expired by ``now`` and the files uploaded to them; returns how many."""
    drafts = list(session.scalars(select(ApplicationDraft).where(ApplicationDraft.expires_at <= now)))
    for draft in drafts:
        for attachment in list(draft.attachments):
            if attachment.application_id is None:
                _delete_attachment(session, attachment, files_dir, SWEEPER, "draft expired")
            else:
                attachment.draft_id = None
        session.delete(draft)
    session.flush()
    return len(drafts)


def submit_draft(
    *,
    session: Session,
    draft: ApplicationDraft,
    token: str,
    submission_key: str,
    today: date,
) -> tuple[Application, bool]:
    """Submit the draft (re-validated by ``service.submit``); a repeat gives the same application.

    The caller queues the check of a new application (``jobs.queue_check``).

    ``submission_key`` is the hidden field of the summary page: one that is not the draft's is refused
    (SubmissionError with a German message). The draft's token becomes the application's status link.
    """
    if not secrets.compare_digest(submission_key.encode(), draft.submission_key.encode()):
        raise SubmissionError({"": KEY_MISMATCH})
    if draft.application_id is not None:
        application = session.get(Application, draft.application_id)
        if application is not None:
            return application, False
    application, created = submit(
        session=session,
        type_row=draft.type,
        values=draft.data,
        submission_key=draft.submission_key,
        actor=CITIZEN,
        today=today,
        attachments=[item for item in draft.attachments if item.application_id is None],
        access_token=token,
    )
    draft.application_id = application.id
    session.flush()
    return application, created


def add_documents(
    *,
    session: Session,
    application: Application,
    uploads: Sequence[tuple[str, UploadFile | IO[bytes]]],
    files_dir: Path,
    max_bytes: int,
) -> list[Attachment]:
    """Documents the office asked for: stored for the application and audited.

    Only while the status is ``documents_requested`` (SubmissionError otherwise); the status goes back
    to ``submitted``, and the caller queues the check again (``jobs.queue_check``).
    """
    if application.status != ApplicationStatus.DOCUMENTS_REQUESTED:
        raise SubmissionError({"": "Zu diesem Antrag werden zurzeit keine Unterlagen nachgefordert."})
    definition = definition_of(application.type)
    added = []
    for requirement, upload in uploads:
        attachment = _stored_attachment(
            session, definition, application.tenant_id, requirement, upload, files_dir, max_bytes
        )
        attachment.application_id = application.id
        session.add(attachment)
        added.append(attachment)
    session.flush()
    record(
        session=session,
        actor=CITIZEN,
        action=ApplicationsAction.DOCUMENTS_ADDED,
        object_type="application",
        object_id=application.id,
        details={
            "reference": application.reference,
            "attachments": [{"requirement": item.requirement, "filename": item.filename} for item in added],
        },
    )
    application.status = ApplicationStatus.SUBMITTED
    application.documents_due = None
    return added
