"""Routes of the Terminvergabe for staff: the start page, the day and the week of a location.

The actions (walk-ins, check-in, rebooking …) are in ``staff_actions``, closing a location for a day in
``staff_closure``; both hang under this router (``/termine``).
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rathaus.appointments import board
from rathaus.appointments.models import Channel
from rathaus.appointments.times import to_local
from rathaus.appointments.web import staff_actions, staff_closure
from rathaus.appointments.web.staff_common import (
    day_label,
    location_or_404,
    now,
    offered,
    parse_day,
    services_label,
    today,
)
from rathaus.web.deps import Caseworker, TenantSession
from rathaus.web.templating import render

router = APIRouter(prefix="/termine", tags=["Terminvergabe"])


@router.get("", summary="Startseite Terminvergabe: heute auf einen Blick")
def index(request: Request, user: Caseworker, session: TenantSession) -> Response:
    moment = now()
    figures = [
        board.today_figures(session=session, location=location, now=moment)
        for location in board.locations(session=session)
    ]
    return render(
        request,
        "appointments/index.html",
        {"figures": figures, "today": today(), "today_label": day_label(today())},
    )


@router.get("/tag", summary="Tagesansicht eines Standorts")
def day_view(
    request: Request,
    user: Caseworker,
    session: TenantSession,
    standort: str | None = None,
    datum: str | None = None,
) -> Response:
    location = location_or_404(session, standort)
    day = parse_day(datum, today())
    moment = now()
    return render(
        request,
        "appointments/day.html",
        {
            "location": location,
            "locations": board.locations(session=session),
            "day": day,
            "day_label": day_label(day),
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "board": board.day_board(session=session, location=location, day=day, now=moment),
            "local": to_local,
            "services_label": services_label,
            "is_today": day == today(),
            "local_now": to_local(moment),
            "walk_in": Channel.WALK_IN,
            "offered": offered(location),
            "cancellable": lambda b: b.is_open and b.start > moment,
            "no_show_allowed": lambda b: b.start <= moment,
        },
    )


@router.get("/woche", summary="Wochenansicht eines Standorts mit Auslastung")
def week_view(
    request: Request,
    user: Caseworker,
    session: TenantSession,
    standort: str | None = None,
    datum: str | None = None,
) -> Response:
    location = location_or_404(session, standort)
    day = parse_day(datum, today())
    monday = day - dt.timedelta(days=day.weekday())
    days = board.week(session=session, location=location, monday=monday, now=now())
    return render(
        request,
        "appointments/week.html",
        {
            "location": location,
            "locations": board.locations(session=session),
            "monday": monday,
            "days": days,
            "day_label": day_label,
            "previous": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "max_windows": max((len(d.windows) for d in days), default=0),
        },
    )


router.include_router(staff_actions.router)
router.include_router(staff_closure.router)
