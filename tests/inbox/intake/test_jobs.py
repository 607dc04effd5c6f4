"""The intake jobs run by the real job runner: the recurring poll and drop-folder sweeps, and "poll now"."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.db import open_session, utcnow
from rathaus.core.jobs import Job, JobStatus, enqueue
from rathaus.core.schedule import schedule_due
from rathaus.core.worker import JobRunner
from rathaus.inbox.config import InboxSettings
from rathaus.inbox.jobs import FOLDER, POLL, queue_poll
from rathaus.inbox.models import Item, Mailbox
from rathaus.modules import Settings
from tests import servers
from tests.inbox.intake.conftest import Scope, add_mailbox, append, mail


def _run(sessions: sessionmaker[Session], settings: Settings, job_id: int) -> Job:
    JobRunner(sessions=sessions, settings=settings).execute(job_id)
    with open_session(sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def test_the_sweeps_are_scheduled_in_every_tenant(sessions: sessionmaker[Session], tenant_id: int) -> None:
    with open_session(sessions) as session:
        kinds = {(job.kind, job.tenant_id) for job in schedule_due(session=session, now=utcnow())}
    assert {(POLL, tenant_id), (FOLDER, tenant_id)} <= kinds


def test_poll_now_takes_the_mail_in_and_queues_its_reading(
    imap: servers.DovecotServer,
    scope: Scope,
    settings: Settings,
    sessions: sessionmaker[Session],
    tenant_id: int,
) -> None:
    append(imap, mail())
    mailbox_id = add_mailbox(scope, settings, imap)
    with scope() as session:
        job_id = queue_poll(session=session, tenant_id=tenant_id, mailbox_id=mailbox_id)
    job = _run(sessions, settings, job_id)
    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.result is not None
    [polled] = job.result["mailboxes"]
    assert (polled["mailbox_id"], polled["taken"], polled["error"]) == (mailbox_id, 1, None)
    with scope() as session:
        [item] = session.scalars(select(Item)).all()
        assert polled["item_ids"] == [item.id]
        reading = session.scalars(select(Job).where(Job.kind == "inbox.process")).all()
        assert [job.params for job in reading] == [{"item_id": item.id}]


def test_the_recurring_poll_leaves_recently_polled_mailboxes_alone(
    imap: servers.DovecotServer,
    scope: Scope,
    settings: Settings,
    sessions: sessionmaker[Session],
    tenant_id: int,
) -> None:
    mailbox_id = add_mailbox(scope, settings, imap)
    with scope() as session:
        first = enqueue(session=session, kind=POLL, params={}, tenant_id=tenant_id).id
    assert _run(sessions, settings, first).result == {
        "mailboxes": [
            {
                "mailbox_id": mailbox_id,
                "name": "Poststelle",
                "taken": 0,
                "ignored": 0,
                "duplicates": 0,
                "failed": 0,
                "skipped": 0,
                "item_ids": [],
                "error": None,
                "warnings": [],
            },
        ]
    }
    append(imap, mail())
    with scope() as session:
        second = enqueue(session=session, kind=POLL, params={}, tenant_id=tenant_id).id
    assert _run(sessions, settings, second).result == {"mailboxes": []}  # polled a moment ago
    with scope() as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        mailbox.last_polled_at = utcnow().replace(year=2020)
        third = enqueue(session=session, kind=POLL, params={}, tenant_id=tenant_id).id
    assert _run(sessions, settings, third).result["mailboxes"][0]["taken"] == 1  # type: ignore[index]


def test_the_folder_sweep_reads_the_tenants_folder(
    tmp_path: Path, settings: Settings, sessions: sessionmaker[Session], tenant_id: int, scope: Scope
) -> None:
    drop = tmp_path / "scanner"
    (drop / "stadt-post").mkdir(parents=True)
    (drop / "andere-stadt").mkdir()
    for folder in ("stadt-post", "andere-stadt"):
        path = drop / folder / "brief.eml"
        path.write_bytes(mail())
        os.utime(path, (time.time() - 60, time.time() - 60))
    with_folder = settings.model_copy(update={"inbox": InboxSettings(drop_folder=drop)})
    with scope() as session:
        job_id = enqueue(session=session, kind=FOLDER, params={}, tenant_id=tenant_id).id
    job = _run(sessions, with_folder, job_id)
    assert job.status is JobStatus.SUCCEEDED, job.error
    assert job.result is not None
    assert (job.result["taken"], job.result["folder"]) == (1, str(drop / "stadt-post"))
    assert (drop / "stadt-post" / "erledigt" / "brief.eml").exists()
    assert (drop / "andere-stadt" / "brief.eml").exists()  # another tenant's folder is not touched
    with scope() as session:
        unconfigured = enqueue(session=session, kind=FOLDER, params={}, tenant_id=tenant_id).id
    assert _run(sessions, settings, unconfigured).result == {"configured": False}
