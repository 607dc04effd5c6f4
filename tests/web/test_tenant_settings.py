"""The tenant settings page: letterhead upload, display, replacement and deletion through the real app."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from rathaus.app import create_app
from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.core.security.models import Role, Tenant
from rathaus.core.storage import StoredFile, blob_path
from rathaus.web.context import AppContext
from tests.conftest import World, csrf_from, login
from tests.core.security.test_uploads import JPEG_BYTES, PDF_BYTES, png_bytes
from tests.factories import make_user


def _upload(
    client: TestClient, name: str, data: bytes, content_type: str = "image/png", *, token: str | None = None
) -> httpx.Response:
    token = csrf_from(client, "/admin/mandant") if token is None else token
    return client.post(
        "/admin/mandant/briefkopf",
        data={"csrf_token": token},
        files={"briefkopf": (name, data, content_type)},
        follow_redirects=False,
    )


def _blobs(files_dir: Path) -> list[Path]:
    if not files_dir.exists():
        return []
    return sorted(path for path in files_dir.rglob("*") if path.is_file())


def _rows(world: World) -> list[StoredFile]:
    with open_session(world.sessions) as session:
        return list(session.scalars(select(StoredFile).order_by(StoredFile.id)))


def _letterhead_id(world: World, tenant_id: int) -> int | None:
    with open_session(world.sessions) as session:
        tenant = session.get(Tenant, tenant_id)
        assert tenant is not None
        return tenant.letterhead_file_id


def test_admin_uploads_sees_and_serves_the_letterhead(
    client: TestClient, world: World, app_context: AppContext
) -> None:
    login(client, world.admin_b)
    empty = client.get("/admin/mandant")
    assert empty.status_code == 200
    assert "Einstellungen von Gemeinde Bergdorf" in empty.text
    assert "Es ist noch kein Briefkopf hinterlegt." in empty.text
    assert 'enctype="multipart/form-data"' in empty.text

    data = png_bytes(20, 4)
    response = _upload(client, "../Briefkopf Bergdorf.png", data)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/mandant"

    page = client.get("/admin/mandant")
    assert "Der Briefkopf „Briefkopf Bergdorf.png“ wurde gespeichert." in page.text
    assert 'alt="Aktueller Briefkopf von Gemeinde Bergdorf"' in page.text
    assert f"Briefkopf Bergdorf.png ({len(data)} Bytes)" in page.text
    image = client.get("/admin/mandant/briefkopf")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.headers["x-content-type-options"] == "nosniff"
    assert image.content == data

    (row,) = _rows(world)
    assert (row.tenant_id, row.purpose) == (world.tenant_b_id, "letterhead")
    assert row.filename == "Briefkopf Bergdorf.png"
    assert _letterhead_id(world, world.tenant_b_id) == row.id
    assert _blobs(app_context.settings.files_dir) == [blob_path(app_context.settings.files_dir, row.sha256)]
    with open_session(world.sessions) as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "tenant.letterhead_set"))
        assert event is not None
        assert event.details["file_id"] == row.id
        assert event.actor_name == world.admin_b


def test_replacing_and_deleting_the_letterhead(
    client: TestClient, world: World, app_context: AppContext
) -> None:
    files_dir = app_context.settings.files_dir
    login(client, world.admin_b)
    assert _upload(client, "alt.png", png_bytes(2, 2)).status_code == 303
    assert _upload(client, "neu.jpg", JPEG_BYTES, "image/jpeg").status_code == 303
    old, new = _rows(world)
    assert old.deleted_at is not None
    assert new.deleted_at is None
    assert new.media_type == "image/jpeg"
    assert _letterhead_id(world, world.tenant_b_id) == new.id
    assert _blobs(files_dir) == [blob_path(files_dir, new.sha256)]
    assert client.get("/admin/mandant/briefkopf").content == JPEG_BYTES

    token = csrf_from(client, "/admin/mandant")
    deleted = client.post(
        "/admin/mandant/briefkopf/loeschen", data={"csrf_token": token}, follow_redirects=False
    )
    assert deleted.status_code == 303
    page = client.get("/admin/mandant")
    assert "Der Briefkopf wurde gelöscht." in page.text
    assert "Es ist noch kein Briefkopf hinterlegt." in page.text
    assert _letterhead_id(world, world.tenant_b_id) is None
    assert _blobs(files_dir) == []
    missing = client.get("/admin/mandant/briefkopf")
    assert missing.status_code == 404
    assert "Für diesen Mandanten ist kein Briefkopf hinterlegt." in missing.text


def test_too_large_letterhead_is_refused_with_413(
    client: TestClient, world: World, app_context: AppContext
) -> None:
    login(client, world.admin_b)
    response = _upload(client, "riesig.png", png_bytes(padding=2 * 1024 * 1024))
    assert response.status_code == 413
    assert "Die Datei „riesig.png“ ist zu groß. Erlaubt sind höchstens 2 MB." in response.text
    assert 'aria-invalid="true"' in response.text
    assert _rows(world) == []
    assert _blobs(app_context.settings.files_dir) == []


def test_a_pdf_named_png_is_refused_with_415(
    client: TestClient, world: World, app_context: AppContext
) -> None:
    login(client, world.admin_b)
    response = _upload(client, "briefkopf.png", PDF_BYTES)
    assert response.status_code == 415
    assert "„briefkopf.png“ ist ein PDF-Dokument. Erlaubt sind: JPEG-Bild, PNG-Bild." in response.text
    assert _rows(world) == []
    assert _blobs(app_context.settings.files_dir) == []


def test_empty_file_and_missing_file_are_refused_with_400(client: TestClient, world: World) -> None:
    login(client, world.admin_b)
    empty = _upload(client, "leer.png", b"")
    assert empty.status_code == 400
    assert "„leer.png“ ist leer (0 Bytes)." in empty.text
    token = csrf_from(client, "/admin/mandant")
    nothing = client.post(
        "/admin/mandant/briefkopf",
        data={"csrf_token": token},
        files={"briefkopf": ("", b"", "application/octet-stream")},
    )
    assert nothing.status_code == 400
    assert "Bitte wählen Sie eine Bilddatei aus." in nothing.text
    assert _rows(world) == []


def test_upload_without_csrf_token_is_refused(client: TestClient, world: World) -> None:
    login(client, world.admin_b)
    response = _upload(client, "logo.png", png_bytes(), token="falsch")
    assert response.status_code == 403
    assert "Sicherheitsmerkmal fehlt" in response.text
    assert _rows(world) == []


def test_only_admins_manage_the_letterhead_and_only_their_own(client: TestClient, world: World) -> None:
    with open_session(world.sessions) as session:
        tenant_b = session.get(Tenant, world.tenant_b_id)
        assert tenant_b is not None
        make_user(session, tenant_b, "sachbearbeitung-b", roles={Role.CASEWORKER})
    login(client, world.admin_a)
    assert _upload(client, "anfangsort.png", png_bytes()).status_code == 303
    client.cookies.clear()

    login(client, world.admin_b)
    assert client.get("/admin/mandant/briefkopf").status_code == 404  # A's letterhead is not B's
    client.cookies.clear()

    login(client, "sachbearbeitung-b")
    page = client.get("/admin/mandant")
    assert page.status_code == 403
    assert "Für diese Seite fehlt Ihnen die Berechtigung." in page.text
    home = client.get("/")
    assert 'href="/admin/mandant"' not in home.text


def test_request_size_guard_refuses_huge_bodies_before_reading(app_context: AppContext, world: World) -> None:
    app_context.settings.uploads.max_bytes = 4096
    with TestClient(create_app(context=app_context), base_url="http://127.0.0.1") as client:
        login(client, world.admin_b)
        response = _upload(client, "logo.png", png_bytes(padding=2 * 1024 * 1024))
    assert response.status_code == 413
    assert "Die Anfrage ist zu groß. Erlaubt sind höchstens 1 MB." in response.text
    assert _rows(world) == []
