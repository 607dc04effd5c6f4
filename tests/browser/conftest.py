"""Browser tests: the real app under uvicorn on loopback, driven by Debian's chromium through Playwright.

One uvicorn server and one browser per session; every test gets a fresh browser context. axe-core
(from the npm package in node_modules) is injected into every page of a context as an init script,
which runs outside the page's Content-Security-Policy, so the CSP stays as strict as in production.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from rathaus.app import create_app
from rathaus.core.config import SecuritySettings
from rathaus.core.db import make_engine, make_session_factory, open_session
from rathaus.core.migrate import upgrade
from rathaus.modules import Settings
from rathaus.web.context import AppContext
from tests.conftest import REPO_ROOT, TEST_PASSWORD
from tests.factories import make_tenant, make_user
from tests.requirements import require_file

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN = "admin"
ADMIN_NAME = "Anna Admin"
HOME_TENANT = "Stadt Anfangsort"
BLOCKING_IMPACTS = ("serious", "critical")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@dataclass(frozen=True)
class LiveServer:
    url: str
    context: AppContext


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app with its own migrated SQLite database, served by uvicorn in a thread."""
    data_dir = tmp_path_factory.mktemp("browser-data")
    settings = Settings(
        environment="test",
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'rathaus.sqlite3'}",
        secret_key="browser-test-secret-" + "x" * 32,
        # every login of the suite comes from 127.0.0.1
        security=SecuritySettings(ip_attempts_per_minute=10_000),
    )
    engine = make_engine(settings.db_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with open_session(sessions) as session:
        tenant = make_tenant(session, slug="stadt-anfangsort", name=HOME_TENANT)
        admin = make_user(session, tenant, ADMIN, admin=True, superuser=True)
        admin.full_name = ADMIN_NAME
    context = AppContext(settings=settings, engine=engine, sessions=sessions)
    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(context=context), log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="uvicorn")
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", context=context)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        engine.dispose()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    require_file(CHROMIUM, "Debian's chromium", "apt-get install chromium")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    require_file(AXE_SCRIPT, "axe-core", "run `npm install` in the repository root")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def _new_context(browser: Browser, server: LiveServer, axe_source: str, **options: Any) -> BrowserContext:
    context = browser.new_context(base_url=server.url, locale="de-DE", **options)
    if options.get("java_script_enabled", True):
        context.add_init_script(script=axe_source)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def context(browser: Browser, live_server: LiveServer, axe_source: str) -> Iterator[BrowserContext]:
    """A fresh browser context (no cookies) with axe-core in every page."""
    context = _new_context(browser, live_server, axe_source)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session")
def admin_state(browser: Browser, live_server: LiveServer, axe_source: str) -> dict[str, Any]:
    """The cookies of a logged-in platform admin, so that tests need not log in again."""
    context = _new_context(browser, live_server, axe_source)
    page = context.new_page()
    log_in(page, ADMIN)
    state = context.storage_state()
    context.close()
    return dict(state)


@pytest.fixture
def admin_page(
    browser: Browser, live_server: LiveServer, axe_source: str, admin_state: dict[str, Any]
) -> Iterator[Page]:
    """A page in a fresh context, already logged in as the platform admin."""
    context = _new_context(browser, live_server, axe_source, storage_state=admin_state)
    yield context.new_page()
    context.close()


@pytest.fixture
def no_js_context(browser: Browser, live_server: LiveServer, axe_source: str) -> Iterator[BrowserContext]:
    """A fresh context with JavaScript switched off."""
    context = _new_context(browser, live_server, axe_source, java_script_enabled=False)
    yield context
    context.close()


def log_in(page: Page, username: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/anmelden")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: "/anmelden" not in url)


def log_out(page: Page) -> None:
    """Log out with the header button."""
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/anmelden")


def check_accessibility(page: Page) -> None:
    """Run axe-core on the current page; fail on serious or critical violations, naming rules and targets."""
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    blocking = [item for item in results["violations"] if item["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe-core found {len(blocking)} serious/critical violation(s) on {page.url}:"]
        for violation in blocking:
            targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} → {targets}")
        pytest.fail("\n".join(lines))
