"""Fairness checks: the ALTCHA v2 proof of work (solved here with the Python solver of the same protocol
version the vendored widget speaks), the wait token for browsers without JavaScript, and the macro."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from html import unescape
from pathlib import Path

import altcha
import pytest
from jinja2 import Environment, FileSystemLoader

from rathaus.appointments import fairness
from rathaus.appointments.fairness import (
    FAILED_MESSAGE,
    new_challenge,
    new_wait_token,
    proof_key,
    verify_fairness,
    verify_proof,
    verify_wait_token,
)
from tests.conftest import REPO_ROOT
from tests.requirements import require_file

SECRET = "geheimnis-fuer-tests"
TTL = dt.timedelta(minutes=10)
MAX_AGE = dt.timedelta(minutes=30)
VENDOR = REPO_ROOT / "src" / "rathaus" / "web" / "static" / "vendor" / "altcha"


def _now() -> dt.datetime:
    # the altcha library also checks expiresAt against the system clock, so tests use the real time
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _solve(challenge_json: dict[str, object]) -> str:
    challenge = altcha.Challenge.from_dict(challenge_json)
    solution = altcha.solve_challenge(challenge, timeout=30)
    assert solution is not None
    return str(altcha.Payload(challenge, solution).to_base64())


def _cheap_challenge(now: dt.datetime, secret: str = SECRET) -> dict[str, object]:
    return new_challenge(secret=secret, now=now, difficulty=40, ttl=TTL, cost=10)


def _reencode(payload: str, change: object) -> str:
    data = json.loads(base64.b64decode(payload))
    change(data)  # type: ignore[operator]
    return base64.b64encode(json.dumps(data).encode()).decode()


# --- ALTCHA ---------------------------------------------------------------------------------------------


def test_a_solved_challenge_verifies_and_yields_a_stable_key() -> None:
    now = _now()
    challenge = _cheap_challenge(now)
    params = challenge["parameters"]
    assert isinstance(params, dict)
    assert params["algorithm"] == "PBKDF2/SHA-256"
    assert params["expiresAt"] == int((now + TTL).timestamp())
    assert params["keySignature"]  # deterministic mode: the server checks one HMAC, no key derivation
    payload = _solve(challenge)

    result = verify_proof(payload=payload, secret=SECRET, now=now)
    assert result.ok, result
    assert (result.method, result.reason, result.message) == ("altcha", "ok", "")
    assert result.key == proof_key(payload)
    assert re.fullmatch(r"[0-9a-f]{64}", result.key)
    # the key depends on the challenge, not on how the payload is encoded: a replay has the same key
    spaced = base64.b64encode(json.dumps(json.loads(base64.b64decode(payload)), indent=2).encode()).decode()
    assert spaced != payload
    assert proof_key(spaced) == result.key
    assert proof_key(_solve(_cheap_challenge(now))) != result.key


def test_the_counter_lies_within_the_difficulty() -> None:
    now = _now()
    counters = []
    for _ in range(3):
        payload = _solve(new_challenge(secret=SECRET, now=now, difficulty=60, ttl=TTL, cost=1))
        counters.append(json.loads(base64.b64decode(payload))["solution"]["counter"])
    assert all(30 <= counter <= 60 for counter in counters), counters


def test_a_tampered_payload_is_refused() -> None:
    now = _now()
    payload = _solve(_cheap_challenge(now))

    def later_expiry(data: dict[str, dict[str, dict[str, int]]]) -> None:
        data["challenge"]["parameters"]["expiresAt"] += 3600

    def other_key(data: dict[str, dict[str, str]]) -> None:
        data["solution"]["derivedKey"] = "00" * 32

    def easier(data: dict[str, dict[str, dict[str, str]]]) -> None:
        data["challenge"]["parameters"]["keyPrefix"] = "0"

    forged = verify_proof(payload=_reencode(payload, later_expiry), secret=SECRET, now=now)
    assert (forged.ok, forged.reason, forged.message) == (False, "forged", FAILED_MESSAGE)
    assert verify_proof(payload=_reencode(payload, easier), secret=SECRET, now=now).reason == "forged"
    wrong = verify_proof(payload=_reencode(payload, other_key), secret=SECRET, now=now)
    assert (wrong.ok, wrong.reason) == (False, "invalid_solution")
    assert verify_proof(payload=payload, secret="anderes-geheimnis", now=now).reason == "forged"
    for junk in ("", "kein base64 !", base64.b64encode(b"[1, 2]").decode(), base64.b64encode(b"{}").decode()):
        result = verify_proof(payload=junk, secret=SECRET, now=now)
        assert (result.ok, result.reason, result.message) == (False, "malformed", FAILED_MESSAGE)
    with pytest.raises(ValueError, match="ALTCHA"):
        proof_key("kein base64 !")


def test_an_expired_challenge_is_refused() -> None:
    now = _now()
    payload = _solve(_cheap_challenge(now))
    assert verify_proof(payload=payload, secret=SECRET, now=now + TTL - dt.timedelta(seconds=1)).ok
    expired = verify_proof(payload=payload, secret=SECRET, now=now + TTL)
    assert (expired.ok, expired.reason, expired.message) == (False, "expired", FAILED_MESSAGE)
    # issued in the past (by the system clock): the library refuses it as well
    old = _solve(_cheap_challenge(now - 2 * TTL))
    assert verify_proof(payload=old, secret=SECRET, now=now - TTL - TTL / 2).reason == "expired"


def test_new_challenge_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        new_challenge(secret=SECRET, now=dt.datetime(2026, 5, 4, 9), difficulty=10, ttl=TTL)  # noqa: DTZ001 - naive on purpose
    with pytest.raises(ValueError, match="secret"):
        new_challenge(secret="", now=_now(), difficulty=10, ttl=TTL)
    with pytest.raises(ValueError, match="difficulty"):
        new_challenge(secret=SECRET, now=_now(), difficulty=1, ttl=TTL)


# --- the wait token ----------------------------------------------------------------------------------------


def test_a_wait_token_is_refused_too_early_and_accepted_when_ripe() -> None:
    now = _now()
    token = new_wait_token(secret=SECRET, now=now, wait=dt.timedelta(seconds=15))

    early = verify_wait_token(token=token, secret=SECRET, now=now + dt.timedelta(seconds=3), max_age=MAX_AGE)
    assert (early.ok, early.reason, early.retry_after_s) == (False, "too_early", 12)
    assert early.message.startswith("Bitte warten Sie noch 12 Sekunden")
    last = verify_wait_token(
        token=token, secret=SECRET, now=now + dt.timedelta(seconds=14.5), max_age=MAX_AGE
    )
    assert last.message.startswith("Bitte warten Sie noch 1 Sekunde ")

    ripe = verify_wait_token(token=token, secret=SECRET, now=now + dt.timedelta(seconds=15), max_age=MAX_AGE)
    assert (ripe.ok, ripe.method, ripe.reason, ripe.message) == (True, "wait", "ok", "")
    assert ripe.key is not None
    assert re.fullmatch(r"[0-9a-f]{64}", ripe.key)
    again = verify_wait_token(token=token, secret=SECRET, now=now + dt.timedelta(seconds=20), max_age=MAX_AGE)
    assert again.key == ripe.key  # the service stores the key and refuses the second use
    other = new_wait_token(secret=SECRET, now=now, wait=dt.timedelta(seconds=15))
    assert verify_wait_token(token=other, secret=SECRET, now=now + MAX_AGE, max_age=MAX_AGE).key != ripe.key


def test_a_forged_or_old_wait_token_is_refused() -> None:
    now = _now()
    token = new_wait_token(secret=SECRET, now=now, wait=dt.timedelta(seconds=5))
    later = now + dt.timedelta(seconds=10)
    forged = verify_wait_token(token=token, secret="anderes-geheimnis", now=later, max_age=MAX_AGE)
    assert (forged.ok, forged.reason, forged.message) == (False, "forged", FAILED_MESSAGE)
    body, _, signature = token.rpartition(".")
    other_first = "A" if signature[0] != "A" else "B"  # a different first character, never the original
    assert verify_wait_token(
        token=body + "." + other_first + signature[1:], secret=SECRET, now=later, max_age=MAX_AGE
    ).reason == ("forged")
    assert verify_wait_token(token="", secret=SECRET, now=later, max_age=MAX_AGE).reason == "forged"
    old = verify_wait_token(
        token=token, secret=SECRET, now=now + MAX_AGE + dt.timedelta(seconds=1), max_age=MAX_AGE
    )
    assert (old.ok, old.reason, old.message) == (False, "expired", FAILED_MESSAGE)


# --- either ------------------------------------------------------------------------------------------------


def test_verify_fairness_accepts_either_path_and_falls_back_to_the_wait() -> None:
    now = _now()
    payload = _solve(_cheap_challenge(now))
    token = new_wait_token(secret=SECRET, now=now, wait=dt.timedelta(seconds=10))
    soon, later = now + dt.timedelta(seconds=2), now + dt.timedelta(seconds=11)

    def check(form: dict[str, str], moment: dt.datetime) -> fairness.ProofResult:
        return verify_fairness(form=form, secret=SECRET, now=moment, wait_max_age=MAX_AGE)

    assert check({"altcha": payload, "warte_token": token}, soon).method == "altcha"
    assert check({"altcha": payload}, soon).ok
    # without JavaScript only the token comes: too early, then fine
    assert check({"warte_token": token}, soon).reason == "too_early"
    assert check({"warte_token": token, "altcha": ""}, later).method == "wait"
    # a broken proof of work falls back to the wait token
    broken = check({"altcha": payload[:-8], "warte_token": token}, later)
    assert (broken.ok, broken.method) == (True, "wait")
    assert check({"altcha": payload[:-8]}, later).reason == "malformed"
    missing = check({}, later)
    assert (missing.ok, missing.reason, missing.message) == (False, "missing", FAILED_MESSAGE)


# --- the widget and the macro ------------------------------------------------------------------------------


def test_the_vendored_widget_is_the_pinned_external_build() -> None:
    package = json.loads((REPO_ROOT / "package.json").read_text())
    assert package["devDependencies"]["altcha"] == "3.2.2"
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/altcha"]["version"] == "3.2.2"
    bundle = (VENDOR / "altcha.min.js").read_text()
    # the external build: no worker from a blob: URL and no injected <style> (both break the CSP)
    assert "createObjectURL" not in bundle
    assert "PBKDF2/SHA-256" not in bundle  # algorithms come from our setup script and the worker file
    assert (VENDOR / "workers" / "pbkdf2.js").read_text().count("crypto.subtle") >= 1
    assert "MIT License" in (VENDOR / "LICENSE").read_text()
    installed = REPO_ROOT / "node_modules" / "altcha" / "dist"
    require_file(installed / "external" / "altcha.min.js", "altcha (npm)", "run `npm install`")
    for vendored, original in [
        (VENDOR / "altcha.min.js", installed / "external" / "altcha.min.js"),
        (VENDOR / "altcha.css", installed / "external" / "altcha.css"),
        (VENDOR / "workers" / "pbkdf2.js", installed / "workers" / "pbkdf2.js"),
    ]:
        assert vendored.read_bytes() == original.read_bytes(), vendored
    # the widget of this version speaks protocol v2 (derivedKey / counter), which the Python API verifies
    widget = (installed / "main" / "altcha.js").read_text()
    assert "derivedKey" in widget
    assert "keyPrefix" in widget


def _render_macro(challenge: dict[str, object], token: str) -> str:
    folder = Path(fairness.__file__).resolve().parent / "templates"
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=True)
    template = env.from_string(
        '{% from "appointments/_proof.html" import proof %}<form method="post">{{ proof(c, t, 15) }}</form>'
    )
    return template.render(c=challenge, t=token)


def test_the_macro_renders_widget_token_and_noscript_note() -> None:
    now = _now()
    challenge = _cheap_challenge(now)
    token = new_wait_token(secret=SECRET, now=now)
    html = _render_macro(challenge, token)

    widget = re.search(r"<altcha-widget([^>]*)>", html)
    assert widget is not None
    attributes = dict(re.findall(r"([a-z-]+)='([^']*)'", widget.group(1)))
    attributes.update(re.findall(r'([a-z-]+)="([^"]*)"', widget.group(1)))
    assert json.loads(unescape(attributes["challenge"])) == challenge
    assert attributes["name"] == "altcha"
    assert attributes["auto"] == "onsubmit"
    strings = json.loads(unescape(attributes["data-strings"]))
    assert strings["label"] == "Sicherheitsprüfung (läuft automatisch)"
    assert strings["verified"] == "Geprüft"
    assert "Roboter" not in html
    assert json.loads(unescape(attributes["configuration"]))["humanInteractionSignature"] is False
    assert f'<input type="hidden" name="warte_token" value="{token}">' in html
    noscript = re.search(r"<noscript>(.*?)</noscript>", html, re.S)
    assert noscript is not None
    assert "Aus Sicherheitsgründen ist die Schaltfläche erst 15 Sekunden" in " ".join(
        noscript.group(1).split()
    )
    assert '<script type="module" src="/static/js/altcha-setup.js"></script>' in html
    assert '<link rel="stylesheet" href="/static/vendor/altcha/altcha.css">' in html
    setup = (REPO_ROOT / "src" / "rathaus" / "web" / "static" / "js" / "altcha-setup.js").read_text()
    assert 'import "../vendor/altcha/altcha.min.js"' in setup
    assert "../vendor/altcha/workers/pbkdf2.js" in setup
