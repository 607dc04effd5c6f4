"""Files stored by content hash (recordings, scans, exports), with retention.

The bytes of a file live once under ``files_dir/<sha[:2]>/<sha>``, read-only, however many rows
(tenants, purposes, names) point to them. Rows are never removed: deleting a file sets
``deleted_at``, and its bytes go when no live row needs them any more — after the transaction
commits, so a rollback never leaves a live row without bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy import ForeignKey, String, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from starlette.datastructures import UploadFile

from rathaus.core.audit.actions import PlatformAction
from rathaus.core.audit.service import Actor, record
from rathaus.core.db import Base, TenantOwned, utcnow
from rathaus.core.security.uploads import (
    SNIFF_BYTES,
    TextCheck,
    UploadRejectedError,
    check_type,
    format_size,
    name_with_extension,
    sanitize_filename,
    sniff,
    text_media_type,
)

CHUNK_BYTES = 64 * 1024
TEMP_DIR_NAME = ".tmp"
PENDING_UNLINKS = "rathaus.storage.pending_unlinks"


class StoredFile(TenantOwned, Base):
    """A file of a tenant; the bytes live under ``files/<sha[:2]>/<sha>`` and are shared by equal content."""

    __tablename__ = "stored_files"
    __table_args__ = (UniqueConstraint("tenant_id", "sha256", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255), doc="the sanitised original name")
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(40), default="upload")
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delete_after: Mapped[datetime | None] = mapped_column(default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class StoredFileMissingError(LookupError):
    """The file was deleted, or its bytes are gone from the files directory."""


def blob_path(files_dir: Path, sha256: str) -> Path:
    """Where the bytes with hash ``sha256`` live."""
    if len(sha256) != 64 or not all(char in "0123456789abcdef" for char in sha256):
        msg = f"not a SHA-256 hex digest: {sha256!r}"
        raise ValueError(msg)
    return files_dir / sha256[:2] / sha256


def _source_of(upload: UploadFile | IO[bytes], filename: str | None) -> tuple[IO[bytes], str]:
    """The synchronous stream and the client's file name of an UploadFile or a plain binary stream."""
    source: IO[bytes]
    if isinstance(upload, UploadFile):
        source, name = upload.file, upload.filename
    else:
        source, name = upload, getattr(upload, "name", None)
    if filename is not None:
        name = filename
    return source, name if isinstance(name, str) else ""


def _read_exact(source: IO[bytes], size: int) -> bytes:
    parts: list[bytes] = []
    missing = size
    while missing > 0:
        part = source.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _write_temp(
    *, source: IO[bytes], temp: IO[bytes], filename: str, allowed: frozenset[str], max_bytes: int
) -> tuple[str, int, str]:
    """Copy ``source`` into ``temp`` while hashing and checking; return (sha256, size, media type)."""
    digest = hashlib.sha256()
    size = 0
    head = _read_exact(source, SNIFF_BYTES)
    detected = sniff(head)
    text = TextCheck() if detected is None else None
    if detected is not None:
        check_type(filename=filename, detected=detected, allowed=allowed)
    chunk = head
    while chunk:
        size += len(chunk)
        if size > max_bytes:
            shown = filename or "ohne Namen"
            msg = f"Die Datei „{shown}“ ist zu groß. Erlaubt sind höchstens {format_size(max_bytes)}."
            raise UploadRejectedError(413, msg)
        digest.update(chunk)
        temp.write(chunk)
        if text is not None:
            text.feed(chunk)
        chunk = source.read(CHUNK_BYTES)
    if size == 0:
        shown = f"„{filename}“" if filename else "Die Datei"
        msg = f"{shown} ist leer (0 Bytes). Bitte wählen Sie eine Datei mit Inhalt aus."
        raise UploadRejectedError(400, msg)
    if text is not None:
        text.feed(b"", final=True)
        detected = text_media_type(filename, allowed) if text.is_text else None
    media_type = check_type(filename=filename, detected=detected, allowed=allowed)
    return digest.hexdigest(), size, media_type


def save_upload(
    *,
    session: Session,
    files_dir: Path,
    tenant_id: int,
    upload: UploadFile | IO[bytes],
    allowed: set[str] | frozenset[str],
    max_bytes: int,
    purpose: str,
    uploaded_by_id: int | None,
    delete_after: datetime | None = None,
    filename: str | None = None,
) -> StoredFile:
    """Check and store an upload (FastAPI UploadFile or binary stream); return its StoredFile row.

    Raises UploadRejectedError: 413 above ``max_bytes``, 415 for content outside ``allowed`` or not
    matching the name's extension, 400 for an empty file. Nothing is left behind when it raises.
    ``filename`` overrides the client's name (``upload.filename`` or the stream's ``name``).
    """
    source, client_name = _source_of(upload, filename)
    filename = sanitize_filename(client_name)
    temp_dir = files_dir / TEMP_DIR_NAME
    temp_dir.mkdir(parents=True, exist_ok=True, mode=0o750)
    with tempfile.NamedTemporaryFile(dir=temp_dir, prefix="upload-", delete=False) as temp:
        temp_path = Path(temp.name)
        try:
            sha256, size, media_type = _write_temp(
                source=source, temp=temp, filename=filename, allowed=frozenset(allowed), max_bytes=max_bytes
            )
            temp.flush()
            os.fsync(temp.fileno())
        except BaseException:
            temp.close()
            temp_path.unlink(missing_ok=True)
            raise
    target = blob_path(files_dir, sha256)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    temp_path.chmod(0o444)
    # Replacing even when the bytes exist keeps them present if a purge removed them meanwhile.
    temp_path.replace(target)
    _forget_unlink(session, sha256)
    filename = name_with_extension(filename, media_type)
    return _upsert_row(
        session=session,
        tenant_id=tenant_id,
        sha256=sha256,
        filename=filename,
        media_type=media_type,
        size=size,
        purpose=purpose,
        uploaded_by_id=uploaded_by_id,
        delete_after=delete_after,
    )


def store_bytes(
    *,
    session: Session,
    files_dir: Path,
    tenant_id: int,
    data: bytes,
    filename: str,
    media_type: str,
    purpose: str,
    uploaded_by_id: int | None = None,
    delete_after: datetime | None = None,
) -> StoredFile:
    """Store bytes the caller has already judged (an e-mail attachment, an OCR result); no type check.

    Unlike :func:`save_upload` this accepts any content, executables included: the inbox keeps a
    quarantined attachment as evidence without ever opening it. The caller owns the size limit.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    target = blob_path(files_dir, sha256)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    temp_dir = files_dir / TEMP_DIR_NAME
    temp_dir.mkdir(parents=True, exist_ok=True, mode=0o750)
    with tempfile.NamedTemporaryFile(dir=temp_dir, prefix="bytes-", delete=False) as temp:
        temp_path = Path(temp.name)
        temp.write(data)
        temp.flush()
        os.fsync(temp.fileno())
    temp_path.chmod(0o444)
    temp_path.replace(target)
    _forget_unlink(session, sha256)
    return _upsert_row(
        session=session,
        tenant_id=tenant_id,
        sha256=sha256,
        filename=sanitize_filename(filename),
        media_type=media_type,
        size=len(data),
        purpose=purpose,
        uploaded_by_id=uploaded_by_id,
        delete_after=delete_after,
    )


def share_file(
    *, session: Session, stored: StoredFile, filename: str, purpose: str, uploaded_by_id: int | None = None
) -> StoredFile:
    """A row of its own (name, purpose, retention) for the bytes of ``stored``; nothing is copied.

    A module that takes over another's file (the Anträge keep a scan from the Posteingang) keeps it this
    way: deleting either row leaves the bytes as long as the other row lives.
    """
    if stored.deleted_at is not None:
        msg = f"stored file {stored.id} was deleted"
        raise StoredFileMissingError(msg)
    _forget_unlink(session, stored.sha256)
    return _upsert_row(
        session=session,
        tenant_id=stored.tenant_id,
        sha256=stored.sha256,
        filename=sanitize_filename(filename),
        media_type=stored.media_type,
        size=stored.size,
        purpose=purpose,
        uploaded_by_id=uploaded_by_id,
        delete_after=None,
    )


def _upsert_row(
    *,
    session: Session,
    tenant_id: int,
    sha256: str,
    filename: str,
    media_type: str,
    size: int,
    purpose: str,
    uploaded_by_id: int | None,
    delete_after: datetime | None,
) -> StoredFile:
    """The row for this content and name: new, the live one (kept longer if needed), or a revived one."""
    row = session.scalar(
        select(StoredFile).where(
            StoredFile.tenant_id == tenant_id, StoredFile.sha256 == sha256, StoredFile.filename == filename
        )
    )
    if row is None:
        row = StoredFile(
            tenant_id=tenant_id,
            sha256=sha256,
            filename=filename,
            media_type=media_type,
            size=size,
            purpose=purpose,
            uploaded_by_id=uploaded_by_id,
            delete_after=delete_after,
        )
        session.add(row)
    elif row.deleted_at is not None:
        row.deleted_at = None
        row.created_at = utcnow()
        row.purpose, row.uploaded_by_id, row.delete_after = purpose, uploaded_by_id, delete_after
    elif row.delete_after is not None and (delete_after is None or delete_after > row.delete_after):
        row.delete_after = delete_after
    session.flush()
    return row


def get_file(*, session: Session, file_id: int) -> StoredFile:
    """The live file ``file_id`` visible to ``session`` (tenant-scoped sessions see their own only)."""
    row = session.scalar(select(StoredFile).where(StoredFile.id == file_id))
    if row is None or row.deleted_at is not None:
        msg = f"stored file {file_id} does not exist or was deleted"
        raise StoredFileMissingError(msg)
    return row


@contextlib.contextmanager
def open_file(*, files_dir: Path, stored: StoredFile) -> Iterator[IO[bytes]]:
    """Open the bytes of ``stored`` for reading."""
    if stored.deleted_at is not None:
        msg = f"stored file {stored.id} was deleted"
        raise StoredFileMissingError(msg)
    try:
        handle = blob_path(files_dir, stored.sha256).open("rb")
    except FileNotFoundError as error:
        msg = f"the bytes of stored file {stored.id} are missing ({stored.sha256})"
        raise StoredFileMissingError(msg) from error
    with handle:
        yield handle


def delete_file(*, session: Session, files_dir: Path, stored: StoredFile, actor: Actor, reason: str) -> None:
    """Mark ``stored`` deleted, audit it, and remove its bytes after commit if no live row shares them."""
    if stored.deleted_at is not None:
        return
    stored.deleted_at = utcnow()
    session.flush()
    shared = _live_rows_with_hash(session, stored.sha256)
    if not shared:
        _unlink_after_commit(session, blob_path(files_dir, stored.sha256))
    details = {
        "sha256": stored.sha256,
        "filename": stored.filename,
        "purpose": stored.purpose,
        "reason": reason,
        "bytes_removed": not shared,
    }
    record(
        session=session,
        actor=actor,
        action=PlatformAction.FILE_DELETED,
        object_type="stored_file",
        object_id=stored.id,
        tenant_id=stored.tenant_id,
        details=details,
    )


def purge_expired(*, session: Session, files_dir: Path, now: datetime) -> list[StoredFile]:
    """Delete every file whose ``delete_after`` has passed by ``now``; return the rows deleted."""
    expired = list(
        session.scalars(
            select(StoredFile)
            .where(
                StoredFile.deleted_at.is_(None),
                StoredFile.delete_after.is_not(None),
                StoredFile.delete_after <= now,
            )
            .order_by(StoredFile.id)
        )
    )
    actor = Actor.system("retention")
    for stored in expired:
        delete_file(session=session, files_dir=files_dir, stored=stored, actor=actor, reason="retention")
    return expired


def _live_rows_with_hash(session: Session, sha256: str) -> int:
    # Through the connection, not the ORM: a tenant-scoped session would not see the other
    # tenants' rows that share these bytes.
    table = StoredFile.__table__
    rows = session.connection().execute(
        select(table.c.id).where(table.c.sha256 == sha256, table.c.deleted_at.is_(None))
    )
    return len(rows.all())


def _unlink_after_commit(session: Session, path: Path) -> None:
    pending: dict[str, Path] | None = session.info.get(PENDING_UNLINKS)
    if pending is None:
        pending = {}
        session.info[PENDING_UNLINKS] = pending
        event.listen(session, "after_commit", _run_unlinks)
        event.listen(session, "after_rollback", _drop_unlinks)
    pending[path.name] = path


def _forget_unlink(session: Session, sha256: str) -> None:
    pending: dict[str, Path] | None = session.info.get(PENDING_UNLINKS)
    if pending:
        pending.pop(sha256, None)


def _run_unlinks(session: Session) -> None:
    pending: dict[str, Path] = session.info.get(PENDING_UNLINKS) or {}
    for path in pending.values():
        path.unlink(missing_ok=True)
    pending.clear()


def _drop_unlinks(session: Session) -> None:
    pending: dict[str, Path] | None = session.info.get(PENDING_UNLINKS)
    if pending:
        pending.clear()
