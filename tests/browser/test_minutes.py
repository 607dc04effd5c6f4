"""The minutes clerk's whole flow in the real browser, with the real pipeline (Whisper base):
agenda import → recording upload → pipeline job → editor (rename a speaker, keyboard) → review,
approval, publication → DOCX and PDF exports → the public page. axe-core runs on every page."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Download, Page, expect
from sqlalchemy import select

from rathaus.core.ai.bundles import install_bundle, locate_model
from rathaus.core.ai.catalog import CATALOG
from rathaus.core.ai.errors import ModelNotInstalledError
from rathaus.core.db import open_session
from rathaus.core.security.models import Role, Tenant
from rathaus.core.worker import JobRunner
from rathaus.modules import Settings
from tests.browser.conftest import HOME_TENANT, LiveServer, check_accessibility, log_in
from tests.conftest import REPO_ROOT, SHARED_DATA
from tests.factories import make_user
from tests.requirements import require_bundle, require_tool

pytestmark = [pytest.mark.browser, pytest.mark.model]

CLERK = "protokoll"
SPEAKER_NAME = "Frank Mentrup"
KARLSRUHE_SESSION = SHARED_DATA / "karlsruhe" / "sessions" / "gemeinderat_2025-09-30" / "oparl_meeting.json"
TYPED_AGENDA = "1 Verpflichtung der Stadträtin Melis Schmid\n2 Umbesetzung von Ausschüssen\n"
SPEECH = (
    "Guten Abend, ich eröffne die Sitzung des Gemeinderats. "
    "Ich rufe Tagesordnungspunkt eins auf, die Verpflichtung der Stadträtin Melis Schmid. "
    "Ich rufe Tagesordnungspunkt zwei auf, die Umbesetzung von Ausschüssen. Wer stimmt zu? "
    "Das ist einstimmig beschlossen."
)
INSTALLED_MODELS = REPO_ROOT / "data" / "models"


@pytest.fixture(scope="module")
def clerk(live_server: LiveServer) -> str:
    """A minutes clerk of the live server's home tenant."""
    with open_session(live_server.context.sessions) as session:
        tenant = session.scalars(select(Tenant).where(Tenant.name == HOME_TENANT)).one()
        user = make_user(session, tenant, CLERK, roles={Role.MINUTES_CLERK})
        user.full_name = "Petra Protokoll"
    return CLERK


def _model(name: str, kind: Any, scratch: Path) -> Path:
    """An installed model bundle (the repository's data/models, else installed into ``scratch``)."""
    try:
        return locate_model(name, kind=kind, models_dir=INSTALLED_MODELS).path
    except ModelNotInstalledError:
        pass
    require_bundle(name)
    install_bundle(CATALOG[name], models_dir=scratch)
    return locate_model(name, kind=kind, models_dir=scratch).path


@pytest.fixture(scope="module")
def worker_settings(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The live server's settings for a worker, with Whisper base and the small test LLM."""
    scratch = tmp_path_factory.mktemp("minutes-models")
    settings = live_server.context.settings
    ai = settings.ai.model_copy(
        update={
            "asr_model": str(_model("whisper-base", "asr", scratch)),
            "llm_model": str(_model("qwen2.5-coder-0.5b-instruct", "llm", scratch)),
        }
    )
    yield settings.model_copy(update={"ai": ai})
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few seconds of German synthetic speech (espeak-ng), 16 kHz mono WAV."""
    require_tool("espeak-ng", "sox", install="apt-get install espeak-ng sox")
    folder = tmp_path_factory.mktemp("minutes-audio")
    raw, target = folder / "raw.wav", folder / "sitzung.wav"
    subprocess.run(["espeak-ng", "-v", "de", "-s", "150", "-w", str(raw), SPEECH], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(target), "pad", "0.5", "0.5"], check=True)
    seconds = float(
        subprocess.run(["soxi", "-D", str(target)], capture_output=True, text=True, check=True).stdout
    )
    assert 5 < seconds <= 20, seconds
    return target


def _oparl_meeting(folder: Path) -> tuple[Path, str, list[str]] | None:
    """A small OParl Meeting (first two agenda items of a real Karlsruhe session), or None without data."""
    if not KARLSRUHE_SESSION.exists():
        return None
    meeting = json.loads(KARLSRUHE_SESSION.read_text(encoding="utf-8"))
    meeting["agendaItem"] = meeting["agendaItem"][:2]
    target = folder / "sitzung.json"
    target.write_text(json.dumps(meeting, ensure_ascii=False), encoding="utf-8")
    return target, meeting["name"], [item["name"] for item in meeting["agendaItem"]]


def _import_agenda(page: Page, folder: Path) -> tuple[str, list[str]]:
    """Import the OParl file, or type the agenda when the shared data set is absent."""
    built = _oparl_meeting(folder)
    if built is not None:
        path, name, titles = built
        page.get_by_label("OParl-Datei (JSON) mit der Sitzung").set_input_files(path)
        page.get_by_role("button", name="Importieren").click()
        expect(page.get_by_role("status")).to_contain_text("mit 2 Tagesordnungspunkten importiert")
        return name, titles
    name = "Sitzung des Gemeinderats"
    page.get_by_label("Sitzung", exact=True).fill(name)
    page.get_by_label("Datum").fill("2025-09-30")
    page.get_by_label("Vorsitz").fill("Oberbürgermeister Mentrup")
    page.get_by_label("Tagesordnung").fill(TYPED_AGENDA)
    page.get_by_role("button", name="Sitzung anlegen").click()
    expect(page.get_by_role("status")).to_contain_text("wurde angelegt")
    return name, [line.split(" ", 1)[1] for line in TYPED_AGENDA.splitlines()]


def _run_job(page: Page, live_server: LiveServer, settings: Settings) -> None:
    """Run the pipeline job the page shows, as the worker would, and wait on its progress page."""
    match = re.search(r"/auftraege/(\d+)$", page.url)
    assert match, page.url
    runner = JobRunner(sessions=live_server.context.sessions, settings=settings)
    worker = threading.Thread(target=runner.execute, args=(int(match.group(1)),), name="minutes-worker")
    worker.start()
    status = page.locator("#job-status-text")
    expect(status).to_have_text(re.compile("^(Läuft|Abgeschlossen)"), timeout=60_000)  # live updates
    worker.join(timeout=900)
    assert not worker.is_alive(), "the pipeline job did not finish within 15 minutes"
    # a failed job shows its German error here, which the assertion message then names
    expect(status).to_have_text("Abgeschlossen.", timeout=30_000)
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    check_accessibility(page)


def _focused(page: Page) -> dict[str, str]:
    focused: dict[str, str] = page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName, id: e.id || '',"
        " cls: e.className || '', name: e.getAttribute('name') || '', text: e.textContent.trim()}; }"
    )
    return focused


def _tab_to(page: Page, predicate: Any, limit: int = 400) -> dict[str, str]:
    """Press Tab until ``predicate(focused)`` holds; fail when the element is not reachable."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if predicate(focused):
            return focused
        seen.append(f"{focused['tag']}#{focused['id']}")
    pytest.fail(f"not reachable with Tab; focus went through {seen[:40]} …")


def _seconds(clock: str) -> float:
    hours, minutes, seconds = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _download(page: Page, name: str) -> tuple[Download, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    download = info.value
    path = download.path()
    assert path is not None
    return download, Path(path).read_bytes()


def test_clerk_turns_a_recording_into_published_minutes(
    page: Page,
    live_server: LiveServer,
    clerk: str,
    worker_settings: Settings,
    recording: Path,
    tmp_path: Path,
) -> None:
    log_in(page, clerk)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Protokollhilfe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Protokollhilfe")
    check_accessibility(page)

    # agenda import
    page.get_by_role("link", name="Sitzung anlegen oder importieren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sitzung anlegen oder importieren")
    check_accessibility(page)
    meeting_name, titles = _import_agenda(page, tmp_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(meeting_name)
    meeting_url = page.url.split("#")[0]
    meeting_id = int(meeting_url.rsplit("/", 1)[1])
    agenda = page.get_by_role("table", name="2 Tagesordnungspunkte")
    for title in titles:
        expect(agenda).to_contain_text(title)
    check_accessibility(page)

    # the start page lists the open minutes with their deadline (the session is long past)
    page.goto("/")
    deadlines = page.get_by_role("region", name="Fristen")
    expect(deadlines.get_by_role("link", name=meeting_name)).to_have_attribute(
        "href", f"/protokolle/{meeting_id}"
    )
    expect(deadlines).to_contain_text("überfällig seit")
    check_accessibility(page)
    deadlines.get_by_role("link", name=meeting_name).click()

    # recording upload and the pipeline job
    page.get_by_label("Aufnahme(n) der Sitzung").set_input_files(recording)
    page.get_by_role("button", name="Hochladen").click()
    expect(page.get_by_role("status")).to_contain_text("1 Aufnahme(n) gespeichert")
    expect(page.locator("#aufnahmen ol")).to_contain_text("Aufnahme 1")
    check_accessibility(page)
    page.get_by_role("button", name="Protokollentwurf erstellen").click()
    expect(page).to_have_url(re.compile(r"/auftraege/\d+$"))
    _run_job(page, live_server, worker_settings)

    # the editor: transcript with speakers; rename "Sprecher 1" with the keyboard only
    page.goto(f"{meeting_url}/bearbeiten")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wortlaut und Entwurf prüfen")
    transcript = page.locator("#wortlaut")
    expect(transcript).to_contain_text("Verpflichtung")  # Whisper hears espeak-ng's German well enough
    expect(transcript).to_contain_text("Sprecher 1")
    check_accessibility(page)
    _tab_to(page, lambda f: f["tag"] == "AUDIO")
    _tab_to(page, lambda f: f["id"] == "f-name-S1")
    page.keyboard.type(SPEAKER_NAME)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Name für Sprecher 1")).to_have_value(SPEAKER_NAME)
    expect(transcript).to_contain_text(SPEAKER_NAME)
    expect(transcript).not_to_contain_text("Sprecher 1")
    check_accessibility(page)
    # the other main controls, in order: text per agenda item, its save button, the boundary, the
    # transcript's time links (they play from there) and the correction of a section
    page.locator("#f-name-S1").focus()
    _tab_to(page, lambda f: f["id"].startswith("f-text-"))
    _tab_to(
        page, lambda f: f["tag"] == "BUTTON" and f["text"].startswith("TOP ") and "speichern" in f["text"]
    )
    _tab_to(page, lambda f: f["id"].startswith("f-grenze-"))
    link = _tab_to(page, lambda f: f["tag"] == "A" and "seek" in f["cls"] and f["text"][:3] == "00:")
    _tab_to(page, lambda f: f["tag"] == "SUMMARY" and f["text"] == "Text korrigieren")
    assert "word" not in link["cls"]
    seconds = _seconds(link["text"])
    # move the player away from the link's time first, so that the jump is seen even for 00:00:00
    page.wait_for_function("() => document.querySelector('audio').readyState >= 1")
    page.evaluate("s => { document.querySelector('audio').currentTime = s + 5; }", seconds)
    page.wait_for_function(
        "s => Math.abs(document.querySelector('audio').currentTime - s - 5) < 0.5", arg=seconds
    )
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # the time link: the player jumps there
    page.wait_for_function(
        "s => { const a = document.querySelector('audio'); return a && Math.abs(a.currentTime - s) < 1.5; }",
        arg=seconds,
    )

    # review → approval → publication
    page.get_by_role("link", name=re.compile("Zurück zur Sitzung")).click()
    page.get_by_role("button", name="Zur Prüfung geben").click()
    expect(page.get_by_role("status")).to_have_text("Die Niederschrift ist jetzt in Prüfung.")
    expect(page.locator("#status-wert")).to_have_text("in Prüfung")
    check_accessibility(page)
    page.get_by_label("Der Vorsitz hat zugestimmt (Name)").fill("Oberbürgermeister Dr. Frank Mentrup")
    page.get_by_role("button", name="Freigeben").click()
    expect(page.get_by_role("status")).to_contain_text("Die Niederschrift ist freigegeben.")
    expect(page.locator("#status-wert")).to_have_text("freigegeben")
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_role("status")).to_contain_text("Die Niederschrift ist veröffentlicht")
    expect(page.locator("#status-wert")).to_have_text("veröffentlicht")
    check_accessibility(page)

    # exports: a real DOCX and a real PDF with the meeting and its agenda
    docx_download, docx_bytes = _download(page, "Word (DOCX)")
    assert docx_download.suggested_filename.endswith(".docx")
    import docx  # noqa: PLC0415 - python-docx, only needed here

    document = docx.Document(io.BytesIO(docx_bytes))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert meeting_name in text
    assert titles[0] in text
    assert SPEAKER_NAME in text
    pdf_download, pdf_bytes = _download(page, "PDF/A")
    assert pdf_download.suggested_filename.endswith(".pdf")
    assert pdf_bytes.startswith(b"%PDF")
    from pdfminer.high_level import extract_text  # noqa: PLC0415

    pdf_text = " ".join(extract_text(io.BytesIO(pdf_bytes)).split())
    assert " ".join(titles[0].split()) in pdf_text
    assert SPEAKER_NAME in pdf_text

    # the public page, without logging in
    page.get_by_role("link", name="Öffentliche Seite ansehen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(meeting_name)
    expect(page.get_by_role("main")).to_contain_text(titles[0])
    check_accessibility(page)
    page.context.clear_cookies()  # the public pages need no login
    page.reload()
    expect(page.get_by_role("main")).to_contain_text(titles[1])
    expect(page.get_by_role("button", name="Abmelden")).to_have_count(0)
    page.get_by_role("link", name="Alle veröffentlichten Niederschriften").click()
    listed = page.get_by_role("link", name=meeting_name)
    expect(listed).to_have_attribute("href", re.compile(rf"/protokolle/oeffentlich/[\w-]+/{meeting_id}$"))
    check_accessibility(page)
    listed.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(meeting_name)
