"""Routes for the overview, the work queues and single items of the Posteingang."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.jobs import Job
from rathaus.core.ports import APPLICATION_INTAKE
from rathaus.inbox import filing, paper_forms, service
from rathaus.inbox.models import Item, OrgUnit, Reply
from rathaus.inbox.web.common import PREFIX, item_or_404
from rathaus.web.deps import Caseworker, Context, TenantSession, actor_of, flash, get_context
from rathaus.web.templating import render

router = APIRouter(prefix=PREFIX, tags=["Posteingang"])
LOCAL = ZoneInfo("Europe/Berlin")
RECENT = 15


def today() -> datetime:
    return datetime.now(LOCAL)


def to_item(item_id: int) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/eingaenge/{item_id}", status_code=status.HTTP_303_SEE_OTHER)


@router.get("", summary="Posteingang: Warteschlangen und Eingang erfassen")
def index(request: Request, user: Caseworker, session: TenantSession) -> Response:
    day = today().date()
    recent = session.scalars(
        select(Item).where(Item.duplicate_of_id.is_(None)).order_by(Item.received_at.desc()).limit(RECENT)
    )
    return render(
        request,
        "inbox/index.html",
        {
            "counts": service.queue_counts(session=session, today=day),
            "recent": list(recent),
            "has_plan": bool(filing.active_positions(session=session)),
        },
    )


@router.get("/poststelle", summary="Poststelle: unsichere und nicht lesbare Eingänge")
def triage(request: Request, user: Caseworker, session: TenantSession) -> Response:
    rows = service.queue(session=session, org_unit_id=None, today=today().date())
    return render(request, "inbox/queue.html", {"rows": rows, "unit": None})


@router.get("/abteilungen/{unit_id}", summary="Arbeitsvorrat einer Abteilung")
def department(request: Request, unit_id: int, user: Caseworker, session: TenantSession) -> Response:
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Abteilung existiert nicht.")
    rows = service.queue(session=session, org_unit_id=unit.id, today=today().date())
    return render(request, "inbox/queue.html", {"rows": rows, "unit": unit})


def item_page(
    request: Request, session: Session, item: Item, *, error: str | None = None, status_code: int = 200
) -> Response:
    job = session.get(Job, item.process_job_id) if item.process_job_id else None
    replies = session.scalars(select(Reply).where(Reply.item_id == item.id).order_by(Reply.id))
    duplicates = session.scalars(select(Item.id).where(Item.duplicate_of_id == item.id).order_by(Item.id))
    intake = get_context(request).ports.get(APPLICATION_INTAKE)
    return render(
        request,
        "inbox/item.html",
        {
            "item": item,
            "job": job,
            "replies": list(replies),
            "duplicates": list(duplicates),
            "units": filing.org_units(session=session),
            "positions": filing.active_positions(session=session),
            "extraction": item.extraction or {},
            "row": service.queue_row(item, today=today().date()),
            "paper_offer": paper_forms.offer(session=session, item=item, intake=intake) if intake else None,
            "application": paper_forms.handed_over(item),
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/eingaenge/{item_id}", summary="Ein Eingang: Text, Zuordnung, Fristen")
def show_item(request: Request, item_id: int, user: Caseworker, session: TenantSession) -> Response:
    return item_page(request, session, item_or_404(session, item_id))


def _decide(
    request: Request, session: Session, item: Item, change: Callable[[], object], done: str
) -> Response:
    """Apply a caseworker's decision; a state that forbids it shows the item again with the reason (409)."""
    try:
        change()
    except service.ItemStateError as problem:
        return item_page(request, session, item, error=str(problem), status_code=409)
    flash(request, done)
    return to_item(item.id)


@router.post("/eingaenge/{item_id}/annehmen", summary="Zuordnung bestätigen und Eingang übernehmen")
def accept_item(request: Request, item_id: int, user: Caseworker, session: TenantSession) -> Response:
    item = item_or_404(session, item_id)
    accept = partial(service.accept, session=session, item=item, actor=actor_of(user))
    return _decide(request, session, item, accept, f"Eingang Nr. {item.id} wurde angenommen.")


@router.post("/eingaenge/{item_id}/zuordnen", summary="Eingang einer anderen Position zuordnen")
def reroute_item(
    request: Request,
    item_id: int,
    user: Caseworker,
    session: TenantSession,
    position: Annotated[str, Form()] = "",
    behalten: Annotated[str, Form()] = "",
) -> Response:
    item = item_or_404(session, item_id)
    target = filing.position_by_number(session=session, number=position) if position else None
    if target is None:
        return item_page(
            request,
            session,
            item,
            error="Bitte wählen Sie eine Position des Aktenplans aus.",
            status_code=400,
        )
    reroute = partial(
        service.reroute,
        session=session,
        item=item,
        position=target,
        actor=actor_of(user),
        accept_now=bool(behalten),
    )
    where = target.org_unit.name if target.org_unit else "keine Abteilung"
    done = f"Eingang Nr. {item.id} wurde {target.number} „{target.title}“ zugeordnet ({where})."
    return _decide(request, session, item, reroute, done)


@router.post("/eingaenge/{item_id}/erledigen", summary="Eingang ohne Antwort erledigen")
def close_item(
    request: Request,
    item_id: int,
    user: Caseworker,
    session: TenantSession,
    vermerk: Annotated[str, Form()] = "",
) -> Response:
    item = item_or_404(session, item_id)
    close = partial(service.close, session=session, item=item, actor=actor_of(user), note=vermerk.strip())
    return _decide(request, session, item, close, f"Eingang Nr. {item.id} ist erledigt.")


@router.post("/eingaenge/{item_id}/wieder-oeffnen", summary="Erledigten Eingang wieder öffnen")
def reopen_item(request: Request, item_id: int, user: Caseworker, session: TenantSession) -> Response:
    item = item_or_404(session, item_id)
    reopen = partial(service.reopen, session=session, item=item, actor=actor_of(user))
    return _decide(request, session, item, reopen, f"Eingang Nr. {item.id} ist wieder offen.")


@router.post("/eingaenge/{item_id}/als-antrag", summary="Gescanntes Antragsformular an die Anträge übergeben")
def hand_over_item(
    request: Request,
    item_id: int,
    user: Caseworker,
    session: TenantSession,
    context: Context,
    antragstyp: Annotated[str, Form()] = "",
) -> Response:
    item = item_or_404(session, item_id)
    intake = context.ports.get(APPLICATION_INTAKE)
    if intake is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, "Anträge sind in dieser Installation nicht eingerichtet."
        )
    try:
        result = paper_forms.hand_over(
            session=session,
            item=item,
            intake=intake,
            type_key=antragstyp,
            actor=actor_of(user),
            queue=context.queue,
        )
    except ValueError as problem:  # ItemStateError, or the Anträge refused (German message)
        return item_page(request, session, item, error=str(problem), status_code=409)
    empty = "; ".join(result.empty_fields).rstrip(".")
    flash(
        request,
        f"Eingang Nr. {item.id} ist jetzt der Antrag {result.reference} ({len(result.read_fields)} Angaben "
        f"gelesen{f'; leer oder nicht lesbar: {empty}' if empty else ''}). Die Prüfung läuft.",
    )
    return to_item(item.id)


@router.get("/auswertung", summary="Bearbeitungszeiten je Abteilung")
def figures(request: Request, user: Caseworker, session: TenantSession) -> Response:
    days = 90
    since = today() - timedelta(days=days)
    rows = service.processing_times(session=session, since=since)
    longest = max((r.to_answered_h or r.to_accepted_h or 0 for r in rows), default=0) or 1
    return render(request, "inbox/figures.html", {"rows": rows, "days": days, "longest": longest})
