"""The JSON API: documented, cookie-less (narrow CSRF exemption), rate-limited, clear errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

API = "/api/assistant/stadt-a/ask"


def test_json_answer_with_citations_and_facts(assistant_client: TestClient) -> None:
    response = assistant_client.post(API, json={"question": "Wie lange ist der Reisepass gültig?"})
    assert response.status_code == 200
    body = response.json()
    assert body["answered"] is True
    assert body["mode"] == "extractive"
    assert "zehn Jahre gültig" in body["answer"]
    assert "[1]" in body["answer"]
    assert body["citations"][0]["title"] == "Reisepass beantragen"
    assert body["facts"][0]["fees"] == "70 Euro"
    assert "KI-System" in body["notice"]
    assert isinstance(body["conversation_id"], int)


def test_handover_in_json(assistant_client: TestClient) -> None:
    body = assistant_client.post(API, json={"question": "Wann fährt der Zug nach Paris?"}).json()
    assert body["answered"] is False
    assert body["handover"]["contact_form_url"].startswith("/buerger/stadt-a/assistent/kontakt?gespraech=")


def test_errors_are_german_and_json(assistant_client: TestClient) -> None:
    empty = assistant_client.post(API, json={"question": ""})
    assert empty.status_code == 422
    assert empty.json()["detail"] == "Bitte geben Sie eine Frage ein."
    long = assistant_client.post(API, json={"question": "a" * 10_000})
    assert long.status_code == 422
    assert "zu lang" in long.json()["detail"]
    assert (
        assistant_client.post("/api/assistant/unbekannt/ask", json={"question": "Pass?"}).status_code == 404
    )
    for _ in range(8):
        assistant_client.post(API, json={"question": "Reisepass gültig?"})
    limited = assistant_client.post(API, json={"question": "Reisepass gültig?"})
    assert limited.status_code == 429
    assert "Bitte warten Sie eine Minute" in limited.json()["detail"]
    assert limited.headers["retry-after"] == "60"


def test_csrf_exemption_is_narrow(assistant_client: TestClient) -> None:
    """Only JSON posts to the public ask route skip CSRF; a form post there, or JSON elsewhere, is refused."""
    form = assistant_client.post(API, data={"question": "Reisepass gültig?"})
    assert form.status_code == 403
    other = assistant_client.post("/buerger/stadt-a/assistent/kontakt", json={"name": "x"})
    assert other.status_code == 403
    sneaky = assistant_client.post(API + "/../../../buerger/stadt-a/assistent", json={"frage": "x"})
    assert sneaky.status_code in {403, 404, 405}
    text_plain = assistant_client.post(
        API, content=b'{"question": "Pass?"}', headers={"content-type": "text/plain"}
    )
    assert text_plain.status_code == 403


def test_documented_in_openapi(assistant_client: TestClient) -> None:
    schema = assistant_client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/assistant/{tenant_slug}/ask"]["post"]
    assert operation["summary"] == "Frage an den Bürger-Assistenten"
    assert set(operation["responses"]) >= {"200", "422", "429"}
    assert "AskResponse" in schema["components"]["schemas"]
