"""The citizen moves a booked appointment to another time (``…/termine/buchung/{token}/aendern``).

The address was verified with the first booking, so the new time is booked at once
(``citizen.rebook``: the new seats are taken and the old appointment cancelled in one transaction; a
time taken meanwhile rolls everything back and answers 409 with the next free times). The confirmation
mail carries the same calendar entry (same UID, higher SEQUENCE), so calendars move it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response

from rathaus.appointments import booking as bk
from rathaus.appointments import citizen, notify
from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.models import Booking
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.web import common
from rathaus.appointments.web.common import PublicTenant
from rathaus.appointments.web.manage import (
    MAIL_FAILED_AFTER,
    booking_of,
    details,
    manage_url,
    open_booking,
    tenant_session,
)
from rathaus.appointments.web.public import times_values
from rathaus.web.deps import flash

router = APIRouter(prefix="/buerger/{tenant_slug}/termine", tags=["Terminvergabe"])


@router.get("/buchung/{token}/aendern", summary="Termin ändern: Tag wählen")
def change_days(request: Request, tenant_slug: str, token: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    settings = common.section(request)
    with tenant_session(request, who) as scoped:
        booking = booking_of(scoped, token)
        refused = open_booking(request, who, booking, token)
        if refused is not None:
            return refused
        wanted = bk.Request(location=booking.location, services=citizen.booking_services(booking))
        days = citizen.bookable_days(session=scoped, request=wanted, now=common.now(), settings=settings)
        wave_day, wave_at = citizen.next_wave(now=common.now(), settings=settings)
        values = {
            **details(booking),
            "wanted": wanted,
            "days": days,
            "wave_day": wave_day,
            "wave_at": wave_at,
            "change": True,
            "day_link": f"{manage_url(who, token)}/aendern/zeit?tag=",
            "back": manage_url(who, token),
        }
        return common.page(request, who, "days.html", values)


def _change_times(
    request: Request,
    who: PublicTenant,
    booking: Booking,
    token: str,
    day: dt.date | None,
    times: list[dt.datetime],
    *,
    code: int = 200,
    problem: str = "",
) -> Response:
    wanted = bk.Request(location=booking.location, services=citizen.booking_services(booking))
    values = times_values(request, who, wanted, times)
    values.update(
        {
            **details(booking),
            "day": day,
            "change": True,
            "action": f"{manage_url(who, token)}/aendern",
            "back": f"{manage_url(who, token)}/aendern",
            "taken": code == status.HTTP_409_CONFLICT,
        }
    )
    if problem:
        values["errors"] = [("zeiten", problem)]
    return common.page(request, who, "times.html", values, code=code)


@router.get("/buchung/{token}/aendern/zeit", summary="Termin ändern: Uhrzeit wählen")
def change_times(request: Request, tenant_slug: str, token: str, tag: str = "") -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    settings = common.section(request)
    with tenant_session(request, who) as scoped:
        booking = booking_of(scoped, token)
        refused = open_booking(request, who, booking, token)
        if refused is not None:
            return refused
        try:
            day = common.parse_day(tag, at=common.now(), settings=settings)
        except NotBookableError as error:
            return common.message_page(
                request,
                who,
                400,
                "Tag nicht buchbar",
                str(error),
                f"{manage_url(who, token)}/aendern",
                "Anderen Tag wählen",
            )
        times = citizen.change_times(
            session=scoped, booking=booking, day=day, now=common.now(), settings=settings
        )
        return _change_times(request, who, booking, token, day, times)


@router.post("/buchung/{token}/aendern", summary="Termin ändern: neue Uhrzeit buchen")
def change_submit(
    request: Request,
    tenant_slug: str,
    token: str,
    zeit: Annotated[str, Form()] = "",
) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    settings = common.context_of(request).settings
    section = common.section(request)
    with tenant_session(request, who) as scoped:
        booking = booking_of(scoped, token)
        refused = open_booking(request, who, booking, token)
        if refused is not None:
            return refused
        moment = common.now()
        try:
            start = common.parse_time(zeit)
            moved, manage = citizen.rebook(
                session=scoped,
                booking=booking,
                start=start,
                now=moment,
                settings=section,
                secret=settings.secret_key,
            )
        except bk.SlotTakenError as error:
            scoped.rollback()
            problem = "Termin nicht mehr verfügbar: Bitte wählen Sie eine der nächsten freien Zeiten."
            return _change_times(
                request, who, booking, token, None, error.alternatives, code=409, problem=problem
            )
        except NotBookableError as error:
            scoped.rollback()
            return _change_times(request, who, booking, token, None, [], code=422, problem=str(error))
        bk.audit_booking(
            scoped, notify.ACTOR, AppointmentsAction.BOOKING_REBOOKED, moved, from_booking_id=booking.id
        )
        scoped.commit()
        sent = notify.send_confirmation(
            session=scoped,
            settings=settings,
            booking=moved,
            links=common.links(request, who),
            manage_token=manage,
        )
        reference = moved.reference
    mailed = "; die Bestätigung kommt per E-Mail" if sent else ""
    flash(request, f"Ihr Termin ist verlegt. Die neue Terminnummer ist {reference}{mailed}.")
    if not sent:
        flash(request, MAIL_FAILED_AFTER.format(reference=reference), "error")
    return RedirectResponse(manage_url(who, manage), status_code=status.HTTP_303_SEE_OTHER)
