"""Statistics over real bookings: utilisation, lead and waiting time, no-show rate, counts; bar chart."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from rathaus.appointments.models import BookingStatus, Channel
from rathaus.appointments.planning.bars import Bar, render_bar_chart
from rathaus.appointments.statistics import period_report
from rathaus.appointments.times import to_utc
from tests.appointments.helpers import booked
from tests.appointments.office import NOW, TUESDAY, Office, make_office
from tests.conftest import World


@pytest.fixture
def office(world: World, session: Session) -> Office:
    made = make_office(session, world.tenant_a_id)
    session.commit()
    return made


def at(hour: int, minute: int = 0, day: dt.date = TUESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def test_figures_follow_the_bookings_of_the_period(office: Office, world: World, session: Session) -> None:
    done = booked(session, office, at(9), BookingStatus.DONE)  # registration: 20 minutes, 2 seat rows
    done.checked_in_at = to_utc(at(8, 55))
    done.called_at = to_utc(at(9, 5))
    booked(session, office, at(10), BookingStatus.NO_SHOW, services=((office.deregistration, 1),))  # 10 min
    booked(session, office, at(11), BookingStatus.CANCELLED)  # holds rows, but does not count
    walk_in = booked(
        session, office, at(11, 30), BookingStatus.CHECKED_IN, services=((office.deregistration, 1),)
    )
    walk_in.channel = Channel.WALK_IN
    walk_in.checked_in_at = to_utc(at(11, 20))
    walk_in.called_at = to_utc(at(11, 50))
    session.flush()

    after = to_utc(at(13))  # the checked-in walk-in is past: it counts as attended
    report = period_report(
        session=session, tenant_id=world.tenant_a_id, start=TUESDAY, end=TUESDAY, now=after
    )

    total = report.total
    assert total.offered_minutes == 24 * 10  # 08–12, one online seat, 10-minute grid
    assert total.booked_minutes == 20 + 10 + 10  # done, no-show, checked-in (cancelled left out)
    assert total.utilisation == pytest.approx(40 / 240)
    assert dict(total.by_status) == {
        BookingStatus.DONE: 1,
        BookingStatus.NO_SHOW: 1,
        BookingStatus.CANCELLED: 1,
        BookingStatus.CHECKED_IN: 1,
    }
    assert total.bookings == 3
    # lead: Monday 07:30 → Tuesday 09:00 = 25.5 h and → 10:00 = 26.5 h; the walk-in is left out
    assert total.lead_time_days == round((25.5 + 26.5) / 2 / 24, 1)
    assert total.waiting_time_minutes == 20.0  # median of 10 and 30 minutes
    assert total.no_show_rate == pytest.approx(1 / 3)  # 1 no-show of done + no-show + checked-in past

    services = {figure.key: figure for figure in report.services}
    registration = services[office.registration.key]
    assert registration.booked_minutes == 20
    assert registration.utilisation == pytest.approx(20 / 240)
    assert services[office.deregistration.key].no_show_rate == pytest.approx(1 / 2)
    assert [location.label for location in report.locations] == ["Kfz-Zulassungsstelle Mitte"]
    assert [week.key for week in report.weeks] == ["2027-02-01"]

    before = NOW  # Monday morning: the checked-in appointment is not due yet
    early = period_report(
        session=session, tenant_id=world.tenant_a_id, start=TUESDAY, end=TUESDAY, now=before
    )
    assert early.total.no_show_rate == pytest.approx(1 / 2)


def test_another_tenant_and_another_period_see_nothing(
    office: Office, world: World, session: Session
) -> None:
    booked(session, office, at(9), BookingStatus.DONE)
    other = period_report(session=session, tenant_id=world.tenant_b_id, start=TUESDAY, end=TUESDAY, now=NOW)
    assert (other.total.bookings, other.locations, other.total.offered_minutes) == (0, [], 0)
    wednesday = TUESDAY + dt.timedelta(days=1)
    later = period_report(
        session=session, tenant_id=world.tenant_a_id, start=wednesday, end=wednesday, now=NOW
    )
    assert later.total.bookings == 0
    assert later.total.utilisation == 0.0
    assert later.total.lead_time_days is None
    assert later.total.no_show_rate is None


def test_the_bar_chart_is_accessible_and_escapes_text() -> None:
    svg = render_bar_chart(
        bars=[Bar("<Kfz> & Co", 50.0, "50,0 %"), Bar("Gewerbe", None, "–")],
        title="Auslastung",
        description="Kfz: 50 %",
        maximum=100.0,
    )
    assert 'role="img"' in svg
    assert '<title id="balken-title">Auslastung</title>' in svg
    assert "&lt;Kfz&gt; &amp; Co" in svg
    assert "<Kfz>" not in svg
    assert 'width="155.0"' in svg  # half of the 310-pixel plot for 50 %
