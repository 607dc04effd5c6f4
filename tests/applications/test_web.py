"""The start page of the module Anträge (the queue): only for its role."""

from __future__ import annotations

from fastapi.testclient import TestClient

from rathaus.core.security.models import Role
from tests.conftest import World, login
from tests.factories import make_member


def test_an_empty_queue_says_so(client: TestClient, world: World) -> None:
    make_member(world.sessions, world.tenant_a_id, "berechtigt", Role.CASEWORKER)
    login(client, "berechtigt")
    page = client.get("/antraege")
    assert page.status_code == 200
    assert "<h1>Anträge</h1>" in page.text
    assert "<p>Keine Anträge.</p>" in page.text
    assert "Alle: 0" in page.text
    home = client.get("/").text
    assert "0 geprüft und zu bearbeiten" in home
    assert "keine abgelaufene Frist einer Nachforderung" in home


def test_another_role_is_refused(client: TestClient, world: World) -> None:
    make_member(world.sessions, world.tenant_a_id, "andere-rolle", Role.MINUTES_CLERK)
    login(client, "andere-rolle")
    assert client.get("/antraege").status_code == 403
    assert 'href="/antraege"' not in client.get("/").text
