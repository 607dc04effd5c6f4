"""The editor lists the items without a recognised result first, linking to them."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rathaus.core.db import open_session
from rathaus.minutes.models import AgendaItem
from rathaus.minutes.text.decisions import NO_RESULT
from tests.conftest import csrf_from, login
from tests.minutes.conftest import CLERK, MinutesWorld


@pytest.fixture
def clerk(client: TestClient, minutes_world: MinutesWorld) -> TestClient:
    login(client, CLERK)
    return client


def _decided(minutes_world: MinutesWorld) -> dict[str, int]:
    """As after the decisions stage: 1 and 2.1 without a result, 2 decided, 3 not looked at."""
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        items = {i.number: i for i in session.scalars(select(AgendaItem).order_by(AgendaItem.order))}
        none = {"method": "none", "reason": NO_RESULT, "motions": [], "evidence": []}
        items["1"].decision_details = none
        items["2.1"].decision_details = dict(none)
        items["2"].result = "mehrheitlich zugestimmt"
        items["2"].decision_details = {
            "method": "rule",
            "reason": "Abstimmungsergebnis aus der Äußerung: „Das ist eine deutliche Mehrheit.“",
            "motions": [],
            "evidence": [],
        }
        session.flush()
        return {number: item.id for number, item in items.items()}


def _review_list(page: str) -> str:
    found = re.search(r'<nav aria-labelledby="pruefen-titel".*?</nav>', page, re.DOTALL)
    assert found is not None, "no review list on the page"
    return found.group(0)


def test_items_without_a_result_are_listed_first_with_links(
    clerk: TestClient, minutes_world: MinutesWorld
) -> None:
    ids = _decided(minutes_world)
    meeting_id = minutes_world.meeting_id
    page = clerk.get(f"/protokolle/{meeting_id}/bearbeiten").text
    listed = _review_list(page)
    assert '<h2 id="pruefen-titel">Bitte prüfen: Punkte ohne erkanntes Ergebnis</h2>' in listed
    assert "Für 2 Punkte" in listed
    links = re.findall(r'<a href="#top-(\d+)">TOP ([\d.]+) ', listed)
    assert links == [(str(ids["1"]), "1"), (str(ids["2.1"]), "2.1")]
    # the list comes before the items it links to, and every link has its target
    assert page.index("pruefen-titel") < page.index('id="tops"')
    for item_id, _number in links:
        assert f'<article id="top-{item_id}"' in page
    # the reason stands at the result field, tied to it for screen readers
    hint = f'id="f-ergebnis-{ids["2"]}-hint"'
    assert hint in page
    assert "Protokollhilfe: Abstimmungsergebnis aus der Äußerung" in page
    assert f'aria-describedby="f-ergebnis-{ids["2"]}-hint"' in page
    assert f'<p class="hint" id="f-ergebnis-{ids["1"]}-hint">Protokollhilfe: {NO_RESULT}</p>' in page

    # once the clerk enters the result, the item leaves the list
    token = csrf_from(clerk, f"/protokolle/{meeting_id}/bearbeiten")
    clerk.post(
        f"/protokolle/{meeting_id}/text/{ids['1']}",
        data={"csrf_token": token, "text": "", "beschluss": "", "ergebnis": "Kenntnisnahme"},
    )
    listed = _review_list(clerk.get(f"/protokolle/{meeting_id}/bearbeiten").text)
    assert re.findall(r'<a href="#top-(\d+)">', listed) == [str(ids["2.1"])]
    assert "Für 1 Punkt hat" in listed


def test_no_review_list_before_the_decisions_stage(clerk: TestClient, minutes_world: MinutesWorld) -> None:
    page = clerk.get(f"/protokolle/{minutes_world.meeting_id}/bearbeiten").text
    assert "Wortlaut und Entwurf prüfen" in page
    assert "Bitte prüfen: Punkte ohne erkanntes Ergebnis" not in page
