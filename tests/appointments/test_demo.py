"""The demo of the Terminvergabe on the real Munich catalog: the office, a year of history, booked days."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rathaus.appointments.demo import KFZ_OFFICE, PROFILES, load_demo
from rathaus.appointments.models import (
    Booking,
    BookingItem,
    BookingStatus,
    CapacityPlan,
    Channel,
    Location,
    PlanStatus,
    Service,
    Slot,
)
from rathaus.appointments.statistics import period_report
from rathaus.appointments.times import local_today
from rathaus.core.audit.service import Actor
from rathaus.core.db import utcnow
from rathaus.core.module import DemoInput
from tests.conftest import World, shared_data


def test_the_demo_fills_the_kfz_office(world: World, session: Session) -> None:
    data = shared_data("munich_services").parent
    given = DemoInput(session=session, tenant_id=world.tenant_a_id, data_dir=data, actor=Actor.system("demo"))
    result = load_demo(given)
    assert result.missing == []
    location = session.scalars(select(Location).where(Location.key == KFZ_OFFICE)).one()
    assert len(location.offers) == 18
    assert location.slot_min == 15
    counts = dict(session.execute(select(Booking.status, func.count()).group_by(Booking.status)).all())
    assert counts[BookingStatus.DONE] > 3000
    no_show_rate = counts[BookingStatus.NO_SHOW] / (
        counts[BookingStatus.NO_SHOW] + counts[BookingStatus.DONE]
    )
    assert 0.05 < no_show_rate < 0.2
    assert counts[BookingStatus.CONFIRMED] > 20
    in_history = session.scalars(
        select(Service.key).join(BookingItem, BookingItem.service_id == Service.id).distinct()
    ).all()
    assert set(in_history) == set(PROFILES)  # every service of the history is offered at the office
    walk_ins = session.scalar(select(func.count()).where(Booking.channel == Channel.WALK_IN))
    assert walk_ins
    # the past days have their seats as the release wave made them, and the history holds them
    past_seats = session.scalar(
        select(func.count()).where(
            Slot.booking_id.in_(select(Booking.id).where(Booking.status == BookingStatus.DONE))
        )
    )
    assert past_seats >= counts[BookingStatus.DONE]
    booked_seats = session.scalar(select(func.count()).where(Slot.booking_id.is_not(None)))
    assert booked_seats >= counts[BookingStatus.CONFIRMED] + counts[BookingStatus.DONE]
    report = period_report(
        session=session,
        tenant_id=world.tenant_a_id,
        start=local_today(utcnow()) - dt.timedelta(days=60),
        end=local_today(utcnow()),
        now=utcnow(),
    )
    assert report.total.utilisation is not None
    assert 0.2 < report.total.utilisation < 1
    assert "upcoming appointments" in result.summary
    suggested = session.scalars(select(CapacityPlan).where(CapacityPlan.status == PlanStatus.SUGGESTED)).all()
    assert suggested  # the planning page shows suggestions at once
    assert all(plan.forecast is not None and plan.suggested_online is not None for plan in suggested)
    # a second run leaves everything as it is
    assert "left as it is" in load_demo(given).summary
