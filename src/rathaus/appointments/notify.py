"""Sending the Terminvergabe's e-mails (built by ``mails``) through the platform's mail sending.

The sender name is the tenant's name. A mail that cannot be sent never undoes a booking: the booking
is committed first, the mail goes afterwards, and a failure is recorded as
``AppointmentsAction.MAIL_FAILED`` (booking id and reference only, no address) so that staff can see
it; the caller tells the citizen (``deliver`` returns False). Reminders go out once per booking
(``reminder_sent_at``) from the recurring sweep ``appointments.reminders``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.appointments import mails
from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.citizen import booking_services, chain_root, manage_link_token
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Booking, BookingStatus
from rathaus.core.audit.service import Actor, record
from rathaus.core.config import PlatformSettings
from rathaus.core.mail import MailError, MailSettings, send, sender
from rathaus.core.security.models import Tenant

log = logging.getLogger(__name__)
ACTOR = Actor.system("appointments-public")
MailKind = Literal[
    "confirm_request",
    "confirmation",
    "cancellation",
    "reminder",
    "closure",
    "rebooked",
    "booked_by_staff",
    "cancelled_by_staff",
    "waitlist_verify",
    "waitlist_offer",
    "waitlist_expired",
]


@dataclass(frozen=True)
class Links:
    """Where the public booking pages of a tenant live (``base``: scheme and host, no slash at the end)."""

    base: str
    tenant_slug: str

    @property
    def booking(self) -> str:
        return f"{self.base}/buerger/{self.tenant_slug}/termine"

    def manage(self, token: str) -> str:
        return f"{self.booking}/buchung/{token}"

    def confirm(self, token: str) -> str:
        return f"{self.booking}/bestaetigen/{token}"


def public_base(settings: PlatformSettings) -> str:
    """Where citizens reach Rathaus, for mails sent without a request: the setting, else HOST:PORT."""
    configured = settings.section(AppointmentsSettings).public_url.rstrip("/")
    return configured or f"http://{settings.host}:{settings.port}"


def job_links(settings: PlatformSettings, tenant_slug: str) -> Links:
    """The links for mails sent without a request (reminders): the configured public address."""
    return Links(base=public_base(settings), tenant_slug=tenant_slug)


def tenant_of(session: Session, booking: Booking) -> Tenant:
    tenant = session.get(Tenant, booking.tenant_id)
    assert tenant is not None
    return tenant


def facts(booking: Booking, tenant_name: str) -> mails.AppointmentFacts:
    """The facts of a booking for the mail builders."""
    chosen = booking_services(booking)
    documents: list[str] = []
    for service, _quantity in chosen:
        documents.extend(d for d in service.documents if d not in documents)
    return mails.AppointmentFacts(
        reference=booking.reference,
        start=booking.start,
        end=booking.end,
        location_name=booking.location.name,
        location_address=booking.location.address,
        services=tuple(f"{s.name} ({q}×)" if q > 1 else s.name for s, q in chosen),
        tenant_name=tenant_name,
        accessibility=booking.location.accessibility,
        documents=tuple(documents),
        fees=tuple(f"{s.name}: {s.fees}" for s, _q in chosen if s.fees),
    )


def send_recorded(
    *,
    session: Session,
    mail: MailSettings,
    message: EmailMessage,
    tenant_id: int,
    object_type: str,
    object_id: int,
    details: dict[str, str],
    actor: Actor = ACTOR,
) -> bool:
    """Send ``message``; on failure record MAIL_FAILED with ``details`` (no address; caller commits)."""
    try:
        send(mail, message)
    except MailError as error:
        log.warning("appointment mail %s for %s %s not sent: %s", details, object_type, object_id, error)
        record(
            session=session,
            actor=actor,
            action=AppointmentsAction.MAIL_FAILED,
            object_type=object_type,
            object_id=object_id,
            details=details,
            tenant_id=tenant_id,
        )
        return False
    return True


def deliver(
    *,
    session: Session,
    settings: PlatformSettings,
    booking: Booking,
    message: EmailMessage,
    kind: MailKind,
    actor: Actor = ACTOR,
) -> bool:
    """Send a mail about ``booking``; on failure record MAIL_FAILED (caller commits) and return False."""
    return send_recorded(
        session=session,
        mail=settings.mail,
        message=message,
        tenant_id=booking.tenant_id,
        object_type="appointment_booking",
        object_id=booking.id,
        details={"reference": booking.reference, "mail": kind},
        actor=actor,
    )


def calendar_file(
    *,
    session: Session,
    settings: PlatformSettings,
    booking: Booking,
    tenant_name: str,
    tenant_slug: str,
    manage_url: str,
    cancel: bool,
) -> bytes:
    """The ``.ics`` of a booking: one UID for a booking and all its moves, the number of moves as SEQUENCE."""
    root, moves = chain_root(session=session, booking=booking)
    return mails.appointment_ics(
        facts(booking, tenant_name),
        uid=f"{root.reference}.{tenant_slug}@rathaus-termine",
        manage_url=manage_url,
        organizer_email=settings.mail.from_address or "termine@localhost",
        method="CANCEL" if cancel else "PUBLISH",
        sequence=moves + (1 if cancel else 0),
    )


def sender_of(settings: PlatformSettings, tenant_name: str) -> str | None:
    """The From address with the tenant's name, or None when no mail is configured (sending then fails)."""
    try:
        return str(sender(settings.mail, tenant_name))
    except MailError:
        return None  # ``send`` refuses it again and the failure is recorded there


def send_confirm_request(
    *, session: Session, settings: PlatformSettings, booking: Booking, links: Links, confirm_token: str
) -> bool:
    """The double opt-in mail with the confirmation link, valid until the booking's hold ends."""
    tenant = tenant_of(session, booking)
    assert booking.hold_until is not None
    message = mails.confirm_request_mail(
        to=booking.email,
        facts=facts(booking, tenant.name),
        confirm_url=links.confirm(confirm_token),
        valid_until=booking.hold_until,
        sender=sender_of(settings, tenant.name),
    )
    return deliver(
        session=session, settings=settings, booking=booking, message=message, kind="confirm_request"
    )


def send_confirmation(
    *, session: Session, settings: PlatformSettings, booking: Booking, links: Links, manage_token: str
) -> bool:
    """The confirmation with everything to bring, the manage link and the ``.ics`` (PUBLISH)."""
    tenant = tenant_of(session, booking)
    manage_url = links.manage(manage_token)
    message = mails.confirmation_mail(
        to=booking.email,
        facts=facts(booking, tenant.name),
        manage_url=manage_url,
        ics=calendar_file(
            session=session,
            settings=settings,
            booking=booking,
            tenant_name=tenant.name,
            tenant_slug=tenant.slug,
            manage_url=manage_url,
            cancel=False,
        ),
        sender=sender_of(settings, tenant.name),
    )
    return deliver(session=session, settings=settings, booking=booking, message=message, kind="confirmation")


def send_cancellation(
    *, session: Session, settings: PlatformSettings, booking: Booking, links: Links
) -> bool:
    """The cancellation with the ``.ics`` (CANCEL) that removes the appointment from calendars."""
    tenant = tenant_of(session, booking)
    message = mails.cancellation_mail(
        to=booking.email,
        facts=facts(booking, tenant.name),
        book_url=links.booking,
        ics=calendar_file(
            session=session,
            settings=settings,
            booking=booking,
            tenant_name=tenant.name,
            tenant_slug=tenant.slug,
            manage_url=links.booking,
            cancel=True,
        ),
        sender=sender_of(settings, tenant.name),
    )
    return deliver(session=session, settings=settings, booking=booking, message=message, kind="cancellation")


def due_reminders(*, session: Session, tenant_id: int, now: dt.datetime, hours: int) -> list[Booking]:
    """Confirmed appointments starting within ``hours`` that were not reminded yet."""
    if hours <= 0:
        return []
    return list(
        session.scalars(
            select(Booking)
            .where(
                Booking.tenant_id == tenant_id,
                Booking.status == BookingStatus.CONFIRMED,
                Booking.reminder_sent_at.is_(None),
                Booking.start > now,
                Booking.start <= now + dt.timedelta(hours=hours),
                Booking.email != "",
            )
            .order_by(Booking.start)
        )
    )


def send_reminders(
    *, session: Session, tenant_id: int, now: dt.datetime, settings: PlatformSettings
) -> dict[str, int]:
    """Remind every due appointment once, with the link to change or cancel it.

    A reminder that cannot be sent is recorded (MAIL_FAILED) and tried again by the next sweep.
    """
    hours = settings.section(AppointmentsSettings).reminder_hours
    sent = failed = 0
    for booking in due_reminders(session=session, tenant_id=tenant_id, now=now, hours=hours):
        tenant = tenant_of(session, booking)
        links = job_links(settings, tenant.slug)
        token = manage_link_token(booking=booking, secret=settings.secret_key)
        message = mails.reminder_mail(
            to=booking.email,
            facts=facts(booking, tenant.name),
            manage_url=links.manage(token),
            sender=sender_of(settings, tenant.name),
        )
        if deliver(session=session, settings=settings, booking=booking, message=message, kind="reminder"):
            booking.reminder_sent_at = now
            sent += 1
        else:
            failed += 1
        session.flush()
    return {"reminded": sent, "failed": failed}
