"""Routes for the filing plan (Aktenplan), the departments and the caseworkers' routing rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from rathaus.inbox import filing
from rathaus.inbox.models import RoutingRule
from rathaus.inbox.web.common import PREFIX
from rathaus.web.deps import Admin, Caseworker, Context, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(prefix=PREFIX, tags=["Posteingang"])
MAX_PLAN_BYTES = 5 * 1024**2


def _plan_page(
    request: Request, session: Session, *, error: str | None = None, status_code: int = 200
) -> Response:
    return render(
        request,
        "inbox/plan.html",
        {
            "units": filing.org_units(session=session),
            "positions": filing.active_positions(session=session),
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/aktenplan", summary="Aktenplan und Abteilungen")
def plan(request: Request, user: Caseworker, session: TenantSession) -> Response:
    return _plan_page(request, session)


@router.post("/aktenplan", summary="Aktenplan aus CSV oder JSON importieren")
def import_plan(
    request: Request,
    user: Admin,
    session: TenantSession,
    context: Context,
    datei: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if datei is None or not datei.filename:
        return _plan_page(
            request, session, error="Bitte wählen Sie eine CSV- oder JSON-Datei aus.", status_code=400
        )
    data = datei.file.read(MAX_PLAN_BYTES + 1)
    if len(data) > MAX_PLAN_BYTES:
        return _plan_page(request, session, error="Die Datei ist größer als 5 MB.", status_code=400)
    try:
        rows = filing.parse_plan(data=data, filename=datei.filename)
    except filing.PlanImportError as problem:
        return _plan_page(request, session, error=str(problem), status_code=400)
    created, updated = filing.import_plan(session=session, rows=rows, actor=actor_of(user))
    flash(request, f"Aktenplan importiert: {created} Positionen neu, {updated} aktualisiert.")
    return RedirectResponse(f"{PREFIX}/aktenplan", status_code=status.HTTP_303_SEE_OTHER)


def _rules_page(
    request: Request,
    session: Session,
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "inbox/rules.html",
        {
            "rules": filing.routing_rule_list(session=session),
            "positions": filing.active_positions(session=session),
            "fields": filing.RULE_FIELDS,
            "matches": filing.RULE_MATCHES,
            "error": error,
            "values": values or {},
        },
        status_code=status_code,
    )


@router.get("/regeln", summary="Zuordnungsregeln")
def rules(request: Request, user: Caseworker, session: TenantSession) -> Response:
    return _rules_page(request, session)


@router.post("/regeln", summary="Zuordnungsregel anlegen")
def add_rule(
    request: Request,
    user: Caseworker,
    session: TenantSession,
    name: Annotated[str, Form()] = "",
    feld: Annotated[str, Form()] = "",
    vergleich: Annotated[str, Form()] = "",
    muster: Annotated[str, Form()] = "",
    position: Annotated[str, Form()] = "",
) -> Response:
    values = {"name": name, "feld": feld, "vergleich": vergleich, "muster": muster, "position": position}
    target = filing.position_by_number(session=session, number=position) if position else None
    if target is None:
        return _rules_page(
            request,
            session,
            error="Bitte wählen Sie die Position, zu der die Regel führt.",
            values=values,
            status_code=400,
        )
    try:
        rule = filing.save_rule(
            session=session,
            name=name,
            field=feld,
            match=vergleich,
            pattern=muster,
            position=target,
            actor=actor_of(user),
        )
    except filing.RuleError as problem:
        return _rules_page(request, session, error=str(problem), values=values, status_code=400)
    flash(request, f"Regel „{rule.name}“ gespeichert. Sie gilt für alle neuen Eingänge.")
    return RedirectResponse(f"{PREFIX}/regeln", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/regeln/{rule_id}/loeschen", summary="Zuordnungsregel löschen")
def remove_rule(request: Request, rule_id: int, user: Caseworker, session: TenantSession) -> Response:
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Regel existiert nicht.")
    name = rule.name
    filing.delete_rule(session=session, rule=rule, actor=actor_of(user))
    flash(request, f"Regel „{name}“ gelöscht.")
    return RedirectResponse(f"{PREFIX}/regeln", status_code=status.HTTP_303_SEE_OTHER)
