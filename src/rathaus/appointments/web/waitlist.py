"""The public waiting list (``/buerger/{tenant_slug}/termine/warteliste…``): join, verify, accept an offer.

No login: the tenant comes from the URL and every query runs scoped to it; requests are rate-limited
per client. Every step works without JavaScript: links in mails lead to a page with one button (a GET
never changes anything, so mail scanners that open links do no harm).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments import notify, waitlist, waitlist_mails
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Location, Offer, Service, WaitlistEntry, WaitStatus
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.times import local_today, to_local
from rathaus.appointments.web import common
from rathaus.appointments.web.common import PublicTenant
from rathaus.core.db import open_session, utcnow
from rathaus.web.context import AppContext
from rathaus.web.deps import Context
from rathaus.web.templating import render

router = APIRouter(prefix="/buerger/{tenant_slug}/termine/warteliste", tags=["Terminvergabe"])
UNAVAILABLE = "Termin nicht mehr verfügbar"


def _settings(context: AppContext) -> AppointmentsSettings:
    return context.settings.section(AppointmentsSettings)


def _page(
    request: Request, tenant: PublicTenant, name: str, values: dict[str, Any], code: int = 200
) -> Response:
    return render(request, f"appointments/waitlist/{name}", {"tenant": tenant, **values}, status_code=code)


def _catalog(session: Session) -> tuple[list[Service], list[Location]]:
    services = session.scalars(
        select(Service)
        .where(
            Service.active.is_(True), Service.id.in_(select(Offer.service_id).where(Offer.bookable_online))
        )
        .order_by(Service.name)
    ).all()
    locations = session.scalars(
        select(Location).where(Location.active.is_(True)).order_by(Location.name)
    ).all()
    return list(services), list(locations)


def _form_page(
    request: Request,
    tenant: PublicTenant,
    scoped: Session,
    form: dict[str, Any],
    problem: str = "",
    code: int = 200,
) -> Response:
    services, locations = _catalog(scoped)
    values = {"services": services, "locations": locations, "form": form, "problem": problem}
    return _page(request, tenant, "join.html", values, code)


@router.get("", summary="Warteliste: Anmeldung")
def join_form(
    request: Request,
    tenant_slug: str,
    context: Context,
    leistung: int | None = None,
    standort: int | None = None,
) -> Response:
    tenant = common.tenant(request, tenant_slug)
    with open_session(context.sessions, tenant_id=tenant.id) as scoped:
        form = {"quantities": {leistung: 1} if leistung else {}, "location": standort}
        return _form_page(request, tenant, scoped, form)


def _parse_day(value: str, label: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise NotBookableError(f"Bitte geben Sie den {label} als Datum an (z. B. 2027-03-01).") from error


def _wanted(form: dict[str, str], scoped: Session) -> list[tuple[Service, int]]:
    quantities: dict[int, int] = {}
    for key, value in form.items():
        if key.startswith("anzahl_") and value.strip() not in ("", "0"):
            try:
                quantities[int(key.removeprefix("anzahl_"))] = int(value)
            except ValueError as error:
                raise NotBookableError("Bitte geben Sie die Anzahl als Zahl an.") from error
    rows = scoped.scalars(select(Service).where(Service.id.in_(quantities), Service.active.is_(True))).all()
    return [(service, quantities[service.id]) for service in rows]


async def _form_fields(request: Request) -> dict[str, str]:
    return {key: value for key, value in (await request.form()).items() if isinstance(value, str)}


@router.post("", summary="Warteliste: anmelden")
def join(
    request: Request,
    tenant_slug: str,
    context: Context,
    raw: Annotated[dict[str, str], Depends(_form_fields)],
) -> Response:
    tenant = common.tenant(request, tenant_slug)
    common.check_rate(request, tenant)
    settings, now = _settings(context), utcnow()
    with open_session(context.sessions, tenant_id=tenant.id) as scoped:
        wanted = _wanted(raw, scoped)
        location = scoped.get(Location, int(raw["standort"])) if raw.get("standort", "").isdigit() else None
        form = {
            "quantities": {s.id: q for s, q in wanted},
            "location": location.id if location else None,
            **{k: raw.get(k, "") for k in ("von", "bis", "name", "email")},
        }
        try:
            entry, token = waitlist.join(
                session=scoped,
                tenant_id=tenant.id,
                services=wanted,
                location=location,
                earliest=_parse_day(raw.get("von", ""), "ersten Tag"),
                latest=_parse_day(raw.get("bis", ""), "letzten Tag"),
                name=raw.get("name", ""),
                email=raw.get("email", ""),
                now=now,
                settings=settings,
            )
        except NotBookableError as error:
            scoped.rollback()
            return _form_page(
                request, tenant, scoped, form, str(error), status.HTTP_422_UNPROCESSABLE_CONTENT
            )
        scoped.commit()
        sent = waitlist_mails.send_verify(
            session=scoped,
            mail=context.settings.mail,
            entry=entry,
            token=token,
            base_url=common.links(request, tenant).base,
            valid_until=waitlist.verify_until(entry, settings),
        )
        return _page(
            request, tenant, "joined.html", {"email": entry.email, "sent": sent}, status.HTTP_201_CREATED
        )


def _message(request: Request, tenant: PublicTenant, title: str, text: str, code: int) -> Response:
    return _page(request, tenant, "message.html", {"title": title, "text": text}, code)


@router.get("/bestaetigen/{token}", summary="Warteliste: E-Mail-Adresse bestätigen (Formular)")
def verify_form(request: Request, tenant_slug: str, token: str, context: Context) -> Response:
    tenant = common.tenant(request, tenant_slug)
    with open_session(context.sessions, tenant_id=tenant.id) as scoped:
        if waitlist.by_verify_token(session=scoped, token=token) is None:
            return _message(
                request,
                tenant,
                "Link ungültig",
                "Dieser Link ist ungültig oder wurde bereits verwendet. "
                "Ihre Anmeldung ist dann schon bestätigt.",
                status.HTTP_404_NOT_FOUND,
            )
    return _page(request, tenant, "verify.html", {"token": token})


@router.post("/bestaetigen/{token}", summary="Warteliste: E-Mail-Adresse bestätigen")
def verify(request: Request, tenant_slug: str, token: str, context: Context) -> Response:
    tenant = common.tenant(request, tenant_slug)
    common.check_rate(request, tenant)
    with open_session(context.sessions, tenant_id=tenant.id) as scoped:
        try:
            waitlist.verify(session=scoped, token=token, now=utcnow(), settings=_settings(context))
        except waitlist.WaitlistError as error:
            scoped.commit()  # an expired entry is marked as such
            return _message(request, tenant, "Bestätigung nicht möglich", str(error), status.HTTP_410_GONE)
    values = {
        "title": "Sie stehen auf der Warteliste",
        "text": "Vielen Dank, Ihre E-Mail-Adresse ist bestätigt. Sobald ein passender Termin frei wird, "
        "bieten wir ihn Ihnen per E-Mail an. Sie haben dann eine begrenzte Zeit, ihn anzunehmen.",
        "withdraw": f"/buerger/{tenant.slug}/termine/warteliste/abmelden/{waitlist.withdraw_token(token)}",
    }
    return _page(request, tenant, "message.html", values, status.HTTP_200_OK)


@router.get("/abmelden/{token}", summary="Warteliste: abmelden (Formular)")
def withdraw_form(request: Request, tenant_slug: str, token: str) -> Response:
    tenant = common.tenant(request, tenant_slug)
    return _page(request, tenant, "withdraw.html", {"token": token})


@router.post("/abmelden/{token}", summary="Warteliste: abmelden")
def withdraw(request: Request, tenant_slug: str, token: str, context: Context) -> Response:
    tenant = common.tenant(request, tenant_slug)
    common.check_rate(request, tenant)
    with open_session(context.sessions, tenant_id=tenant.id) as scoped:
        try:
            waitlist.withdraw(session=scoped, token=token, now=utcnow())
        except waitlist.WaitlistError as error:
            code = status.HTTP_404_NOT_FOUND if "ungültig" in str(error) else status.HTTP_410_GONE
            return _message(request, tenant, "Abmelden nicht möglich", str(error), code)
    return _message(
        request,
        tenant,
        "Sie sind von der Warteliste abgemeldet",
        "Wir bieten Ihnen keine Termine mehr an. Einen Termin können Sie jederzeit selbst buchen.",
        status.HTTP_200_OK,
    )


def _offer_view(scoped: Session, entry_id: int) -> dict[str, Any] | None:
    entry = scoped.get_one(WaitlistEntry, entry_id)
    seats = waitlist.offered_seats(session=scoped, entry=entry)
    if not seats or entry.offer_until is None:
        return None
    location = scoped.get_one(Location, seats[0].location_id)
    services = waitlist.entry_services(session=scoped, entry=entry)
    duration = bk.Request(location=location, services=services).duration()
    return {
        "start": to_local(seats[0].start),
        "end": to_local(seats[0].start + duration),
        "until": to_local(entry.offer_until),
        "location": location,
        "services": services,
    }


@router.get("/angebot/{token}", summary="Warteliste: angebotener Termin")
def offer_page(request: Request, tenant_slug: str, token: str, context: Context) -> Response:
    tenant = common.tenant(request, tenant_slug)
    with open_session(context.sessions, tenant_id=tenant.id) as scoped:
        entry = waitlist.by_offer_token(session=scoped, token=token)
        if entry is None:
            return _message(
                request,
                tenant,
                "Angebot nicht gefunden",
                "Dieses Angebot gibt es nicht oder es wurde bereits angenommen.",
                status.HTTP_404_NOT_FOUND,
            )
        view = _offer_view(scoped, entry.id)
        if view is None or entry.status != WaitStatus.OFFERED or (entry.offer_until or utcnow()) < utcnow():
            return _message(
                request,
                tenant,
                "Angebot abgelaufen",
                "Das Angebot ist abgelaufen. Sie bleiben auf der Warteliste, "
                "solange Sie nicht ausgetragen sind.",
                status.HTTP_410_GONE,
            )
        return _page(request, tenant, "offer.html", {"token": token, **view})


@router.post("/angebot/{token}", summary="Warteliste: angebotenen Termin annehmen")
def accept(request: Request, tenant_slug: str, token: str, context: Context) -> Response:
    tenant = common.tenant(request, tenant_slug)
    common.check_rate(request, tenant)
    settings, now = _settings(context), utcnow()
    with open_session(context.sessions, tenant_id=tenant.id) as scoped:
        try:
            made, manage = waitlist.accept(
                session=scoped, token=token, now=now, settings=settings, secret=context.settings.secret_key
            )
        except bk.SlotTakenError:
            scoped.rollback()
            return _unavailable(request, tenant, scoped, token, now, settings)
        except NotBookableError as error:
            scoped.rollback()
            return _message(request, tenant, "Annahme nicht möglich", str(error), status.HTTP_410_GONE)
        scoped.commit()
        sent = notify.send_confirmation(
            session=scoped,
            settings=context.settings,
            booking=made,
            links=common.links(request, tenant),
            manage_token=manage,
        )
        scoped.commit()
        values = {"booking": made, "start": to_local(made.start), "sent": sent}
        return _page(request, tenant, "booked.html", values, status.HTTP_201_CREATED)


def _unavailable(
    request: Request,
    tenant: PublicTenant,
    scoped: Session,
    token: str,
    now: dt.datetime,
    settings: AppointmentsSettings,
) -> Response:
    """409 "Termin nicht mehr verfügbar" with the next free times for the same services."""
    entry = waitlist.by_offer_token(session=scoped, token=token)
    alternatives: list[dt.datetime] = []
    seats = waitlist.offered_seats(session=scoped, entry=entry) if entry is not None else []
    location_id = entry.location_id if entry is not None and entry.location_id else None
    if location_id is None and seats:
        location_id = seats[0].location_id
    if entry is not None and location_id is not None:
        location = scoped.get_one(Location, location_id)
        request_ = bk.Request(
            location=location, services=waitlist.entry_services(session=scoped, entry=entry)
        )
        start = dt.datetime.combine(local_today(now), dt.time())
        alternatives = bk.next_free(session=scoped, request=request_, after=start, now=now, settings=settings)
    values = {"title": UNAVAILABLE, "alternatives": alternatives}
    return _page(request, tenant, "unavailable.html", values, status.HTTP_409_CONFLICT)
