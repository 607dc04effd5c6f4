"""What staff see: today's figures per location, a day's steps × seats, a week's windows with utilisation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from rathaus.appointments.models import (
    Booking,
    BookingItem,
    BookingStatus,
    Channel,
    Location,
    OpeningWindow,
    Slot,
)
from rathaus.appointments.times import local_today, to_local

SHOWN = tuple(s for s in BookingStatus if s is not BookingStatus.EXPIRED)


@dataclass(frozen=True)
class TodayFigures:
    """Today at a glance for one location."""

    location: Location
    booked: int
    checked_in: int
    waiting: int
    free_left: int
    no_shows: int


@dataclass(frozen=True)
class Cell:
    """One seat in one step: free, closed, or held by a booking (``first``: the booking starts here)."""

    seat: int
    channel: Channel
    booking: Booking | None
    first: bool


@dataclass
class Step:
    """One step of the slot grid with its seats."""

    start: dt.datetime
    end: dt.datetime
    cells: list[Cell | None] = field(default_factory=list)  # None: no seat with this number in the step


@dataclass(frozen=True)
class DayBoard:
    """A location's day: the steps × seats grid, the seat columns, and every booking of the day."""

    location: Location
    day: dt.date
    steps: list[Step]
    seats: list[tuple[int, Channel]]
    bookings: list[Booking]
    outside: list[Booking]  # open bookings that hold no seat of the day (capacity changed under them)


@dataclass(frozen=True)
class WindowLoad:
    """One window of one day: appointments starting in it, seats taken and free, utilisation."""

    label: str
    appointments: int
    taken: int
    free: int

    @property
    def percent(self) -> int:
        total = self.taken + self.free
        return round(100 * self.taken / total) if total else 0


@dataclass(frozen=True)
class WeekDay:
    """A day of the week view."""

    day: dt.date
    windows: list[WindowLoad]


def locations(*, session: Session) -> list[Location]:
    """The active locations of the tenant, by name."""
    return list(session.scalars(select(Location).where(Location.active.is_(True)).order_by(Location.name)))


def _taken(slot: Slot, now: dt.datetime) -> bool:
    return slot.booking_id is not None and (slot.hold_until is None or slot.hold_until >= now)


def today_figures(*, session: Session, location: Location, now: dt.datetime) -> TodayFigures:
    """Booked, checked in, waiting now, free seat-steps still to come, and no-shows of today."""
    today = local_today(now)
    bookings = session.scalars(
        select(Booking).where(Booking.location_id == location.id, Booking.day == today)
    ).all()
    counted = [b for b in bookings if b.status not in (BookingStatus.CANCELLED, BookingStatus.EXPIRED)]
    slots = session.scalars(
        select(Slot).where(
            Slot.location_id == location.id, Slot.day == today, Slot.start >= now, Slot.closed.is_(False)
        )
    ).all()
    return TodayFigures(
        location=location,
        booked=len(counted),
        checked_in=sum(1 for b in counted if b.checked_in_at is not None),
        waiting=sum(1 for b in counted if b.status == BookingStatus.CHECKED_IN and b.called_at is None),
        free_left=sum(1 for s in slots if not _taken(s, now)),
        no_shows=sum(1 for b in counted if b.status == BookingStatus.NO_SHOW),
    )


def day_board(*, session: Session, location: Location, day: dt.date, now: dt.datetime) -> DayBoard:
    """The day's grid (steps × seats) with the booking in each seat, and the day's bookings."""
    slots = session.scalars(
        select(Slot).where(Slot.location_id == location.id, Slot.day == day).order_by(Slot.start, Slot.seat)
    ).all()
    bookings = list(
        session.scalars(
            select(Booking)
            .where(Booking.location_id == location.id, Booking.day == day, Booking.status.in_(SHOWN))
            .options(selectinload(Booking.items).selectinload(BookingItem.service))
            .order_by(Booking.start, Booking.reference)
        )
    )
    by_id = {b.id: b for b in bookings}
    seats = sorted({(s.seat, s.channel) for s in slots})
    columns = [seat for seat, _ in seats]
    steps: dict[dt.datetime, Step] = {}
    for slot in slots:
        start = to_local(slot.start)
        step = steps.setdefault(start, Step(start, to_local(slot.end), [None] * len(columns)))
        holder = by_id.get(slot.booking_id) if slot.booking_id is not None and _taken(slot, now) else None
        first = holder is not None and to_local(holder.start) == start
        step.cells[columns.index(slot.seat)] = Cell(slot.seat, slot.channel, holder, first)
    seated = {s.booking_id for s in slots if s.booking_id is not None}
    outside = [b for b in bookings if b.is_open and b.id not in seated]
    return DayBoard(location, day, list(steps.values()), seats, bookings, outside)


COUNTED = (
    BookingStatus.AWAITING,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.DONE,
    BookingStatus.NO_SHOW,
)
OUTSIDE = "außerhalb der Öffnungszeiten"


def _label_of(moment: dt.datetime, windows: list[OpeningWindow]) -> str:
    local = to_local(moment).time()
    for w in windows:
        if w.start <= local < w.end:
            return f"{w.start:%H:%M}–{w.end:%H:%M}"
    return OUTSIDE


def week(*, session: Session, location: Location, monday: dt.date, now: dt.datetime) -> list[WeekDay]:
    """Monday to Sunday: per day and opening window the appointments, seats taken and free."""
    end = monday + dt.timedelta(days=7)
    slots = session.scalars(
        select(Slot).where(
            Slot.location_id == location.id, Slot.day >= monday, Slot.day < end, Slot.closed.is_(False)
        )
    ).all()
    bookings = session.execute(
        select(Booking.day, Booking.start).where(
            Booking.location_id == location.id,
            Booking.day >= monday,
            Booking.day < end,
            Booking.status.in_(COUNTED),
        )
    ).all()
    days: list[WeekDay] = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        windows = [w for w in location.windows if w.weekday == day.weekday()]
        taken: dict[str, int] = defaultdict(int)
        free: dict[str, int] = defaultdict(int)
        count: dict[str, int] = defaultdict(int)
        for slot in slots:
            if slot.day == day:
                (taken if _taken(slot, now) else free)[_label_of(slot.start, windows)] += 1
        for booking_day, start in bookings:
            if booking_day == day:
                count[_label_of(start, windows)] += 1
        labels = [f"{w.start:%H:%M}–{w.end:%H:%M}" for w in windows]
        labels += sorted((set(taken) | set(free) | set(count)) - set(labels))
        days.append(WeekDay(day, [WindowLoad(lbl, count[lbl], taken[lbl], free[lbl]) for lbl in labels]))
    return days
