"""Sending the waiting list's e-mails (after the commit): verification, offer, booking, expiry.

The texts are built by ``mails.py``; this module looks up what they need, sends through
``rathaus.core.mail.send`` and records a failure (``appointments.mail_failed``) instead of raising: a
mail that could not be sent must not undo what was committed. (A shared sending helper with retries,
``notify.py``, is being built for the citizen pages; these calls can move there.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from email.headerregistry import Address
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.appointments import mails
from rathaus.appointments.models import Location, WaitlistEntry
from rathaus.appointments.notify import send_recorded
from rathaus.appointments.waitlist import ACTOR, Offered, entry_services, withdraw_token
from rathaus.core.mail import MailSettings, sender
from rathaus.core.security.models import Tenant

PUBLIC = "/buerger/{slug}/termine"
VERIFY_PATH = PUBLIC + "/warteliste/bestaetigen/{token}"
OFFER_PATH = PUBLIC + "/warteliste/angebot/{token}"
WITHDRAW_PATH = PUBLIC + "/warteliste/abmelden/{token}"
JOIN_PATH = PUBLIC + "/warteliste"


def link(base_url: str, path: str, **values: str) -> str:
    """An absolute link for a mail."""
    return base_url.rstrip("/") + path.format(**values)


def _tenant(session: Session, tenant_id: int) -> Tenant:
    return session.get_one(Tenant, tenant_id)


def facts_for(
    *,
    session: Session,
    location: Location,
    services: Iterable[tuple[str, str, str, list[str]]],
    start: dt.datetime,
    end: dt.datetime,
    reference: str = "",
) -> mails.AppointmentFacts:
    """Appointment facts from the location and (name, fees, _, documents) of the services."""
    names, fees, documents = [], [], []
    for name, fee, _key, docs in services:
        names.append(name)
        if fee:
            fees.append(f"{name}: {fee}")
        documents += [d for d in docs if d not in documents]
    return mails.AppointmentFacts(
        reference=reference,
        start=start,
        end=end,
        location_name=location.name,
        location_address=location.address,
        services=tuple(names),
        tenant_name=_tenant(session, location.tenant_id).name,
        accessibility=location.accessibility,
        documents=tuple(documents),
        fees=tuple(fees),
    )


def deliver(
    *, session: Session, mail: MailSettings, message: EmailMessage, tenant_id: int, what: str, object_id: int
) -> bool:
    """Send one mail about a waiting-list entry; a failure is recorded (``notify.send_recorded``)."""
    return send_recorded(
        session=session,
        mail=mail,
        message=message,
        tenant_id=tenant_id,
        object_type="waitlist_entry",
        object_id=object_id,
        details={"mail": what},
        actor=ACTOR,
    )


def _from(session: Session, mail: MailSettings, tenant_id: int) -> Address | None:
    return sender(mail, _tenant(session, tenant_id).name) if mail.configured else None


def send_verify(
    *,
    session: Session,
    mail: MailSettings,
    entry: WaitlistEntry,
    token: str,
    base_url: str,
    valid_until: dt.datetime,
) -> bool:
    """The verification link of a new entry."""
    tenant = _tenant(session, entry.tenant_id)
    location = session.get(Location, entry.location_id) if entry.location_id else None
    message = mails.waitlist_verify_mail(
        to=entry.email,
        services=tuple(s.name for s, _q in entry_services(session=session, entry=entry)),
        location_name=location.name if location else None,
        verify_url=link(base_url, VERIFY_PATH, slug=tenant.slug, token=token),
        withdraw_url=link(base_url, WITHDRAW_PATH, slug=tenant.slug, token=withdraw_token(token)),
        valid_until=valid_until,
        tenant_name=tenant.name,
        sender=_from(session, mail, entry.tenant_id),
    )
    return deliver(
        session=session,
        mail=mail,
        message=message,
        tenant_id=entry.tenant_id,
        what="verify",
        object_id=entry.id,
    )


def send_offers(*, session: Session, mail: MailSettings, offers: Iterable[Offered], base_url: str) -> int:
    """Mail each offer with its accept link; returns how many were sent."""
    sent = 0
    for offer in offers:
        entry = session.get_one(WaitlistEntry, offer.entry_id)
        location = session.get_one(Location, offer.location_id)
        tenant = _tenant(session, entry.tenant_id)
        services = [
            (s.name, s.fees, s.key, list(s.documents))
            for s, _q in entry_services(session=session, entry=entry)
        ]
        facts = facts_for(
            session=session, location=location, services=services, start=offer.start, end=offer.end
        )
        message = mails.waitlist_offer_mail(
            to=offer.email,
            facts=facts,
            accept_url=link(base_url, OFFER_PATH, slug=tenant.slug, token=offer.token),
            held_until=offer.until,
            sender=_from(session, mail, entry.tenant_id),
        )
        sent += deliver(
            session=session,
            mail=mail,
            message=message,
            tenant_id=entry.tenant_id,
            what="offer",
            object_id=entry.id,
        )
    return sent


def send_expired(*, session: Session, mail: MailSettings, entry: WaitlistEntry, base_url: str) -> bool:
    """Tell a citizen that the entry ended after unanswered offers (they may register again)."""
    tenant = _tenant(session, entry.tenant_id)
    names = ", ".join(s.name for s, _q in entry_services(session=session, entry=entry))
    message = EmailMessage()
    message["To"] = entry.email
    message["Subject"] = "Ihr Eintrag auf der Warteliste ist beendet"
    sender_address = _from(session, mail, entry.tenant_id)
    if sender_address is not None:
        message["From"] = sender_address
    message.set_content(
        "Guten Tag,\n\n"
        f"wir haben Ihnen für „{names}“ {entry.offers_made} Termine angeboten, die nicht angenommen wurden. "
        "Ihr Eintrag auf der Warteliste ist deshalb beendet.\n\n"
        "Wenn Sie weiterhin einen Termin suchen, können Sie sich hier erneut eintragen:\n"
        f"{link(base_url, JOIN_PATH, slug=tenant.slug)}\n\n"
        f"Mit freundlichen Grüßen\n{tenant.name}\n\nDiese E-Mail wurde automatisch erstellt.\n"
    )
    return deliver(
        session=session,
        mail=mail,
        message=message,
        tenant_id=entry.tenant_id,
        what="expired",
        object_id=entry.id,
    )


def entries(session: Session, ids: Iterable[int]) -> list[WaitlistEntry]:
    """Entries by id (for mailing after a commit)."""
    return list(session.scalars(select(WaitlistEntry).where(WaitlistEntry.id.in_(list(ids)))))
