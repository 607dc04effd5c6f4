"""Demo data of the Terminvergabe: Munich's vehicle registration office, a year of history, a busy week.

Sources (see ``../shared/data/README.md``): the services and locations of the Landeshauptstadt München
from its eAppointment system (public repository ``it-at-m/eappointment``, EUPL-1.2): the KfZ
Zulassungsstelle with the 18 services it offers, their durations there, documents, fees and which of them
may be combined. The opening hours and seats are set for the demo (Mon–Fri 07:30–12:00, Thursday also
14:00–18:00). The booking history of the past year is **generated** (``planning.history``: weekly and
yearly pattern, holidays, trend, noise, no-shows) so that the statistics, the forecast and the capacity
suggestion show something at once; the names in the coming days' appointments are invented (Faker).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments import catalog as cat
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.jobs import tenant_state
from rathaus.appointments.models import (
    Booking,
    BookingItem,
    BookingStatus,
    Channel,
    Location,
    Offer,
    Service,
    Slot,
)
from rathaus.appointments.planner import refresh_plans
from rathaus.appointments.planning.history import ServiceProfile, generate_history
from rathaus.appointments.release import day_layout, release_due
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.store import import_catalog, set_opening_windows
from rathaus.appointments.times import local_today, to_utc
from rathaus.core.db import utcnow
from rathaus.core.module import DemoInput, DemoResult

logger = logging.getLogger(__name__)
SERVICES = Path("munich_services") / "munich_services_de.json"
LOCATIONS = Path("munich_services") / "munich_locations_de.json"
KFZ_OFFICE = "10308013"  # "KfZ Zulassungsstelle", Eichstätter Straße 2
# the four busiest services of the history, with their true demand (bookings on an ordinary Tuesday)
PROFILES = {
    "1063424": ServiceProfile(base_per_day=12.0, no_show_rate=0.12, walk_in_per_day=1.5),  # Umschreibung
    "1064314": ServiceProfile(base_per_day=7.0, no_show_rate=0.10, walk_in_per_day=1.0),  # von außerhalb
    "1063425": ServiceProfile(base_per_day=5.0, no_show_rate=0.14, walk_in_per_day=0.5),  # Neuzulassung
    "1064121": ServiceProfile(base_per_day=4.0, no_show_rate=0.08, walk_in_per_day=0.5),  # Adresse
}
WINDOWS = [
    cat.OpeningWindow(
        weekday=day, start=dt.time(7, 30), end=dt.time(12), slot_min=15, online_capacity=3, walk_in_capacity=1
    )
    for day in range(5)
] + [
    cat.OpeningWindow(
        weekday=3, start=dt.time(14), end=dt.time(18), slot_min=15, online_capacity=3, walk_in_capacity=1
    )
]
HISTORY_DAYS = 365
UPCOMING_DAYS = 4  # working days ahead that get appointments booked
UPCOMING_SHARE = 0.45  # of their online times


def load_demo(given: DemoInput) -> DemoResult:
    """The Kfz office with opening hours, released slots, a year of history and the coming days booked."""
    session = given.session
    if session.scalar(select(Location.id).where(Location.tenant_id == given.tenant_id).limit(1)) is not None:
        return DemoResult(summary="appointment catalog present, demo data left as it is")
    services_json, locations_json = given.data_dir / SERVICES, given.data_dir / LOCATIONS
    missing = [str(path) for path in (services_json, locations_json) if not path.is_file()]
    if missing:
        return DemoResult(summary="no appointment demo (Munich catalog missing)", missing=missing)
    catalog = cat.parse_munich_catalog(services_json=services_json, locations_json=locations_json)
    office = catalog.locations[KFZ_OFFICE]
    keys = [offer.service_id for offer in office.offers]
    import_catalog(
        session=session,
        tenant_id=given.tenant_id,
        catalog=catalog,
        location_keys=[KFZ_OFFICE],
        service_keys=keys,
    )
    location = session.scalars(
        select(Location).where(Location.tenant_id == given.tenant_id, Location.key == KFZ_OFFICE)
    ).one()
    location.name = "Kfz-Zulassungsstelle"
    set_opening_windows(session=session, location=location, windows=WINDOWS)
    settings = given.settings.section(AppointmentsSettings) if given.settings else AppointmentsSettings()
    now = utcnow()
    state = tenant_state(session, given.tenant_id)
    history = _history(session, location, now=now, state=state)
    release_due(session=session, tenant_id=given.tenant_id, now=now, settings=settings, state=state)
    upcoming = _upcoming(session, location, now=now, settings=settings)
    plans = refresh_plans(session=session, location=location, now=now, state=state, actor=given.actor)
    session.flush()
    return DemoResult(
        summary=f"Kfz office with {len(keys)} services, {history} past and {upcoming} upcoming appointments, "
        f"{len(plans)} capacity suggestions to decide"
    )


def _services(session: Session, location: Location) -> dict[str, tuple[Service, int]]:
    rows = session.execute(
        select(Service, Offer.duration_min)
        .join(Offer, Offer.service_id == Service.id)
        .where(Offer.location_id == location.id)
    ).all()
    return {service.key: (service, duration) for service, duration in rows}


def _day_steps(day: dt.date, slot_min: int) -> list[dt.datetime]:
    steps = []
    for window in WINDOWS:
        if window.weekday == day.weekday():
            start = dt.datetime.combine(day, window.start)
            while start + dt.timedelta(minutes=slot_min) <= dt.datetime.combine(day, window.end):
                steps.append(start)
                start += dt.timedelta(minutes=slot_min)
    return steps


@dataclass
class _PastDay:
    """The seats of one past day, as the release wave made them, and who took which."""

    seats: dict[tuple[dt.datetime, Channel], list[int]]  # (local step, channel) → free seat rows
    steps: list[dt.datetime]
    taken: list[tuple[int, int]] = field(default_factory=list)  # (seat row, booking index)

    def place(self, preferred: int, steps: int, channel: Channel, booking: int) -> dt.datetime | None:
        """The first start from step ``preferred`` on with a free seat of ``channel`` for every step."""
        for first in range(preferred, len(self.steps) - steps + 1):
            wanted = self.steps[first : first + steps]
            if any(wanted[n + 1] - wanted[n] != wanted[1] - wanted[0] for n in range(steps - 1)):
                continue  # not across the lunch break
            if all(self.seats.get((step, channel)) for step in wanted):
                self.taken.extend((self.seats[(step, channel)].pop(0), booking) for step in wanted)
                return wanted[0]
        return None


def _lay_out_past(
    session: Session, location: Location, days: list[dt.date], state: str
) -> dict[dt.date, _PastDay]:
    """Seat rows for past days (released then, as the wave would have), inserted in one go."""
    rows: list[dict[str, Any]] = []
    keys: list[tuple[dt.date, dt.datetime, Channel]] = []
    for day in days:
        for start, end, seat, channel in day_layout(day=day, windows=WINDOWS, state=state):
            released = to_utc(dt.datetime.combine(day - dt.timedelta(days=21), dt.time(7)))
            rows.append(
                {
                    "tenant_id": location.tenant_id,
                    "location_id": location.id,
                    "day": day,
                    "start": to_utc(start),
                    "end": to_utc(end),
                    "seat": seat,
                    "channel": channel,
                    "available_from": released,
                }
            )
            keys.append((day, start, channel))
    ids = session.scalars(insert(Slot).returning(Slot.id), rows).all() if rows else []
    laid: dict[dt.date, _PastDay] = {}
    for (day, start, channel), slot_id in zip(keys, ids, strict=True):
        past = laid.setdefault(day, _PastDay(seats={}, steps=[]))
        past.seats.setdefault((start, channel), []).append(slot_id)
        if not past.steps or past.steps[-1] != start:
            past.steps.append(start)
    return laid


def _history(session: Session, location: Location, *, now: dt.datetime, state: str) -> int:
    """Past appointments from the generated history on the seats of their days: done, not shown, walk-ins."""
    services = _services(session, location)
    profiles = {key: profile for key, profile in PROFILES.items() if key in services}
    today = local_today(now)
    days = generate_history(
        services=list(profiles),
        start=today - dt.timedelta(days=HISTORY_DAYS),
        days=HISTORY_DAYS,
        state=state,
        seed=2026,
        locations=(location.key,),
        profiles=profiles,
    )
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    by_day: dict[dt.date, list[tuple[str, str]]] = {}
    for row in days:
        if row.open:
            kinds = (
                ["no_show"] * row.no_shows
                + ["done"] * (row.booked - row.no_shows)
                + ["walk_in"] * row.walk_ins
            )
            by_day.setdefault(row.day, []).extend((row.service, kind) for kind in kinds)
    laid = _lay_out_past(session, location, sorted(by_day), state)
    bookings: list[dict[str, Any]] = []
    services_of: list[str] = []
    for day, entries in sorted(by_day.items()):
        past = laid.get(day)
        if past is None:
            continue
        rng.shuffle(entries)
        for index, (key, kind) in enumerate(entries):
            steps = -(-services[key][1] // location.slot_min)
            channel = Channel.WALK_IN if kind == "walk_in" else Channel.ONLINE
            preferred = index * len(past.steps) // max(len(entries), 1)
            start = past.place(preferred, steps, channel, len(bookings)) or past.place(
                0, steps, channel, len(bookings)
            )
            if start is None:
                continue  # the day is full: this one did not get an appointment
            bookings.append(_past_booking(location, day, start, index, key, kind, services, rng))
            services_of.append(key)
    if not bookings:
        return 0
    ids = session.scalars(insert(Booking).returning(Booking.id), bookings).all()
    session.execute(
        insert(BookingItem),
        [
            {
                "tenant_id": location.tenant_id,
                "booking_id": booking_id,
                "service_id": services[key][0].id,
                "quantity": 1,
            }
            for booking_id, key in zip(ids, services_of, strict=True)
        ],
    )
    session.execute(
        update(Slot),
        [
            {"id": slot_id, "booking_id": ids[booking]}
            for past in laid.values()
            for slot_id, booking in past.taken
        ],
    )
    return len(bookings)


def _past_booking(
    location: Location,
    day: dt.date,
    start: dt.datetime,
    index: int,
    key: str,
    kind: str,
    services: dict[str, tuple[Service, int]],
    rng: random.Random,
) -> dict[str, Any]:
    duration = dt.timedelta(minutes=services[key][1])
    arrived = start - dt.timedelta(minutes=rng.randint(0, 10))
    called = start + dt.timedelta(minutes=rng.randint(0, 15))
    walk_in = kind == "walk_in"
    created = arrived if walk_in else start - dt.timedelta(days=rng.randint(1, 21), hours=rng.randint(0, 8))
    return {
        "tenant_id": location.tenant_id,
        "reference": f"H-{day:%y%m%d}{index:03d}",
        "location_id": location.id,
        "start": to_utc(start),
        "end": to_utc(start + duration),
        "day": day,
        "status": BookingStatus.NO_SHOW if kind == "no_show" else BookingStatus.DONE,
        "channel": Channel.WALK_IN if walk_in else Channel.ONLINE,
        "created_at": to_utc(created),
        "confirmed_at": None if walk_in else to_utc(created),
        "checked_in_at": None if kind == "no_show" else to_utc(arrived),
        "called_at": None if kind == "no_show" else to_utc(called),
        "finished_at": None if kind == "no_show" else to_utc(called + duration),
    }


def _upcoming(
    session: Session, location: Location, *, now: dt.datetime, settings: AppointmentsSettings
) -> int:
    """Confirmed appointments in the next working days, through the real booking functions."""
    services = _services(session, location)
    keys = [key for key in PROFILES if key in services]
    from faker import Faker  # noqa: PLC0415 - only the demo needs it; the app starts without it

    fake = Faker("de_DE")
    fake.seed_instance(2026)
    rng = random.Random(7)  # noqa: S311 - demo data, not security
    made = 0
    day, seen = local_today(now), 0
    while seen < UPCOMING_DAYS:
        day += dt.timedelta(days=1)
        if not _day_steps(day, location.slot_min):
            continue
        seen += 1
        for start in _day_steps(day, location.slot_min):
            if rng.random() > UPCOMING_SHARE:
                continue
            service = services[rng.choice(keys)][0]
            request = bk.Request(location=location, services=((service, 1),))
            try:
                held, _token = bk.hold(
                    session=session, request=request, start=start, now=now, settings=settings
                )
            except NotBookableError:
                continue  # a holiday, or the time is taken: the demo just books fewer
            name = fake.name()
            email = f"termin{made + 1}@example.org"
            bk.submit_contact(
                session=session, booking=held, name=name, email=email, phone="", now=now, settings=settings
            )
            bk.confirm(session=session, booking=held, now=now)
            made += 1
    return made
