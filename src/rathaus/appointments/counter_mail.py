"""The counter's mail to citizens: closure notices with alternatives, rebooking, cancellation, staff bookings.

The message builders are those of ``mails``; :func:`send_notice` is the one place that sends, and it
records ``MAIL_FAILED`` instead of raising, so a refused mail never undoes what staff did (the caller
has committed before). When the citizen side's sending helper (``notify``) exists, ``send_notice``
is the one function to point at it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments import mails
from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.closing import ClosureResult
from rathaus.appointments.counter import BOOKING
from rathaus.appointments.models import Booking
from rathaus.appointments.times import to_utc
from rathaus.core.audit.service import Actor, record
from rathaus.core.mail import MailError, MailSettings, send, sender


@dataclass(frozen=True)
class Outbox:
    """Who sends and where the links lead: the tenant and the site's address as the browser used it."""

    tenant_name: str
    tenant_slug: str
    base_url: str  # e.g. "https://termine.stadt.de/" (with the trailing slash)
    mail: MailSettings

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


def facts_of(booking: Booking, tenant_name: str) -> mails.AppointmentFacts:
    """The mail builders' view of a booking."""
    services = [item.service for item in booking.items]
    return mails.AppointmentFacts(
        reference=booking.reference,
        start=booking.start,
        end=booking.end,
        location_name=booking.location.name,
        location_address=booking.location.address,
        services=tuple(s.name for s in services),
        tenant_name=tenant_name,
        accessibility=booking.location.accessibility,
        documents=tuple(doc for s in services for doc in s.documents),
        fees=tuple(f"{s.name}: {s.fees}" for s in services if s.fees),
    )


def issue_manage_token(*, booking: Booking) -> str:
    """A new manage link token for ``booking`` (its digest stored); call before committing.

    On merge with the citizen side this becomes ``citizen.assign_tokens`` (derived tokens that the
    reminders can mail again).
    """
    token, digest = bk.new_token()
    booking.manage_token_hash = digest
    return token


def _chain(session: Session, booking: Booking) -> tuple[Booking, int]:
    """The first booking of a chain of rebookings and the number of moves (the .ics keeps one UID)."""
    root, moves = booking, 0
    while root.rebooked_from_id is not None and moves < 50:
        earlier = session.get(Booking, root.rebooked_from_id)
        if earlier is None:
            break
        root, moves = earlier, moves + 1
    return root, moves


def _ics(session: Session, booking: Booking, office: Outbox, *, cancel: bool, manage_url: str = "") -> bytes:
    root, moves = _chain(session, booking)
    return mails.appointment_ics(
        facts_of(booking, office.tenant_name),
        uid=f"{root.reference}.{office.tenant_slug}@rathaus-termine",  # the citizen side's UID
        manage_url=manage_url,
        organizer_email=office.mail.from_address or "termine@localhost",
        method="CANCEL" if cancel else "PUBLISH",
        sequence=moves + (1 if cancel else 0),
    )


def send_notice(
    *, session: Session, office: Outbox, booking: Booking, message: EmailMessage, purpose: str, actor: Actor
) -> bool:
    """Send one mail; a failure is recorded as ``MAIL_FAILED`` (with the operator's reason), not raised."""
    try:
        if "From" not in message:
            message["From"] = sender(office.mail, office.tenant_name)
        send(office.mail, message)
    except MailError as error:
        record(
            session=session,
            actor=actor,
            action=AppointmentsAction.MAIL_FAILED,
            object_type=BOOKING,
            object_id=booking.id,
            details={"reference": booking.reference, "purpose": purpose, "error": str(error)},
            tenant_id=booking.tenant_id,
        )
        return False
    return True


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
            facts=facts_of(booking, office.tenant_name),
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
        facts=facts_of(booking, office.tenant_name),
        manage_url=manage,
        ics=_ics(session, booking, office, cancel=False, manage_url=manage),
    )
    if moved:
        message.replace_header("Subject", f"Ihr Termin wurde verlegt: neuer Termin {booking.reference}")
    purpose = "rebooked" if moved else "booked_by_staff"
    return send_notice(
        session=session, office=office, booking=booking, message=message, purpose=purpose, actor=actor
    )


def cancellation_notice(
    *, session: Session, office: Outbox, booking: Booking, reason: str, actor: Actor
) -> bool | None:
    """Tell the citizen that staff cancelled the appointment, and why; None when there is no address."""
    if not booking.email:
        return None
    facts = facts_of(booking, office.tenant_name)
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
        session=session, office=office, booking=booking, message=message, purpose="cancelled", actor=actor
    )


def when(moment: dt.datetime) -> str:
    """``Dienstag, 2. Februar 2027, 9:00 Uhr`` for flash messages."""
    return mails.german_datetime(moment)
