"""Tenants, users and roles through the real admin pages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from rathaus.core.security.models import Role, Tenant, User
from tests.conftest import World, csrf_from, login


def test_superuser_creates_tenants(client: TestClient, world: World) -> None:
    login(client, world.admin_a)
    token = csrf_from(client, "/admin/mandanten")
    for slug, name in (("lk-celle", "Landkreis Celle"), ("stadt-celle", "Stadt Celle")):
        response = client.post(
            "/admin/mandanten", data={"csrf_token": token, "name": name, "slug": slug, "state": "NI"}
        )
        assert response.status_code == 200
        assert f"Mandant „{name}“ wurde angelegt." in response.text
    page = client.get("/admin/mandanten").text
    assert "Landkreis Celle" in page
    assert "Stadt Celle" in page


def test_invalid_tenant_form_keeps_input_and_saves_nothing(client: TestClient, world: World) -> None:
    login(client, world.admin_a)
    token = csrf_from(client, "/admin/mandanten")
    response = client.post(
        "/admin/mandanten",
        data={"csrf_token": token, "name": "Gemeinde Ölsen", "slug": "Gemeinde Ölsen!", "state": "NI"},
    )
    assert response.status_code == 422
    assert "Kleinbuchstaben, Ziffern und Bindestriche" in response.text
    assert 'value="Gemeinde Ölsen"' in response.text
    assert 'aria-invalid="true"' in response.text
    with world.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Tenant)) == 2


def test_tenant_admin_creates_a_user_with_roles(client: TestClient, world: World) -> None:
    login(client, world.admin_b)
    token = csrf_from(client, "/admin/benutzer/neu")
    response = client.post(
        "/admin/benutzer",
        data={
            "csrf_token": token,
            "username": "p.protokoll",
            "full_name": "Paula Protokoll",
            "email": "",
            "password": "ein-langes-startpasswort",
            "roles": ["minutes_clerk", "reviewer"],
            "tenant_id": str(world.tenant_a_id),  # ignored: only platform admins choose the tenant
        },
    )
    assert response.status_code == 200
    assert "Paula Protokoll" in response.text
    with world.sessions() as session:
        user = session.scalar(select(User).where(User.username == "p.protokoll"))
        assert user is not None
        assert user.tenant_id == world.tenant_b_id
        assert user.roles == {Role.MINUTES_CLERK, Role.REVIEWER}


def test_short_password_is_refused(client: TestClient, world: World) -> None:
    login(client, world.admin_b)
    token = csrf_from(client, "/admin/benutzer/neu")
    response = client.post(
        "/admin/benutzer",
        data={"csrf_token": token, "username": "kurz", "full_name": "Kurz", "password": "kurz", "roles": []},
    )
    assert response.status_code == 422
    assert "mindestens 12 Zeichen" in response.text
    with world.sessions() as session:
        assert session.scalar(select(User).where(User.username == "kurz")) is None


def test_user_without_admin_role_is_kept_out(client: TestClient, world: World) -> None:
    login(client, world.admin_b)
    token = csrf_from(client, "/admin/benutzer/neu")
    client.post(
        "/admin/benutzer",
        data={
            "csrf_token": token,
            "username": "s.sach",
            "full_name": "Sam Sach",
            "password": "ein-langes-startpasswort",
            "roles": ["caseworker"],
        },
    )
    client.post("/abmelden", data={"csrf_token": token})
    login(client, "s.sach", "ein-langes-startpasswort")
    assert client.get("/admin/benutzer").status_code == 403
    assert client.get("/protokolle").status_code == 403  # minutes need the minutes clerk role
    assert client.get("/posteingang").status_code == 200
    start = client.get("/").text
    assert "/posteingang" in start
    assert "/protokolle" not in start


def test_deactivated_user_loses_the_session(client: TestClient, world: World) -> None:
    login(client, world.admin_b)
    token = csrf_from(client, "/admin/benutzer/neu")
    client.post(
        "/admin/benutzer",
        data={
            "csrf_token": token,
            "username": "weg",
            "full_name": "Wer Weg",
            "password": "ein-langes-startpasswort",
            "roles": ["reviewer"],
        },
    )
    other = TestClient(client.app, base_url="http://127.0.0.1")
    login(other, "weg", "ein-langes-startpasswort")
    assert other.get("/").status_code == 200
    with world.sessions() as session:
        user_id = session.scalar(select(User.id).where(User.username == "weg"))
    assert client.post(f"/admin/benutzer/{user_id}/sperren", data={"csrf_token": token}).status_code == 200
    assert other.get("/", follow_redirects=False).status_code == 303


def test_platform_admin_manages_accounts_of_every_tenant(client: TestClient, world: World) -> None:
    login(client, world.admin_a)  # platform admin of tenant A
    page = client.get("/admin/benutzer").text
    assert "Konten aller Mandanten" in page
    assert "Test admin-b" in page
    assert "Gemeinde Bergdorf" in page
    with world.sessions() as session:
        user_b = session.scalar(select(User).where(User.username == world.admin_b))
        assert user_b is not None
    token = csrf_from(client, "/admin/benutzer")
    assert client.post(f"/admin/benutzer/{user_b.id}/sperren", data={"csrf_token": token}).status_code == 200
    with world.sessions() as session:
        assert session.get(User, user_b.id).is_active is False  # type: ignore[union-attr]
