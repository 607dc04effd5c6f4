"""The start page of the module Governance: only for its role, and honest that the module is being built."""

from __future__ import annotations

from fastapi.testclient import TestClient

from rathaus.core.security.models import Role
from tests.conftest import World, login
from tests.factories import make_member


def test_the_page_says_the_module_is_being_built(client: TestClient, world: World) -> None:
    make_member(world.sessions, world.tenant_a_id, "berechtigt", Role.REVIEWER)
    login(client, "berechtigt")
    page = client.get("/governance")
    assert page.status_code == 200
    assert "<h1>Governance</h1>" in page.text
    assert "in Vorbereitung" in page.text


def test_another_role_is_refused(client: TestClient, world: World) -> None:
    make_member(world.sessions, world.tenant_a_id, "andere-rolle", Role.CASEWORKER)
    login(client, "andere-rolle")
    assert client.get("/governance").status_code == 403
    assert 'href="/governance"' not in client.get("/").text
