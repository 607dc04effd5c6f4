"""The start page of the module Terminvergabe: only for its role."""

from __future__ import annotations

from fastapi.testclient import TestClient

from rathaus.core.security.models import Role
from tests.conftest import World, login
from tests.factories import make_member


def test_the_page_says_when_there_is_no_location_yet(client: TestClient, world: World) -> None:
    make_member(world.sessions, world.tenant_a_id, "berechtigt", Role.CASEWORKER)
    login(client, "berechtigt")
    page = client.get("/termine")
    assert page.status_code == 200
    assert "<h1>Terminvergabe</h1>" in page.text
    assert "Es sind noch keine Standorte angelegt." in page.text


def test_another_role_is_refused(client: TestClient, world: World) -> None:
    make_member(world.sessions, world.tenant_a_id, "andere-rolle", Role.MINUTES_CLERK)
    login(client, "andere-rolle")
    assert client.get("/termine").status_code == 403
    assert 'href="/termine"' not in client.get("/").text
