"""Figures of the Terminvergabe over a period, per location, per service and per week (no per-person figures).

- *Utilisation*: booked seat-minutes / offered online seat-minutes. Offered are the online seat rows
  (``Slot``, not closed) of the period; booked are those of them held by a booking that counts (confirmed,
  checked in, done or no-show). A booking of several services splits its minutes by quantity × the
  service's default duration. For a service, the offered minutes are those of the locations offering it,
  so its figure is the share of their online capacity its appointments took.
- *Lead time*: booking created → appointment start, median in days (walk-ins left out).
- *Waiting time*: checked in → called, median in minutes, where both were recorded.
- *No-show rate*: no-shows / (done + no-shows + checked in with a start already past).
- *Counts by status*: every booking of the period by its status.

The period is a range of local days [start, end]; bookings count by their appointment day.
"""

from __future__ import annotations

import datetime as dt
import statistics as stats
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from rathaus.appointments.models import (
    Booking,
    BookingItem,
    BookingStatus,
    Channel,
    Location,
    Offer,
    Slot,
)

COUNTED = frozenset(
    {BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.DONE, BookingStatus.NO_SHOW}
)


@dataclass
class Figures:
    """The figures of one location, one service, one week or everything together."""

    key: str
    label: str
    by_status: Counter[BookingStatus] = field(default_factory=Counter)
    offered_minutes: float = 0.0
    booked_minutes: float = 0.0
    lead_days: list[float] = field(default_factory=list)
    waiting_minutes: list[float] = field(default_factory=list)
    no_shows: int = 0
    attended: int = 0

    @property
    def bookings(self) -> int:
        """The bookings that count (confirmed, checked in, done, no-show)."""
        return sum(count for status, count in self.by_status.items() if status in COUNTED)

    @property
    def utilisation(self) -> float | None:
        """Booked / offered online seat-minutes (0 … 1), None without offered minutes."""
        return self.booked_minutes / self.offered_minutes if self.offered_minutes else None

    @property
    def lead_time_days(self) -> float | None:
        return round(stats.median(self.lead_days), 1) if self.lead_days else None

    @property
    def waiting_time_minutes(self) -> float | None:
        return round(stats.median(self.waiting_minutes), 1) if self.waiting_minutes else None

    @property
    def no_show_rate(self) -> float | None:
        """No-shows / (done + no-shows + checked in past); None when nobody was due yet."""
        due = self.no_shows + self.attended
        return self.no_shows / due if due else None


@dataclass(frozen=True)
class Report:
    """The statistics of a period."""

    start: dt.date
    end: dt.date
    total: Figures
    locations: list[Figures]
    services: list[Figures]
    weeks: list[Figures]  # key: the Monday, ISO format


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _weights(booking: Booking) -> list[tuple[int, float]]:
    """(service id, share) of a booking's minutes."""
    raw = [
        (item.service_id, item.quantity * max(item.service.default_duration_min, 1)) for item in booking.items
    ]
    total = sum(weight for _, weight in raw)
    return [(service_id, weight / total) for service_id, weight in raw] if total else []


def _observe(figures: Iterable[Figures], booking: Booking, now: dt.datetime) -> None:
    """Add one booking's counts, lead time, waiting time and attendance to every figure given."""
    lead = None
    if booking.status in COUNTED and booking.channel != Channel.WALK_IN:
        lead = (booking.start - booking.created_at).total_seconds() / 86400
    waiting = None
    checked_in, called = booking.checked_in_at, booking.called_at
    if checked_in is not None and called is not None and called >= checked_in:
        waiting = (called - checked_in).total_seconds() / 60
    attended = booking.status == BookingStatus.DONE or (
        booking.status == BookingStatus.CHECKED_IN and booking.start < now
    )
    for figure in figures:
        figure.by_status[booking.status] += 1
        if lead is not None:
            figure.lead_days.append(max(lead, 0.0))
        if waiting is not None:
            figure.waiting_minutes.append(waiting)
        figure.no_shows += booking.status == BookingStatus.NO_SHOW
        figure.attended += attended


def _bookings(session: Session, start: dt.date, end: dt.date, location_ids: Sequence[int]) -> list[Booking]:
    return list(
        session.scalars(
            select(Booking)
            .where(Booking.day >= start, Booking.day <= end, Booking.location_id.in_(location_ids))
            .options(selectinload(Booking.items).selectinload(BookingItem.service))
            .order_by(Booking.start)
        )
    )


def _offered(
    session: Session, start: dt.date, end: dt.date, location_ids: Sequence[int]
) -> list[tuple[int, dt.date, int]]:
    """(location id, day, online seat rows) of the period."""
    rows = session.execute(
        select(Slot.location_id, Slot.day, func.count())
        .where(
            Slot.location_id.in_(location_ids),
            Slot.day >= start,
            Slot.day <= end,
            Slot.channel == Channel.ONLINE,
            Slot.closed.is_(False),
        )
        .group_by(Slot.location_id, Slot.day)
    )
    return [(location_id, day, count) for location_id, day, count in rows]


def _booked_rows(
    session: Session, start: dt.date, end: dt.date, location_ids: Sequence[int]
) -> dict[int, int]:
    """Booking id → online seat rows it holds in the period."""
    rows = session.execute(
        select(Slot.booking_id, func.count())
        .where(
            Slot.location_id.in_(location_ids),
            Slot.day >= start,
            Slot.day <= end,
            Slot.channel == Channel.ONLINE,
            Slot.booking_id.is_not(None),
        )
        .group_by(Slot.booking_id)
    )
    return {booking_id: count for booking_id, count in rows if booking_id is not None}


def period_report(
    *,
    session: Session,
    tenant_id: int,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    location_id: int | None = None,
) -> Report:
    """The figures of [start, end] for all locations of the tenant (or one of them)."""
    query = (
        select(Location)
        .where(Location.tenant_id == tenant_id)
        .options(selectinload(Location.offers).selectinload(Offer.service))
    )
    if location_id is not None:
        query = query.where(Location.id == location_id)
    locations = {row.id: row for row in session.scalars(query.order_by(Location.name))}
    ids = list(locations)
    total = Figures("alle", "Alle Standorte")
    by_location = {lid: Figures(str(lid), row.name) for lid, row in locations.items()}
    by_service: dict[int, Figures] = {}
    offered_at: dict[int, set[int]] = defaultdict(set)  # service id → location ids offering it
    for row in locations.values():
        for offer in row.offers:
            offered_at[offer.service_id].add(row.id)
            by_service.setdefault(offer.service_id, Figures(offer.service.key, offer.service.name))
    weeks: dict[dt.date, Figures] = {}

    def week(day: dt.date) -> Figures:
        monday = _monday(day)
        return weeks.setdefault(monday, Figures(monday.isoformat(), f"Woche ab {monday:%d.%m.%Y}"))

    location_minutes: dict[int, float] = defaultdict(float)
    for lid, day, count in _offered(session, start, end, ids):
        minutes = count * locations[lid].slot_min
        location_minutes[lid] += minutes
        by_location[lid].offered_minutes += minutes
        total.offered_minutes += minutes
        week(day).offered_minutes += minutes
    for service_id, figure in by_service.items():
        figure.offered_minutes = sum(location_minutes[lid] for lid in offered_at[service_id])
    held = _booked_rows(session, start, end, ids)
    for booking in _bookings(session, start, end, ids):
        service_figures = [
            by_service[item.service_id] for item in booking.items if item.service_id in by_service
        ]
        _observe([total, by_location[booking.location_id], week(booking.day), *service_figures], booking, now)
        if booking.status not in COUNTED or booking.id not in held:
            continue
        minutes = held[booking.id] * locations[booking.location_id].slot_min
        for figure in (total, by_location[booking.location_id], week(booking.day)):
            figure.booked_minutes += minutes
        for service_id, share in _weights(booking):
            if service_id in by_service:
                by_service[service_id].booked_minutes += minutes * share
    services = sorted(
        (figure for figure in by_service.values() if figure.by_status or figure.booked_minutes),
        key=lambda figure: figure.label,
    )
    return Report(
        start=start,
        end=end,
        total=total,
        locations=list(by_location.values()),
        services=services,
        weeks=[weeks[monday] for monday in sorted(weeks)],
    )
