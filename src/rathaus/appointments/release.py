"""Releasing slots: the seat rows of a day are created in a daily wave, and kept in step with capacity.

A day ``d`` becomes bookable at ``release_time`` on the day ``d - (horizon_days - 1)``: every morning one
more day enters the booking horizon, at a set time, for everybody at once (no slot trickles out during
the night to whoever polls fastest). Changing the opening windows, accepting a capacity plan or closing
a counter re-lays the days already released: missing seats are added, surplus seats are removed unless
a booking holds them (staff then sees the booking outside capacity and decides).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from rathaus.appointments import catalog as cat
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import CapacityPlan, Channel, Location, PlanStatus, Slot
from rathaus.appointments.slots import is_public_holiday
from rathaus.appointments.store import as_windows, closures_on
from rathaus.appointments.times import local_today, to_local, to_utc

Seat = tuple[dt.datetime, dt.datetime, int, Channel]  # local start, local end, seat, channel


def release_moment(day: dt.date, settings: AppointmentsSettings) -> dt.datetime:
    """When ``day`` becomes bookable (local wall-clock time)."""
    return dt.datetime.combine(day - dt.timedelta(days=settings.horizon_days - 1), settings.release_time)


def day_layout(
    *,
    day: dt.date,
    windows: Sequence[cat.OpeningWindow],
    plans: Sequence[CapacityPlan] = (),
    closures: Sequence[cat.Closure] = (),
    state: str,
) -> list[Seat]:
    """The seats of a day: the weekday's windows, with decided capacity plans and without closures."""
    if is_public_holiday(day, state):
        return []
    decided = {p.start: p for p in plans if p.status in (PlanStatus.ACCEPTED, PlanStatus.CHANGED)}
    seats: list[Seat] = []
    for window in windows:
        if window.weekday != day.weekday():
            continue
        plan = decided.get(window.start)
        online = plan.online_capacity if plan else window.online_capacity
        walk_in = plan.walk_in_capacity if plan else window.walk_in_capacity
        step = dt.timedelta(minutes=window.slot_min)
        start = dt.datetime.combine(day, window.start)
        end = dt.datetime.combine(day, window.end)
        while start + step <= end:
            if not any(c.start < start + step and start < c.end for c in closures):
                seats.extend((start, start + step, seat, Channel.ONLINE) for seat in range(online))
                seats.extend((start, start + step, online + n, Channel.WALK_IN) for n in range(walk_in))
            start += step
    return seats


def lay_out_day(
    *, session: Session, location: Location, day: dt.date, now: dt.datetime, state: str
) -> tuple[int, int]:
    """Bring the seat rows of ``day`` in line with its layout; returns (added, removed)."""
    plans = session.scalars(
        select(CapacityPlan).where(CapacityPlan.location_id == location.id, CapacityPlan.day == day)
    ).all()
    closures = [
        cat.Closure(start=to_local(c.start), end=to_local(c.end), reason=c.reason)
        for c in closures_on(session=session, location=location, day=day)
    ]
    target = {
        (to_utc(start), seat): (to_utc(end), channel)
        for start, end, seat, channel in day_layout(
            day=day, windows=as_windows(location), plans=plans, closures=closures, state=state
        )
    }
    existing = {
        (row.start, row.seat): row
        for row in session.scalars(select(Slot).where(Slot.location_id == location.id, Slot.day == day))
    }
    surplus = [
        row.id
        for key, row in existing.items()
        if key not in target
        and (row.booking_id is None or (row.hold_until is not None and row.hold_until < now))
    ]
    if surplus:
        session.execute(delete(Slot).where(Slot.id.in_(surplus)))
    for (start, seat), (end, channel) in target.items():
        row = existing.get((start, seat))
        if row is None:
            session.add(
                Slot(
                    tenant_id=location.tenant_id,
                    location_id=location.id,
                    day=day,
                    start=start,
                    end=end,
                    seat=seat,
                    channel=channel,
                    available_from=now,
                )
            )
        elif row.channel != channel and row.booking_id is None:
            row.channel = channel
    session.flush()
    added = sum(1 for key in target if key not in existing)
    return added, len(surplus)


def released_days(*, session: Session, location: Location, since: dt.date) -> set[dt.date]:
    """The days from ``since`` on that already have seat rows."""
    return set(
        session.scalars(
            select(Slot.day).where(Slot.location_id == location.id, Slot.day >= since).group_by(Slot.day)
        )
    )


def release_due(
    *, session: Session, tenant_id: int, now: dt.datetime, settings: AppointmentsSettings, state: str
) -> int:
    """Release every day whose wave has come and that has no seats yet; returns the seats created."""
    today = local_today(now)
    local_now = to_local(now)
    created = 0
    locations = session.scalars(
        select(Location).where(Location.tenant_id == tenant_id, Location.active.is_(True))
    ).all()
    for location in locations:
        if not location.windows:
            continue
        done = released_days(session=session, location=location, since=today)
        for offset in range(settings.horizon_days):
            day = today + dt.timedelta(days=offset)
            if day in done or release_moment(day, settings) > local_now:
                continue
            created += lay_out_day(session=session, location=location, day=day, now=now, state=state)[0]
    return created


def relay_released(*, session: Session, location: Location, now: dt.datetime, state: str) -> int:
    """Re-lay every released day from today on (after the windows or a plan changed); returns seats added."""
    added = 0
    for day in sorted(released_days(session=session, location=location, since=local_today(now))):
        added += lay_out_day(session=session, location=location, day=day, now=now, state=state)[0]
    return added


def seat_count(*, session: Session, location: Location, day: dt.date) -> int:
    """How many seat rows the day has (for views and tests)."""
    return session.scalar(select(func.count()).where(Slot.location_id == location.id, Slot.day == day)) or 0
