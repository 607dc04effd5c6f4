"""Login, logout, wrong passwords, lockout, CSRF and expired sessions through the real app."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import select

from rathaus.core.audit.models import AuditEvent
from rathaus.core.security.models import User
from tests.conftest import World, csrf_from, login


def test_login_and_logout(client: TestClient, world: World) -> None:
    login(client, world.admin_a)
    start = client.get("/")
    assert start.status_code == 200
    assert "Stadt Anfangsort" in start.text
    token = csrf_from(client)
    response = client.post("/abmelden", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/anmelden")


def test_wrong_password_is_refused_in_german(client: TestClient, world: World) -> None:
    token = csrf_from(client, "/anmelden")
    response = client.post(
        "/anmelden", data={"username": world.admin_a, "password": "falsch", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "Benutzername oder Passwort ist falsch." in response.text


def test_account_locks_after_repeated_failures(client: TestClient, world: World) -> None:
    token = csrf_from(client, "/anmelden")
    statuses = [
        client.post(
            "/anmelden", data={"username": world.admin_b, "password": "falsch", "csrf_token": token}
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 423]
    # even the right password is refused while the lock lasts
    locked = client.post(
        "/anmelden",
        data={"username": world.admin_b, "password": "richtig-langes-passwort", "csrf_token": token},
    )
    assert locked.status_code == 423
    assert "vorübergehend gesperrt" in locked.text
    with world.sessions() as session:
        user = session.scalar(select(User).where(User.username == world.admin_b))
        assert user is not None
        assert user.locked_until is not None
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "user.locked")) is not None


def test_login_without_csrf_token_is_refused(client: TestClient, world: World) -> None:
    response = client.post(
        "/anmelden", data={"username": world.admin_a, "password": "richtig-langes-passwort"}
    )
    assert response.status_code == 403
    assert "Sicherheitsmerkmal fehlt" in response.text


def test_expired_session_redirects_with_message(
    client: TestClient, world: World, app_context: object
) -> None:
    login(client, world.admin_a)
    client.app.state.context.settings.security.session_max_age = 60  # type: ignore[attr-defined]
    original = time.time
    try:
        time.time = lambda: original() + 120  # the session was issued two minutes "ago"
        response = client.get("/", follow_redirects=False)
    finally:
        time.time = original
    assert response.status_code == 303
    assert "abgelaufen=1" in response.headers["location"]
    page = client.get(response.headers["location"])
    assert "Ihre Sitzung ist abgelaufen" in page.text


def test_open_redirect_is_not_followed(client: TestClient, world: World) -> None:
    token = csrf_from(client, "/anmelden")
    response = client.post(
        "/anmelden",
        data={
            "username": world.admin_a,
            "password": "richtig-langes-passwort",
            "csrf_token": token,
            "weiter": "//boese.example",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"
