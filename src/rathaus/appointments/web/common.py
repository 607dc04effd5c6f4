"""What the public booking pages share: the tenant from the URL, the rate limit, the clock, the choice.

The choice of services travels in the URL (and in hidden fields of the forms) as ``dienstleistung``
(one per service key) and ``anzahl-<key>`` (its quantity), the location as ``standort`` (its key):
every step is a plain link or form, so the flow works without JavaScript and can be bookmarked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import HTTPException, Request, status
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.mails import MONTHS, WEEKDAYS
from rathaus.appointments.models import Location, Service
from rathaus.appointments.notify import Links
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.times import local_today, to_local
from rathaus.core.db import open_session, utcnow
from rathaus.core.security.models import Tenant
from rathaus.web.context import AppContext
from rathaus.web.templating import render

RATE_MESSAGE = (
    "Sie haben in kurzer Zeit sehr viele Anfragen gestellt. Bitte warten Sie eine Minute und "
    "versuchen Sie es dann erneut."
)
STEPS = ("Dienstleistung", "Standort", "Tag", "Uhrzeit", "Kontaktdaten")


@dataclass(frozen=True)
class PublicTenant:
    id: int
    slug: str
    name: str


def now() -> dt.datetime:
    """The booking clock (tests move it by patching ``utcnow`` here)."""
    return utcnow()


def real_now() -> dt.datetime:
    """The wall clock for the fairness checks (their challenges expire in real time)."""
    return dt.datetime.now(dt.UTC)


def context_of(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


def section(request: Request) -> AppointmentsSettings:
    return context_of(request).settings.section(AppointmentsSettings)


def tenant(request: Request, slug: str) -> PublicTenant:
    """The tenant of the URL, read in its own short session: a public request holds one connection at a
    time (under a rush of citizens, two per request would exhaust the pool)."""
    with open_session(context_of(request).sessions) as session:
        row = session.scalar(select(Tenant).where(Tenant.slug == slug))
        if row is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Gemeinde gibt es hier nicht.")
        return PublicTenant(id=row.id, slug=row.slug, name=row.name)


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unbekannt"


def check_rate(request: Request, who: PublicTenant, bucket: str = "", per_minute: int | None = None) -> None:
    """The platform's rate limiter per client (or per ``bucket``); 429 with a German message."""
    context = context_of(request)
    key = f"appointments:{who.id}:{bucket or client_of(request)}"
    if not context.rate_limiter.allow(key, per_minute or section(request).rate_per_minute):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, RATE_MESSAGE, headers={"Retry-After": "60"})


def links(request: Request, who: PublicTenant) -> Links:
    """Links for mails: the configured public address, else the address the citizen used."""
    base = section(request).public_url.rstrip("/") or str(request.base_url).rstrip("/")
    return Links(base=base, tenant_slug=who.slug)


def page(
    request: Request, who: PublicTenant, name: str, values: Mapping[str, Any], code: int = 200
) -> Response:
    base = {
        "tenant": who,
        "steps": STEPS,
        "errors": [],
        "book_url": f"/buerger/{who.slug}/termine",
        "day_text": day_text,
        "time_text": time_text,
    }
    return render(request, f"appointments/public/{name}", {**base, **values}, status_code=code)


def message_page(
    request: Request,
    who: PublicTenant,
    code: int,
    title: str,
    text: str,
    back: str = "",
    back_label: str = "",
) -> Response:
    """A German page for a refused step, with a way back."""
    values = {"title": title, "text": text, "back": back, "back_label": back_label}
    return page(request, who, "message.html", values, code=code)


# --- the choice in the URL -------------------------------------------------------------------------


@dataclass
class Choice:
    """Services (key → quantity) and location key chosen so far, with the problems found."""

    quantities: dict[str, int] = field(default_factory=dict)
    location: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field id, German message)

    def query(self, **extra: str) -> str:
        """The choice as a query string (without ``?``)."""
        pairs: list[tuple[str, str]] = []
        for key, quantity in self.quantities.items():
            pairs += [("dienstleistung", key), (f"anzahl-{key}", str(quantity))]
        if self.location:
            pairs.append(("standort", self.location))
        pairs += list(extra.items())
        return urlencode(pairs)

    def hidden(self) -> list[tuple[str, str]]:
        """The choice as hidden form fields."""
        pairs = [("standort", self.location)] if self.location else []
        for key, quantity in self.quantities.items():
            pairs += [("dienstleistung", key), (f"anzahl-{key}", str(quantity))]
        return pairs


def read_choice(params: Mapping[str, Any] | FormData, keys: Sequence[str]) -> Choice:
    """Parse ``dienstleistung``/``anzahl-<key>``/``standort`` from a query or form."""
    choice = Choice(location=str(params.get("standort") or "").strip())
    chosen = params.getlist("dienstleistung") if hasattr(params, "getlist") else []
    for key in dict.fromkeys(str(value) for value in chosen):
        raw = str(params.get(f"anzahl-{key}") or "1").strip()
        if key not in keys:
            choice.errors.append(
                ("dienstleistungen", "Diese Dienstleistung kann nicht online gebucht werden.")
            )
            continue
        try:
            choice.quantities[key] = int(raw)
        except ValueError:
            choice.errors.append((f"anzahl-{key}", "Bitte geben Sie die Anzahl als ganze Zahl an."))
    return choice


def chosen_services(choice: Choice, services: Sequence[Service]) -> list[tuple[Service, int]]:
    """The chosen services with quantities; adds German problems (none chosen, quantity, combination)."""
    by_key = {service.key: service for service in services}
    chosen = [(by_key[key], quantity) for key, quantity in choice.quantities.items() if key in by_key]
    if not chosen and not choice.errors:
        choice.errors.append(("dienstleistungen", "Bitte wählen Sie mindestens eine Dienstleistung."))
    for service, quantity in chosen:
        if quantity < 1:
            choice.errors.append(
                (f"anzahl-{service.key}", f"Die Anzahl für „{service.name}“ muss mindestens 1 sein.")
            )
        elif quantity > service.max_quantity:
            choice.errors.append(
                (
                    f"anzahl-{service.key}",
                    f"„{service.name}“ kann höchstens {service.max_quantity}-mal "
                    "in einem Termin gebucht werden.",
                )
            )
    for first, _ in chosen:
        for second, _ in chosen:
            if first.id < second.id and (
                second.key not in first.combinable_with or first.key not in second.combinable_with
            ):
                choice.errors.append(
                    (
                        "dienstleistungen",
                        f"„{first.name}“ und „{second.name}“ können nicht in einem Termin gebucht werden. "
                        "Bitte buchen Sie dafür getrennte Termine.",
                    )
                )
    return chosen


def location_by_key(session: Session, tenant_id: int, key: str) -> Location:
    location = session.scalar(
        select(Location).where(
            Location.tenant_id == tenant_id, Location.key == key, Location.active.is_(True)
        )
    )
    if location is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diesen Standort gibt es nicht.")
    return location


def parse_day(raw: str, *, at: dt.datetime, settings: AppointmentsSettings) -> dt.date:
    """A day from ``YYYY-MM-DD`` within the booking horizon (German ``NotBookableError`` otherwise)."""
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError as error:
        raise NotBookableError("Bitte wählen Sie einen Tag aus der Liste.") from error
    today = local_today(at)
    if day < today:
        raise NotBookableError("Dieser Tag liegt in der Vergangenheit. Bitte wählen Sie einen anderen Tag.")
    if day >= today + dt.timedelta(days=settings.horizon_days):
        raise NotBookableError(
            f"Termine können höchstens {settings.horizon_days} Tage im Voraus gebucht werden."
        )
    return day


def parse_time(raw: str) -> dt.datetime:
    """A local start from ``YYYY-MM-DDTHH:MM`` (German ``NotBookableError`` otherwise)."""
    try:
        start = dt.datetime.fromisoformat(raw.strip())
    except ValueError as error:
        raise NotBookableError("Bitte wählen Sie eine Uhrzeit aus der Liste.") from error
    if start.tzinfo is not None or start.second or start.microsecond:
        raise NotBookableError("Bitte wählen Sie eine Uhrzeit aus der Liste.")
    return start


def local(moment: dt.datetime) -> dt.datetime:
    return to_local(moment)


def day_text(value: dt.date | dt.datetime) -> str:
    """``Dienstag, 2. Februar 2027`` for a date, a naive local time or an aware time."""
    if isinstance(value, dt.datetime):
        value = to_local(value) if value.tzinfo else value
        value = value.date()
    return f"{WEEKDAYS[value.weekday()]}, {value.day}. {MONTHS[value.month - 1]} {value.year}"


def time_text(value: dt.datetime) -> str:
    """``9:30 Uhr`` for a naive local time or an aware time."""
    value = to_local(value) if value.tzinfo else value
    return f"{value.hour}:{value.minute:02d} Uhr"
