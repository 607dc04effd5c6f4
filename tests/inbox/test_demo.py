"""The Posteingang's demo data: a filing plan from the Konstanz categories, history, new items to read."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.jobs import Job
from rathaus.core.module import DemoInput, DemoResult
from rathaus.inbox import demo, filing
from rathaus.inbox.models import Item, ItemSource, ItemStatus, RoutingModel
from rathaus.modules import Settings
from tests.conftest import World, shared_data
from tests.inbox.stand_ins import register_hashed_words


def _load(sessions: sessionmaker[Session], tenant_id: int, settings: Settings) -> DemoResult:
    with open_session(sessions, tenant_id=tenant_id) as session:
        return demo.load_demo(
            DemoInput(
                session=session,
                tenant_id=tenant_id,
                data_dir=shared_data(),
                actor=Actor.system("demo"),
                settings=settings,
            )
        )


def test_the_demo_builds_a_plan_trains_and_queues_new_letters_and_scans(
    world: World, sessions: sessionmaker[Session], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared_data("konstanz_maengelmelder")
    ai = settings.model_copy(update={"ai": settings.ai.model_copy(update=register_hashed_words(monkeypatch))})
    result = _load(sessions, world.tenant_a_id, ai)
    assert "classifier trained" in result.summary
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        positions = filing.active_positions(session=session)
        assert len(positions) == 24  # 23 Konstanz sub-categories and the council's requests
        titles = {position.title for position in positions}
        assert {"Straßenlaternen defekt", "Fahrrad gefunden", "Anfragen und Anträge aus dem Rat"} <= titles
        units = {unit.name for unit in filing.org_units(session=session)}
        assert "Stadtwerke (Straßenbeleuchtung)" in units
        assert not any("," in name for name in units)  # people named in the source are not departments
        history = session.scalars(select(Item).where(Item.confirmed, Item.status == ItemStatus.CLOSED)).all()
        assert len(history) > 150
        assert session.scalar(select(func.count()).select_from(RoutingModel)) == 1
        new = session.scalars(select(Item).where(Item.status == ItemStatus.RECEIVED)).all()
        assert len(new) == demo.NEW_REPORTS + demo.COUNCIL_REQUESTS
        assert all(item.source is ItemSource.DEMO and item.process_job_id for item in new)
        scans = [item for item in new if item.documents[0].media_type == "application/pdf"]
        assert len(scans) == demo.SCANNED
        jobs = session.scalars(select(Job.id).where(Job.kind == "inbox.process")).all()
        assert sorted(jobs) == sorted(result.job_ids)
        assert len(filing.routing_rule_list(session=session)) == 1
    again = _load(sessions, world.tenant_a_id, ai)
    assert again.summary == "filing plan present, demo data left as it is"
    assert again.job_ids == []
