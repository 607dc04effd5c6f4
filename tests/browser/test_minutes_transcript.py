"""A minutes clerk imports a reviewed WebVTT transcript instead of a recording, in the real browser: a
broken file is refused with its cue and line, the good one starts the job (progress page), and the
editor shows every agenda item placed in the transcript with the speakers' names. axe on every page."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from rathaus.core.db import open_session
from rathaus.core.security.models import Role, Tenant
from rathaus.core.worker import JobRunner
from tests.browser.conftest import HOME_TENANT, LiveServer, check_accessibility, log_in
from tests.factories import make_user

CLERK = "protokoll-wortlaut"
AGENDA = """1 Eröffnung und Feststellung der Beschlussfähigkeit
2 Bebauungsplan Am Mühlbach
3 Sanierung der Grundschule
"""
VTT = """WEBVTT

00:00:00.000 --> 00:00:05.000
<v Bürgermeisterin Albers>Guten Abend, ich eröffne die Sitzung und stelle die Beschlussfähigkeit fest.

00:00:05.500 --> 00:00:10.000
<v Bürgermeisterin Albers>Ich rufe Tagesordnungspunkt zwei auf, den Bebauungsplan Am Mühlbach.

00:00:10.500 --> 00:00:18.000
<v Anna Berends (SPD)>Der Bebauungsplan Am Mühlbach ist gut beraten, wir stimmen zu.

00:00:18.500 --> 00:00:23.000
<v Bürgermeisterin Albers>Wer stimmt zu? Das ist einstimmig so beschlossen.

00:00:23.500 --> 00:00:28.000
<v Bürgermeisterin Albers>Ich rufe Tagesordnungspunkt drei auf, die Sanierung der Grundschule.

00:00:28.500 --> 00:00:36.000
<v Karl Cordes (CDU)>Die Sanierung der Grundschule ist dringend, das Dach ist undicht.
"""


@pytest.fixture(scope="module")
def clerk(live_server: LiveServer) -> str:
    with open_session(live_server.context.sessions) as session:
        tenant = session.scalars(select(Tenant).where(Tenant.name == HOME_TENANT)).one()
        make_user(session, tenant, CLERK, roles={Role.MINUTES_CLERK}).full_name = "Wiebke Wortlaut"
    return CLERK


def test_clerk_imports_a_webvtt_transcript_and_sees_the_items_aligned(
    page: Page, live_server: LiveServer, clerk: str, tmp_path: Path
) -> None:
    log_in(page, clerk)
    page.goto("/protokolle/neu")
    page.get_by_label("Sitzung (Pflichtfeld)", exact=True).fill("Sitzung des Rates (Wortlaut)")
    page.get_by_label("Datum (Pflichtfeld)").fill("2025-04-17")
    page.get_by_label("Tagesordnung (Pflichtfeld)").fill(AGENDA)
    page.get_by_role("button", name="Sitzung anlegen").click()
    expect(page.get_by_role("status")).to_contain_text("wurde angelegt")
    meeting_url = page.url.split("#")[0]

    section = page.get_by_role("region", name="Transkript importieren (WebVTT, SRT oder JSON)")
    expect(section).to_be_visible()
    check_accessibility(page)

    # a file out of order is refused with its cue and line; nothing is stored
    broken = tmp_path / "kaputt.vtt"
    broken.write_text(
        "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nEins.\n\n00:00:04.000 --> 00:00:07.000\nZwei.\n",
        encoding="utf-8",
    )
    section.get_by_label("Transkript-Datei").set_input_files(broken)
    section.get_by_role("button", name="Transkript importieren").click()
    expect(page.get_by_role("alert")).to_contain_text("Eintrag 2 (Zeile 6): beginnt (00:00:04.000)")
    check_accessibility(page)

    good = tmp_path / "sitzung.vtt"
    good.write_text(VTT, encoding="utf-8")
    section = page.get_by_role("region", name="Transkript importieren (WebVTT, SRT oder JSON)")
    section.get_by_label("Transkript-Datei").set_input_files(good)
    section.get_by_role("button", name="Transkript importieren").click()
    expect(page).to_have_url(re.compile(r"/auftraege/\d+$"))
    expect(page.locator(".notice-success")).to_contain_text(
        "Das Transkript (WebVTT) wurde übernommen: 6 Abschnitte, 3 Sprecherinnen und Sprecher"
    )
    job_id = int(page.url.rsplit("/", 1)[1])
    settings = live_server.context.settings
    settings = settings.model_copy(update={"ai": settings.ai.model_copy(update={"llm_backend": "none"})})
    runner = JobRunner(sessions=live_server.context.sessions, settings=settings)
    worker = threading.Thread(target=runner.execute, args=(job_id,), name="transcript-worker")
    worker.start()
    worker.join(timeout=300)
    assert not worker.is_alive(), "the transcript job did not finish within 5 minutes"
    page.reload()
    expect(page.locator("#job-status-text")).to_have_text("Abgeschlossen.")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    expect(page.get_by_role("main")).to_contain_text("Tagesordnung zuordnen")
    expect(page.get_by_role("main")).not_to_contain_text("Spracherkennung")
    check_accessibility(page)

    # the meeting page knows the transcript was imported; the editor shows every item placed
    page.goto(meeting_url)
    expect(page.locator("#wortlaut-hinweis")).to_contain_text("stammt aus einem importierten Transkript")
    expect(page.get_by_role("table", name="3 Tagesordnungspunkte")).to_contain_text("einstimmig")
    page.get_by_role("link", name="Wortlaut und Entwurf prüfen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wortlaut und Entwurf prüfen")
    for number, start in (("1", "00:00:00"), ("2", "00:00:05"), ("3", "00:00:23")):
        item = page.locator("article.minutes-item").filter(
            has=page.get_by_role("heading", name=re.compile(rf"^TOP {number} "))
        )
        expect(item).to_contain_text(f"Im Wortlaut: ab {start}")
    transcript = page.locator("#wortlaut")
    expect(transcript).to_contain_text("Anna Berends (SPD)")
    expect(transcript).to_contain_text("Bürgermeisterin Albers")
    expect(page.get_by_label("Name für Sprecher 1")).to_have_value("Bürgermeisterin Albers")
    check_accessibility(page)
