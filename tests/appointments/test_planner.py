"""Planning on real bookings: history with zero days, forecast or its fallback, plans decided and applied."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.appointments import planner
from rathaus.appointments.models import BookingStatus, CapacityPlan, Closure, PlanStatus
from rathaus.appointments.release import seat_count
from rathaus.appointments.times import to_utc
from rathaus.core.audit.models import AuditEvent
from rathaus.core.audit.service import Actor
from tests.appointments.helpers import booked, history_booking
from tests.appointments.office import NOW, TUESDAY, Office, make_office
from tests.conftest import World

ACTOR = Actor(id=None, name="planerin")
MONDAY = dt.date(2027, 2, 1)


@pytest.fixture
def office(world: World, session: Session) -> Office:
    made = make_office(session, world.tenant_a_id)
    session.commit()
    return made


def weekdays_before(day: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    current = day
    while len(days) < count:
        current -= dt.timedelta(days=1)
        if current.weekday() < 5:
            days.append(current)
    return sorted(days)


def test_history_counts_bookings_per_day_with_zero_days(office: Office, session: Session) -> None:
    history_booking(session, office, TUESDAY, number=1)
    history_booking(session, office, TUESDAY, number=2, service=office.deregistration)
    history_booking(session, office, TUESDAY, number=3, status=BookingStatus.CANCELLED)  # not counted
    history_booking(session, office, dt.date(2027, 2, 4), number=1)
    wednesday = dt.date(2027, 2, 3)
    session.add(
        Closure(
            tenant_id=office.location.tenant_id,
            location_id=office.location.id,
            start=to_utc(dt.datetime.combine(wednesday, dt.time(7))),
            end=to_utc(dt.datetime.combine(wednesday, dt.time(13))),
            reason="Betriebsausflug",
        )
    )
    session.flush()
    counts = planner.daily_history(
        session=session, location=office.location, start=MONDAY, end=dt.date(2027, 2, 7), state="NI"
    )
    # the weekend is closed, Wednesday is closed all day: neither is a zero day
    assert counts == {MONDAY: 0, TUESDAY: 2, dt.date(2027, 2, 4): 1, dt.date(2027, 2, 5): 0}
    only = planner.daily_history(
        session=session,
        location=office.location,
        start=MONDAY,
        end=dt.date(2027, 2, 5),
        state="NI",
        service_id=office.deregistration.id,
    )
    assert only == {MONDAY: 0, TUESDAY: 1, dt.date(2027, 2, 4): 0, dt.date(2027, 2, 5): 0}


def test_a_short_history_falls_back_to_the_naive_forecast(office: Office, session: Session) -> None:
    for number in range(3):
        history_booking(session, office, dt.date(2027, 1, 26), number=number)  # a Tuesday
    session.flush()
    series = planner.forecast_series(
        session=session, location=office.location, today=MONDAY, state="NI", weeks=1
    )
    assert not series.modelled
    assert "Zu wenig Buchungsverlauf" in series.note
    assert "gleicher Wochentag der Vorwoche" in series.note
    tuesday = next(point for point in series.forecast if point.day == TUESDAY)
    assert tuesday.expected == 3.0


def test_suggestions_from_the_model_are_stored_and_a_decision_changes_released_seats(
    office: Office, session: Session
) -> None:
    for index, day in enumerate(weekdays_before(MONDAY, 30)):  # 30 open days, 27–33 registrations each
        for number in range(27 + (index % 3) * 3):
            history_booking(session, office, day, number=number)
    session.flush()
    series = planner.forecast_series(
        session=session, location=office.location, today=MONDAY, state="NI", weeks=1
    )
    assert series.modelled
    tuesday_forecast = next(point for point in series.forecast if point.day == TUESDAY)
    assert 25 < tuesday_forecast.expected < 35

    created = planner.refresh_plans(
        session=session, location=office.location, now=NOW, state="NI", actor=ACTOR
    )
    assert len(created) == 20  # Tuesday 2 February .. Monday 1 March: 20 weekdays, one window each
    plan = next(p for p in created if p.day == TUESDAY)
    # 30 registrations of 20 minutes; one seat takes 12 in 08–12: 3 seats at least
    assert plan.status == PlanStatus.SUGGESTED
    assert plan.suggested_online is not None
    assert plan.suggested_online >= 3
    assert "Prognose" in plan.reason
    assert seat_count(session=session, location=office.location, day=TUESDAY) == 24  # not applied yet

    planner.decide_plans(
        session=session,
        location=office.location,
        decisions=[planner.Decision(plan.id, planner.Choice.ACCEPT)],
        actor=ACTOR,
        now=NOW,
        state="NI",
    )
    assert plan.status == PlanStatus.ACCEPTED
    assert seat_count(session=session, location=office.location, day=TUESDAY) == 24 * plan.suggested_online

    # a booking holds two seat rows; changing to no seats at all keeps them
    booked(session, office, dt.datetime.combine(TUESDAY, dt.time(9)), BookingStatus.CONFIRMED)
    planner.decide_plans(
        session=session,
        location=office.location,
        decisions=[planner.Decision(plan.id, planner.Choice.CHANGE, online=0, walk_in=0)],
        actor=ACTOR,
        now=NOW,
        state="NI",
    )
    assert (plan.status, plan.online_capacity, plan.walk_in_capacity) == (PlanStatus.CHANGED, 0, 0)
    assert seat_count(session=session, location=office.location, day=TUESDAY) == 2  # the booked ones

    planner.decide_plans(
        session=session,
        location=office.location,
        decisions=[planner.Decision(plan.id, planner.Choice.REJECT)],
        actor=ACTOR,
        now=NOW,
        state="NI",
    )
    assert seat_count(session=session, location=office.location, day=TUESDAY) == 24  # the window's one seat

    # refreshing keeps the decided plan and replaces only the suggestions
    again = planner.refresh_plans(session=session, location=office.location, now=NOW, state="NI", actor=ACTOR)
    assert len(again) == 19
    assert session.get(CapacityPlan, plan.id) is not None
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "appointments.capacity_decided")
    ).all()
    decided = [event.details for event in events if event.details.get("step") == "decided"]
    assert [entry["plans"][0]["status"] for entry in decided] == ["accepted", "changed", "rejected"]
    assert decided[1]["plans"][0]["online"] == 0


def test_negative_seats_and_foreign_plans_are_refused(office: Office, session: Session) -> None:
    created = planner.refresh_plans(
        session=session, location=office.location, now=NOW, state="NI", actor=ACTOR
    )
    with pytest.raises(planner.PlanError, match="ganze Zahlen ab 0"):
        planner.decide_plans(
            session=session,
            location=office.location,
            decisions=[planner.Decision(created[0].id, planner.Choice.CHANGE, online=-1)],
            actor=ACTOR,
            now=NOW,
            state="NI",
        )
    with pytest.raises(planner.PlanError, match="gehört nicht"):
        planner.decide_plans(
            session=session,
            location=office.location,
            decisions=[planner.Decision(999_999, planner.Choice.ACCEPT)],
            actor=ACTOR,
            now=NOW,
            state="NI",
        )


def test_overbooking_uses_the_measured_no_show_rate(office: Office, session: Session) -> None:
    later = NOW + dt.timedelta(days=7)
    for number in range(10):
        status = BookingStatus.NO_SHOW if number < 2 else BookingStatus.DONE
        history_booking(session, office, TUESDAY, number=number, status=status)
    session.flush()
    rate, windows = planner.overbooking(session=session, location=office.location, now=later)
    assert rate == pytest.approx(0.2)
    assert len(windows) == 5
    label, suggestion = windows[0]
    assert label == "Montag 08:00–12:00"
    assert suggestion.no_show_rate == pytest.approx(0.2)
    assert not suggestion.enabled
