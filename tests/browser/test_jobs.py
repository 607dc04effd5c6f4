"""The job page in a real browser: htmx updates bar and status while a real job runs; no-JS reload works."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from rathaus.core.db import open_session
from rathaus.core.jobs import enqueue
from rathaus.core.security.models import Tenant
from rathaus.core.selftest import SELFTEST
from rathaus.core.worker import JobRunner
from tests.browser.conftest import ADMIN, LiveServer, check_accessibility, log_in

pytestmark = pytest.mark.browser


def selftest_job(server: LiveServer, seconds: float) -> int:
    sessions = server.context.sessions
    with open_session(sessions) as session:
        tenant_id = session.scalars(select(Tenant.id).order_by(Tenant.id)).first()
        assert tenant_id is not None
    with open_session(sessions, tenant_id=tenant_id) as session:
        return enqueue(
            session=session, kind=SELFTEST, params={"steps": 2, "seconds": seconds}, tenant_id=tenant_id
        ).id


def test_progress_updates_live_and_announces_stages(admin_page: Page, live_server: LiveServer) -> None:
    job_id = selftest_job(live_server, seconds=3)
    admin_page.goto(f"/auftraege/{job_id}")
    status = admin_page.locator("#job-status-text")
    expect(status).to_have_text("Wartet.")
    expect(admin_page.get_by_role("progressbar")).to_have_attribute("value", "0")
    check_accessibility(admin_page)

    runner = JobRunner(sessions=live_server.context.sessions, settings=live_server.context.settings)
    worker = threading.Thread(target=runner.execute, args=(job_id,))
    worker.start()
    try:
        # the page itself is never reloaded: htmx polls the fragment and swaps it in
        expect(status).to_have_text("Läuft: Schritt 2 von 2.", timeout=20_000)
        expect(status).to_have_attribute("aria-live", "polite")
        expect(status).to_have_text("Abgeschlossen.", timeout=20_000)
        expect(admin_page.get_by_role("progressbar")).to_have_attribute("value", "100")
        expect(admin_page.locator(".job-stages li")).to_have_text(["Schritt 1 von 2", "Schritt 2 von 2"])
        expect(admin_page.get_by_role("link", name="Aktualisieren")).to_have_count(0)
        check_accessibility(admin_page)
    finally:
        worker.join()


def test_without_javascript_the_refresh_link_shows_progress(
    no_js_context: BrowserContext, live_server: LiveServer
) -> None:
    job_id = selftest_job(live_server, seconds=0)
    page = no_js_context.new_page()
    log_in(page, ADMIN)
    page.goto(f"/auftraege/{job_id}")
    expect(page.locator("#job-status-text")).to_have_text("Wartet.")
    JobRunner(sessions=live_server.context.sessions, settings=live_server.context.settings).execute(job_id)
    page.get_by_role("link", name="Aktualisieren").click()
    expect(page.locator("#job-status-text")).to_have_text("Abgeschlossen.")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
