"""The start page: modules, running jobs and, for minutes clerks, the deadlines of open minutes."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session, utcnow
from rathaus.core.security.models import Role, Tenant
from rathaus.minutes import service, workflow
from tests.conftest import World, login
from tests.factories import make_user

LATE = "Sitzung des Rates (spät)"
APPROVED = "Sitzung des Bauausschusses (freigegeben)"
FRESH = "Sitzung des Sozialausschusses (heute)"
OTHER = "Sitzung in Bergdorf"


def _working_days_ago(days: int) -> date:
    day = datetime.now(ZoneInfo("Europe/Berlin")).date()
    while days:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _meeting(world: World, tenant_id: int, name: str, day: date, *, approve: bool = False) -> int:
    actor = Actor(id=None, name="test")
    with open_session(world.sessions, tenant_id=tenant_id) as session:
        meeting = service.create_meeting(
            session=session,
            tenant_id=tenant_id,
            actor=actor,
            data=service.MeetingInput(name=name, session_date=day),
        )
        if approve:
            workflow.submit_for_review(session=session, meeting=meeting, actor=actor)
            workflow.approve(
                session=session,
                meeting=meeting,
                actor=actor,
                chair_name="Bürgermeisterin Albers",
                retention_days=30,
                now=utcnow(),
            )
        return meeting.id


def _clerks(world: World) -> None:
    with open_session(world.sessions) as session:
        for tenant_id, username, roles in (
            (world.tenant_a_id, "protokoll-a", {Role.MINUTES_CLERK}),
            (world.tenant_b_id, "protokoll-b", {Role.MINUTES_CLERK}),
            (world.tenant_a_id, "sachbearbeitung-a", {Role.CASEWORKER}),
        ):
            tenant = session.get(Tenant, tenant_id)
            assert tenant is not None
            make_user(session, tenant, username, roles=roles)


def _deadlines(client: TestClient) -> str | None:
    """The Fristen panel of the start page as plain text (None when the page has none)."""
    page = client.get("/")
    assert page.status_code == 200
    match = re.search(r'<section aria-labelledby="deadlines-heading".*?</section>', page.text, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", match.group(0)).split()) if match else None


def test_clerk_sees_open_minutes_with_overdue_ones_flagged(client: TestClient, world: World) -> None:
    _clerks(world)
    late_day = _working_days_ago(10)
    late_id = _meeting(world, world.tenant_a_id, LATE, late_day)
    _meeting(world, world.tenant_a_id, APPROVED, _working_days_ago(10), approve=True)
    fresh_id = _meeting(world, world.tenant_a_id, FRESH, datetime.now(ZoneInfo("Europe/Berlin")).date())
    _meeting(world, world.tenant_b_id, OTHER, _working_days_ago(12))
    due = workflow.due_date(session_date=late_day, state="NI")
    days = (datetime.now(ZoneInfo("Europe/Berlin")).date() - due).days

    login(client, "protokoll-a")
    panel = _deadlines(client)
    assert panel is not None
    assert panel.startswith("Fristen 2 offene Niederschriften, davon 1 überfällig.")
    assert (
        f"{LATE} ({late_day:%d.%m.%Y}, Entwurf) – überfällig seit {days} Tagen, "
        f"fällig war sie am {due:%d.%m.%Y}"
    ) in panel
    assert f"{FRESH} (" in panel
    assert "fällig am" in panel.split(FRESH, 1)[1]
    assert "überfällig seit" not in panel.split(FRESH, 1)[1]
    assert APPROVED not in panel
    assert OTHER not in panel
    page = client.get("/").text
    assert f'<a href="/protokolle/{late_id}">{LATE}</a>' in page
    assert f'<a href="/protokolle/{fresh_id}">{FRESH}</a>' in page
    # the overdue one is listed first (earliest due)
    assert page.index(LATE) < page.index(FRESH)


def test_clerk_of_another_tenant_sees_only_their_own(client: TestClient, world: World) -> None:
    _clerks(world)
    _meeting(world, world.tenant_a_id, LATE, _working_days_ago(10))
    login(client, "protokoll-b")
    assert _deadlines(client) == "Fristen Keine offenen Niederschriften."
    other_day = _working_days_ago(12)
    _meeting(world, world.tenant_b_id, OTHER, other_day)
    panel = _deadlines(client)
    assert panel is not None
    assert OTHER in panel
    assert "überfällig seit" in panel
    assert LATE not in panel


def test_users_without_the_clerk_role_see_no_deadlines(client: TestClient, world: World) -> None:
    _clerks(world)
    _meeting(world, world.tenant_a_id, LATE, _working_days_ago(10))
    login(client, "sachbearbeitung-a")
    assert _deadlines(client) is None
    assert LATE not in client.get("/").text


def test_admins_hold_the_clerk_role_and_see_the_deadlines(client: TestClient, world: World) -> None:
    _meeting(world, world.tenant_b_id, OTHER, _working_days_ago(10))
    login(client, world.admin_b)
    panel = _deadlines(client)
    assert panel is not None
    assert OTHER in panel
