"""No seat given twice under real concurrent HTTP load: the real app under uvicorn, on SQLite and PostgreSQL.

The harness: :func:`live_app` serves the app on a free loopback port against the test's database;
:func:`race` prepares one fresh ``httpx.Client`` per attempt (its own session cookie and CSRF token, as
separate citizens would have), then releases all POSTs at once from as many threads. All clients come
from 127.0.0.1, so the per-client rate limit is raised in :func:`live_settings` (``rate_per_minute``).

Pointing it at the public hold route (web/public.py, on the citizen pages' branch) needs only a list of
:class:`Attempt` — the page that carries the form (``form_path``), the hold route (``post_path``) and its
form fields for the same time — and :func:`assert_one_winner` with the route's success status.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rathaus.app import create_app
from rathaus.appointments import booking as bk
from rathaus.appointments import waitlist
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Booking, Location, Service, Slot, WaitStatus
from rathaus.appointments.service import cancel_booking
from rathaus.appointments.slots import is_public_holiday
from rathaus.appointments.times import local_today
from rathaus.core.db import make_engine, make_session_factory, open_session, utcnow
from rathaus.modules import Settings
from rathaus.web.context import AppContext
from tests.appointments.office import DEREGISTRATION, REGISTRATION, make_office
from tests.conftest import World

ATTEMPTS = 200
SLUG = "stadt-a"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


@dataclass(frozen=True)
class LiveApp:
    url: str
    context: AppContext


@dataclass(frozen=True)
class Attempt:
    """One citizen's try: GET ``form_path`` (cookie and CSRF token), then POST ``fields`` to ``post_path``."""

    form_path: str
    post_path: str
    fields: dict[str, str] = field(default_factory=dict)
    carry_hidden: bool = False  # send the page's hidden fields too (the choice, the proof's wait token)


@pytest.fixture
def live_settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-" + "x" * 32,
        # all attempts come from 127.0.0.1: the per-client limit would stop them after 60; each attempt
        # brings its own ripe wait token as proof (the proof itself is tested in test_fairness and the
        # browser tests; here it only must not be the bottleneck)
        appointments=AppointmentsSettings(rate_per_minute=100_000, proof_wait_seconds=0),
    )


@pytest.fixture
def live_app(live_settings: Settings) -> Iterator[LiveApp]:
    """The real app under uvicorn in a thread, on the test's database."""
    engine = make_engine(live_settings.db_url)
    context = AppContext(settings=live_settings, engine=engine, sessions=make_session_factory(engine))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(context=context),
        log_level="warning",
        access_log=False,
        lifespan="on",
        backlog=1024,
        timeout_keep_alive=300,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="uvicorn")
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield LiveApp(url=f"http://127.0.0.1:{port}", context=context)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        engine.dispose()


def _prepared(base_url: str, attempt: Attempt) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=base_url, timeout=120)
    page = client.get(attempt.form_path)
    found = CSRF.search(page.text)
    assert found, f"no form on {attempt.form_path} ({page.status_code})"
    carried = dict(HIDDEN.findall(page.text)) if attempt.carry_hidden else {}
    return client, {**carried, "csrf_token": found.group(1)}


def race(
    base_url: str, attempts: Sequence[Attempt], *, before: threading.Barrier | None = None
) -> list[httpx.Response]:
    """Send every attempt's POST at the same moment from its own client; the responses in order.

    ``before`` (optional) is a barrier shared with other racers (e.g. threads booking directly).
    """
    with ThreadPoolExecutor(max_workers=32) as pool:
        prepared = list(pool.map(lambda a: _prepared(base_url, a), attempts))
    gate = before or threading.Barrier(len(attempts))

    def fire(index: int) -> httpx.Response:
        client, carried = prepared[index]
        gate.wait(timeout=120)
        try:
            return client.post(attempts[index].post_path, data={**carried, **attempts[index].fields})
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(fire, range(len(attempts))))


def assert_one_winner(responses: Sequence[httpx.Response], success: int, refused: dict[int, str]) -> None:
    """Exactly one response has ``success``; every other has a status in ``refused`` with its German text."""
    winners = [r for r in responses if r.status_code == success]
    assert len(winners) == 1, sorted({r.status_code for r in responses})
    for response in responses:
        if response is winners[0]:
            continue
        assert response.status_code in refused, (response.status_code, response.text[:300])
        assert refused[response.status_code] in response.text


def working_day() -> dt.date:
    day = local_today(utcnow()) + dt.timedelta(days=2)
    while day.weekday() >= 5 or is_public_holiday(day, "NI"):
        day += dt.timedelta(days=1)
    return day


def offered_nine(session: Session, tenant_id: int, day: dt.date) -> tuple[waitlist.Offered, int]:
    """One online seat per step; 09:00–09:20 booked, a citizen waits, the booking is cancelled: offered."""
    settings = AppointmentsSettings()
    now = utcnow()
    office = make_office(session, tenant_id, online=1, now=now)
    nine = dt.datetime.combine(day, dt.time(9))
    held, _ = bk.hold(session=session, request=office.request(), start=nine, now=now, settings=settings)
    bk.submit_contact(
        session=session, booking=held, name="A", email="a@example.org", phone="", now=now, settings=settings
    )
    bk.confirm(session=session, booking=held, now=now)
    entry, token = waitlist.join(
        session=session,
        tenant_id=tenant_id,
        services=[(office.registration, 1)],
        location=office.location,
        earliest=None,
        latest=None,
        name="Wanda",
        email="wanda@example.org",
        now=now,
        settings=settings,
    )
    waitlist.verify(session=session, token=token, now=now, settings=settings)
    _freed, offers = cancel_booking(session=session, booking=held, now=now, settings=settings)
    assert len(offers) == 1
    return offers[0], entry.id


def booked_seats(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Slot.booking_id, func.count()).where(Slot.booking_id.is_not(None)).group_by(Slot.booking_id)
    ).all()
    return {int(booking_id): int(count) for booking_id, count in rows}


def test_200_concurrent_accepts_of_one_offer_book_it_once(live_app: LiveApp, world: World) -> None:
    day = working_day()
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        offer, entry_id = offered_nine(session, world.tenant_a_id, day)
    path = f"/buerger/{SLUG}/termine/warteliste/angebot/{offer.token}"
    responses = race(live_app.url, [Attempt(form_path=path, post_path=path)] * ATTEMPTS)
    # a loser that read the offer before the winner committed finds the seat taken (409); one that
    # came after finds the link used (410)
    assert_one_winner(responses, 201, {409: "Termin nicht mehr verfügbar", 410: "bereits angenommen"})
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        made = session.scalars(select(Booking).where(Booking.waitlist_entry_id == entry_id)).all()
        assert len(made) == 1
        assert booked_seats(session) == {made[0].id: 2}  # exactly the seats of one 20-minute booking
        assert session.get_one(waitlist.WaitlistEntry, entry_id).status == WaitStatus.BOOKED


def test_the_offer_accept_wins_against_overlapping_public_holds(live_app: LiveApp, world: World) -> None:
    """While the accept link is posted, 60 threads try 10- and 20-minute holds over the offered seats."""
    day = working_day()
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        offer, entry_id = offered_nine(session, world.tenant_a_id, day)
    starts = [dt.datetime.combine(day, t) for t in (dt.time(8, 50), dt.time(9), dt.time(9, 10))]
    path = f"/buerger/{SLUG}/termine/warteliste/angebot/{offer.token}"
    threads = 60
    gate = threading.Barrier(threads + 1)
    outcomes: list[str] = []

    def public_hold(index: int) -> None:
        gate.wait(timeout=120)  # each thread takes its connection only after the gate (the pool is small)
        session = world.sessions()
        try:
            location = session.scalars(select(Location)).one()
            # 20 minutes from 08:50, or 10 or 20 minutes from 09:00 and 09:10: each overlaps the offer
            key = REGISTRATION.id if index % 3 == 0 or index % 2 else DEREGISTRATION.id
            service = session.scalars(select(Service).where(Service.key == key)).one()
            request = bk.Request(location=location, services=((service, 1),))
            bk.hold(
                session=session,
                request=request,
                start=starts[index % 3],
                now=utcnow(),
                settings=AppointmentsSettings(),
            )
            session.commit()
            outcomes.append("held")
        except bk.SlotTakenError:
            session.rollback()
            outcomes.append("taken")
        except Exception as error:  # reported by the assertion below
            session.rollback()
            outcomes.append(repr(error))
            gate.abort()
        finally:
            session.close()

    racers = [threading.Thread(target=public_hold, args=(i,)) for i in range(threads)]
    for racer in racers:
        racer.start()
    responses = race(live_app.url, [Attempt(form_path=path, post_path=path)], before=gate)
    for racer in racers:
        racer.join()
    assert [r.status_code for r in responses] == [201]
    assert outcomes == ["taken"] * threads
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        made = session.scalars(select(Booking).where(Booking.waitlist_entry_id == entry_id)).one()
        assert booked_seats(session) == {made.id: 2}


def _times_page(day: dt.date, *services: tuple[str, int]) -> str:
    chosen = "&".join(f"dienstleistung={key}&anzahl-{key}={count}" for key, count in services)
    return f"/buerger/{SLUG}/termine/zeit?tag={day.isoformat()}&{chosen}&standort=kfz-1"


def _hold_attempt(day: dt.date, start: dt.time, *services: tuple[str, int]) -> Attempt:
    zeit = dt.datetime.combine(day, start).strftime("%Y-%m-%dT%H:%M")
    return Attempt(
        form_path=_times_page(day, *services),
        post_path=f"/buerger/{SLUG}/termine/reservieren",
        fields={"zeit": zeit},
        carry_hidden=True,
    )


HELD = 303  # the hold redirects to the contact form
TAKEN = {409: "Termin nicht mehr verfügbar"}


def test_200_concurrent_public_holds_of_one_time_give_it_once(live_app: LiveApp, world: World) -> None:
    """The issue's race: 200 citizens click the same free time on the public page at the same moment."""
    day = working_day()
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        make_office(session, world.tenant_a_id, online=1, now=utcnow())
    attempt = _hold_attempt(day, dt.time(9), (REGISTRATION.id, 1))
    responses = race(live_app.url, [attempt] * ATTEMPTS)
    assert_one_winner(responses, HELD, TAKEN)
    loser = next(r for r in responses if r.status_code == 409)
    assert "Nächste freie Zeiten" in loser.text  # the next free times are offered instead
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        (booking,) = session.scalars(select(Booking)).all()
        assert booked_seats(session) == {booking.id: 2}


def test_overlapping_multi_service_holds_give_each_seat_once(live_app: LiveApp, world: World) -> None:
    """Holds of different lengths and starts that all cover 09:10 (one seat): exactly one gets it."""
    day = working_day()
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        make_office(session, world.tenant_a_id, online=1, now=utcnow())
    kinds = [
        _hold_attempt(day, dt.time(9), (REGISTRATION.id, 1)),  # 09:00-09:20
        _hold_attempt(day, dt.time(9, 10), (DEREGISTRATION.id, 1)),  # 09:10-09:20
        _hold_attempt(day, dt.time(8, 40), (REGISTRATION.id, 2)),  # 08:40-09:20
        _hold_attempt(day, dt.time(9, 10), (REGISTRATION.id, 1), (DEREGISTRATION.id, 1)),  # 09:10-09:40
    ]
    responses = race(live_app.url, [kinds[i % len(kinds)] for i in range(80)])
    assert_one_winner(responses, HELD, TAKEN)
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        (booking,) = session.scalars(select(Booking)).all()
        steps = int((booking.end - booking.start) / dt.timedelta(minutes=10))
        assert booked_seats(session) == {booking.id: steps}  # no other booking holds any seat
