"""Saved progress, validation and conditional fields of the citizen form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from rathaus.applications.models import ApplicationDraft
from rathaus.core.db import open_session
from tests.applications.web.flow import BASE, HUNDESTEUER, begin, csrf, step, tiny_pdf, upload
from tests.conftest import World
from tests.servers import SmtpServer


def _link(page_text: str) -> str:
    found = re.search(
        r'href="http://127\.0\.0\.1(/buerger/stadt-a/antraege/fortsetzen/[A-Za-z0-9_-]+)"', page_text
    )
    assert found is not None
    return found.group(1)


def test_a_citizen_continues_in_a_new_browser_with_the_link(client: TestClient, shipped: World) -> None:
    begin(client, "hundesteuer")
    assert step(client, "hundesteuer", "person", HUNDESTEUER["person"]).status_code == 303
    assert step(client, "hundesteuer", "hund", HUNDESTEUER["hund"]).status_code == 303
    assert step(client, "hundesteuer", "verguenstigung", HUNDESTEUER["verguenstigung"]).status_code == 303
    assert (
        upload(
            client, "hundesteuer", "rettungshundepruefung", "pruefung.pdf", tiny_pdf(), "application/pdf"
        ).status_code
        == 200
    )
    later = step(client, "hundesteuer", "abschluss", {}, action="spaeter")
    assert later.status_code == 303
    saved = client.get(later.headers["location"])
    assert "Ihre Angaben sind gespeichert" in saved.text
    link = _link(saved.text)

    client.cookies.clear()  # the browser session is over, the cookie is gone
    assert client.get(f"{BASE}/hundesteuer/schritt/person").status_code == 404
    resumed = client.get(link, follow_redirects=False)
    assert resumed.status_code == 303
    assert resumed.headers["location"].endswith("/hundesteuer/schritt/abschluss")
    person = client.get(f"{BASE}/hundesteuer/schritt/person")
    assert 'value="Erika"' in person.text
    assert 'value="1975-08-12"' in person.text  # typed as 12.08.1975, kept as a date
    attachments = client.get(f"{BASE}/hundesteuer/anlagen")
    assert "pruefung.pdf" in attachments.text


def test_the_link_can_be_mailed(client: TestClient, shipped: World, smtp: SmtpServer) -> None:
    begin(client, "hundesteuer")
    step(client, "hundesteuer", "person", HUNDESTEUER["person"], action="spaeter")
    saved = client.get(f"{BASE}/hundesteuer/gespeichert")
    assert 'value="erika@example.org"' in saved.text
    bad = client.post(f"{BASE}/hundesteuer/link-senden", data={"csrf_token": csrf(saved), "email": "kein-at"})
    assert bad.status_code == 422
    assert "gültige E-Mail-Adresse" in bad.text
    sent = client.post(
        f"{BASE}/hundesteuer/link-senden", data={"csrf_token": csrf(saved), "email": "erika@example.org"}
    )
    assert sent.status_code == 200
    assert "Wir haben den Link an erika@example.org gesendet." in sent.text
    [mail] = smtp.messages
    body = mail.message().get_body().get_content()  # type: ignore[union-attr]
    assert _link(saved.text) in body


def test_wrong_values_give_422_with_german_messages_and_nothing_is_lost(
    client: TestClient, shipped: World
) -> None:
    begin(client, "hundesteuer")
    values = {**HUNDESTEUER["person"], "plz": "7846", "geburtsdatum": "31.02.1975", "vorname": ""}
    answer = step(client, "hundesteuer", "person", values)
    assert answer.status_code == 422
    assert "Fehler: " in answer.text  # in the title
    assert 'id="fehler"' in answer.text
    assert '<a href="#feld-plz">Postleitzahl: Bitte prüfen Sie die Schreibweise.</a>' in answer.text
    assert "Geburtsdatum: Bitte geben Sie ein Datum ein (TT.MM.JJJJ)." in answer.text
    assert "Vorname: Bitte füllen Sie dieses Feld aus." in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert 'value="7846"' in answer.text
    assert 'value="31.02.1975"' in answer.text  # shown again as typed, in a text input
    with open_session(shipped.sessions) as session:
        draft = session.scalars(select(ApplicationDraft)).one()
        assert draft.data["plz"] == "7846"
        assert draft.data["geburtsdatum"] == "31.02.1975"
        assert draft.data["nachname"] == "Mustermann"
    again = client.get(f"{BASE}/hundesteuer/schritt/person")
    assert "Postleitzahl: Bitte prüfen Sie die Schreibweise." in again.text


def test_a_value_outside_the_code_list_is_refused(client: TestClient, shipped: World) -> None:
    begin(client, "hundesteuer")
    answer = step(client, "hundesteuer", "verguenstigung", {"verguenstigung": "alles_frei"})
    assert answer.status_code == 422
    assert "Bitte wählen Sie einen der angebotenen Werte." in answer.text


def test_conditional_fields_appear_after_saving_without_script(client: TestClient, shipped: World) -> None:
    begin(client, "hundesteuer")
    page = client.get(f"{BASE}/hundesteuer/schritt/verguenstigung")
    assert 'id="feld-pruefung_datum-block" hidden' in page.text
    answer = step(
        client, "hundesteuer", "verguenstigung", {"verguenstigung": "befreiung_rettungshund"}, script=False
    )
    assert answer.status_code == 200
    assert "weitere Felder hinzugekommen" in answer.text
    assert 'id="feld-pruefung_datum-block">' in answer.text  # shown now
    assert "error-summary" not in answer.text  # no complaint about a field the citizen has not seen
    missing = step(
        client, "hundesteuer", "verguenstigung", {"verguenstigung": "befreiung_rettungshund"}, script=False
    )
    assert missing.status_code == 422
    assert "Datum der bestandenen Rettungshundeprüfung: Bitte füllen Sie dieses Feld aus." in missing.text
    done = step(
        client,
        "hundesteuer",
        "verguenstigung",
        {"verguenstigung": "befreiung_rettungshund", "pruefung_datum": "10.05.2025"},
        script=False,
    )
    assert done.status_code == 303
    back = step(client, "hundesteuer", "verguenstigung", {"verguenstigung": "keine"}, script=False)
    assert back.status_code == 303
    with open_session(shipped.sessions) as session:
        assert "pruefung_datum" not in session.scalars(select(ApplicationDraft)).one().data


def test_the_live_check_answers_with_messages_and_shown_fields(client: TestClient, shipped: World) -> None:
    first = begin(client, "hundesteuer")
    token = csrf(first)
    answer = client.post(
        f"{BASE}/hundesteuer/pruefen",
        data={"schritt": "verguenstigung", "verguenstigung": "befreiung_hilfe"},
        headers={"X-CSRF-Token": token},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert "feld-merkzeichen" in body["shown"]
    assert "feld-pruefung_datum" in body["hidden"]
    assert body["errors"]["feld-merkzeichen"] == "Bitte füllen Sie dieses Feld aus."
    plz = client.post(
        f"{BASE}/hundesteuer/pruefen",
        data={"schritt": "person", "plz": "abc"},
        headers={"X-CSRF-Token": token},
    ).json()
    assert plz["errors"]["feld-plz"] == "Bitte prüfen Sie die Schreibweise."
    refused = client.post(f"{BASE}/hundesteuer/pruefen", data={"schritt": "person"})
    assert refused.status_code == 403  # no CSRF token


def test_too_many_requests_are_refused_in_german(client: TestClient, shipped: World) -> None:
    answers = [client.get(BASE).status_code for _ in range(61)]
    assert answers[:60] == [200] * 60
    assert answers[60] == 429
    assert "Bitte warten Sie eine Minute" in client.get(BASE).text
