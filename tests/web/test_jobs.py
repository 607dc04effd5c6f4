"""Job pages through the real app: list, progress bar, the polling fragment, retry, tenant isolation."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.core.jobs import Job, JobContext, JobStatus, enqueue, message_job_ids
from rathaus.core.selftest import SELFTEST
from rathaus.modules import Settings
from rathaus.web.context import AppContext
from tests.conftest import World, csrf_from, login


def make_job(world: World, tenant_id: int, **values: object) -> int:
    with open_session(world.sessions, tenant_id=tenant_id) as session:
        job = enqueue(session=session, kind=SELFTEST, params={"steps": 2, "seconds": 0}, tenant_id=tenant_id)
        session.flush()
        if values:
            session.execute(update(Job).where(Job.id == job.id).values(**values))
        return job.id


def test_job_page_shows_an_accessible_progress_bar_that_polls(client: TestClient, world: World) -> None:
    job_id = make_job(
        world, world.tenant_a_id, status=JobStatus.RUNNING, attempts=1, progress=40, stage="Schritt 1 von 2"
    )
    login(client, world.admin_a)
    page = client.get(f"/auftraege/{job_id}")
    assert page.status_code == 200
    html = page.text
    assert f'<label for="job-{job_id}-bar">Fortschritt: Schritt 1 von 2</label>' in html
    assert f'<progress id="job-{job_id}-bar" max="100" value="40">40 %</progress>' in html
    assert 'role="status" aria-live="polite">Läuft: Schritt 1 von 2.</p>' in html
    assert f'hx-get="/auftraege/{job_id}/fortschritt" hx-trigger="every 1s"' in html
    assert f'<a href="/auftraege/{job_id}">Aktualisieren</a>' in html  # works without JavaScript
    assert "aria-live" not in html.split('id="job-panel"', 1)[1]  # the bar itself is not a live region
    assert "<script>" not in html  # CSP: no inline script


def test_fragment_returns_current_values_and_announces_only_changes(
    client: TestClient, world: World, settings: Settings
) -> None:
    job_id = make_job(
        world, world.tenant_a_id, status=JobStatus.RUNNING, attempts=1, progress=10, stage="Schritt 1 von 2"
    )
    login(client, world.admin_a)
    first = client.get(f"/auftraege/{job_id}/fortschritt", params={"gesehen": "running|Schritt 1 von 2"})
    assert 'value="10"' in first.text
    assert "hx-swap-oob" not in first.text  # nothing new to announce

    ctx = JobContext(
        sessions=world.sessions, job_id=job_id, tenant_id=world.tenant_a_id, token=1, settings=settings
    )
    ctx.progress(65, "Schritt 2 von 2")  # what a worker writes
    second = client.get(f"/auftraege/{job_id}/fortschritt", params={"gesehen": "running|Schritt 1 von 2"})
    assert f'<progress id="job-{job_id}-bar" max="100" value="65">65 %</progress>' in second.text
    assert '<p id="job-status-text" hx-swap-oob="innerHTML">Läuft: Schritt 2 von 2.</p>' in second.text
    assert 'name="gesehen" value="running|Schritt 2 von 2"' in second.text
    assert 'hx-trigger="every 1s"' in second.text

    with open_session(world.sessions) as session:
        session.execute(update(Job).where(Job.id == job_id).values(status=JobStatus.SUCCEEDED, progress=100))
    done = client.get(f"/auftraege/{job_id}/fortschritt", params={"gesehen": "running|Schritt 2 von 2"})
    assert 'value="100"' in done.text
    assert "hx-trigger" not in done.text  # polling stops once the job is finished
    assert ">Abgeschlossen.</p>" in done.text


def test_list_shows_german_status_labels(client: TestClient, world: World) -> None:
    make_job(world, world.tenant_a_id)
    make_job(world, world.tenant_a_id, status=JobStatus.RETRYING, attempts=1)
    make_job(world, world.tenant_b_id, status=JobStatus.FAILED)
    login(client, world.admin_a)
    page = client.get("/auftraege")
    cells = re.findall(r'<td class="status-\w+">([^<]+)</td>', page.text)
    assert cells == ["Wird wiederholt", "Wartet"]  # newest first, only this tenant's jobs
    assert page.text.count("<td>Selbsttest</td>") == 2


def test_other_tenants_jobs_are_not_found(client: TestClient, world: World) -> None:
    foreign = make_job(world, world.tenant_b_id, status=JobStatus.FAILED, error="geheim")
    login(client, world.admin_a)
    token = csrf_from(client, "/auftraege")
    assert client.get(f"/auftraege/{foreign}").status_code == 404
    assert client.get(f"/auftraege/{foreign}/fortschritt").status_code == 404
    response = client.post(f"/auftraege/{foreign}/wiederholen", data={"csrf_token": token})
    assert response.status_code == 404
    assert "geheim" not in response.text
    with open_session(world.sessions) as session:
        assert session.get(Job, foreign).status is JobStatus.FAILED  # type: ignore[union-attr]


def test_failed_job_is_retried_with_the_button(
    client: TestClient, world: World, app_context: AppContext
) -> None:
    job_id = make_job(
        world,
        world.tenant_a_id,
        status=JobStatus.FAILED,
        attempts=3,
        max_attempts=3,
        error="Fehler im Schritt „Schritt 1 von 2“: OSError: Platte voll",
    )
    login(client, world.admin_a)
    page = client.get(f"/auftraege/{job_id}")
    assert "Fehlgeschlagen. Fehler im Schritt „Schritt 1 von 2“: OSError: Platte voll." in page.text
    assert f'action="/auftraege/{job_id}/wiederholen"' in page.text
    assert "hx-trigger" not in page.text
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    assert client.post(f"/auftraege/{job_id}/wiederholen").status_code == 403  # no CSRF token
    response = client.post(
        f"/auftraege/{job_id}/wiederholen", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    with open_session(world.sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert (job.status, job.max_attempts) == (JobStatus.QUEUED, 6)
        retried_by = session.scalar(select(AuditEvent.actor_name).where(AuditEvent.action == "job.retry"))
        assert retried_by == "admin-a"
    assert message_job_ids(app_context.queue) == {job_id}
    assert f"Auftrag {job_id} wird erneut versucht." in client.get(f"/auftraege/{job_id}").text


def test_admin_starts_the_selftest(client: TestClient, world: World, app_context: AppContext) -> None:
    login(client, world.admin_a)
    token = csrf_from(client, "/auftraege")
    response = client.post("/auftraege/selbsttest", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    with open_session(world.sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert (job.kind, job.tenant_id, job.status) == (SELFTEST, world.tenant_a_id, JobStatus.QUEUED)
    assert message_job_ids(app_context.queue) == {job_id}
