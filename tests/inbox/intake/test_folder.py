"""The scanner's drop folder: files become items and move to erledigt/, refused ones to fehler/ (why)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rathaus.core.audit.models import AuditEvent
from rathaus.core.jobs import Job
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.intake.folder import FolderLimits, sweep_folder
from rathaus.inbox.jobs import reading_queuer
from rathaus.inbox.models import Item, ItemSource
from rathaus.modules import Settings
from tests.inbox.intake.conftest import ACTOR, EXE_BYTES, Scope, mail

MAX_BYTES = 1024 * 1024


@pytest.fixture
def limits(tenant_id: int) -> FolderLimits:
    return FolderLimits(
        max_bytes=MAX_BYTES,
        max_image_pixels=10_000_000,
        queue_reading=reading_queuer(tenant_id),
        settle_seconds=10,
    )


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _drop(folder: Path, name: str, data: bytes, *, age: float = 60) -> Path:
    path = folder / name
    path.write_bytes(data)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_files_are_taken_in_moved_and_failures_explained(
    tmp_path: Path, scope: Scope, settings: Settings, limits: FolderLimits
) -> None:
    folder = tmp_path / "ablage" / "stadt-post"
    folder.mkdir(parents=True)
    _drop(folder, "scan.pdf", PDF)
    _drop(folder, "brief.eml", mail())
    _drop(folder, "notiz.txt", b"nur Text")
    _drop(folder, "rechnung.pdf", EXE_BYTES)
    _drop(folder, "leer.pdf", b"")
    _drop(folder, "gross.pdf", PDF + b"0" * (MAX_BYTES + 1))
    _drop(folder, "frisch.pdf", PDF, age=0)  # the scanner is still writing it
    (folder / ".versteckt").write_bytes(PDF)

    result = sweep_folder(
        sessions=scope, folder=folder, files_dir=settings.files_dir, limits=limits, actor=ACTOR
    )
    assert (result.taken, result.failed, result.waiting, result.duplicates) == (2, 4, 1, 0)
    assert _names(folder) == [".versteckt", "erledigt", "fehler", "frisch.pdf"]
    assert _names(folder / "erledigt") == ["brief.eml", "scan.pdf"]
    assert _names(folder / "fehler") == [
        "gross.pdf",
        "gross.pdf.txt",
        "leer.pdf",
        "leer.pdf.txt",
        "notiz.txt",
        "notiz.txt.txt",
        "rechnung.pdf",
        "rechnung.pdf.txt",
    ]
    reason = (folder / "fehler" / "rechnung.pdf.txt").read_text(encoding="utf-8")
    assert reason.startswith("Die Datei „rechnung.pdf“ wurde nicht in den Posteingang übernommen.")
    assert "Angenommen werden: PDF, PNG, JPEG, TIFF" in reason
    assert "ist leer" in (folder / "fehler" / "leer.pdf.txt").read_text(encoding="utf-8")
    assert "zu groß" in (folder / "fehler" / "gross.pdf.txt").read_text(encoding="utf-8")
    with scope() as session:
        items = session.scalars(select(Item).order_by(Item.id)).all()
        assert [(item.source, item.subject) for item in items] == [
            (ItemSource.FOLDER, "Antrag auf Sondernutzung"),
            (ItemSource.FOLDER, ""),
        ]
        assert [job.params["item_id"] for job in session.scalars(select(Job).order_by(Job.id))] == [
            item.id for item in items
        ]
        failed = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == InboxAction.FOLDER_FILE_FAILED.value)
        )
        assert failed == 4


def test_a_crash_between_commit_and_move_does_not_take_a_file_in_twice(
    tmp_path: Path, scope: Scope, settings: Settings, limits: FolderLimits
) -> None:
    folder = tmp_path / "stadt-post"
    folder.mkdir()
    _drop(folder, "scan.pdf", PDF)
    sweep_folder(sessions=scope, folder=folder, files_dir=settings.files_dir, limits=limits, actor=ACTOR)
    # as if the worker died after the commit: the file is back where it was
    shutil.copy2(folder / "erledigt" / "scan.pdf", folder / "scan.pdf")
    again = sweep_folder(
        sessions=scope, folder=folder, files_dir=settings.files_dir, limits=limits, actor=ACTOR
    )
    assert (again.taken, again.duplicates) == (0, 1)
    assert _names(folder / "erledigt") == ["scan (2).pdf", "scan.pdf"]
    # the same content under another name is a real second delivery: recorded as a duplicate item
    _drop(folder, "scan-nochmal.pdf", PDF)
    third = sweep_folder(
        sessions=scope, folder=folder, files_dir=settings.files_dir, limits=limits, actor=ACTOR
    )
    assert (third.taken, third.duplicates) == (0, 1)
    with scope() as session:
        items = session.scalars(select(Item).order_by(Item.id)).all()
        assert [item.duplicate_of_id for item in items] == [None, items[0].id]
        assert session.scalar(select(func.count()).select_from(Job)) == 1


def test_a_missing_folder_is_no_error(
    tmp_path: Path, scope: Scope, settings: Settings, limits: FolderLimits
) -> None:
    result = sweep_folder(
        sessions=scope,
        folder=tmp_path / "gibt-es-nicht",
        files_dir=settings.files_dir,
        limits=limits,
        actor=ACTOR,
    )
    assert result.as_dict()["taken"] == 0
