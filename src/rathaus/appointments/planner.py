"""Intelligent planning on the real bookings: history, forecast, capacity plans decided by a person.

- ``daily_history``: the bookings per day of a location (and service), 0 on every open day without one
  (the forecast needs the zero days, see ``planning.forecast.fit_demand``).
- ``forecast_series``: the demand model when there are at least 20 open days of history, else the naive
  forecast (same weekday last week) with a German note saying so.
- ``refresh_plans``: the capacity suggestion per opening window for the next weeks
  (``planning.capacity.suggest_capacity`` with the location's windows and the average duration),
  stored as ``CapacityPlan`` rows with status SUGGESTED; decided plans are kept.
- ``decide_plans``: a person accepts, changes or rejects; decided plans are applied to released days
  (``release.lay_out_day``, booked seats stay). Audited as CAPACITY_DECIDED with the figures.
- ``overbooking``: extra seats from the measured no-show rate; shown only when the setting is on.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from rathaus.appointments.administration import WEEKDAYS
from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.models import (
    Booking,
    BookingItem,
    CapacityPlan,
    Closure,
    Location,
    PlanStatus,
)
from rathaus.appointments.planning.capacity import (
    OverbookingSuggestion,
    appointments_per_seat,
    overbooking_suggestion,
    suggest_capacity,
)
from rathaus.appointments.planning.forecast import (
    MIN_OBSERVATIONS,
    ForecastPoint,
    fit_demand,
    forecast_demand,
    naive_forecast,
)
from rathaus.appointments.planning.workdays import is_open_day
from rathaus.appointments.release import lay_out_day, released_days
from rathaus.appointments.statistics import COUNTED, period_report
from rathaus.appointments.store import as_windows
from rathaus.appointments.times import local_today, to_local
from rathaus.core.audit.service import Actor, record

HISTORY_DAYS = 365
NO_SHOW_DAYS = 90


class PlanError(ValueError):
    """A capacity decision that cannot be taken; the message is German (shown to the person)."""


class Choice(enum.StrEnum):
    """What a person does with a suggested plan."""

    KEEP = "keep"  # leave it as it is
    ACCEPT = "accept"
    CHANGE = "change"
    REJECT = "reject"


@dataclass(frozen=True)
class Decision:
    """One plan's decision as posted; ``online``/``walk_in`` only for CHANGE."""

    plan_id: int
    choice: Choice
    online: int | None = None
    walk_in: int | None = None


@dataclass(frozen=True)
class SeriesForecast:
    """A series' history and forecast; ``modelled`` False means the naive fallback (``note`` says why)."""

    history: dict[dt.date, int]
    forecast: list[ForecastPoint]
    modelled: bool
    note: str
    open_days: int


def open_weekdays(location: Location) -> tuple[int, ...]:
    """The weekdays the location has opening windows on."""
    return tuple(sorted({window.weekday for window in location.windows}))


def closed_days(*, session: Session, location: Location, start: dt.date, end: dt.date) -> set[dt.date]:
    """Days in [start, end] that a closure covers from before the first to after the last window."""
    days: set[dt.date] = set()
    closures = session.scalars(select(Closure).where(Closure.location_id == location.id)).all()
    for closure in closures:
        first, last = to_local(closure.start), to_local(closure.end)
        day = max(first.date(), start)
        while day <= min(last.date(), end):
            windows = [w for w in location.windows if w.weekday == day.weekday()]
            if windows and all(
                first <= dt.datetime.combine(day, w.start) and dt.datetime.combine(day, w.end) <= last
                for w in windows
            ):
                days.add(day)
            day += dt.timedelta(days=1)
    return days


def daily_history(
    *,
    session: Session,
    location: Location,
    start: dt.date,
    end: dt.date,
    state: str,
    service_id: int | None = None,
) -> dict[dt.date, int]:
    """Bookings that count per day in [start, end], with 0 on every open day that had none."""
    query = select(Booking.day, func.count(func.distinct(Booking.id))).where(
        Booking.location_id == location.id,
        Booking.day >= start,
        Booking.day <= end,
        Booking.status.in_(COUNTED),
    )
    if service_id is not None:
        query = query.join(BookingItem, BookingItem.booking_id == Booking.id).where(
            BookingItem.service_id == service_id
        )
    counts: dict[dt.date, int] = dict(session.execute(query.group_by(Booking.day)).all())
    weekdays = open_weekdays(location)
    closed = closed_days(session=session, location=location, start=start, end=end)
    day = start
    while day <= end:
        if is_open_day(day, state=state, open_weekdays=weekdays, closed_days=closed):
            counts.setdefault(day, 0)
        day += dt.timedelta(days=1)
    return dict(sorted(counts.items()))


def forecast_series(
    *,
    session: Session,
    location: Location,
    today: dt.date,
    state: str,
    weeks: int = 4,
    service_id: int | None = None,
) -> SeriesForecast:
    """History up to yesterday and the forecast from today for ``weeks`` weeks."""
    start = today - dt.timedelta(days=HISTORY_DAYS)
    end = today + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
    history = daily_history(
        session=session,
        location=location,
        start=start,
        end=today - dt.timedelta(days=1),
        state=state,
        service_id=service_id,
    )
    first = next((day for day, count in history.items() if count), None)
    if first is not None:  # the series starts with its first booking, not a year of zeros before it
        history = {day: count for day, count in history.items() if day >= first}
    days = [today + dt.timedelta(days=offset) for offset in range((end - today).days + 1)]
    weekdays = open_weekdays(location) or (0, 1, 2, 3, 4)
    closed = closed_days(session=session, location=location, start=today, end=end)
    open_days = len(history) if first is not None else 0
    if open_days >= MIN_OBSERVATIONS:
        model = fit_demand(counts=history, state=state, open_weekdays=weekdays)
        points = forecast_demand(model=model, days=days, closed_days=closed)
        note = f"Prognosemodell aus {open_days} Öffnungstagen Buchungsverlauf."
        return SeriesForecast(history, points, True, note, open_days)
    points = naive_forecast(
        counts=history, days=days, state=state, open_weekdays=weekdays, closed_days=closed
    )
    note = (
        f"Zu wenig Buchungsverlauf für das Prognosemodell ({open_days} Öffnungstage, mindestens "
        f"{MIN_OBSERVATIONS} nötig): einfache Prognose „gleicher Wochentag der Vorwoche“."
    )
    return SeriesForecast(history, points, False, note, open_days)


def average_duration(*, session: Session, location: Location, since: dt.date) -> int:
    """The location's mean appointment duration in minutes, weighted by the services booked since then."""
    durations = {offer.service_id: offer.duration_min for offer in location.offers}
    if not durations:
        return location.slot_min
    booked = Counter(
        dict(
            session.execute(
                select(BookingItem.service_id, func.sum(BookingItem.quantity))
                .join(Booking, BookingItem.booking_id == Booking.id)
                .where(Booking.location_id == location.id, Booking.day >= since, Booking.status.in_(COUNTED))
                .group_by(BookingItem.service_id)
            ).all()
        )
    )
    weights = (
        {sid: booked.get(sid, 0) for sid in durations}
        if any(booked.values())
        else dict.fromkeys(durations, 1)
    )
    total = sum(weights.values())
    if not total:
        weights, total = dict.fromkeys(durations, 1), len(durations)
    return max(1, round(sum(durations[sid] * weight for sid, weight in weights.items()) / total))


def plans(*, session: Session, location: Location, since: dt.date) -> list[CapacityPlan]:
    """The location's capacity plans from ``since`` on, by day and window."""
    return list(
        session.scalars(
            select(CapacityPlan)
            .where(CapacityPlan.location_id == location.id, CapacityPlan.day >= since)
            .order_by(CapacityPlan.day, CapacityPlan.start)
        )
    )


def refresh_plans(
    *, session: Session, location: Location, now: dt.datetime, state: str, actor: Actor, weeks: int = 4
) -> list[CapacityPlan]:
    """Recompute the suggestions from tomorrow for ``weeks`` weeks; decided plans stay as they are."""
    today = local_today(now)
    tomorrow = today + dt.timedelta(days=1)
    series = forecast_series(session=session, location=location, today=tomorrow, state=state, weeks=weeks)
    duration = average_duration(
        session=session, location=location, since=today - dt.timedelta(days=HISTORY_DAYS)
    )
    suggestions = suggest_capacity(
        forecast=series.forecast, windows=as_windows(location), duration_min=duration
    )
    session.execute(
        delete(CapacityPlan).where(
            CapacityPlan.location_id == location.id,
            CapacityPlan.day >= tomorrow,
            CapacityPlan.status == PlanStatus.SUGGESTED,
        )
    )
    decided = {(plan.day, plan.start) for plan in plans(session=session, location=location, since=tomorrow)}
    created = []
    for item in suggestions:
        if (item.day, item.window.start) in decided:
            continue
        plan = CapacityPlan(
            tenant_id=location.tenant_id,
            location_id=location.id,
            day=item.day,
            start=item.window.start,
            end=item.window.end,
            online_capacity=item.suggested_seats,
            walk_in_capacity=item.window.walk_in_capacity,
            suggested_online=item.suggested_seats,
            forecast=item.expected,
            reason=f"{item.reason}. {series.note}",
            status=PlanStatus.SUGGESTED,
        )
        session.add(plan)
        created.append(plan)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=AppointmentsAction.CAPACITY_DECIDED,
        object_type="appointment_location",
        object_id=location.id,
        details={
            "step": "suggested",
            "plans": len(created),
            "duration_min": duration,
            "modelled": series.modelled,
        },
    )
    return created


def _apply(plan: CapacityPlan, decision: Decision, actor: Actor, now: dt.datetime) -> dict[str, object]:
    if decision.choice == Choice.ACCEPT:
        plan.status = PlanStatus.ACCEPTED
        plan.online_capacity = (
            plan.suggested_online if plan.suggested_online is not None else plan.online_capacity
        )
    elif decision.choice == Choice.CHANGE:
        if (
            decision.online is None
            or decision.online < 0
            or (decision.walk_in is not None and decision.walk_in < 0)
        ):
            raise PlanError(
                f"{plan.day:%d.%m.%Y} ab {plan.start:%H:%M}: Die Plätze müssen ganze Zahlen ab 0 sein."
            )
        plan.status = PlanStatus.CHANGED
        plan.online_capacity = decision.online
        if decision.walk_in is not None:
            plan.walk_in_capacity = decision.walk_in
    else:
        plan.status = PlanStatus.REJECTED
    plan.decided_by_id, plan.decided_at = actor.id, now
    return {
        "day": plan.day.isoformat(),
        "start": f"{plan.start:%H:%M}",
        "status": plan.status.value,
        "online": plan.online_capacity,
        "walk_in": plan.walk_in_capacity,
        "suggested_online": plan.suggested_online,
    }


def decide_plans(
    *,
    session: Session,
    location: Location,
    decisions: Sequence[Decision],
    actor: Actor,
    now: dt.datetime,
    state: str,
) -> int:
    """Take the decisions and re-lay the released days they touch; returns how many plans were decided.

    Raises ``PlanError`` (German) for a plan of another location or negative seats.
    """
    wanted = [decision for decision in decisions if decision.choice != Choice.KEEP]
    if not wanted:
        return 0
    rows = {
        plan.id: plan
        for plan in session.scalars(
            select(CapacityPlan).where(
                CapacityPlan.location_id == location.id, CapacityPlan.id.in_([d.plan_id for d in wanted])
            )
        )
    }
    figures = []
    for decision in wanted:
        plan = rows.get(decision.plan_id)
        if plan is None:
            raise PlanError("Dieser Kapazitätsplan gehört nicht zu diesem Standort.")
        figures.append(_apply(plan, decision, actor, now))
    session.flush()
    released = released_days(session=session, location=location, since=local_today(now))
    for day in sorted({plan.day for plan in rows.values()} & released):
        lay_out_day(session=session, location=location, day=day, now=now, state=state)
    record(
        session=session,
        actor=actor,
        action=AppointmentsAction.CAPACITY_DECIDED,
        object_type="appointment_location",
        object_id=location.id,
        details={"step": "decided", "plans": figures},
    )
    return len(figures)


def measured_no_show_rate(*, session: Session, location: Location, now: dt.datetime) -> float | None:
    """The location's no-show rate over the last 90 days, None without due appointments."""
    today = local_today(now)
    report = period_report(
        session=session,
        tenant_id=location.tenant_id,
        start=today - dt.timedelta(days=NO_SHOW_DAYS),
        end=today,
        now=now,
        location_id=location.id,
    )
    return report.total.no_show_rate


def overbooking(
    *, session: Session, location: Location, now: dt.datetime
) -> tuple[float | None, list[tuple[str, OverbookingSuggestion]]]:
    """The measured no-show rate and, per opening window, the extra appointments it would allow."""
    rate = measured_no_show_rate(session=session, location=location, now=now)
    if rate is None:
        return None, []
    duration = average_duration(
        session=session, location=location, since=local_today(now) - dt.timedelta(days=90)
    )
    result = []
    for window in as_windows(location):
        places = window.online_capacity * appointments_per_seat(window=window, duration_min=duration)
        label = f"{WEEKDAYS[window.weekday]} {window.start:%H:%M}–{window.end:%H:%M}"
        result.append((label, overbooking_suggestion(no_show_rate=min(rate, 0.99), seats=places)))
    return rate, result
