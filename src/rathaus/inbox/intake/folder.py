"""The scanner's drop folder: each file becomes an item, then moves to ``erledigt/`` or ``fehler/``.

The folder of a tenant is ``InboxSettings.drop_folder / <tenant slug>``. A file is taken in and
committed first and moved afterwards; after a crash in between, the next sweep finds the item by the
file's content and name and only moves the file. A refused file goes to ``fehler/`` with a ``.txt``
beside it that says why (German). Files still being written (changed in the last seconds) wait.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.core.security.uploads import sanitize_filename
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.intake.uploads import IntakeError, incoming_from_upload
from rathaus.inbox.models import DocumentRole, ItemSource
from rathaus.inbox.schemas import Incoming
from rathaus.inbox.service import content_hash, find_duplicate, receive

logger = logging.getLogger(__name__)
SessionScope = Callable[[], AbstractContextManager[Session]]
QueueReading = Callable[[Session, int], object]  # jobs.queue_processing for one item, passed in
DONE_DIR, FAILED_DIR = "erledigt", "fehler"
SETTLE_SECONDS = 10.0


@dataclass
class FolderResult:
    taken: int = 0
    duplicates: int = 0
    failed: int = 0
    waiting: int = 0  # still being written
    item_ids: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class FolderLimits:
    max_bytes: int
    max_image_pixels: int
    queue_reading: QueueReading
    settle_seconds: float = SETTLE_SECONDS


def sweep_folder(
    *, sessions: SessionScope, folder: Path, files_dir: Path, limits: FolderLimits, actor: Actor
) -> FolderResult:
    """Take in every settled file of ``folder`` (not its sub-folders); commits per file."""
    result = FolderResult()
    if not folder.is_dir():
        return result
    now = time.time()
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_symlink() or not path.is_file():
            continue
        if path.stat().st_mtime > now - limits.settle_seconds:
            result.waiting += 1
            continue
        _take_file(path, sessions=sessions, files_dir=files_dir, limits=limits, actor=actor, result=result)
    return result


def _take_file(
    path: Path,
    *,
    sessions: SessionScope,
    files_dir: Path,
    limits: FolderLimits,
    actor: Actor,
    result: FolderResult,
) -> None:
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise IntakeError(
                f"„{path.name}“ ist mit {size / 1024**2:.0f} MB zu groß "
                f"(höchstens {limits.max_bytes / 1024**2:.0f} MB)."
            )
        incoming = incoming_from_upload(
            filename=path.name,
            data=path.read_bytes(),
            source=ItemSource.FOLDER,
            max_image_pixels=limits.max_image_pixels,
        )
    except IntakeError as error:
        _refuse(path, str(error), sessions=sessions, actor=actor, result=result)
        return
    with sessions() as session:
        item_id, duplicate = _store(session, incoming, path.name, files_dir, actor, limits.queue_reading)
    if duplicate:
        result.duplicates += 1
    else:
        result.taken += 1
        if item_id is not None:
            result.item_ids.append(item_id)
    _move(path, path.parent / DONE_DIR)


def _store(
    session: Session,
    incoming: Incoming,
    filename: str,
    files_dir: Path,
    actor: Actor,
    queue_reading: QueueReading,
) -> tuple[int | None, bool]:
    """Receive and queue the file; one this folder delivered before (crash before the move) is skipped."""
    earlier = find_duplicate(session=session, sha256=content_hash(incoming))
    stored_name = sanitize_filename(filename)
    if (
        earlier is not None
        and earlier.source is ItemSource.FOLDER
        and any(d.role is DocumentRole.ORIGINAL and d.filename == stored_name for d in earlier.documents)
    ):
        logger.info("drop-folder file %s was taken in as item %s; only moving it", filename, earlier.id)
        return None, True
    received = receive(session=session, files_dir=files_dir, incoming=incoming, actor=actor)
    if received.duplicate_of is not None:
        return received.item.id, True
    queue_reading(session, received.item.id)
    return received.item.id, False


def _refuse(path: Path, reason: str, *, sessions: SessionScope, actor: Actor, result: FolderResult) -> None:
    target = _move(path, path.parent / FAILED_DIR)
    target.with_name(f"{target.name}.txt").write_text(
        f"Die Datei „{path.name}“ wurde nicht in den Posteingang übernommen.\n\nGrund: {reason}\n",
        encoding="utf-8",
    )
    with sessions() as session:
        record(
            session=session,
            actor=actor,
            action=InboxAction.FOLDER_FILE_FAILED,
            object_type="inbox_drop_folder",
            object_id=target.name,
            details={"file": path.name, "reason": reason},
        )
    result.failed += 1
    result.failures.append(reason)


def _move(path: Path, target_dir: Path) -> Path:
    """Move ``path`` into ``target_dir``; an existing name gets a number ("scan (2).pdf")."""
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    number = 2
    while target.exists() or target.with_name(f"{target.name}.txt").exists():
        target = target_dir / f"{path.stem} ({number}){path.suffix}"
        number += 1
    path.replace(target)
    return target
