"""The re-index job: stages with progress, incremental work, stale flags, web pages fetched again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from huey import Huey
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant import service
from rathaus.assistant.jobs import REINDEX
from rathaus.assistant.models import KnowledgeSource
from rathaus.assistant.sources import SourceInput
from rathaus.core.db import open_session, utcnow
from rathaus.core.jobs import Job, JobStatus, enqueue, make_huey
from rathaus.core.worker import JobRunner
from rathaus.modules import Settings
from tests.assistant.stand_ins import EDITOR, new_tenant


@pytest.fixture
def queue(settings: Settings) -> Iterator[Huey]:
    huey = make_huey(settings)
    yield huey
    huey.storage.close()


def run(
    sessions: sessionmaker[Session], settings: Settings, queue: Huey, tenant: int, **params: object
) -> Job:
    with open_session(sessions, tenant_id=tenant) as session:
        job_id = enqueue(session=session, kind=REINDEX, params=params, tenant_id=tenant).id
    lexical_only = settings.model_copy(
        update={"ai": settings.ai.model_copy(update={"embedding_backend": "none"})}
    )
    JobRunner(sessions=sessions, settings=lexical_only, queue=queue).execute(job_id)
    with open_session(sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def test_reindex_job_indexes_changes_in_stages(
    sessions: sessionmaker[Session], settings: Settings, queue: Huey
) -> None:
    tenant = new_tenant(sessions)
    items = [
        SourceInput(kind="document", title=f"Dokument {n}", body=f"Inhalt Nummer {n}.", external_id=f"d{n}")
        for n in range(45)
    ]
    with open_session(sessions, tenant_id=tenant) as session:
        service.import_sources(session=session, tenant_id=tenant, items=items, actor=EDITOR)
        old = session.scalar(select(KnowledgeSource).where(KnowledgeSource.external_id == "d0"))
        assert old is not None
        old.last_changed = utcnow() - timedelta(days=settings.assistant.stale_after_days + 1)

    job = run(sessions, settings, queue, tenant, refetch=False)

    assert job.status is JobStatus.SUCCEEDED
    assert job.progress == 100
    assert job.finished_stages == ["Änderungen ermitteln", "Indexieren 1 von 2", "Indexieren 2 von 2"]
    assert job.result == {
        "sources": 45,
        "chunks": 45,
        "stale": 1,
        "pages_updated": 0,
        "pages_failed": 0,
        "dense": False,
    }
    again = run(sessions, settings, queue, tenant, refetch=False)
    assert again.result is not None
    assert (again.result["sources"], again.result["chunks"]) == (0, 0)
    forced = run(sessions, settings, queue, tenant, refetch=False, force=True)
    assert forced.result is not None
    assert forced.result["chunks"] == 45
