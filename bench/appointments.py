"""Terminvergabe figures: free times for a month, booking throughput and p95 under load, the same-slot race.

Run: ``python -m bench appointments`` (about 2–3 minutes on 2 cores).

- ``slot_month_ms``: the real Munich catalog (../shared/data/munich_services): the 20 locations with the
  most online offers and the 50 services offered most often among them, open Monday–Friday 08:00–12:00
  and 13:00–16:00 with 2 online seats, released for March 2027 (21 working days in Bavaria):
  ``booking.free_times`` on the released seats in a SQLite database for every offered (location,
  service) pair and day; ``slot_month_pure_ms``: ``slots.free_slots`` on the same windows without one.
- ``bookings_per_s`` / ``booking_p95_ms``: 8 threads book 20-minute appointments at distinct free times
  of one location (1 online seat, 08:00–18:00) — each booking is two transactions, the hold and then
  contact + confirmation — on SQLite (a file, WAL) and PostgreSQL (a throw-away cluster on loopback).
- ``concurrent_same_slot.*.successes``: 32 threads hold the same time at once; must be 1.
- Planning figures from ``bench/appointments_planning.py`` are merged in.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker
from tests import servers

from bench.appointments_planning import run_planning_bench
from bench.common import console, percentile, shared_data, write_results
from rathaus.appointments import booking as bk
from rathaus.appointments import catalog as cat
from rathaus.appointments import slots
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Location, Offer, Service
from rathaus.appointments.release import release_due
from rathaus.appointments.store import as_location, as_service, import_catalog, set_opening_windows
from rathaus.appointments.times import to_utc
from rathaus.core.db import make_engine, make_session_factory, open_session
from rathaus.core.migrate import upgrade
from rathaus.core.security.models import Tenant

MONTH_START = dt.date(2027, 3, 1)  # a Monday; no holiday in Bavaria until Good Friday (26 March)
NOW = to_utc(dt.datetime.combine(MONTH_START - dt.timedelta(days=1), dt.time(7, 30)))
STATE = "BY"
LOCATIONS, SERVICES = 20, 50
THREADS, BOOKINGS, RACERS = 8, 400, 32
SETTINGS = AppointmentsSettings(horizon_days=35, max_open_per_email=1000)


def _tenant(sessions: sessionmaker[Session]) -> int:
    with open_session(sessions) as session:
        tenant = Tenant(slug="bench", name="Stadt Benchmark", state=STATE)
        session.add(tenant)
        session.flush()
        return tenant.id


def _windows(close: int, seats: int, lunch: bool, slot_min: int = 10) -> list[cat.OpeningWindow]:
    parts = (
        [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(close))]
        if lunch
        else [(dt.time(8), dt.time(close))]
    )
    return [
        cat.OpeningWindow(day, start, end, slot_min, seats, 0) for day in range(5) for start, end in parts
    ]


def _pick(catalog: cat.Catalog) -> tuple[list[str], list[str]]:
    def online(location: cat.Location) -> int:
        return sum(o.bookable_online for o in location.offers)

    locations = sorted(catalog.locations.values(), key=lambda loc: (-online(loc), loc.id))[:LOCATIONS]
    counts = Counter(o.service_id for loc in locations for o in loc.offers if o.bookable_online)
    services = [key for key, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:SERVICES]]
    return [loc.id for loc in locations], services


def slot_month(base: Path) -> dict[str, Any] | None:
    """Free times for a month on the Munich catalog, through the database and purely."""
    folder = shared_data("munich_services")
    if folder is None:
        return None
    catalog = cat.parse_munich_catalog(
        services_json=folder / "munich_services_de.json", locations_json=folder / "munich_locations_de.json"
    )
    location_keys, service_keys = _pick(catalog)
    engine = make_engine(f"sqlite:///{base / 'slots.sqlite3'}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    tenant_id = _tenant(sessions)
    with open_session(sessions, tenant_id=tenant_id) as session:
        import_catalog(
            session=session,
            tenant_id=tenant_id,
            catalog=catalog,
            location_keys=location_keys,
            service_keys=service_keys,
        )
        for location in session.query(Location).all():
            set_opening_windows(session=session, location=location, windows=_windows(16, 2, lunch=True))
        seats = release_due(session=session, tenant_id=tenant_id, now=NOW, settings=SETTINGS, state=STATE)
    days = [
        MONTH_START + dt.timedelta(days=n)
        for n in range(31)
        if (MONTH_START + dt.timedelta(days=n)).weekday() < 5
    ]
    days = [d for d in days if not slots.is_public_holiday(d, STATE)][:22]
    with open_session(sessions, tenant_id=tenant_id) as session:
        pairs = [
            (offer.location, offer.service)
            for offer in session.query(Offer)
            .join(Service)
            .where(Offer.bookable_online, Service.max_quantity >= 1)
        ]
        started = time.perf_counter()
        found = 0
        for location, service in pairs:
            request = bk.Request(location=location, services=((service, 1),))
            for day in days:
                found += len(
                    bk.free_times(session=session, request=request, day=day, now=NOW, settings=SETTINGS)
                )
        db_ms = (time.perf_counter() - started) * 1000
        plain = [(as_location(loc), as_service(srv)) for loc, srv in pairs]
    started = time.perf_counter()
    pure_found = 0
    for location_value, service_value in plain:
        windows = _windows(16, 2, lunch=True, slot_min=location_value.slot_min)
        duration = slots.duration_for([(service_value, 1)], location_value)
        for day in days:
            pure_found += len(
                slots.free_slots(
                    day=day,
                    windows=windows,
                    closures=(),
                    holidays_of_state=STATE,
                    booked=(),
                    duration=duration,
                )
            )
    pure_ms = (time.perf_counter() - started) * 1000
    engine.dispose()
    return {
        "db": round(db_ms, 1),
        "pure": round(pure_ms, 1),
        "pairs": len(pairs),
        "locations": len(location_keys),
        "services": len(service_keys),
        "days": len(days),
        "seats_released": seats,
        "free_times_found": found,
        "pure_free_times_found": pure_found,
    }


@contextmanager
def database(backend: str, base: Path) -> Iterator[str | None]:
    if backend == "sqlite":
        yield f"sqlite:///{base / 'bookings.sqlite3'}"
        return
    if servers.postgres_bin() is None:
        console.print("[yellow]skipped PostgreSQL:[/] initdb not found (apt-get install postgresql)")
        yield None
        return
    with servers.postgres_server() as server:
        admin = make_engine(server.url())
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("CREATE DATABASE bench"))
        admin.dispose()
        yield server.url("bench")


def _office(sessions: sessionmaker[Session]) -> tuple[int, int, int]:
    from tests.appointments.office import CATALOG, REGISTRATION  # noqa: PLC0415 - the test office's catalog

    tenant_id = _tenant(sessions)
    with open_session(sessions, tenant_id=tenant_id) as session:
        import_catalog(session=session, tenant_id=tenant_id, catalog=CATALOG)
        location = session.query(Location).one()
        set_opening_windows(session=session, location=location, windows=_windows(18, 1, lunch=False))
        release_due(session=session, tenant_id=tenant_id, now=NOW, settings=SETTINGS, state=STATE)
        service = session.query(Service).filter_by(key=REGISTRATION.id).one()
        return tenant_id, location.id, service.id


def _book(sessions: sessionmaker[Session], ids: tuple[int, int, int], start: dt.datetime, n: int) -> float:
    tenant_id, location_id, service_id = ids
    began = time.perf_counter()
    with open_session(sessions, tenant_id=tenant_id) as session:
        request = bk.Request(
            location=session.get_one(Location, location_id),
            services=((session.get_one(Service, service_id), 1),),
        )
        made, _token = bk.hold(session=session, request=request, start=start, now=NOW, settings=SETTINGS)
    with open_session(sessions, tenant_id=tenant_id) as session:
        booking = session.merge(made)
        bk.submit_contact(
            session=session,
            booking=booking,
            name="Bench",
            email=f"b{n}@example.org",
            phone="",
            now=NOW,
            settings=SETTINGS,
        )
        bk.confirm(session=session, booking=booking, now=NOW)
    return time.perf_counter() - began


def booking_load(url: str) -> dict[str, Any]:
    """Throughput and latency of holds + confirmations at distinct times, and the same-slot race."""
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    ids = _office(sessions)
    days = [d for d in (MONTH_START + dt.timedelta(days=n) for n in range(31)) if d.weekday() < 5]
    starts = [
        dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=20 * n) for day in days for n in range(30)
    ]
    race_start, starts = starts[-1], starts[:BOOKINGS]
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        latencies = list(pool.map(lambda item: _book(sessions, ids, item[1], item[0]), enumerate(starts)))
    elapsed = time.perf_counter() - began
    gate = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def racer(n: int) -> None:
        gate.wait()
        try:
            _book(sessions, ids, race_start, 10_000 + n)
            outcomes.append("ok")
        except bk.SlotTakenError:
            outcomes.append("taken")

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    return {
        "bookings_per_s": round(len(starts) / elapsed, 1),
        "booking_p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "booking_p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "successes": outcomes.count("ok"),
        "refused": outcomes.count("taken"),
    }


def main() -> None:
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as directory:
        base = Path(directory)
        month = slot_month(base)
        if month is not None:
            figures["slot_month_ms"] = month.pop("db")  # through the database, as the booking pages do
            figures["slot_month_pure_ms"] = month.pop("pure")  # the same arithmetic without a database
            figures["slot_month"] = month
        per: dict[str, dict[str, Any]] = {}
        for backend, name in (("sqlite", "sqlite"), ("postgresql", "postgres")):
            with database(backend, base) as url:
                if url is not None:
                    per[name] = booking_load(url)
    figures["bookings_per_s"] = {name: values["bookings_per_s"] for name, values in per.items()}
    figures["booking_p95_ms"] = {name: values["booking_p95_ms"] for name, values in per.items()}
    figures["booking_p50_ms"] = {name: values["booking_p50_ms"] for name, values in per.items()}
    figures["concurrent_same_slot"] = {
        name: {"successes": values["successes"], "refused": values["refused"], "racers": RACERS}
        for name, values in per.items()
    }
    figures["load"] = {"threads": THREADS, "bookings": BOOKINGS, "transactions_per_booking": 2}
    planning = run_planning_bench()
    for key in (
        "forecast_mape",
        "baseline_mape",
        "served_share",
        "fixed_served_share",
        "forecast_beats_baseline",
    ):
        figures[key] = planning[key]
    write_results("appointments", figures)


if __name__ == "__main__":
    main()
