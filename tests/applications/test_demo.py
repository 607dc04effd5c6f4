"""The demo data of the Anträge (`rathaus demo`): three shipped types, nine applications queued for the check.

The check of one demo application then runs as the worker runs it, with the real Tesseract OCR.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.applications import catalog
from rathaus.applications.demo import DEMO_CASES, load_demo
from rathaus.applications.jobs import CHECK, local_today
from rathaus.applications.models import Application, ApplicationStatus, Attachment, Finding
from rathaus.applications.samples.suites import suites
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.jobs import Job, JobStatus
from rathaus.core.module import DemoInput, DemoResult
from rathaus.core.storage import StoredFile, blob_path
from rathaus.core.worker import JobRunner
from rathaus.modules import Settings
from tests.conftest import World
from tests.requirements import require_module, require_tool

KANGAL = "Befreiung für einen Kangal beantragt"


def _load(
    sessions: sessionmaker[Session], tenant_id: int, settings: Settings | None, data: Path
) -> DemoResult:
    with open_session(sessions, tenant_id=tenant_id) as session:
        return load_demo(
            DemoInput(
                session=session,
                tenant_id=tenant_id,
                data_dir=data,
                actor=Actor.system("demo"),
                settings=settings,
            )
        )


def _expected_attachments() -> dict[str, int]:
    """The number of attachments of each demo case, by the case's name."""
    cases = {case.name: case for group in suites(local_today()).values() for case in group}
    return {name: len(cases[name].documents) for names in DEMO_CASES.values() for name in names}


def test_the_demo_installs_the_types_and_queues_nine_applications(
    world: World, sessions: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    result = _load(sessions, world.tenant_a_id, settings, tmp_path)  # the demo needs no shared data
    assert result.summary == (
        "3 application types (Konstanz by-laws, CC BY 4.0) and 9 applications queued for the check"
    )
    assert len(result.job_ids) == 9
    expected = _expected_attachments()
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        types = catalog.active_types(session=session)
        assert sorted(row.key for row in types) == ["hundesteuer", "kita-ermaessigung", "sondernutzung"]
        applications = session.scalars(select(Application).order_by(Application.id)).all()
        assert len(applications) == 9
        by_type = dict.fromkeys(DEMO_CASES, 0)
        for application in applications:
            by_type[application.type.key] += 1
            assert application.status == ApplicationStatus.CHECKING
            assert application.check_run == 0
            assert application.tenant_id == world.tenant_a_id
            job = session.get(Job, application.check_job_id)
            assert job is not None
            assert (job.kind, job.status, job.params, job.tenant_id) == (
                CHECK,
                JobStatus.QUEUED,
                {"application_id": application.id},
                world.tenant_a_id,
            )
            for attachment in application.attachments:
                stored = session.get(StoredFile, attachment.file_id)
                assert stored is not None
                assert blob_path(settings.files_dir, stored.sha256).stat().st_size == attachment.size > 1000
                assert attachment.readable is None  # read by the check, not before
        assert by_type == {"hundesteuer": 3, "sondernutzung": 3, "kita-ermaessigung": 3}
        assert sorted(result.job_ids) == sorted(a.check_job_id for a in applications if a.check_job_id)
        # every case's attachments, and none for the case whose point is the missing one
        counts = sorted(len(application.attachments) for application in applications)
        assert counts == sorted(expected.values())
        assert 0 in counts
        assert session.scalar(select(func.count()).select_from(Attachment)) == sum(expected.values())
        assert session.scalar(select(func.count()).select_from(Finding)) == 0
    again = _load(sessions, world.tenant_a_id, settings, tmp_path)
    assert again.summary == "applications present, demo data left as it is"
    assert again.job_ids == []


def test_without_settings_the_demo_installs_only_the_types(
    world: World, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    result = _load(sessions, world.tenant_b_id, None, tmp_path)
    assert result.summary == "application types installed; no demo applications without settings"
    with open_session(sessions, tenant_id=world.tenant_b_id) as session:
        assert len(catalog.active_types(session=session)) == 3
        assert session.scalar(select(func.count()).select_from(Application)) == 0


@pytest.mark.model  # Tesseract's recogniser is a trained model
@pytest.mark.slow
def test_a_queued_demo_check_finds_the_planted_problem(
    world: World, sessions: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    require_module("ocrmypdf", install="pip install -e '.[ai]'")
    require_tool("tesseract", install="apt-get install tesseract-ocr tesseract-ocr-deu")
    _load(sessions, world.tenant_a_id, settings, tmp_path)
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        kangal = session.scalars(
            select(Application).where(Application.data["rasse"].as_string() == "Kangal")
        ).one()
        application_id, job_id = kangal.id, kangal.check_job_id
        assert job_id is not None
    started = time.perf_counter()
    JobRunner(sessions=sessions, settings=settings).execute(job_id)
    assert time.perf_counter() - started < 120
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert job.status == JobStatus.SUCCEEDED, job.error
        application = session.get(Application, application_id)
        assert application is not None
        assert application.status == ApplicationStatus.CHECKED
        assert application.check_run == 1
        [card] = application.attachments
        assert card.readable
        assert card.kind == "schwerbehindertenausweis"
        findings = session.scalars(select(Finding).where(Finding.application_id == application_id)).all()
        assert [(f.rule_id, f.paragraph, f.severity) for f in findings] == [
            ("hst.listenhund-befreiung", "§ 6 Abs. 2 HStS", "fehler")
        ]
        assert "Kangal" in findings[0].message
        # the other eight wait for the worker
        waiting = session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == CHECK, Job.status == JobStatus.QUEUED)
        )
        assert waiting == 8
