"""Staff actions: walk-ins, bookings by phone, check-in, call-up, done, no-show, rebooking, cancelling.

Every action is a POST form with the CSRF token that answers 303 back to the day view with a message;
what cannot be done is rolled back and explained (German) in the message.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from rathaus.appointments import counter, counter_mail, waitlist_mails
from rathaus.appointments.booking import SlotTakenError
from rathaus.appointments.models import Booking
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.times import to_local
from rathaus.appointments.web.staff_common import (
    Form,
    booking_or_404,
    chosen,
    day_label,
    location_or_404,
    now,
    offered,
    outbox,
    parse_day,
    parse_time,
    quantity_query,
    request_for,
    services_label,
    settings_of,
    to_day,
    today,
)
from rathaus.web.deps import Caseworker, Context, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter()


def _mail_note(outcome: bool | None) -> str:
    if outcome is None:
        return " Keine E-Mail-Adresse bekannt: bitte die Person selbst informieren."
    return (
        " Die Person wurde per E-Mail benachrichtigt."
        if outcome
        else " Die E-Mail konnte nicht gesendet werden."
    )


def _refused(request: Request, session: Session, problem: NotBookableError) -> None:
    session.rollback()
    text = str(problem)
    if isinstance(problem, SlotTakenError):
        text = "Diese Zeit ist inzwischen nicht mehr frei. Bitte wählen Sie eine andere."
    flash(request, text, "error")


def _on_booking(
    request: Request, session: Session, booking: Booking, change: Callable[[], object], done: str
) -> Response:
    back = to_day(booking.location_id, booking.day)
    try:
        change()
    except NotBookableError as problem:
        _refused(request, session, problem)
        return back
    flash(request, done)
    return back


@router.post("/buchungen/{booking_id}/anmelden", summary="Termin: Person ist da (Anmeldung)")
def check_in(request: Request, booking_id: int, user: Caseworker, session: TenantSession) -> Response:
    booking = booking_or_404(session, booking_id)

    def change() -> None:
        counter.check_in(session=session, booking=booking, now=now(), actor=actor_of(user))

    return _on_booking(request, session, booking, change, f"{booking.reference} ist angemeldet.")


@router.post("/buchungen/{booking_id}/aufrufen", summary="Termin: Person aufrufen")
def call_up(request: Request, booking_id: int, user: Caseworker, session: TenantSession) -> Response:
    booking = booking_or_404(session, booking_id)

    def change() -> None:
        counter.call_up(session=session, booking=booking, now=now(), actor=actor_of(user))

    return _on_booking(request, session, booking, change, f"{booking.reference} wurde aufgerufen.")


@router.post("/buchungen/{booking_id}/erledigt", summary="Termin erledigt")
def finish(request: Request, booking_id: int, user: Caseworker, session: TenantSession) -> Response:
    booking = booking_or_404(session, booking_id)

    def change() -> None:
        counter.finish(session=session, booking=booking, now=now(), actor=actor_of(user))

    return _on_booking(request, session, booking, change, f"{booking.reference} ist erledigt.")


@router.post("/buchungen/{booking_id}/nicht-erschienen", summary="Termin: nicht erschienen")
def no_show(request: Request, booking_id: int, user: Caseworker, session: TenantSession) -> Response:
    booking = booking_or_404(session, booking_id)

    def change() -> None:
        counter.mark_no_show(session=session, booking=booking, now=now(), actor=actor_of(user))

    done = f"{booking.reference}: nicht erschienen. Die restliche Zeit ist wieder frei."
    return _on_booking(request, session, booking, change, done)


@router.get("/spontan", summary="Spontankunden eintragen")
def walk_in_page(request: Request, user: Caseworker, session: TenantSession, context: Context) -> Response:
    location = location_or_404(session, request.query_params.get("standort"))
    quantities = chosen(location, request.query_params)
    wanted = request_for(location, quantities)
    times: list[counter.FreeTime] = []
    proposal = None
    error = None
    if wanted is not None:
        try:
            times = counter.staff_times(
                session=session, request=wanted, day=today(), now=now(), settings=settings_of(context)
            )
            proposal = counter.propose_walk_in(
                session=session, request=wanted, now=now(), settings=settings_of(context)
            )
        except NotBookableError as problem:
            error = str(problem)
    return render(
        request,
        "appointments/walk_in.html",
        {
            "location": location,
            "offered": offered(location),
            "quantities": quantities,
            "times": times,
            "proposal": proposal,
            "error": error,
            "day_label": day_label(today()),
        },
    )


@router.post("/spontan", summary="Spontankunden in eine Lücke eintragen")
def add_walk_in(
    request: Request, user: Caseworker, session: TenantSession, context: Context, form: Form
) -> Response:
    location = location_or_404(session, str(form.get("standort") or ""))
    wanted = request_for(location, chosen(location, form))
    back = to_day(location.id, today())
    if wanted is None:
        flash(request, "Bitte wählen Sie mindestens eine Dienstleistung aus.", "error")
        return back
    try:
        booking = counter.add_walk_in(
            session=session,
            request=wanted,
            now=now(),
            settings=settings_of(context),
            actor=actor_of(user),
            start=parse_time(today(), str(form.get("beginn") or "")),
            name=str(form.get("name") or ""),
        )
    except NotBookableError as problem:
        _refused(request, session, problem)
        return back
    flash(
        request,
        f"Spontankunde {booking.reference} eingetragen: {to_local(booking.start):%H:%M} Uhr, angemeldet.",
    )
    return back


@router.get("/buchen", summary="Termin für eine Person buchen (Telefon)")
def book_page(request: Request, user: Caseworker, session: TenantSession, context: Context) -> Response:
    location = location_or_404(session, request.query_params.get("standort"))
    day = parse_day(request.query_params.get("datum"), today())
    quantities = chosen(location, request.query_params)
    wanted = request_for(location, quantities)
    times: list[counter.FreeTime] = []
    error = None
    if wanted is not None:
        try:
            times = counter.staff_times(
                session=session, request=wanted, day=day, now=now(), settings=settings_of(context)
            )
        except NotBookableError as problem:
            error = str(problem)
    return render(
        request,
        "appointments/book.html",
        {
            "location": location,
            "offered": offered(location),
            "quantities": quantities,
            "query": quantity_query(quantities),
            "day": day,
            "day_label": day_label(day),
            "times": times,
            "error": error,
        },
    )


@router.post("/buchen", summary="Termin für eine Person buchen")
def book(
    request: Request, user: Caseworker, session: TenantSession, context: Context, form: Form
) -> Response:
    location = location_or_404(session, str(form.get("standort") or ""))
    day = parse_day(str(form.get("datum") or ""), today())
    wanted = request_for(location, chosen(location, form))
    start = parse_time(day, str(form.get("beginn") or ""))
    back = to_day(location.id, day)
    if wanted is None or start is None:
        flash(request, "Bitte wählen Sie Dienstleistungen und eine freie Uhrzeit aus.", "error")
        return back
    try:
        booking = counter.book_for_citizen(
            session=session,
            request=wanted,
            start=start,
            now=now(),
            actor=actor_of(user),
            name=str(form.get("name") or ""),
            email=str(form.get("email") or ""),
            phone=str(form.get("telefon") or ""),
        )
    except NotBookableError as problem:
        _refused(request, session, problem)
        return back
    token = counter_mail.issue_manage_token(booking=booking, office=outbox(request, user, context))
    session.commit()
    sent = counter_mail.confirmation_notice(
        session=session,
        office=outbox(request, user, context),
        booking=booking,
        token=token,
        actor=actor_of(user),
    )
    flash(
        request,
        f"Termin {booking.reference} am {day_label(day)} um {start:%H:%M} Uhr gebucht." + _mail_note(sent),
    )
    return back


@router.get("/buchungen/{booking_id}/umbuchen", summary="Termin umbuchen: neue Zeit wählen")
def rebook_page(
    request: Request, booking_id: int, user: Caseworker, session: TenantSession, context: Context
) -> Response:
    booking = booking_or_404(session, booking_id)
    day = parse_day(request.query_params.get("datum"), booking.day)
    times: list[counter.FreeTime] = []
    error = None
    try:
        times = counter.staff_times(
            session=session,
            request=counter.request_of(booking),
            day=day,
            now=now(),
            settings=settings_of(context),
        )
    except NotBookableError as problem:
        error = str(problem)
    return render(
        request,
        "appointments/rebook.html",
        {
            "booking": booking,
            "services": services_label(booking),
            "start": to_local(booking.start),
            "day": day,
            "day_label": day_label(day),
            "times": times,
            "error": error,
        },
    )


@router.post("/buchungen/{booking_id}/umbuchen", summary="Termin auf eine andere freie Zeit umbuchen")
def rebook(
    request: Request, booking_id: int, user: Caseworker, session: TenantSession, context: Context, form: Form
) -> Response:
    booking = booking_or_404(session, booking_id)
    day = parse_day(str(form.get("datum") or ""), booking.day)
    start = parse_time(day, str(form.get("beginn") or ""))
    back = to_day(booking.location_id, booking.day)
    if start is None:
        flash(request, "Bitte wählen Sie eine freie Uhrzeit aus.", "error")
        return back
    old = booking.reference
    try:
        moved = counter.rebook(session=session, booking=booking, start=start, now=now(), actor=actor_of(user))
    except NotBookableError as problem:
        _refused(request, session, problem)
        return back
    token = counter_mail.issue_manage_token(booking=moved, office=outbox(request, user, context))
    session.commit()
    sent = counter_mail.confirmation_notice(
        session=session,
        office=outbox(request, user, context),
        booking=moved,
        token=token,
        actor=actor_of(user),
        moved=True,
    )
    text = f"{old} umgebucht auf {day_label(day)}, {start:%H:%M} Uhr (neue Nummer {moved.reference})."
    flash(request, text + _mail_note(sent))
    return to_day(moved.location_id, moved.day)


@router.get("/buchungen/{booking_id}/absagen", summary="Termin absagen: Grund angeben")
def cancel_page(request: Request, booking_id: int, user: Caseworker, session: TenantSession) -> Response:
    booking = booking_or_404(session, booking_id)
    return render(
        request,
        "appointments/cancel.html",
        {"booking": booking, "services": services_label(booking), "start": to_local(booking.start)},
    )


@router.post("/buchungen/{booking_id}/absagen", summary="Termin für die Person absagen")
def cancel(
    request: Request, booking_id: int, user: Caseworker, session: TenantSession, context: Context, form: Form
) -> Response:
    booking = booking_or_404(session, booking_id)
    reason = " ".join(str(form.get("grund") or "").split())
    back = to_day(booking.location_id, booking.day)
    try:
        offers = counter.cancel_by_staff(
            session=session,
            booking=booking,
            now=now(),
            settings=settings_of(context),
            actor=actor_of(user),
            reason=reason,
        )
    except NotBookableError as problem:
        _refused(request, session, problem)
        return back
    session.commit()
    sent = counter_mail.cancellation_notice(
        session=session,
        office=outbox(request, user, context),
        booking=booking,
        reason=reason,
        actor=actor_of(user),
    )
    office = outbox(request, user, context)
    waitlist_mails.send_offers(
        session=session, mail=context.settings.mail, offers=offers, base_url=office.base_url
    )
    session.commit()  # a failed offer mail is recorded
    flash(request, f"{booking.reference} wurde abgesagt." + _mail_note(sent))
    return back
