"""Domain logic of the Terminvergabe that spans its parts: keyword-only, taking a session, no commit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments import waitlist
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Booking


def cancel_booking(
    *, session: Session, booking: Booking, now: dt.datetime, settings: AppointmentsSettings, reason: str = ""
) -> tuple[list[int], list[waitlist.Offered]]:
    """Cancel a booking (``booking.cancel``) and offer the freed time to the waiting list.

    Every cancel path (citizen, staff, counter closure) should call this instead of ``booking.cancel``.
    Returns the freed seat ids and the offers made; after the commit, mail the offers with
    ``waitlist_mails.send_offers``.
    """
    freed = bk.cancel(session=session, booking=booking, now=now, settings=settings, reason=reason)
    offers = waitlist.after_release(
        session=session, location=booking.location, slot_ids=freed, now=now, settings=settings
    )
    return freed, offers
