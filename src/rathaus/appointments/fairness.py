"""Fairness checks of Terminvergabe against booking bots: a self-hosted proof of work, or a wait.

A booking form carries two things, and the server accepts either:

* **ALTCHA proof of work** (form field ``altcha``). The page embeds a signed challenge
  (:func:`new_challenge`, protocol v2 of the ``altcha`` Python package, which is what the vendored
  widget ``altcha@3`` speaks). The widget in ``/static/vendor/altcha/`` solves it in web workers while
  the citizen fills in the form, without any interaction: it starts on page load, so keyboard and
  screen-reader users have nothing extra to do. :func:`verify_proof` checks the signature, the expiry
  and the solution. The challenge is "deterministic": the server picks a secret counter between
  ``difficulty // 2`` and ``difficulty`` and signs the key it derives with it, so the browser has to try
  about ``0.75 * difficulty`` PBKDF2 derivations of ``cost`` iterations each, while the server checks
  the answer with one HMAC (no key derivation on the server, so a flood of fake payloads is cheap to
  refuse).
* **A wait** (form field ``warte_token``), for browsers without JavaScript or where the widget cannot
  run (no secure context, an old browser, blocked workers). :func:`new_wait_token` signs the earliest
  time at which the form may be sent; :func:`verify_wait_token` refuses an earlier submit with
  "Bitte warten Sie noch N Sekunden …". The page says so in a ``<noscript>`` note.

What each path costs a bot, honestly:

* The proof of work costs CPU time per submission: with the defaults about a second of a laptop core
  or a few seconds of a phone. A bot operator with a server farm pays that as well, per attempt,
  which makes mass booking expensive but not impossible. It does nothing against a single person
  booking by hand for others.
* The wait costs a bot only *latency*, no computing power: a bot can fetch many forms and wait in
  parallel. It is still a real hurdle only together with the other measures: the per-client rate
  limit (each form fetch counts), the per-e-mail limit of open appointments, the double opt-in by
  e-mail, the single use of every token (the service stores :attr:`ProofResult.key` and refuses a
  second use) and the release of slots in scheduled waves.
* Neither path stops a determined attacker on its own; the waves, the waiting list and the per-e-mail
  limit are what keep the distribution fair. These checks only make automated mass attempts cost
  something.

Each successful check yields a :attr:`ProofResult.key` (64 hex digits): the same solved challenge or
the same wait token always gives the same key, so a replay is refused by storing the key (the service
owns that table, keeping a key at least until the challenge or token has expired).

Note: the ``altcha`` library additionally refuses a challenge whose ``expiresAt`` has passed by the
*system clock*, so ``now`` must be close to the real time (tests with a frozen clock in the past see
"expired").
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import altcha
from itsdangerous import BadSignature, URLSafeSerializer

FAILED_MESSAGE = "Die Sicherheitsprüfung ist fehlgeschlagen oder abgelaufen. Bitte versuchen Sie es erneut."
ALTCHA_FIELD = "altcha"
WAIT_FIELD = "warte_token"
ALGORITHM = "PBKDF2/SHA-256"
DEFAULT_DIFFICULTY = 10_000
DEFAULT_COST = 2_000
DEFAULT_WAIT = dt.timedelta(seconds=15)

Method = Literal["altcha", "wait"]
Reason = Literal["ok", "missing", "malformed", "forged", "expired", "invalid_solution", "too_early"]


@dataclass(frozen=True, slots=True)
class ProofResult:
    """The outcome of a fairness check.

    ``message`` is German and may be shown to the citizen (empty when ``ok``); ``reason`` is for logs.
    ``key`` identifies the solved challenge or the wait token (store it to refuse a replay).
    ``retry_after_s`` is set when the citizen only has to wait (``reason == "too_early"``).
    """

    ok: bool
    method: Method | None
    reason: Reason
    message: str = ""
    key: str | None = None
    retry_after_s: int | None = None


def _subkey(secret: str, purpose: str) -> str:
    """A separate key per use, derived from the application secret."""
    if not secret:
        raise ValueError("the fairness checks need a non-empty secret")
    return hmac.new(secret.encode(), f"rathaus.appointments.{purpose}".encode(), hashlib.sha256).hexdigest()


def _aware(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def _failed(method: Method | None, reason: Reason) -> ProofResult:
    return ProofResult(ok=False, method=method, reason=reason, message=FAILED_MESSAGE)


# --- ALTCHA proof of work ---------------------------------------------------------------------------


def new_challenge(
    *,
    secret: str,
    now: dt.datetime,
    difficulty: int = DEFAULT_DIFFICULTY,
    ttl: dt.timedelta,
    cost: int = DEFAULT_COST,
) -> dict[str, Any]:
    """A signed ALTCHA v2 challenge as JSON data for the widget (its ``challenge`` attribute).

    ``difficulty`` bounds the number of key derivations the browser has to try (the secret counter is
    drawn from ``[difficulty // 2, difficulty]``); ``cost`` is the PBKDF2 iteration count of each. The
    challenge expires ``ttl`` after ``now`` (``parameters.expiresAt``, signed): choose it longer than it
    takes to fill in the form.
    """
    if difficulty < 2 or cost < 1:
        raise ValueError("difficulty must be at least 2 and cost at least 1")
    counter = difficulty // 2 + secrets.randbelow(difficulty - difficulty // 2 + 1)
    challenge = altcha.create_challenge(
        ALGORITHM,
        cost,
        counter=counter,
        expires_at=math.ceil((_aware(now) + ttl).timestamp()),
        hmac_secret=_subkey(secret, "altcha"),
        hmac_key_secret=_subkey(secret, "altcha-key"),
    )
    data: dict[str, Any] = challenge.to_dict()
    return data


def _decode(payload: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.b64decode(payload, validate=True).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ValueError("not an ALTCHA payload") from error
    if not isinstance(data, dict):
        raise ValueError("not an ALTCHA payload")
    challenge = data.get("challenge")
    if not isinstance(challenge, dict) or not isinstance(challenge.get("parameters"), dict):
        raise ValueError("not an ALTCHA payload")
    if not isinstance(challenge.get("signature"), str) or not isinstance(data.get("solution"), dict):
        raise ValueError("not an ALTCHA payload")
    return data


def proof_key(payload: str) -> str:
    """A stable key (64 hex digits) of the challenge a payload solves; raises ``ValueError`` if malformed.

    It depends only on the signed challenge, not on the solution or the payload's encoding, so a second
    solution of the same challenge has the same key.
    """
    signature = _decode(payload)["challenge"]["signature"]
    return hashlib.sha256(f"altcha\0{signature}".encode()).hexdigest()


def verify_proof(*, payload: str, secret: str, now: dt.datetime) -> ProofResult:
    """Check an ALTCHA payload from the widget: signature, expiry (against ``now``) and solution."""
    try:
        data = _decode(payload)
    except ValueError:
        return _failed("altcha", "malformed")
    expires_at = data["challenge"]["parameters"].get("expiresAt")
    if not isinstance(expires_at, int) or expires_at <= _aware(now).timestamp():
        # an unsigned or changed expiry fails the signature check anyway; a missing one is refused
        return _failed("altcha", "expired" if isinstance(expires_at, int) else "forged")
    try:
        result = altcha.verify_solution(
            payload, _subkey(secret, "altcha"), hmac_key_secret=_subkey(secret, "altcha-key")
        )
    except (ValueError, KeyError, TypeError):
        return _failed("altcha", "malformed")
    if result.verified:
        return ProofResult(ok=True, method="altcha", reason="ok", key=proof_key(payload))
    return _failed("altcha", _refusal(result))


def _refusal(result: altcha.VerifySolutionResult) -> Reason:
    if result.error:
        return "malformed"
    if result.expired:
        return "expired"
    return "forged" if result.invalid_signature else "invalid_solution"


# --- the wait (no JavaScript) ------------------------------------------------------------------------


def _wait_serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(_subkey(secret, "wait"), salt="warte-token")


def new_wait_token(*, secret: str, now: dt.datetime, wait: dt.timedelta = DEFAULT_WAIT) -> str:
    """A signed token that is accepted from ``now + wait`` on (and for ``max_age`` after ``now``)."""
    issued = _aware(now).timestamp()
    body = {"n": secrets.token_urlsafe(12), "i": issued, "r": issued + wait.total_seconds()}
    return str(_wait_serializer(secret).dumps(body))


def verify_wait_token(*, token: str, secret: str, now: dt.datetime, max_age: dt.timedelta) -> ProofResult:
    """Check a wait token: genuine, not older than ``max_age`` and ripe (else "Bitte warten Sie noch …")."""
    try:
        body = _wait_serializer(secret).loads(token)
    except BadSignature:
        return _failed("wait", "forged")
    if not isinstance(body, dict):
        return _failed("wait", "malformed")
    nonce, issued, ripe = body.get("n"), body.get("i"), body.get("r")
    if not isinstance(nonce, str) or not isinstance(issued, int | float) or not isinstance(ripe, int | float):
        return _failed("wait", "malformed")
    moment = _aware(now).timestamp()
    if moment > issued + max_age.total_seconds():
        return _failed("wait", "expired")
    if moment < ripe:
        seconds = max(1, math.ceil(ripe - moment))
        unit = "Sekunde" if seconds == 1 else "Sekunden"
        return ProofResult(
            ok=False,
            method="wait",
            reason="too_early",
            message=(
                f"Bitte warten Sie noch {seconds} {unit} und senden Sie das Formular dann erneut ab. "
                "Die Wartezeit schützt die Terminvergabe vor automatisierten Buchungen."
            ),
            retry_after_s=seconds,
        )
    key = hashlib.sha256(f"wait\0{nonce}".encode()).hexdigest()
    return ProofResult(ok=True, method="wait", reason="ok", key=key)


# --- both --------------------------------------------------------------------------------------------


def verify_fairness(
    *, form: Mapping[str, str], secret: str, now: dt.datetime, wait_max_age: dt.timedelta
) -> ProofResult:
    """Accept a valid ALTCHA payload (field ``altcha``) or a ripe wait token (field ``warte_token``).

    A failed proof of work falls back to the wait token when one is sent, so a citizen whose browser
    could not finish the widget is never locked out, only asked to wait.
    """
    payload = (form.get(ALTCHA_FIELD) or "").strip()
    token = (form.get(WAIT_FIELD) or "").strip()
    proof: ProofResult | None = None
    if payload:
        proof = verify_proof(payload=payload, secret=secret, now=now)
        if proof.ok:
            return proof
    if token:
        return verify_wait_token(token=token, secret=secret, now=now, max_age=wait_max_age)
    return proof or _failed(None, "missing")
