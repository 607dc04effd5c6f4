"""The counter's mail to citizens: closure notices with alternatives, rebooking, cancellation, staff bookings.

The message builders are those of ``mails``; sending, facts and calendar files are those of ``notify``
(a refused mail is recorded as ``MAIL_FAILED``, never raised, so it never undoes what staff did: the
caller has committed before). Manage links are the citizen side's derived tokens, so a reminder can
mail the same link again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from rathaus.appointments import mails, notify
from rathaus.appointments.citizen import assign_tokens
from rathaus.appointments.closing import ClosureResult
from rathaus.appointments.models import Booking
from rathaus.appointments.times import to_utc
from rathaus.core.audit.service import Actor
from rathaus.core.config import PlatformSettings


@dataclass(frozen=True)
class Outbox:
    """Who sends and where the links lead: the tenant and the site's address as the browser used it."""

    tenant_name: str
    tenant_slug: str
    base_url: str  # e.g. "https://termine.stadt.de/" (with the trailing slash)
    settings: PlatformSettings

    @property
    def host(self) -> str:
        return self.base_url.split("://", 1)[-1].split("/", 1)[0] or "rathaus.invalid"

    def booking_url(self, booking: Booking, **extra: str) -> str:
        """The public booking page with the booking's services, quantities and location preselected."""
        query: list[tuple[str, str]] = []
        for item in booking.items:
            query += [
                ("dienstleistung", item.service.key),
                (f"anzahl-{item.service.key}", str(item.quantity)),
            ]
        query += [("standort", booking.location.key), *extra.items()]
        return f"{self.base_url}buerger/{self.tenant_slug}/termine?{urlencode(query)}"

    def manage_url(self, token: str) -> str:
        """The citizen's page to change or cancel an appointment."""
        return f"{self.base_url}buerger/{self.tenant_slug}/termine/buchung/{token}"


@dataclass(frozen=True)
class Sent:
    """How the notices went: sent, failed (recorded as MAIL_FAILED), and bookings without an address."""

    sent: int = 0
    failed: int = 0
    no_address: int = 0


def issue_manage_token(*, booking: Booking, office: Outbox) -> str:
    """The manage link token of ``booking`` (derived, its digest stored); call before committing."""
    return assign_tokens(booking=booking, secret=office.settings.secret_key)


def _ics(session: Session, booking: Booking, office: Outbox, *, cancel: bool, manage_url: str = "") -> bytes:
    return notify.calendar_file(
        session=session,
        settings=office.settings,
        booking=booking,
        tenant_name=office.tenant_name,
        tenant_slug=office.tenant_slug,
        manage_url=manage_url,
        cancel=cancel,
    )


def send_notice(
    *,
    session: Session,
    office: Outbox,
    booking: Booking,
    message: EmailMessage,
    purpose: notify.MailKind,
    actor: Actor,
) -> bool:
    """Send one mail with the tenant as sender; a failure is recorded as ``MAIL_FAILED``, not raised."""
    if "From" not in message:
        sender = notify.sender_of(office.settings, office.tenant_name)
        if sender:
            message["From"] = sender
    return notify.deliver(
        session=session, settings=office.settings, booking=booking, message=message, kind=purpose, actor=actor
    )


def closure_notices(*, session: Session, office: Outbox, result: ClosureResult, actor: Actor) -> Sent:
    """Mail every citizen whose appointment the closure cancelled, with up to three alternatives."""
    sent = failed = missing = 0
    for booking in result.cancelled:
        if not booking.email:
            missing += 1
            continue
        alternatives = [
            mails.Alternative(
                start=to_utc(start),
                url=office.booking_url(booking, tag=start.date().isoformat(), zeit=f"{start:%H:%M}"),
            )
            for start in result.alternatives.get(booking.id, [])
        ]
        message = mails.closure_mail(
            to=booking.email,
            facts=notify.facts(booking, office.tenant_name),
            alternatives=alternatives,
            book_url=office.booking_url(booking),
            ics=_ics(session, booking, office, cancel=True),
            reason=result.closure.reason and f"Grund: {result.closure.reason}.",
        )
        ok = send_notice(
            session=session, office=office, booking=booking, message=message, purpose="closure", actor=actor
        )
        sent, failed = sent + ok, failed + (not ok)
    return Sent(sent=sent, failed=failed, no_address=missing)


def confirmation_notice(
    *, session: Session, office: Outbox, booking: Booking, token: str, actor: Actor, moved: bool = False
) -> bool | None:
    """The confirmation of a booking made (or moved) by staff; None when there is no address."""
    if not booking.email:
        return None
    manage = office.manage_url(token)
    message = mails.confirmation_mail(
        to=booking.email,
        facts=notify.facts(booking, office.tenant_name),
        manage_url=manage,
        ics=_ics(session, booking, office, cancel=False, manage_url=manage),
    )
    if moved:
        message.replace_header("Subject", f"Ihr Termin wurde verlegt: neuer Termin {booking.reference}")
    purpose: notify.MailKind = "rebooked" if moved else "booked_by_staff"
    return send_notice(
        session=session, office=office, booking=booking, message=message, purpose=purpose, actor=actor
    )


def cancellation_notice(
    *, session: Session, office: Outbox, booking: Booking, reason: str, actor: Actor
) -> bool | None:
    """Tell the citizen that staff cancelled the appointment, and why; None when there is no address."""
    if not booking.email:
        return None
    facts = notify.facts(booking, office.tenant_name)
    message = EmailMessage()
    message["To"], message["Subject"] = booking.email, f"Absage Ihres Termins {booking.reference}"
    when = f"{mails.german_date(booking.start)}, {mails.german_time(booking.start)}"
    lines = [
        "Guten Tag,",
        "",
        "wir mussten Ihren folgenden Termin leider absagen:",
        mails.RULE,
        f"Terminnummer: {booking.reference}",
        f"Leistung: {', '.join(facts.services)}",
        f"Zeit: {when}",
        f"Ort: {facts.location_name}, {facts.location_address}",
        mails.RULE,
        f"Grund: {reason}",
        "",
        "Einen neuen Termin können Sie hier buchen:",
        office.booking_url(booking),
        "",
        "Mit freundlichen Grüßen",
        office.tenant_name,
    ]
    message.set_content("\n".join(lines) + "\n")
    message.add_attachment(
        _ics(session, booking, office, cancel=True),
        maintype="text",
        subtype="calendar",
        filename="termin.ics",
        params={"method": "CANCEL"},
    )
    return send_notice(
        session=session,
        office=office,
        booking=booking,
        message=message,
        purpose="cancelled_by_staff",
        actor=actor,
    )


def when(moment: dt.datetime) -> str:
    """``Dienstag, 2. Februar 2027, 9:00 Uhr`` for flash messages."""
    return mails.german_datetime(moment)
