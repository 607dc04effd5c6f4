"""Routes of the Terminvergabe for administration: catalog, opening hours, statistics and planning.

- ``/termine/verwaltung``: services and locations, catalog import (two JSON files), a location's
  opening hours and capacity, its closures (Admin);
- ``/termine/statistik``: figures over a period with charts and tables (Caseworker);
- ``/termine/planung``: history and forecast, capacity suggestions decided per week (Admin).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from starlette.datastructures import FormData

from rathaus.appointments import administration as adm
from rathaus.appointments import planner
from rathaus.appointments.catalog import CatalogError
from rathaus.appointments.jobs import tenant_state
from rathaus.appointments.models import Location, Offer, Service
from rathaus.appointments.times import local_today, to_local
from rathaus.appointments.web import insight
from rathaus.core.security.uploads import UploadRejectedError, check_type, format_size, sniff, text_media_type
from rathaus.web.deps import Admin, Context, TenantSession, actor_of, flash
from rathaus.web.templating import render

BASE = "/termine/verwaltung"
router = APIRouter(tags=["Terminvergabe: Verwaltung"])
router.include_router(insight.router)
JSON_TYPES = frozenset({"application/json"})


async def posted_form(request: Request) -> FormData:
    """The posted form with repeated fields (read once; the CSRF check has read it already)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def _catalog_page(
    request: Request, session: Session, error: str | None = None, status_code: int = 200, keys: str = ""
) -> Response:
    services = session.scalars(select(Service).order_by(Service.name)).all()
    locations = session.scalars(
        select(Location)
        .options(selectinload(Location.offers).selectinload(Offer.service), selectinload(Location.windows))
        .order_by(Location.name)
    ).all()
    return render(
        request,
        "appointments/admin_catalog.html",
        {"services": services, "locations": locations, "error": error, "keys": keys},
        status_code=status_code,
    )


@router.get(BASE, summary="Dienstleistungen und Standorte")
def catalog_page(request: Request, user: Admin, session: TenantSession) -> Response:
    return _catalog_page(request, session)


def _read_json(upload: UploadFile | None, max_bytes: int, what: str) -> tuple[str, bytes]:
    if upload is None or not upload.filename:
        raise UploadRejectedError(400, f"Bitte wählen Sie die Datei mit den {what} aus.")
    data = upload.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRejectedError(413, f"„{upload.filename}“ ist größer als {format_size(max_bytes)}.")
    detected = sniff(data) or text_media_type(upload.filename, JSON_TYPES)
    check_type(filename=upload.filename, detected=detected, allowed=JSON_TYPES)
    return upload.filename, data


@router.post(f"{BASE}/import", summary="Katalog importieren (Münchner Format)")
def import_catalog(
    request: Request,
    user: Admin,
    session: TenantSession,
    context: Context,
    dienstleistungen: Annotated[UploadFile | None, File()] = None,
    standorte: Annotated[UploadFile | None, File()] = None,
    auswahl: Annotated[str, Form()] = "",
) -> Response:
    keys = [key.strip() for key in auswahl.replace(";", ",").split(",") if key.strip()]
    limit = context.settings.uploads.max_bytes
    try:
        services_name, services_data = _read_json(dienstleistungen, limit, "Dienstleistungen")
        locations_name, locations_data = _read_json(standorte, limit, "Standorten")
    except UploadRejectedError as rejected:
        return _catalog_page(request, session, rejected.message, rejected.status_code, auswahl)
    with tempfile.TemporaryDirectory() as folder:
        services_path = Path(folder) / "dienstleistungen.json"
        locations_path = Path(folder) / "standorte.json"
        services_path.write_bytes(services_data)
        locations_path.write_bytes(locations_data)
        try:
            summary = adm.import_catalog_files(
                session=session,
                tenant_id=user.tenant_id,
                services_json=services_path,
                locations_json=locations_path,
                actor=actor_of(user),
                location_keys=keys,
            )
        except CatalogError as error:
            session.rollback()
            detail = str(error).replace(str(services_path), services_name)
            detail = detail.replace(str(locations_path), locations_name)
            message = f"Der Katalog konnte nicht übernommen werden. Technische Angabe: {detail}"
            return _catalog_page(request, session, message, 422, auswahl)
    flash(
        request,
        f"Katalog übernommen: {summary.services} Dienstleistungen, {summary.locations} Standorte, "
        f"{summary.offers} Angebote.",
    )
    return RedirectResponse(BASE, status_code=status.HTTP_303_SEE_OTHER)


def _rows_of(location: Location) -> dict[int, list[adm.WindowRow]]:
    rows: dict[int, list[adm.WindowRow]] = {day: [] for day in range(7)}
    for window in location.windows:
        rows[window.weekday].append(
            adm.WindowRow(
                window.weekday,
                f"{window.start:%H:%M}",
                f"{window.end:%H:%M}",
                str(window.online_capacity),
                str(window.walk_in_capacity),
            )
        )
    return rows


def _location_page(
    request: Request,
    session: Session,
    location: Location,
    rows: dict[int, list[adm.WindowRow]],
    errors: list[str] | None = None,
) -> Response:
    today = local_today(insight.now())
    closures = adm.closures_from(session=session, location=location, since=today)
    return render(
        request,
        "appointments/admin_location.html",
        {
            "location": location,
            "rows": {day: [*entries, adm.WindowRow(day)] for day, entries in rows.items()},
            "weekdays": adm.WEEKDAYS,
            "errors": errors or [],
            "closures": [(to_local(c.start), to_local(c.end), c.reason) for c in closures],
        },
        status_code=422 if errors else 200,
    )


@router.get(f"{BASE}/standorte/{{location_id}}", summary="Öffnungszeiten und Kapazität eines Standorts")
def location_page(request: Request, user: Admin, session: TenantSession, location_id: int) -> Response:
    location = insight.location_or_404(session, location_id)
    return _location_page(request, session, location, _rows_of(location))


@router.post(f"{BASE}/standorte/{{location_id}}/zeiten", summary="Öffnungszeiten speichern")
def save_hours(
    request: Request, user: Admin, session: TenantSession, location_id: int, form: PostedForm
) -> Response:
    location = insight.location_or_404(session, location_id)
    rows: dict[int, list[adm.WindowRow]] = {}
    for day in range(7):
        fields = [
            [str(v) for v in form.getlist(f"{name}_{day}")] for name in ("start", "end", "online", "walk_in")
        ]
        count = max(len(values) for values in fields)
        padded = [values + [""] * (count - len(values)) for values in fields]
        rows[day] = [adm.WindowRow(day, *values) for values in zip(*padded, strict=True)]
    flat = [row for day in range(7) for row in rows[day]]
    windows, errors = adm.parse_windows(rows=flat, slot_min=location.slot_min)
    if errors:
        kept = {day: [row for row in entries if not row.blank] for day, entries in rows.items()}
        return _location_page(request, session, location, kept, errors)
    added = adm.save_hours(
        session=session,
        location=location,
        windows=windows,
        actor=actor_of(user),
        now=insight.now(),
        state=tenant_state(session, user.tenant_id),
    )
    flash(
        request,
        f"Die Öffnungszeiten sind gespeichert. Bereits freigegebene Tage wurden angepasst "
        f"({added} neue Plätze).",
    )
    return RedirectResponse(f"{BASE}/standorte/{location.id}", status_code=status.HTTP_303_SEE_OTHER)


def _decisions(form: FormData) -> list[planner.Decision]:
    decisions = []
    for key, value in form.multi_items():
        if not key.startswith("wahl_") or not key[5:].isdigit():
            continue
        plan_id = int(key[5:])
        try:
            choice = planner.Choice(str(value))
        except ValueError:
            raise planner.PlanError("Unbekannte Entscheidung.") from None
        online = str(form.get(f"online_{plan_id}", "")).strip()
        walk_in = str(form.get(f"walk_in_{plan_id}", "")).strip()
        if choice == planner.Choice.CHANGE and not (online.isdigit() and (not walk_in or walk_in.isdigit())):
            raise planner.PlanError("Die geänderten Plätze müssen ganze Zahlen ab 0 sein.")
        decisions.append(
            planner.Decision(
                plan_id,
                choice,
                int(online) if online.isdigit() else None,
                int(walk_in) if walk_in.isdigit() else None,
            )
        )
    return decisions


@router.post("/termine/planung/{location_id}/vorschlag", summary="Kapazitätsvorschlag neu berechnen")
def refresh(request: Request, user: Admin, session: TenantSession, location_id: int) -> Response:
    location = insight.location_or_404(session, location_id)
    created = planner.refresh_plans(
        session=session,
        location=location,
        now=insight.now(),
        state=tenant_state(session, user.tenant_id),
        actor=actor_of(user),
    )
    flash(request, f"Der Vorschlag ist neu berechnet ({len(created)} Zeitfenster).")
    return RedirectResponse(f"/termine/planung?standort={location.id}", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/termine/planung/{location_id}/entscheidung", summary="Kapazitätspläne entscheiden")
def decide(
    request: Request, user: Admin, session: TenantSession, location_id: int, form: PostedForm
) -> Response:
    location = insight.location_or_404(session, location_id)
    try:
        count = planner.decide_plans(
            session=session,
            location=location,
            decisions=_decisions(form),
            actor=actor_of(user),
            now=insight.now(),
            state=tenant_state(session, user.tenant_id),
        )
    except planner.PlanError as error:
        session.rollback()
        flash(request, str(error), "error")
    else:
        flash(request, f"{count} Entscheidung(en) gespeichert; freigegebene Tage sind angepasst.")
    return RedirectResponse(f"/termine/planung?standort={location.id}", status_code=status.HTTP_303_SEE_OTHER)
