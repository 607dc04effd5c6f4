"""Uploading scans and e-mails in the browser, and getting the stored files back."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rathaus.core.db import open_session
from rathaus.core.jobs import Job
from rathaus.core.security.models import Role
from rathaus.inbox.models import DocumentStatus, Item, ItemDocument, ItemSource
from tests.conftest import World, csrf_from, login
from tests.factories import make_member

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EML = (
    b"From: Erika Musterfrau <erika@example.org>\r\nTo: post@stadt.example\r\nSubject: Laterne defekt\r\n"
    b"Message-ID: <laterne-1@example.org>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
    b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDie Laterne ist aus.\r\n"
    b"--b\r\nContent-Type: application/octet-stream\r\n"
    b"Content-Disposition: attachment; filename=rechnung.exe\r\n\r\n"
    b"MZ\x90\x00\x03\x00\x00\x00\r\n--b--\r\n"
)


@pytest.fixture
def caseworker(client: TestClient, world: World) -> TestClient:
    make_member(world.sessions, world.tenant_a_id, "sachbearbeitung", Role.CASEWORKER)
    login(client, "sachbearbeitung")
    return client


def _upload(client: TestClient, *files: tuple[str, bytes, str]) -> str:
    token = csrf_from(client, "/posteingang")
    response = client.post(
        "/posteingang/hochladen",
        data={"csrf_token": token},
        files=[("dateien", file) for file in files],
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.text


def test_several_files_become_items_with_their_reading_jobs(caseworker: TestClient, world: World) -> None:
    page = _upload(caseworker, ("scan.pdf", PDF, "application/pdf"), ("mail.eml", EML, "message/rfc822"))
    assert re.search(r"Erfasst: Eingang Nr\. \d+, \d+\. Der Text wird jetzt gelesen", page)
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        items = session.scalars(select(Item).order_by(Item.id)).all()
        assert [item.source for item in items] == [ItemSource.UPLOAD, ItemSource.EMAIL_UPLOAD]
        assert items[1].subject == "Laterne defekt"
        assert items[1].sender_address == "erika@example.org"
        jobs = session.scalars(select(Job).where(Job.kind == "inbox.process").order_by(Job.id)).all()
        assert [job.id for job in jobs] == [item.process_job_id for item in items]
        quarantined = session.scalars(
            select(ItemDocument).where(ItemDocument.status == DocumentStatus.QUARANTINED)
        ).one()
        assert quarantined.filename == "rechnung.exe"
        quarantined_id = quarantined.id
        original_id = items[0].documents[0].id
    refused = caseworker.get(f"/posteingang/dokumente/{quarantined_id}/datei")
    assert refused.status_code == 403
    assert "Quarantäne" in refused.text
    original = caseworker.get(f"/posteingang/dokumente/{original_id}/datei")
    assert original.status_code == 200
    assert original.content == PDF


def test_one_file_leads_to_its_item_and_a_second_copy_is_linked(caseworker: TestClient, world: World) -> None:
    first = caseworker.post(
        "/posteingang/hochladen",
        data={"csrf_token": csrf_from(caseworker, "/posteingang")},
        files=[("dateien", ("scan.pdf", PDF, "application/pdf"))],
        follow_redirects=False,
    )
    assert first.status_code == 303
    assert re.fullmatch(r"/posteingang/eingaenge/\d+", first.headers["location"])
    again = _upload(caseworker, ("kopie.pdf", PDF, "application/pdf"))
    assert "gleicher Inhalt wie Eingang Nr." in again


def test_unsupported_and_empty_files_are_refused_with_a_reason(caseworker: TestClient, world: World) -> None:
    page = _upload(
        caseworker,
        ("notiz.docx", b"PK\x03\x04 not really", "application/octet-stream"),
        ("leer.pdf", b"", "application/pdf"),
    )
    assert "Nicht übernommen: notiz.docx:" in page
    assert "leer.pdf:" in page
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        assert session.scalars(select(Item)).all() == []


def test_a_page_of_a_scan_is_shown_as_an_image(caseworker: TestClient, world: World) -> None:
    from rathaus.core.reading.scans import render_scan  # noqa: PLC0415 - Pillow

    _upload(
        caseworker,
        ("brief.pdf", render_scan("Betreff: Laterne\n\nDie Laterne ist aus.", seed=1), "application/pdf"),
    )
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        document_id = session.scalars(select(ItemDocument.id)).one()
    picture = caseworker.get(f"/posteingang/dokumente/{document_id}/seiten/1")
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG")
    assert caseworker.get(f"/posteingang/dokumente/{document_id}/seiten/2").status_code == 404
