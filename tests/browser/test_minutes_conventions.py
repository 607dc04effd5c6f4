"""A clerk sets the customs of a council in the browser: from the Protokollhilfe's navigation to the
body's page, chair elected (the mayor does not chair), a joint faction, numbering, result wording;
axe-core on the list, the page and its error state; the same form works without JavaScript."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.security.models import Role, Tenant
from rathaus.minutes import conventions, service
from rathaus.minutes.models import Organization
from tests.browser.conftest import HOME_TENANT, LiveServer, check_accessibility, log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

CLERK = "protokoll-gremien"
BODY = "Rat der Stadt Anfangsort"


@pytest.fixture(scope="module")
def body_id(live_server: LiveServer) -> int:
    """A clerk and one meeting of the council with its attendees (factions as roles)."""
    with open_session(live_server.context.sessions) as session:
        tenant = session.scalars(select(Tenant).where(Tenant.name == HOME_TENANT)).one()
        clerk = make_user(session, tenant, CLERK, roles={Role.MINUTES_CLERK})
        tenant_id, actor = tenant.id, Actor(id=clerk.id, name=CLERK)
    with open_session(live_server.context.sessions, tenant_id=tenant_id) as session:
        meeting = service.create_meeting(
            session=session,
            tenant_id=tenant_id,
            actor=actor,
            data=service.MeetingInput(
                name="31. Sitzung des Rates", session_date=date(2025, 5, 15), organization=BODY
            ),
        )
        service.set_agenda(
            session=session, meeting=meeting, entries=service.parse_agenda("1 Eröffnung"), actor=actor
        )
        service.set_attendees(
            session=session,
            meeting=meeting,
            actor=actor,
            attendees=service.parse_attendees(
                "Dr. Helga Brandt; Ratsvorsitzende\nPetra Lindner; Oberbürgermeisterin\nAnke Krause; SPD/Volt"
            ),
        )
        assert meeting.organization_id is not None
        return meeting.organization_id


def _stored(live_server: LiveServer, body_id: int) -> conventions.CouncilConventions | None:
    with open_session(live_server.context.sessions) as session:
        return conventions.stored_conventions(session.get(Organization, body_id))


def test_the_clerk_sets_the_customs_of_a_council(page: Page, live_server: LiveServer, body_id: int) -> None:
    log_in(page, CLERK)
    page.goto("/protokolle")
    page.get_by_role("link", name="Gremien und ihre Gepflogenheiten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gremien und ihre Gepflogenheiten")
    check_accessibility(page)
    page.get_by_role("link", name=BODY).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Gepflogenheiten: {BODY}")
    expect(page.get_by_role("status")).to_contain_text("Noch nicht gespeichert")
    # suggested from the meeting: the chair by role, the mayor not chairing, the joint faction whole
    expect(page.get_by_label("Vorsitz und Stellvertretung")).to_have_value("Dr. Helga Brandt")
    mayor = page.get_by_role("group", name="Führt die (Ober-)Bürgermeisterin oder der (Ober-)Bürgermeister")
    expect(mayor.get_by_role("radio", name="Nein")).to_be_checked()
    expect(page.get_by_role("group", name="Fraktion 1", exact=True).get_by_label("Name")).to_have_value(
        "SPD/Volt"
    )
    check_accessibility(page)

    page.get_by_label("Vorsitz und Stellvertretung").fill("Dr. Helga Brandt\nJonas Weber")
    new_row = page.get_by_role("group", name="Neue Fraktion 1", exact=True)
    new_row.get_by_label("Name").fill("CDU/FDP")
    new_row.get_by_label("Weitere Schreibweisen").fill("Gruppe CDU/FDP")
    page.get_by_role("radio", name="Änderungsanträge unter ihrem Antrag").check()
    page.get_by_label("Einstimmig zugestimmt").fill("einstimmig beschlossen")
    page.get_by_role("button", name="Gepflogenheiten speichern").click()
    expect(page.get_by_role("status")).to_contain_text("wurden gespeichert")
    expect(
        page.get_by_role("group", name="Fraktion 2", exact=True).get_by_label(
            "Mitglieder einer gemeinsamen Fraktion"
        )
    ).to_have_value("CDU, FDP")
    check_accessibility(page)
    stored = _stored(live_server, body_id)
    assert stored is not None
    assert stored.chairs == ("Dr. Helga Brandt", "Jonas Weber")
    assert stored.mayor_chairs is False
    assert [(f.name, f.members) for f in stored.factions] == [
        ("SPD/Volt", ("SPD", "Volt")),
        ("CDU/FDP", ("CDU", "FDP")),
    ]
    assert stored.numbering == "amendments"
    assert stored.result_wording == {"einstimmig": "einstimmig beschlossen"}

    # an error: the same faction twice – German message, announced, the input kept
    page.get_by_role("group", name="Neue Fraktion 1", exact=True).get_by_label("Name").fill("SPD/Volt")
    page.get_by_role("button", name="Gepflogenheiten speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Die Fraktion „SPD/Volt“ steht mehrfach in der Liste.")
    expect(page.get_by_label("Vorsitz und Stellvertretung")).to_have_value("Dr. Helga Brandt\nJonas Weber")
    check_accessibility(page)


def test_the_form_works_without_javascript(
    no_js_context: BrowserContext, live_server: LiveServer, body_id: int
) -> None:
    page = no_js_context.new_page()
    log_in(page, CLERK)
    page.goto(f"/protokolle/gremien/{body_id}")
    page.get_by_label("Ortsnamen").fill("Anfangsort\nStadt Anfangsort")
    page.get_by_role("button", name="Gepflogenheiten speichern").click()
    expect(page.get_by_role("status")).to_contain_text("wurden gespeichert")
    stored = _stored(live_server, body_id)
    assert stored is not None
    assert stored.place_names == ("Anfangsort", "Stadt Anfangsort")
