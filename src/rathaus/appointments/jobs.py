"""Background jobs of the Terminvergabe: the release wave, the expiry of holds, the waiting list (sweeps)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select

from rathaus.appointments import release, waitlist, waitlist_mails
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Booking, BookingStatus, Location, OpeningWindow
from rathaus.core.db import utcnow
from rathaus.core.jobs import JobContext, job_kind
from rathaus.core.security.models import Tenant

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rathaus.core.config import PlatformSettings

RELEASE = "appointments.release"
EXPIRE = "appointments.expire"
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


def public_url(ctx: JobContext) -> str:
    """The base of links in mails sent by jobs."""
    return (
        ctx.settings.section(AppointmentsSettings).public_url
        or f"http://{ctx.settings.host}:{ctx.settings.port}"
    )


def _mail_offers(ctx: JobContext, session: Session, offers: list[waitlist.Offered]) -> int:
    return waitlist_mails.send_offers(
        session=session, mail=ctx.settings.mail, offers=offers, base_url=public_url(ctx)
    )


def _has_offers(session: Session, tenant_id: int, _settings: PlatformSettings) -> bool:
    return waitlist.has_offers(session=session, tenant_id=tenant_id)


@job_kind(WAITLIST, title="Warteliste: abgelaufene Angebote", every=timedelta(minutes=5), needed=_has_offers)
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
