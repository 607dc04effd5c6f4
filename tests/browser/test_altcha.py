"""The vendored ALTCHA widget in a real browser under the platform's Content-Security-Policy.

A small page renders the macro ``appointments/_proof.html`` inside a form; Chromium solves the challenge
with the widget (protocol v2, PBKDF2 in a web worker from /static) and the server verifies the payload
with ``rathaus.appointments.fairness``. Without JavaScript the wait token is the way through.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from jinja2 import Environment, FileSystemLoader
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from rathaus.app import STATIC_DIR
from rathaus.appointments import fairness
from rathaus.web.security_headers import SecurityHeadersMiddleware
from tests.browser.conftest import check_accessibility

SECRET = "browser-altcha-secret"
WAIT_S = 3
TEMPLATES = Path(fairness.__file__).resolve().parent / "templates"
PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Termin reservieren</title>
<link rel="stylesheet" href="/static/css/rathaus.css"></head>
<body><main id="inhalt"><h1>Termin reservieren</h1>
<form method="post" action="/senden">
  <label for="email">E-Mail-Adresse</label> <input id="email" name="email" type="email" autocomplete="email">
  {{ proof(challenge, token, wait) }}
  <button type="submit">Termin reservieren</button>
</form></main></body></html>"""


def _app() -> SecurityHeadersMiddleware:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True)
    template = env.from_string('{% from "appointments/_proof.html" import proof %}' + PAGE)

    async def show(request: Request) -> HTMLResponse:
        now = dt.datetime.now(dt.UTC)
        hard = "schwer" in request.query_params  # takes the browser a few seconds
        challenge = fairness.new_challenge(
            secret=SECRET,
            now=now,
            difficulty=4000 if hard else 300,
            ttl=dt.timedelta(minutes=5),
            cost=2000 if hard else 200,
        )
        token = fairness.new_wait_token(secret=SECRET, now=now, wait=dt.timedelta(seconds=WAIT_S))
        return HTMLResponse(template.render(challenge=challenge, token=token, wait=WAIT_S))

    async def send(request: Request) -> JSONResponse:
        form = {key: str(value) for key, value in (await request.form()).items()}
        result = fairness.verify_fairness(
            form=form, secret=SECRET, now=dt.datetime.now(dt.UTC), wait_max_age=dt.timedelta(minutes=10)
        )
        return JSONResponse({"ok": result.ok, "method": result.method, "message": result.message})

    routes = [
        Route("/", show),
        Route("/senden", send, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR)),
    ]
    return SecurityHeadersMiddleware(Starlette(routes=routes))


@pytest.fixture(scope="module")
def altcha_server() -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(_app(), log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="altcha-uvicorn"
    )
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def _page(browser: Browser, url: str, *, javascript: bool, axe_source: str = "") -> Page:
    context = browser.new_context(base_url=url, locale="de-DE", java_script_enabled=javascript)
    if javascript and axe_source:
        context.add_init_script(script=axe_source)
    context.set_default_timeout(20_000)
    return context.new_page()


def test_the_widget_solves_the_challenge_under_the_csp(
    browser: Browser, altcha_server: str, axe_source: str
) -> None:
    page = _page(browser, altcha_server, javascript=True, axe_source=axe_source)
    problems: list[str] = []
    page.on("console", lambda message: _collect(problems, message))
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("response", lambda response: _missing(problems, response.url, response.status))
    page.goto("/")
    # the widget starts at once (no click needed) and puts the payload into the hidden field "altcha"
    expect(page.locator("altcha-widget input[name=altcha]")).to_have_value(
        re.compile(r"^[A-Za-z0-9+/=]{100,}$")
    )
    assert page.locator("altcha-widget").get_by_text("Geprüft").is_visible()
    assert page.get_by_role("checkbox", name="Geprüft").is_checked()
    check_accessibility(page)
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    with page.expect_response("**/senden") as response:
        page.get_by_role("button", name="Termin reservieren").click()
    assert response.value.json() == {"ok": True, "method": "altcha", "message": ""}
    assert problems == []
    page.context.close()


def _collect(problems: list[str], message: ConsoleMessage) -> None:
    # a refused resource is reported by _missing with its address; everything else counts (CSP, errors)
    if message.type in ("error", "warning") and not message.text.startswith("Failed to load resource"):
        problems.append(f"{message.type}: {message.text}")


def _missing(problems: list[str], url: str, status: int) -> None:
    if status >= 400 and not url.endswith("/favicon.ico"):
        problems.append(f"{status}: {url}")


def test_a_submit_during_the_check_is_sent_when_the_check_is_done(
    browser: Browser, altcha_server: str
) -> None:
    page = _page(browser, altcha_server, javascript=True)
    page.goto("/?schwer=1")
    expect(page.locator("altcha-widget")).to_contain_text("Sicherheitsprüfung läuft")
    with page.expect_response("**/senden") as response:
        page.get_by_role("button", name="Termin reservieren").click()
    # without the setup script's wait, the form would go out with the (not yet ripe) wait token only
    assert response.value.json() == {"ok": True, "method": "altcha", "message": ""}
    page.context.close()


def test_without_javascript_the_wait_token_is_the_way(browser: Browser, altcha_server: str) -> None:
    page = _page(browser, altcha_server, javascript=False)
    page.goto("/")
    note = page.locator("form p.hint")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Aus Sicherheitsgründen ist die Schaltfläche erst 3 Sekunden")
    token = page.locator("input[name=warte_token]").get_attribute("value")
    assert token
    page.get_by_role("button", name="Termin reservieren").click()
    early = page.locator("body").inner_text()
    assert '"ok":false' in early
    assert "Bitte warten Sie noch" in early
    time.sleep(WAIT_S)
    ripe = page.request.post("/senden", form={"warte_token": token, "email": "erika@example.org"})
    assert ripe.json() == {"ok": True, "method": "wait", "message": ""}
    page.context.close()
