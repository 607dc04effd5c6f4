"""The citizen booking after the hold: contact, e-mail confirmation, and changing or cancelling.

Every page is reached through a link token (``citizen.link_token``): the manage link
``…/termine/buchung/{token}`` (contact form while held, then the booking's page) and the confirmation
link ``…/termine/bestaetigen/{token}`` from the mail. A GET never changes anything (mail scanners open
links): confirming, cancelling and changing are POSTs behind a button. A forged or unknown token is
404, a link used twice 409, an expired one 410. The booking is committed before a mail is sent; a mail
that fails is recorded (``notify.deliver``) and the page says so and offers to send it again.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments import citizen, notify, waitlist_mails
from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.models import Booking, BookingStatus
from rathaus.appointments.service import cancel_booking
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.web import common
from rathaus.appointments.web.common import PublicTenant
from rathaus.core.db import open_session
from rathaus.web.deps import flash

router = APIRouter(prefix="/buerger/{tenant_slug}/termine", tags=["Terminvergabe"])
UNKNOWN = (
    "Dieser Link ist ungültig. Bitte prüfen Sie, ob Sie ihn vollständig aus der E-Mail übernommen haben."
)
MAIL_FAILED = (
    "Die E-Mail konnte gerade nicht versendet werden. Ihre Angaben sind gespeichert. Bitte versuchen Sie "
    "es mit „Bestätigungs-E-Mail erneut senden“ in einigen Minuten noch einmal."
)
MAIL_FAILED_AFTER = (
    "Die E-Mail dazu konnte gerade nicht versendet werden. Ihr Termin ist trotzdem gespeichert; "
    "notieren Sie sich bitte die Terminnummer {reference}."
)


def tenant_session(request: Request, who: PublicTenant) -> Any:
    return open_session(common.context_of(request).sessions, tenant_id=who.id)


def _secret(request: Request) -> str:
    return common.context_of(request).settings.secret_key


def booking_of(session: Session, token: str, *, confirm: bool = False) -> Booking:
    found = bk.booking_by_token(session=session, token=token, confirm=confirm) if token else None
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, UNKNOWN)
    return found


def manage_url(who: PublicTenant, token: str) -> str:
    return f"/buerger/{who.slug}/termine/buchung/{token}"


def details(booking: Booking) -> dict[str, Any]:
    facts = notify.facts(booking, "")
    return {"booking": booking, "facts": facts, "items": citizen.booking_services(booking)}


def _expired(request: Request, who: PublicTenant, booking: Booking) -> Response:
    query = common.Choice(
        quantities={item.service.key: item.quantity for item in booking.items}, location=booking.location.key
    ).query()
    return common.message_page(
        request,
        who,
        status.HTTP_410_GONE,
        "Reservierung abgelaufen",
        "Die Reservierung ist abgelaufen und die Zeit wurde wieder freigegeben. "
        "Bitte wählen Sie die Zeit erneut – wenn sie noch frei ist, bekommen Sie sie wieder.",
        f"/buerger/{who.slug}/termine/tag?{query}",
        "Zeit erneut wählen",
    )


def _held(booking: Booking, now: dt.datetime) -> bool:
    return booking.hold_until is not None and booking.hold_until >= now


@router.get("/buchung/{token}", summary="Termin: Kontaktdaten, Bestätigung oder Verwaltung")
def booking_page(request: Request, tenant_slug: str, token: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with tenant_session(request, who) as scoped:
        booking = booking_of(scoped, token)
        moment = common.now()
        values = {**details(booking), "token": token, "form": {}}
        if booking.status in (BookingStatus.RESERVED, BookingStatus.AWAITING) and not _held(booking, moment):
            return _expired(request, who, booking)
        if booking.status == BookingStatus.EXPIRED:
            return _expired(request, who, booking)
        if booking.status == BookingStatus.RESERVED:
            return common.page(request, who, "contact.html", values)
        if booking.status == BookingStatus.AWAITING:
            return common.page(request, who, "awaiting.html", values)
        moved = citizen.rebooked_to(session=scoped, booking=booking)
        if moved is not None:
            values["moved_url"] = manage_url(
                who, citizen.link_token(secret=_secret(request), booking=moved, purpose="manage")
            )
        values["can_change"] = booking.status == BookingStatus.CONFIRMED and booking.start > moment
        return common.page(request, who, "manage.html", values)


def _field_of(message: str) -> str:
    return "name" if "Namen" in message else "email"


@router.post("/buchung/{token}/kontakt", summary="Termin: Kontaktdaten angeben")
def contact_submit(
    request: Request,
    tenant_slug: str,
    token: str,
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    telefon: Annotated[str, Form()] = "",
) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    settings = common.context_of(request).settings
    with tenant_session(request, who) as scoped:
        booking = booking_of(scoped, token)
        moment = common.now()
        try:
            bk.submit_contact(
                session=scoped,
                booking=booking,
                name=name,
                email=email,
                phone=telefon,
                now=moment,
                settings=common.section(request),
            )
        except bk.BookingStateError:
            scoped.rollback()
            if booking.status == BookingStatus.AWAITING and _held(booking, moment):
                return RedirectResponse(manage_url(who, token), status_code=status.HTTP_303_SEE_OTHER)
            return _expired(request, who, booking)
        except NotBookableError as error:
            scoped.rollback()
            form = {"name": name, "email": email, "telefon": telefon}
            values = {
                **details(booking),
                "token": token,
                "form": form,
                "errors": [(_field_of(str(error)), str(error))],
            }
            return common.page(
                request, who, "contact.html", values, code=status.HTTP_422_UNPROCESSABLE_CONTENT
            )
        confirm_token = citizen.assign_tokens(booking=booking, secret=settings.secret_key, confirm=True)
        scoped.commit()
        sent = notify.send_confirm_request(
            session=scoped,
            settings=settings,
            booking=booking,
            links=common.links(request, who),
            confirm_token=confirm_token,
        )
    if not sent:
        flash(request, MAIL_FAILED, "error")
    return RedirectResponse(manage_url(who, token), status_code=status.HTTP_303_SEE_OTHER)


@router.post("/buchung/{token}/erneut-senden", summary="Termin: Bestätigungs-E-Mail erneut senden")
def resend(request: Request, tenant_slug: str, token: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    settings = common.context_of(request).settings
    with tenant_session(request, who) as scoped:
        booking = booking_of(scoped, token)
        if booking.status != BookingStatus.AWAITING or not _held(booking, common.now()):
            return RedirectResponse(manage_url(who, token), status_code=status.HTTP_303_SEE_OTHER)
        common.check_rate(request, who, bucket=f"erneut:{booking.id}", per_minute=1)
        confirm_token = citizen.link_token(secret=settings.secret_key, booking=booking, purpose="confirm")
        sent = notify.send_confirm_request(
            session=scoped,
            settings=settings,
            booking=booking,
            links=common.links(request, who),
            confirm_token=confirm_token,
        )
    if sent:
        flash(request, "Wir haben Ihnen die Bestätigungs-E-Mail erneut gesendet.")
    else:
        flash(request, MAIL_FAILED, "error")
    return RedirectResponse(manage_url(who, token), status_code=status.HTTP_303_SEE_OTHER)


def _confirm_refusal(request: Request, who: PublicTenant, booking: Booking) -> Response | None:
    """409 for a link used twice, 410 for one that expired; None when the booking can be confirmed."""
    if booking.status in (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.DONE):
        manage = citizen.link_token(secret=_secret(request), booking=booking, purpose="manage")
        return common.message_page(
            request,
            who,
            status.HTTP_409_CONFLICT,
            "Termin bereits bestätigt",
            "Dieser Termin ist bereits bestätigt. Der Bestätigungslink kann nur einmal verwendet werden.",
            manage_url(who, manage),
            "Zu Ihrem Termin",
        )
    if booking.status != BookingStatus.AWAITING or not _held(booking, common.now()):
        return common.message_page(
            request,
            who,
            status.HTTP_410_GONE,
            "Bestätigungslink abgelaufen",
            "Der Bestätigungslink ist abgelaufen. Der Termin wurde wieder freigegeben; bitte buchen Sie neu.",
            f"/buerger/{who.slug}/termine",
            "Neuen Termin buchen",
        )
    return None


@router.get("/bestaetigen/{token}", summary="Termin: Bestätigung (Schaltfläche, ändert nichts)")
def confirm_page(request: Request, tenant_slug: str, token: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with tenant_session(request, who) as scoped:
        booking = booking_of(scoped, token, confirm=True)
        refused = _confirm_refusal(request, who, booking)
        if refused is not None:
            return refused
        return common.page(request, who, "confirm.html", {**details(booking), "token": token})


@router.post("/bestaetigen/{token}", summary="Termin verbindlich buchen")
def confirm_submit(request: Request, tenant_slug: str, token: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    settings = common.context_of(request).settings
    with tenant_session(request, who) as scoped:
        booking = booking_of(scoped, token, confirm=True)
        refused = _confirm_refusal(request, who, booking)
        if refused is not None:
            return refused
        try:
            bk.confirm(session=scoped, booking=booking, now=common.now())
        except bk.BookingStateError:
            scoped.rollback()
            return _confirm_refusal(request, who, booking) or _expired(request, who, booking)
        bk.audit_booking(scoped, notify.ACTOR, AppointmentsAction.BOOKING_CONFIRMED, booking)
        manage = citizen.assign_tokens(booking=booking, secret=settings.secret_key)
        scoped.commit()
        sent = notify.send_confirmation(
            session=scoped,
            settings=settings,
            booking=booking,
            links=common.links(request, who),
            manage_token=manage,
        )
        reference = booking.reference
    mailed = " Die Bestätigung mit Kalenderdatei ist per E-Mail unterwegs." if sent else ""
    flash(request, f"Ihr Termin {reference} ist verbindlich gebucht.{mailed}")
    if not sent:
        flash(request, MAIL_FAILED_AFTER.format(reference=reference), "error")
    return RedirectResponse(manage_url(who, manage), status_code=status.HTTP_303_SEE_OTHER)


def open_booking(request: Request, who: PublicTenant, booking: Booking, token: str) -> Response | None:
    """A refusal page when the booking can no longer be changed or cancelled."""
    if booking.status == BookingStatus.CONFIRMED and booking.start > common.now():
        return None
    return common.message_page(
        request,
        who,
        status.HTTP_409_CONFLICT,
        "Termin nicht mehr änderbar",
        "Dieser Termin ist nicht mehr offen oder hat schon begonnen und kann nicht mehr geändert oder "
        "abgesagt werden.",
        manage_url(who, token),
        "Zu Ihrem Termin",
    )


@router.get("/buchung/{token}/absagen", summary="Termin absagen: Rückfrage")
def cancel_page(request: Request, tenant_slug: str, token: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with tenant_session(request, who) as scoped:
        booking = booking_of(scoped, token)
        refused = open_booking(request, who, booking, token)
        return refused or common.page(request, who, "cancel.html", {**details(booking), "token": token})


@router.post("/buchung/{token}/absagen", summary="Termin absagen")
def cancel_submit(request: Request, tenant_slug: str, token: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    settings = common.context_of(request).settings
    with tenant_session(request, who) as scoped:
        booking = booking_of(scoped, token)
        refused = open_booking(request, who, booking, token)
        if refused is not None:
            return refused
        _freed, offers = cancel_booking(
            session=scoped,
            booking=booking,
            now=common.now(),
            settings=common.section(request),
            reason="vom Bürger abgesagt",
        )
        bk.audit_booking(scoped, notify.ACTOR, AppointmentsAction.BOOKING_CANCELLED, booking)
        scoped.commit()
        sent = notify.send_cancellation(
            session=scoped, settings=settings, booking=booking, links=common.links(request, who)
        )
        waitlist_mails.send_offers(
            session=scoped, mail=settings.mail, offers=offers, base_url=common.links(request, who).base
        )
        scoped.commit()  # a failed offer mail is recorded
        reference = booking.reference
    flash(request, f"Ihr Termin {reference} ist abgesagt. Danke, dass Sie ihn für andere freigegeben haben.")
    if not sent:
        flash(request, MAIL_FAILED_AFTER.format(reference=reference), "error")
    return RedirectResponse(manage_url(who, token), status_code=status.HTTP_303_SEE_OTHER)
