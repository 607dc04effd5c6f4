"""Background jobs of the Terminvergabe: release wave, expiry of holds, waiting list, reminders, retention."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select

from rathaus.appointments import release, waitlist, waitlist_mails
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Booking, BookingStatus, Location, OpeningWindow
from rathaus.appointments.privacy import purge_past
from rathaus.core.audit.service import Actor
from rathaus.core.db import utcnow
from rathaus.core.jobs import JobContext, job_kind
from rathaus.core.security.models import Tenant

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rathaus.core.config import PlatformSettings

RELEASE = "appointments.release"
EXPIRE = "appointments.expire"
RETENTION = "appointments.retention"
REMINDERS = "appointments.reminders"
WAITLIST = "appointments.waitlist"


def tenant_state(session: Session, tenant_id: int) -> str:
    """The tenant's Bundesland code, whose public holidays close its offices."""
    return session.scalar(select(Tenant.state).where(Tenant.id == tenant_id)) or "NI"


def _has_opening_hours(session: Session, tenant_id: int, _settings: PlatformSettings) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    OpeningWindow.tenant_id == tenant_id,
                    OpeningWindow.location_id == Location.id,
                    Location.active.is_(True),
                )
            )
        )
    )


def _has_holds(session: Session, tenant_id: int, _settings: PlatformSettings) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    Booking.tenant_id == tenant_id,
                    Booking.status.in_((BookingStatus.RESERVED, BookingStatus.AWAITING)),
                )
            )
        )
    )


@job_kind(
    RELEASE, title="Termine freigeben (Freigabewelle)", every=timedelta(minutes=15), needed=_has_opening_hours
)
def release_wave(ctx: JobContext) -> dict[str, Any]:
    """Create the seats of every day whose release moment has come."""
    settings = ctx.settings.section(AppointmentsSettings)

    def run(session: Session) -> dict[str, Any]:
        seats = release.release_due(
            session=session,
            tenant_id=ctx.tenant_id,
            now=utcnow(),
            settings=settings,
            state=tenant_state(session, ctx.tenant_id),
        )
        return {"seats": seats}

    return ctx.stage("Freigeben", run, percent=100)


@job_kind(EXPIRE, title="Abgelaufene Reservierungen freigeben", every=timedelta(minutes=2), needed=_has_holds)
def expire(ctx: JobContext) -> dict[str, Any]:
    """End holds and unconfirmed bookings whose time ran out, and free their seats."""

    settings = ctx.settings.section(AppointmentsSettings)
    offers: list[waitlist.Offered] = []

    def run(session: Session) -> dict[str, Any]:
        stale, made = waitlist.expire_holds_and_offer(
            session=session, tenant_id=ctx.tenant_id, now=utcnow(), settings=settings
        )
        offers.extend(made)
        return {"expired": len(stale), "offered": len(made)}

    result: dict[str, Any] = ctx.stage("Freigeben", run, percent=90)
    if offers:
        ctx.stage("Angebote senden", lambda session: _mail_offers(ctx, session, offers), percent=100)
    return result


@job_kind(RETENTION, title="Kontaktdaten vergangener Termine löschen", every=timedelta(days=1))
def retention(ctx: JobContext) -> dict[str, Any]:
    """Erase name, e-mail and phone of appointments over for longer than the retention period (audited)."""
    days = ctx.settings.section(AppointmentsSettings).retention_days

    def run(session: Session) -> dict[str, Any]:
        return {"erased": purge_past(session=session, days=days, actor=Actor.system(RETENTION)), "days": days}

    return ctx.stage("Löschen", run, percent=100)


def _has_confirmed_future(session: Session, tenant_id: int, settings: PlatformSettings) -> bool:
    if settings.section(AppointmentsSettings).reminder_hours <= 0:
        return False
    return bool(
        session.scalar(
            select(
                exists().where(
                    Booking.tenant_id == tenant_id,
                    Booking.status == BookingStatus.CONFIRMED,
                    Booking.reminder_sent_at.is_(None),
                    Booking.start > utcnow(),
                )
            )
        )
    )


@job_kind(
    REMINDERS,
    title="An Termine erinnern",
    every=timedelta(minutes=15),
    needed=_has_confirmed_future,
)
def reminders(ctx: JobContext) -> dict[str, Any]:
    """Mail each citizen once, ``reminder_hours`` before the appointment, with the link to cancel."""
    from rathaus.appointments import notify  # noqa: PLC0415 - mails and calendars only when reminding

    def run(session: Session) -> dict[str, Any]:
        return dict(
            notify.send_reminders(
                session=session, tenant_id=ctx.tenant_id, now=utcnow(), settings=ctx.settings
            )
        )

    return ctx.stage("Erinnern", run, percent=100)


def public_url(ctx: JobContext) -> str:
    """The base of links in mails sent by jobs."""
    from rathaus.appointments.notify import public_base  # noqa: PLC0415 - mails only when sending

    return public_base(ctx.settings)


def _mail_offers(ctx: JobContext, session: Session, offers: list[waitlist.Offered]) -> int:
    return waitlist_mails.send_offers(
        session=session, mail=ctx.settings.mail, offers=offers, base_url=public_url(ctx)
    )


def _has_offers_or_waiting(session: Session, tenant_id: int, _settings: PlatformSettings) -> bool:
    return waitlist.has_offers(session=session, tenant_id=tenant_id) or waitlist.has_waiting(
        session=session, tenant_id=tenant_id
    )


@job_kind(
    WAITLIST,
    title="Warteliste: freie Termine anbieten, abgelaufene Angebote beenden",
    every=timedelta(minutes=5),
    needed=_has_offers_or_waiting,
)
def waitlist_sweep(ctx: JobContext) -> dict[str, Any]:
    """End run-out waiting-list offers, offer their seats to the next entry, and mail the results."""
    settings = ctx.settings.section(AppointmentsSettings)
    found: list[waitlist.Sweep] = []

    def run(session: Session) -> dict[str, Any]:
        now = utcnow()
        sweep = waitlist.expire_offers(session=session, tenant_id=ctx.tenant_id, now=now, settings=settings)
        unverified = waitlist.expire_unverified(
            session=session, tenant_id=ctx.tenant_id, now=now, settings=settings
        )
        sweep.offers.extend(
            waitlist.offer_unclaimed(session=session, tenant_id=ctx.tenant_id, now=now, settings=settings)
        )
        found.append(sweep)
        return {
            "returned": sweep.returned,
            "offered": len(sweep.offers),
            "expired": len(sweep.expired),
            "unverified": unverified,
        }

    result: dict[str, Any] = ctx.stage("Angebote beenden", run, percent=80)

    def mail(session: Session) -> int:
        sweep = found[0]
        sent = _mail_offers(ctx, session, sweep.offers)
        for entry in waitlist_mails.entries(session, [e.id for e in sweep.expired]):
            sent += waitlist_mails.send_expired(
                session=session, mail=ctx.settings.mail, entry=entry, base_url=public_url(ctx)
            )
        return sent

    if found and (found[0].offers or found[0].expired):
        ctx.stage("E-Mails senden", mail, percent=100)
    return result
