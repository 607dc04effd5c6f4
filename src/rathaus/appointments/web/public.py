"""The citizen booking, steps 1–4: services → location → day → time → hold (``/buerger/{slug}/termine``).

No login: the tenant comes from the URL, every query runs in a session scoped to it, and every request
counts against the platform's rate limiter per client. Steps 1–3 are plain GET links and forms (they
change nothing); the hold is a POST with the fairness check (``fairness.verify_fairness``: the ALTCHA
proof of work, or without JavaScript a short wait) whose key is stored so that it works only once.
A refused hold rolls the transaction back and answers with the reason (400/422), or with 409 and the
next free times when someone else was faster. After the hold the citizen continues on the page of the
booking's link (``web.manage``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from rathaus.appointments import booking as bk
from rathaus.appointments import citizen, fairness
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Location, Service
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.web import common
from rathaus.appointments.web.common import Choice, PublicTenant
from rathaus.core.db import open_session

router = APIRouter(prefix="/buerger/{tenant_slug}/termine", tags=["Terminvergabe"])
PROOF_TTL = dt.timedelta(minutes=30)
REPLAY_MESSAGE = "Diese Sicherheitsprüfung wurde bereits verwendet. Bitte wählen Sie die Uhrzeit erneut."


async def read_form(request: Request) -> FormData:
    """The posted form (already parsed by the CSRF check), for fields named after service keys."""
    return await request.form()


Form = Annotated[FormData, Depends(read_form)]


def _scoped(request: Request, who: PublicTenant) -> Any:
    return open_session(common.context_of(request).sessions, tenant_id=who.id)


def _services_page(
    request: Request, who: PublicTenant, session: Session, choice: Choice, code: int = 200
) -> Response:
    services = citizen.online_services(session=session, tenant_id=who.id)
    values = {"services": services, "choice": choice, "errors": choice.errors}
    return common.page(request, who, "services.html", values, code=code)


def _request_for(
    request: Request, who: PublicTenant, session: Session, params: Any
) -> tuple[Choice, bk.Request | None, Response | None]:
    """The booking request named by the URL or form; or the services page with the problems (422)."""
    services = citizen.online_services(session=session, tenant_id=who.id)
    choice = common.read_choice(params, [s.key for s in services])
    chosen = common.chosen_services(choice, services)
    if choice.errors:
        return choice, None, _services_page(request, who, session, choice, code=422)
    location = common.location_by_key(session, who.id, choice.location)
    wanted = bk.Request(location=location, services=tuple(chosen))
    try:
        wanted.duration()
    except NotBookableError as error:
        choice.errors.append(("dienstleistungen", str(error)))
        return choice, None, _services_page(request, who, session, choice, code=422)
    return choice, wanted, None


@router.get("", summary="Termin buchen: Dienstleistung wählen")
def services_step(request: Request, tenant_slug: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with _scoped(request, who) as scoped:
        keys = [s.key for s in citizen.online_services(session=scoped, tenant_id=who.id)]
        preselected = request.query_params.getlist("dienstleistung")
        choice = Choice(quantities={key: 1 for key in preselected if key in keys})
        if any(key not in keys for key in preselected):
            choice.errors.append(
                (
                    "dienstleistungen",
                    "Die gesuchte Dienstleistung kann hier nicht online gebucht werden. "
                    "Bitte wählen Sie aus der Liste oder wenden Sie sich an die Verwaltung.",
                )
            )
        return _services_page(request, who, scoped, choice)


@router.get("/standort", summary="Termin buchen: Standort wählen")
def location_step(request: Request, tenant_slug: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with _scoped(request, who) as scoped:
        services = citizen.online_services(session=scoped, tenant_id=who.id)
        choice = common.read_choice(request.query_params, [s.key for s in services])
        chosen = common.chosen_services(choice, services)
        if choice.errors:
            return _services_page(request, who, scoped, choice, code=422)
        locations = citizen.locations_for(
            session=scoped, tenant_id=who.id, services=[service for service, _ in chosen]
        )
        values = {"choice": choice, "chosen": chosen, "locations": locations}
        return common.page(request, who, "locations.html", values)


def _wave(settings: AppointmentsSettings) -> tuple[dt.date, dt.datetime]:
    return citizen.next_wave(now=common.now(), settings=settings)


@router.get("/tag", summary="Termin buchen: Tag wählen")
def day_step(request: Request, tenant_slug: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    settings = common.section(request)
    with _scoped(request, who) as scoped:
        choice, wanted, refused = _request_for(request, who, scoped, request.query_params)
        if refused is not None or wanted is None:
            return refused or Response(status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)
        days = citizen.bookable_days(session=scoped, request=wanted, now=common.now(), settings=settings)
        wave_day, wave_at = _wave(settings)
        values = {
            "choice": choice,
            "wanted": wanted,
            "days": days,
            "wave_day": wave_day,
            "wave_at": wave_at,
            "day_link": f"/buerger/{who.slug}/termine/zeit?{choice.query()}&tag=",
            "back": f"/buerger/{who.slug}/termine/standort?{Choice(choice.quantities).query()}",
        }
        return common.page(request, who, "days.html", values)


def times_values(
    request: Request, who: PublicTenant, wanted: bk.Request, times: list[dt.datetime]
) -> dict[str, Any]:
    """What the times form needs: the times, the documents and fees, a fresh fairness check."""
    settings = common.section(request)
    secret = common.context_of(request).settings.secret_key
    moment = common.real_now()
    return {
        "wanted": wanted,
        "times": times,
        "challenge": fairness.new_challenge(
            secret=secret, now=moment, difficulty=settings.proof_difficulty, ttl=PROOF_TTL
        ),
        "wait_token": fairness.new_wait_token(
            secret=secret, now=moment, wait=dt.timedelta(seconds=settings.proof_wait_seconds)
        ),
        "wait_seconds": settings.proof_wait_seconds,
        "action": f"/buerger/{who.slug}/termine/reservieren",
    }


def _times_page(
    request: Request,
    who: PublicTenant,
    choice: Choice,
    wanted: bk.Request,
    day: dt.date | None,
    times: list[dt.datetime],
    *,
    code: int = 200,
    problem: str = "",
    wait_token: str = "",
) -> Response:
    values = times_values(request, who, wanted, times)
    if wait_token:  # sent too early: the same wait goes on, it does not start again
        values["wait_token"] = wait_token
    back = f"/buerger/{who.slug}/termine/tag?{choice.query()}"
    values.update({"choice": choice, "day": day, "back": back, "taken": code == status.HTTP_409_CONFLICT})
    if problem:
        values["errors"] = [("zeiten", problem)]
    return common.page(request, who, "times.html", values, code=code)


@router.get("/zeit", summary="Termin buchen: Uhrzeit wählen")
def time_step(request: Request, tenant_slug: str, tag: str = "") -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    settings = common.section(request)
    with _scoped(request, who) as scoped:
        choice, wanted, refused = _request_for(request, who, scoped, request.query_params)
        if refused is not None or wanted is None:
            return refused or Response(status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)
        try:
            day = common.parse_day(tag, at=common.now(), settings=settings)
        except NotBookableError as error:
            back = f"/buerger/{who.slug}/termine/tag?{choice.query()}"
            return common.message_page(
                request, who, 400, "Tag nicht buchbar", str(error), back, "Anderen Tag wählen"
            )
        times = bk.free_times(session=scoped, request=wanted, day=day, now=common.now(), settings=settings)
        return _times_page(request, who, choice, wanted, day, times)


def _check_proof(request: Request, form: FormData) -> fairness.ProofResult:
    settings = common.context_of(request).settings
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    return fairness.verify_fairness(
        form=fields, secret=settings.secret_key, now=common.real_now(), wait_max_age=PROOF_TTL
    )


def _consume_proof(request: Request, who: PublicTenant, key: str) -> bool:
    """Store the proof's key in its own transaction: it is spent even when the hold fails."""
    moment = common.real_now()
    with _scoped(request, who) as scoped:
        return citizen.use_proof(session=scoped, key=key, expires_at=moment + PROOF_TTL, now=moment)


@router.post("/reservieren", summary="Termin buchen: Uhrzeit reservieren")
def hold_step(request: Request, tenant_slug: str, form: Form) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    settings = common.section(request)
    with _scoped(request, who) as scoped:
        choice, wanted, refused = _request_for(request, who, scoped, form)
        if refused is not None or wanted is None:
            return refused or Response(status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)
        raw = str(form.get("zeit") or "")
        try:
            start = common.parse_time(raw) if raw else None
        except NotBookableError:
            start = None
        day = start.date() if start else None
        proof = _check_proof(request, form)
        if not proof.ok:
            times = _free_on(scoped, wanted, day, settings)
            waiting = str(form.get(fairness.WAIT_FIELD) or "") if proof.reason == "too_early" else ""
            return _times_page(
                request, who, choice, wanted, day, times, code=400, problem=proof.message, wait_token=waiting
            )
        if start is None:
            times = _free_on(scoped, wanted, day, settings)
            problem = "Bitte wählen Sie eine Uhrzeit aus der Liste."
            return _times_page(request, who, choice, wanted, day, times, code=422, problem=problem)
    assert proof.key is not None
    if not _consume_proof(request, who, proof.key):
        with _scoped(request, who) as scoped:
            wanted = _reload(scoped, wanted)
            times = _free_on(scoped, wanted, day, settings)
            return _times_page(request, who, choice, wanted, day, times, code=403, problem=REPLAY_MESSAGE)
    return _hold(request, who, choice, wanted, start, settings)


def _reload(session: Session, wanted: bk.Request) -> bk.Request:
    location = session.get(Location, wanted.location.id)
    assert location is not None
    services = []
    for service, quantity in wanted.services:
        row = session.get(Service, service.id)
        assert row is not None
        services.append((row, quantity))
    return bk.Request(location=location, services=tuple(services))


def _free_on(
    session: Session, wanted: bk.Request, day: dt.date | None, settings: AppointmentsSettings
) -> list[dt.datetime]:
    if day is None:
        return []
    try:
        common.parse_day(day.isoformat(), at=common.now(), settings=settings)
    except NotBookableError:
        return []
    return bk.free_times(session=session, request=wanted, day=day, now=common.now(), settings=settings)


def _hold(
    request: Request,
    who: PublicTenant,
    choice: Choice,
    wanted: bk.Request,
    start: dt.datetime,
    settings: AppointmentsSettings,
) -> Response:
    secret = common.context_of(request).settings.secret_key
    with _scoped(request, who) as scoped:
        wanted = _reload(scoped, wanted)
        moment = common.now()
        try:
            held, _random_token = bk.hold(
                session=scoped, request=wanted, start=start, now=moment, settings=settings
            )
            token = citizen.assign_tokens(booking=held, secret=secret)
            scoped.flush()
        except bk.SlotTakenError:
            scoped.rollback()
            alternatives = bk.next_free(
                session=scoped, request=wanted, after=start, now=moment, settings=settings
            )
            problem = (
                "Termin nicht mehr verfügbar: Diese Zeit hat gerade jemand anderes gebucht. "
                "Bitte wählen Sie eine der nächsten freien Zeiten."
            )
            return _times_page(request, who, choice, wanted, None, alternatives, code=409, problem=problem)
        except NotBookableError as error:
            scoped.rollback()
            times = _free_on(scoped, wanted, start.date(), settings)
            return _times_page(
                request, who, choice, wanted, start.date(), times, code=422, problem=str(error)
            )
    return RedirectResponse(
        f"/buerger/{who.slug}/termine/buchung/{token}", status_code=status.HTTP_303_SEE_OTHER
    )
