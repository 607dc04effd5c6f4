"""A reply drafted in the Posteingang, downloaded as a letter through the platform's letter templates."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf
import pytest
from docx import Document
from fastapi.testclient import TestClient
from pdfminer.high_level import extract_text

from rathaus.app import create_app
from rathaus.core.db import open_session
from rathaus.core.letters import service as letters
from rathaus.web.context import AppContext
from tests.conftest import csrf_from, login
from tests.inbox.reply_world import CASEWORKER, ReplyWorld, context_for, reply_world

__all__ = ["reply_world"]


@pytest.fixture
def caseworker(app_context: AppContext, reply_world: ReplyWorld) -> Iterator[TestClient]:
    with TestClient(
        create_app(context=context_for(app_context, None)), base_url="http://127.0.0.1"
    ) as client:
        login(client, CASEWORKER)
        yield client


def _draft(client: TestClient, item_id: int) -> int:
    page_url = f"/posteingang/eingaenge/{item_id}/antwort"
    token = csrf_from(client, page_url)
    page = client.post(f"{page_url}/entwerfen", data={"csrf_token": token}, follow_redirects=True).text
    return int(page.split('name="antwort" value="', 1)[1].split('"', 1)[0])


def _text(pdf: bytes) -> str:
    return " ".join(extract_text(io.BytesIO(pdf)).split())


def test_the_reply_downloads_as_a_letter_from_the_approved_template(
    caseworker: TestClient, reply_world: ReplyWorld
) -> None:
    with open_session(reply_world.sessions) as session:
        letters.ensure_defaults(session=session, tenant_id=reply_world.tenant_id, actor=reply_world.actor)
    item_id = reply_world.letter_id  # a paper letter with a postal address
    reply_id = _draft(caseworker, item_id)
    page = caseworker.get(f"/posteingang/eingaenge/{item_id}/antwort")
    link = f"/posteingang/eingaenge/{item_id}/antwort/brief.pdf?antwort={reply_id}"
    assert f'href="{link}"' in page.text

    pdf = caseworker.get(link)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert f'filename="antwort-eingang-{item_id}.pdf"' in pdf.headers["content-disposition"]
    with pikepdf.open(io.BytesIO(pdf.content)) as document:
        assert document.open_metadata().get("pdfaid:conformance") == "B"
    text = _text(pdf.content)
    assert "Herr Max Becker Hauptstraße 5 12345 Anfangsort" in text  # the address window
    assert "66.20-2025-17" in text
    assert text.count("Sehr geehrter Herr Becker,") == 1
    assert text.count("Mit freundlichen Grüßen") == 1
    assert "Stadt Anfangsort" in text

    docx = caseworker.get(f"/posteingang/eingaenge/{item_id}/antwort/brief.docx?antwort={reply_id}")
    assert docx.status_code == 200
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "Sehr geehrter Herr Becker," in paragraphs
    assert "Antrag auf Sondernutzung (Zeichen 66.20-2025-17)" in paragraphs  # the subject, without "AW:"


def test_without_an_approved_template_the_letter_is_refused_in_german(
    caseworker: TestClient, reply_world: ReplyWorld
) -> None:
    reply_id = _draft(caseworker, reply_world.item_id)
    response = caseworker.get(
        f"/posteingang/eingaenge/{reply_world.item_id}/antwort/brief.pdf?antwort={reply_id}",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Für Antwortschreiben ist keine Briefvorlage freigegeben." in response.text
    other = caseworker.get(f"/posteingang/eingaenge/{reply_world.item_id}/antwort/brief.pdf?antwort=999999")
    assert other.status_code == 404
