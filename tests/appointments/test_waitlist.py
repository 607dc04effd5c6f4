"""The waiting list on the real database: who gets a freed time, for how long, and what happens after."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments import waitlist
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import BookingStatus, Slot, WaitlistEntry, WaitStatus
from rathaus.appointments.service import cancel_booking
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.times import to_local, to_utc
from rathaus.core.audit.models import AuditEvent
from tests.appointments.office import NOW, TUESDAY, Office, make_office
from tests.conftest import World

SECRET = "test-secret-for-waitlist-links-0123456789"
SETTINGS = AppointmentsSettings()
NINE = dt.datetime.combine(TUESDAY, dt.time(9))


@pytest.fixture
def office(world: World, session: Session) -> Office:
    made = make_office(session, world.tenant_a_id)
    session.commit()
    return made


def offered_ids(session: Session, entry: WaitlistEntry) -> list[int]:
    return [seat.id for seat in waitlist.offered_seats(session=session, entry=entry)]


def test_a_freed_time_goes_to_the_first_entry_that_fits_and_is_booked_from_the_offer(
    office: Office, session: Session
) -> None:
    made = office.confirmed(session, NINE)
    later = NOW + dt.timedelta(hours=1)
    too_long = office.waiting(session, "lang@example.org", (office.registration, 2))  # 40 min: never fits 20
    wrong_day = office.waiting(session, "spaet@example.org", latest=dt.date(2027, 2, 1))
    first = office.waiting(session, "erste@example.org")
    second = office.waiting(session, "zweite@example.org")

    freed, offers = cancel_booking(session=session, booking=made, now=later, settings=SETTINGS, reason="test")
    assert len(freed) == 2
    assert [o.entry_id for o in offers] == [first.id]
    offer = offers[0]
    assert (to_local(offer.start), to_local(offer.end)) == (NINE, NINE + dt.timedelta(minutes=20))
    assert offer.until == later + dt.timedelta(hours=SETTINGS.waitlist_offer_hours)
    assert first.status == WaitStatus.OFFERED
    assert (too_long.status, wrong_day.status, second.status) == (WaitStatus.WAITING,) * 3
    assert sorted(offered_ids(session, first)) == sorted(freed)
    session.commit()  # as the cancel route does
    # the public cannot see or take the offered time, although the re-release delay is over later on
    after_delay = later + dt.timedelta(minutes=SETTINGS.rerelease_delay_minutes + 1)
    public = bk.free_times(
        session=session, request=office.request(), day=TUESDAY, now=after_delay, settings=SETTINGS
    )
    assert NINE not in public
    with pytest.raises(bk.SlotTakenError):
        bk.hold(session=session, request=office.request(), start=NINE, now=after_delay, settings=SETTINGS)
    session.rollback()

    accepted, manage = waitlist.accept(
        session=session, token=offer.token, now=after_delay, settings=SETTINGS, secret=SECRET
    )
    assert accepted.status == BookingStatus.CONFIRMED
    assert accepted.waitlist_entry_id == first.id
    assert (accepted.email, accepted.name) == ("erste@example.org", "Wanda Warte")
    assert bk.booking_by_token(session=session, token=manage) is accepted
    assert bk.seats_by_booking(session=session, bookings=[accepted]) == {accepted.id: 2}
    assert first.status == WaitStatus.BOOKED
    assert offered_ids(session, first) == []
    with pytest.raises(waitlist.WaitlistError, match="bereits angenommen"):
        waitlist.accept(session=session, token=offer.token, now=after_delay, settings=SETTINGS, secret=SECRET)
    actions = set(
        session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "waitlist_entry"))
    )
    assert {
        "appointments.waitlist_joined",
        "appointments.waitlist_offered",
        "appointments.waitlist_accepted",
    } <= actions


def test_an_unanswered_offer_moves_on_and_ends_after_three(office: Office, session: Session) -> None:
    made = office.confirmed(session, NINE)
    first = office.waiting(session, "erste@example.org")
    second = office.waiting(session, "zweite@example.org")
    _freed, offers = cancel_booking(session=session, booking=made, now=NOW, settings=SETTINGS)
    assert offers[0].entry_id == first.id
    # nothing runs out before its time
    assert (
        waitlist.expire_offers(
            session=session, tenant_id=first.tenant_id, now=NOW, settings=SETTINGS
        ).returned
        == 0
    )
    late = offers[0].until + dt.timedelta(seconds=1)
    sweep = waitlist.expire_offers(session=session, tenant_id=first.tenant_id, now=late, settings=SETTINGS)
    assert sweep.returned == 1
    assert [o.entry_id for o in sweep.offers] == [second.id]
    assert first.status == WaitStatus.WAITING
    assert second.status == WaitStatus.OFFERED
    with pytest.raises(waitlist.WaitlistError):
        waitlist.accept(session=session, token=offers[0].token, now=late, settings=SETTINGS, secret=SECRET)
    # the first entry is offered again at the next chance, until its third offer ran out
    first.offers_made = waitlist.MAX_OFFERS
    second.offers_made = waitlist.MAX_OFFERS
    later = sweep.offers[0].until + dt.timedelta(seconds=1)
    final = waitlist.expire_offers(session=session, tenant_id=first.tenant_id, now=later, settings=SETTINGS)
    assert [e.id for e in final.expired] == [second.id]
    assert second.status == WaitStatus.EXPIRED
    # first had used up its offers too, but waited again: offered once more, it expires when that runs out
    assert [o.entry_id for o in final.offers] == [first.id]


def test_the_offer_ends_before_the_appointment_and_the_hold_expiry_offers_too(
    office: Office, session: Session
) -> None:
    entry = office.waiting(session, "bald@example.org")
    start = dt.datetime.combine(TUESDAY, dt.time(8))
    held, _token = bk.hold(session=session, request=office.request(), start=start, now=NOW, settings=SETTINGS)
    assert held.hold_until is not None
    late = held.hold_until + dt.timedelta(seconds=1)
    # the hold runs out on Monday; Tuesday 08:00 is within less than the offer hours
    monday_evening = to_utc(dt.datetime.combine(TUESDAY, dt.time(0))) - dt.timedelta(hours=2)
    stale, offers = waitlist.expire_holds_and_offer(
        session=session, tenant_id=entry.tenant_id, now=max(late, monday_evening), settings=SETTINGS
    )
    assert [b.id for b in stale] == [held.id]
    assert [o.entry_id for o in offers] == [entry.id]
    assert offers[0].until == to_utc(start) - dt.timedelta(minutes=SETTINGS.min_lead_minutes)


def test_bad_input_is_refused_in_german(office: Office, session: Session) -> None:
    tenant = office.location.tenant_id

    def join(**changes: object) -> None:
        values: dict[str, object] = {
            "session": session,
            "tenant_id": tenant,
            "services": [(office.registration, 1)],
            "location": office.location,
            "earliest": None,
            "latest": None,
            "name": "Wanda",
            "email": "w@example.org",
            "now": NOW,
            "settings": SETTINGS,
        }
        waitlist.join(**{**values, **changes})  # type: ignore[arg-type]

    with pytest.raises(NotBookableError, match="mindestens eine Dienstleistung"):
        join(services=[])
    with pytest.raises(NotBookableError, match="höchstens 3-mal"):
        join(services=[(office.registration, 4)])
    with pytest.raises(NotBookableError, match="vor dem ersten"):
        join(earliest=dt.date(2027, 3, 2), latest=dt.date(2027, 3, 1))
    with pytest.raises(NotBookableError, match="Vergangenheit"):
        join(latest=dt.date(2027, 1, 1))
    with pytest.raises(NotBookableError, match="gültige E-Mail"):
        join(email="kein-at")
    with pytest.raises(NotBookableError, match="Namen"):
        join(name="  ")
    join()
    join()
    with pytest.raises(NotBookableError, match="bereits 2-mal"):
        join()
    with pytest.raises(waitlist.WaitlistError, match="ungültig"):
        waitlist.verify(session=session, token="gefälscht", now=NOW, settings=SETTINGS)
    entry, token = waitlist.join(
        session=session,
        tenant_id=tenant,
        services=[(office.registration, 1)],
        location=None,
        earliest=None,
        latest=None,
        name="Spät",
        email="spaet@example.org",
        now=NOW,
        settings=SETTINGS,
    )
    assert entry.location_id is None  # any location
    late = NOW + dt.timedelta(minutes=SETTINGS.confirm_minutes + 1)
    with pytest.raises(waitlist.WaitlistError, match="abgelaufen"):
        waitlist.verify(session=session, token=token, now=late, settings=SETTINGS)
    assert entry.status == WaitStatus.EXPIRED
    assert session.scalar(select(func.count()).select_from(Slot).where(Slot.offered_to_id.is_not(None))) == 0


def test_leaving_the_list_during_an_offer_gives_the_time_to_the_public(
    office: Office, session: Session
) -> None:
    made = office.confirmed(session, NINE)
    entry, token = waitlist.join(
        session=session,
        tenant_id=office.location.tenant_id,
        services=[(office.registration, 1)],
        location=office.location,
        earliest=None,
        latest=None,
        name="Wanda Warte",
        email="wanda@example.org",
        now=NOW,
        settings=SETTINGS,
    )
    waitlist.verify(session=session, token=token, now=NOW, settings=SETTINGS)
    later = NOW + dt.timedelta(hours=1)
    _freed, offers = cancel_booking(
        session=session, booking=made, now=later, settings=SETTINGS, reason="test"
    )
    assert [offer.entry_id for offer in offers] == [entry.id]
    after_delay = later + dt.timedelta(minutes=SETTINGS.rerelease_delay_minutes + 1)
    request = office.request()
    assert NINE not in bk.free_times(
        session=session, request=request, day=TUESDAY, now=after_delay, settings=SETTINGS
    )
    with pytest.raises(waitlist.WaitlistError, match="ungültig"):
        waitlist.withdraw(session=session, token=token, now=later)  # the verify token is not the way out
    waitlist.withdraw(session=session, token=waitlist.withdraw_token(token), now=later)
    assert entry.status == WaitStatus.WITHDRAWN
    assert offered_ids(session, entry) == []
    assert NINE in bk.free_times(
        session=session, request=request, day=TUESDAY, now=after_delay, settings=SETTINGS
    )
    with pytest.raises(waitlist.WaitlistError, match="bereits beendet"):
        waitlist.withdraw(session=session, token=waitlist.withdraw_token(token), now=later)
