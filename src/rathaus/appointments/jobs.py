"""Background jobs of the Terminvergabe: the release wave, the expiry of holds and reminders (sweeps)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select

from rathaus.appointments import booking, release
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

    def run(session: Session) -> dict[str, Any]:
        stale = booking.expire_holds(session=session, tenant_id=ctx.tenant_id, now=utcnow())
        return {"expired": len(stale)}

    return ctx.stage("Freigeben", run, percent=100)


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
