"""Content-addressed file storage: checks on save, deduplication, opening, deletion and retention."""

from __future__ import annotations

import io
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import Headers, UploadFile

from rathaus.core.audit.models import AuditEvent
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session, utcnow
from rathaus.core.security.uploads import IMAGE_TYPES, UploadRejectedError
from rathaus.core.storage import (
    StoredFile,
    StoredFileMissingError,
    blob_path,
    delete_file,
    get_file,
    open_file,
    purge_expired,
    save_upload,
)
from tests.conftest import World
from tests.core.security.test_uploads import JPEG_BYTES, PDF_BYTES, png_bytes

TEXT_TYPES = {"text/plain", "text/csv"}


def _save(
    session: Session, files_dir: Path, tenant_id: int, data: bytes, name: str, **options: object
) -> StoredFile:
    values: dict[str, object] = {
        "allowed": IMAGE_TYPES,
        "max_bytes": 1024 * 1024,
        "purpose": "test",
        "uploaded_by_id": None,
    }
    values.update(options)
    return save_upload(
        session=session,
        files_dir=files_dir,
        tenant_id=tenant_id,
        upload=io.BytesIO(data),
        filename=name,
        **values,
    )


def _files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def files_dir(tmp_path: Path) -> Path:
    return tmp_path / "files"


def test_save_stores_bytes_once_read_only_under_their_hash(world: World, files_dir: Path) -> None:
    data = png_bytes()
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        stored = _save(session, files_dir, world.tenant_a_id, data, "Wappen Anfangsort.png")
        file_id = stored.id
    assert stored.media_type == "image/png"
    assert stored.size == len(data)
    assert stored.filename == "Wappen Anfangsort.png"
    path = blob_path(files_dir, stored.sha256)
    assert path == files_dir / stored.sha256[:2] / stored.sha256
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert _files_under(files_dir) == [path]  # no temp file left over
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        again = get_file(session=session, file_id=file_id)
        with open_file(files_dir=files_dir, stored=again) as handle:
            assert handle.read() == data


def test_save_accepts_a_fastapi_upload_file(world: World, files_dir: Path) -> None:
    upload = UploadFile(
        io.BytesIO(JPEG_BYTES),
        filename="C:\\Users\\amt\\Briefkopf.JPG",
        headers=Headers({"content-type": "image/jpeg"}),
    )
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        stored = save_upload(
            session=session,
            files_dir=files_dir,
            tenant_id=world.tenant_a_id,
            upload=upload,
            allowed=IMAGE_TYPES,
            max_bytes=10_000,
            purpose="letterhead",
            uploaded_by_id=None,
        )
    assert stored.filename == "Briefkopf.JPG"
    assert (stored.media_type, stored.purpose) == ("image/jpeg", "letterhead")


def test_too_large_is_refused_with_413_leaving_nothing_behind(world: World, files_dir: Path) -> None:
    data = png_bytes(padding=300_000)
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        with pytest.raises(UploadRejectedError) as caught:
            _save(session, files_dir, world.tenant_a_id, data, "gross.png", max_bytes=200_000)
        assert session.scalars(select(StoredFile)).all() == []
    assert caught.value.status_code == 413
    assert caught.value.message == "Die Datei „gross.png“ ist zu groß. Erlaubt sind höchstens 195,3 KB."
    assert _files_under(files_dir) == []
    assert (files_dir / ".tmp").is_dir()  # the temp area exists, and is empty


def test_a_pdf_named_png_is_refused_with_415(world: World, files_dir: Path) -> None:
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        with pytest.raises(UploadRejectedError) as caught:
            _save(session, files_dir, world.tenant_a_id, PDF_BYTES, "briefkopf.png")
        assert session.scalars(select(StoredFile)).all() == []
    assert caught.value.status_code == 415
    assert "ist ein PDF-Dokument. Erlaubt sind: JPEG-Bild, PNG-Bild." in caught.value.message
    assert _files_under(files_dir) == []


def test_an_empty_file_is_refused_with_400(world: World, files_dir: Path) -> None:
    with (
        open_session(world.sessions, tenant_id=world.tenant_a_id) as session,
        pytest.raises(UploadRejectedError) as caught,
    ):
        _save(session, files_dir, world.tenant_a_id, b"", "leer.png")
    assert caught.value.status_code == 400
    assert caught.value.message == (
        "„leer.png“ ist leer (0 Bytes). Bitte wählen Sie eine Datei mit Inhalt aus."
    )
    assert _files_under(files_dir) == []


@pytest.mark.parametrize(
    ("raw", "stored_name"),
    [
        ("../../etc/passwd", "passwd.txt"),
        ("CON", "_CON.txt"),
        ("Notiz\x00.txt", "Notiz.txt"),
        ("n" * 400 + ".csv", "n" * 176 + ".csv"),
    ],
)
def test_hostile_names_are_made_safe(world: World, files_dir: Path, raw: str, stored_name: str) -> None:
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        stored = _save(
            session, files_dir, world.tenant_a_id, "Grüße aus Celle\n".encode(), raw, allowed=TEXT_TYPES
        )
    assert stored.filename == stored_name
    assert stored.media_type == ("text/csv" if raw.endswith(".csv") else "text/plain")
    assert all(files_dir in path.parents for path in _files_under(files_dir))
    assert _files_under(files_dir) == [blob_path(files_dir, stored.sha256)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00\x03\x00" * 50, "„liesmich.txt“ ist ein Windows-Programm."),
        (b"Kopf\x00\x01\x02 Daten" * 50, "„liesmich.txt“ hat ein unbekanntes Format."),
    ],
)
def test_binary_bytes_posing_as_text_are_refused(
    world: World, files_dir: Path, data: bytes, message: str
) -> None:
    with (
        open_session(world.sessions, tenant_id=world.tenant_a_id) as session,
        pytest.raises(UploadRejectedError) as caught,
    ):
        _save(session, files_dir, world.tenant_a_id, data, "liesmich.txt", allowed=TEXT_TYPES)
    assert caught.value.status_code == 415
    assert caught.value.message == f"{message} Erlaubt sind: CSV-Tabelle, Textdatei."
    assert _files_under(files_dir) == []


def test_identical_content_is_stored_once(world: World, files_dir: Path) -> None:
    data = png_bytes()
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        first = _save(session, files_dir, world.tenant_a_id, data, "a.png")
        same = _save(session, files_dir, world.tenant_a_id, data, "a.png")
        renamed = _save(session, files_dir, world.tenant_a_id, data, "b.png")
    with open_session(world.sessions, tenant_id=world.tenant_b_id) as session:
        other_tenant = _save(session, files_dir, world.tenant_b_id, data, "a.png")
    assert same.id == first.id
    assert len({first.id, renamed.id, other_tenant.id}) == 3
    assert {first.sha256, renamed.sha256, other_tenant.sha256} == {first.sha256}
    assert _files_under(files_dir) == [blob_path(files_dir, first.sha256)]


def _expire(sessions: sessionmaker[Session], file_id: int, days: int) -> None:
    with open_session(sessions) as session:
        row = session.get(StoredFile, file_id)
        assert row is not None
        row.delete_after = utcnow() + timedelta(days=days)


def test_purge_expired_deletes_bytes_only_when_no_live_row_needs_them(world: World, files_dir: Path) -> None:
    shared, alone, later = png_bytes(1, 1), png_bytes(2, 2), png_bytes(3, 3)
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        expired_shared = _save(session, files_dir, world.tenant_a_id, shared, "scan.png")
        expired_alone = _save(session, files_dir, world.tenant_a_id, alone, "alt.png")
        not_yet = _save(session, files_dir, world.tenant_a_id, later, "neu.png")
    with open_session(world.sessions, tenant_id=world.tenant_b_id) as session:
        keeper = _save(session, files_dir, world.tenant_b_id, shared, "scan.png")  # tenant B still needs it
    _expire(world.sessions, expired_shared.id, -1)
    _expire(world.sessions, expired_alone.id, -1)
    _expire(world.sessions, not_yet.id, 30)

    # A tenant-scoped session: the purge must still see tenant B's row that shares the bytes.
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        purged = purge_expired(session=session, files_dir=files_dir, now=utcnow())
        assert sorted(row.id for row in purged) == sorted([expired_shared.id, expired_alone.id])
        # Bytes go only when the transaction commits.
        assert blob_path(files_dir, alone_sha := expired_alone.sha256).exists()

    assert not blob_path(files_dir, alone_sha).exists()
    assert blob_path(files_dir, keeper.sha256).read_bytes() == shared
    assert blob_path(files_dir, not_yet.sha256).read_bytes() == later
    with open_session(world.sessions) as session:
        rows = {row.id: row for row in session.scalars(select(StoredFile))}
        assert rows[expired_shared.id].deleted_at is not None
        assert rows[expired_alone.id].deleted_at is not None
        assert rows[not_yet.id].deleted_at is None
        assert rows[keeper.id].deleted_at is None
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "file.deleted").order_by(AuditEvent.id)
        ).all()
        assert [(event.object_id, event.actor_name, event.tenant_id) for event in events] == [
            (str(expired_shared.id), "retention", world.tenant_a_id),
            (str(expired_alone.id), "retention", world.tenant_a_id),
        ]
        assert [event.details["bytes_removed"] for event in events] == [False, True]
        assert events[0].details["reason"] == "retention"
        with pytest.raises(StoredFileMissingError):
            get_file(session=session, file_id=expired_alone.id)
        gone = rows[expired_alone.id]
        with pytest.raises(StoredFileMissingError), open_file(files_dir=files_dir, stored=gone):
            pass


def test_a_rolled_back_purge_keeps_the_bytes(world: World, files_dir: Path) -> None:
    data = png_bytes()
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        stored = _save(session, files_dir, world.tenant_a_id, data, "bleibt.png")
    _expire(world.sessions, stored.id, -1)
    purged: list[int] = []

    def purge_then_fail() -> None:
        with open_session(world.sessions) as session:
            purged.extend(row.id for row in purge_expired(session=session, files_dir=files_dir, now=utcnow()))
            raise RuntimeError("the caller's transaction fails")

    with pytest.raises(RuntimeError):
        purge_then_fail()
    assert purged == [stored.id]
    assert blob_path(files_dir, stored.sha256).read_bytes() == data
    with open_session(world.sessions) as session:
        row = session.get(StoredFile, stored.id)
        assert row is not None
        assert row.deleted_at is None


def test_uploading_deleted_content_again_revives_the_row_and_its_bytes(world: World, files_dir: Path) -> None:
    data = png_bytes()
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        stored = _save(session, files_dir, world.tenant_a_id, data, "logo.png")
        delete_file(
            session=session, files_dir=files_dir, stored=stored, actor=Actor.system("test"), reason="test"
        )
    assert not blob_path(files_dir, stored.sha256).exists()
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        again = _save(session, files_dir, world.tenant_a_id, data, "logo.png", purpose="letterhead")
    assert again.id == stored.id
    assert again.deleted_at is None
    assert again.purpose == "letterhead"
    assert blob_path(files_dir, stored.sha256).read_bytes() == data
