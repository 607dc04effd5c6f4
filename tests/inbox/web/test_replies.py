"""The reply pages: draft, edit, a two-step send that delivers exactly the confirmed text, text blocks."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from rathaus.app import create_app
from rathaus.core.security.models import Role
from rathaus.web.context import AppContext
from tests.conftest import csrf_from, login
from tests.factories import make_member
from tests.inbox.reply_world import (
    CASEWORKER,
    ReplyWorld,
    context_for,
    import_demo_sources,
    reply_world,
    smtp,
)
from tests.servers import SmtpServer

__all__ = ["reply_world", "smtp"]


@pytest.fixture
def caseworker(app_context: AppContext, reply_world: ReplyWorld, smtp: SmtpServer) -> Iterator[TestClient]:
    import_demo_sources(reply_world.sessions, reply_world.tenant_id)
    with TestClient(
        create_app(context=context_for(app_context, smtp)), base_url="http://127.0.0.1"
    ) as client:
        login(client, CASEWORKER)
        yield client


def _field(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, name
    return match.group(1)


def test_draft_edit_confirm_and_send(
    caseworker: TestClient, reply_world: ReplyWorld, smtp: SmtpServer
) -> None:
    page_url = f"/posteingang/eingaenge/{reply_world.item_id}/antwort"
    page = caseworker.get(page_url)
    assert page.status_code == 200
    assert "Entwurf erstellen" in page.text
    assert "erika.mueller@example.org" in page.text
    assert 'for="b-eingangsbestaetigung"' in page.text

    token = csrf_from(caseworker, page_url)
    drafted = caseworker.post(f"{page_url}/entwerfen", data={"csrf_token": token}, follow_redirects=True)
    assert drafted.status_code == 200
    assert "Der Entwurf ist erstellt" in drafted.text
    assert '<label for="f-text">Text der Antwort' in drafted.text
    assert "Neu entwerfen" in drafted.text
    assert "[1] Reisepass beantragen – Beschreibung" in drafted.text  # the cited source, listed
    assert "Eingangsbestätigung (Fassung 1)" in drafted.text
    assert "Interne Hinweise (nur für Sie, nicht im Entwurf)" in drafted.text
    assert "Dienstanweisung Reisepass" in drafted.text
    reply_id = _field(drafted.text, "antwort")

    text = "Sehr geehrte Frau Müller,\n\nIhr Reisepass-Antrag ist eingegangen.\n\nMit freundlichen Grüßen"
    to_confirm = caseworker.post(
        f"{page_url}/speichern",
        data={
            "csrf_token": token,
            "antwort": reply_id,
            "betreff": "Ihr Reisepass",
            "text": text,
            "aktion": "senden",
        },
        follow_redirects=True,
    )
    assert to_confirm.status_code == 200
    assert "<h1>Antwort senden?</h1>" in to_confirm.text
    assert "erika.mueller@example.org" in to_confirm.text
    assert "Ihr Reisepass" in to_confirm.text
    assert "Ihr Reisepass-Antrag ist eingegangen." in to_confirm.text
    assert smtp.messages == []  # drafting, saving and the confirmation page send nothing

    stale = caseworker.post(
        f"{page_url}/senden",
        data={"csrf_token": token, "antwort": reply_id, "stand": "0" * 64},
        follow_redirects=True,
    )
    assert "inzwischen geändert" in stale.text
    assert smtp.messages == []

    sent = caseworker.post(
        f"{page_url}/senden",
        data={"csrf_token": token, "antwort": reply_id, "stand": _field(to_confirm.text, "stand")},
        follow_redirects=True,
    )
    assert "Die Antwort an erika.mueller@example.org ist gesendet." in sent.text
    [received] = smtp.messages
    assert received.message().get_content() == text + "\n"
    assert received.message()["Subject"] == "Ihr Reisepass"
    assert "Gesendete Antworten" in sent.text

    again = caseworker.post(
        f"{page_url}/senden",
        data={"csrf_token": token, "antwort": reply_id, "stand": _field(to_confirm.text, "stand")},
        follow_redirects=True,
    )
    assert "bereits gesendet" in again.text
    assert len(smtp.messages) == 1


def test_a_failed_send_is_shown_and_kept(
    caseworker: TestClient, reply_world: ReplyWorld, smtp: SmtpServer
) -> None:
    page_url = f"/posteingang/eingaenge/{reply_world.item_id}/antwort"
    token = csrf_from(caseworker, page_url)
    drafted = caseworker.post(f"{page_url}/entwerfen", data={"csrf_token": token}, follow_redirects=True)
    reply_id = _field(drafted.text, "antwort")
    confirm = caseworker.get(f"{page_url}/senden?antwort={reply_id}")
    smtp.refuse = "no"
    failed = caseworker.post(
        f"{page_url}/senden",
        data={"csrf_token": token, "antwort": reply_id, "stand": _field(confirm.text, "stand")},
        follow_redirects=True,
    )
    assert "Die Antwort wurde nicht gesendet" in failed.text
    assert "Nicht gesendet:" in failed.text
    assert 'name="text"' in failed.text
    assert smtp.messages == []


def test_a_letter_by_post_cannot_be_sent(caseworker: TestClient, reply_world: ReplyWorld) -> None:
    page_url = f"/posteingang/eingaenge/{reply_world.letter_id}/antwort"
    token = csrf_from(caseworker, page_url)
    drafted = caseworker.post(f"{page_url}/entwerfen", data={"csrf_token": token}, follow_redirects=True)
    assert "keine E-Mail-Adresse" in drafted.text
    confirm = caseworker.get(f"{page_url}/senden?antwort={_field(drafted.text, 'antwort')}")
    assert "Dieser Eingang hat keine E-Mail-Adresse" in confirm.text
    assert "Jetzt senden" not in confirm.text


def test_text_blocks_are_created_and_edited_as_versions(caseworker: TestClient) -> None:
    token = csrf_from(caseworker, "/posteingang/textbausteine")
    created = caseworker.post(
        "/posteingang/textbausteine",
        data={
            "csrf_token": token,
            "titel": "Terminhinweis",
            "text": "Bitte buchen Sie einen Termin.",
            "position": "",
        },
        follow_redirects=True,
    )
    assert "Der Textbaustein „Terminhinweis“ ist angelegt." in created.text
    assert 'href="/posteingang/textbausteine/terminhinweis"' in created.text
    edited = caseworker.post(
        "/posteingang/textbausteine/terminhinweis",
        data={"csrf_token": token, "titel": "Terminhinweis", "text": "Bitte buchen Sie online einen Termin."},
        follow_redirects=True,
    )
    assert "Fassung 2 von „Terminhinweis“ ist gespeichert." in edited.text
    assert "Fassung 2 (aktuell)" in edited.text
    assert "Fassung 1:" in edited.text
    assert "Bitte buchen Sie einen Termin." in edited.text  # the old wording stays visible
    assert caseworker.get("/posteingang/textbausteine/gibt-es-nicht").status_code == 404


def test_other_roles_and_other_tenants_get_nothing(
    app_context: AppContext, reply_world: ReplyWorld, smtp: SmtpServer
) -> None:
    make_member(reply_world.sessions, reply_world.tenant_id, "protokoll", Role.MINUTES_CLERK)
    make_member(reply_world.sessions, reply_world.other_tenant_id, "bergdorf", Role.CASEWORKER)
    with TestClient(
        create_app(context=context_for(app_context, smtp)), base_url="http://127.0.0.1"
    ) as client:
        login(client, "protokoll")
        assert client.get(f"/posteingang/eingaenge/{reply_world.item_id}/antwort").status_code == 403
        assert client.get("/posteingang/textbausteine").status_code == 403
    with TestClient(
        create_app(context=context_for(app_context, smtp)), base_url="http://127.0.0.1"
    ) as client:
        login(client, "bergdorf")
        assert client.get(f"/posteingang/eingaenge/{reply_world.item_id}/antwort").status_code == 404
        assert client.get("/posteingang/textbausteine/abschluss").status_code == 404
