"""Routes for defining application types without programming (``/antraege/verwaltung``, Admin).

- the list of the tenant's types and a version in plain German (steps, fields with their legal basis,
  attachments, computed values, rules, consistency checks, history);
- downloads of the definition and of the JSON Schema a submission is validated against;
- a new version from the full definition as JSON; activating and retiring a version;
- (``type_edits``) one rule or one field added, changed or removed, and the Probelauf.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.applications import catalog
from rathaus.applications.checks import shown_value
from rathaus.applications.definition import DefinitionError, to_json
from rathaus.applications.editing import pretty, read_definition
from rathaus.applications.forms import json_schema
from rathaus.applications.kinds import KIND_LABELS
from rathaus.applications.models import ApplicationType, TypeStatus
from rathaus.applications.typeview import (
    CATEGORY_NAMES,
    KIND_NAMES,
    MODE_NAMES,
    SEVERITY_NAMES,
    STATUS_NAMES,
    application_counts,
    computed_text,
    limits_text,
    local_today,
    overview,
    people,
)
from rathaus.applications.web import type_edits
from rathaus.applications.web.type_common import BASE, save_and_redirect, version_row
from rathaus.web.deps import Admin, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(tags=["Anträge: Antragstypen"])
router.include_router(type_edits.router)

SKELETON = {
    "key": "neuer-antrag",
    "title": "Neuer Antrag",
    "summary": "Worum es geht, in einem Satz.",
    "reference_prefix": "NEU",
    "authority": "Zuständige Stelle",
    "municipality": "Gemeinde",
    "legal_sources": [{"short": "S", "title": "Satzung über …"}],
    "sections": [{"key": "person", "title": "Antragstellerin oder Antragsteller"}],
    "fields": [
        {
            "key": "nachname",
            "label": "Nachname",
            "kind": "text",
            "section": "person",
            "required": True,
            "legal_basis": "§ 1 S",
        }
    ],
}


@router.get(BASE, summary="Antragstypen")
def type_list(request: Request, user: Admin, session: TenantSession) -> Response:
    return render(
        request,
        "applications/types/list.html",
        {"lines": overview(session=session), "status_names": STATUS_NAMES},
    )


def _json_page(
    request: Request,
    *,
    text: str,
    based_on: ApplicationType | None,
    problems: list[str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "applications/types/json.html",
        {"text": text, "based_on": based_on, "problems": problems},
        status_code=status_code,
    )


@router.get(f"{BASE}/neu", summary="Neuer Antragstyp als JSON")
def new_type_page(request: Request, user: Admin) -> Response:
    return _json_page(request, text=pretty(SKELETON), based_on=None, problems=[])


@router.post(f"{BASE}/neu", summary="Version aus JSON speichern")
def save_json(
    request: Request,
    user: Admin,
    session: TenantSession,
    definition: Annotated[str, Form()] = "",
    basis: Annotated[int | None, Form()] = None,
) -> Response:
    based_on = session.scalar(select(ApplicationType).where(ApplicationType.id == basis)) if basis else None
    try:
        parsed = read_definition(definition)
        return save_and_redirect(request, session, user, parsed)
    except DefinitionError as error:
        return _json_page(
            request, text=definition, based_on=based_on, problems=error.problems, status_code=422
        )


@router.get(f"{BASE}/{{key}}", summary="Antragstyp (aktive Version)")
def type_page(request: Request, user: Admin, session: TenantSession, key: str) -> Response:
    rows = catalog.versions(session=session, key=key)
    if not rows:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diesen Antragstyp gibt es nicht.")
    chosen = next((row for row in rows if row.status == TypeStatus.ACTIVE), rows[0])
    return _version_page(request, session, rows, chosen)


@router.get(f"{BASE}/{{key}}/{{version}}", summary="Eine Version eines Antragstyps")
def version_page(request: Request, user: Admin, session: TenantSession, key: str, version: int) -> Response:
    row = version_row(session, key, version)
    return _version_page(request, session, catalog.versions(session=session, key=key), row)


def _version_page(
    request: Request, session: Session, rows: list[ApplicationType], row: ApplicationType
) -> Response:
    definition = catalog.definition_of(row)
    counts = application_counts(session=session)
    return render(
        request,
        "applications/types/view.html",
        {
            "row": row,
            "definition": definition,
            "rows": rows,
            "counts": counts,
            "people": people(session=session, rows=rows),
            "kind_names": KIND_NAMES,
            "severity_names": SEVERITY_NAMES,
            "category_names": CATEGORY_NAMES,
            "mode_names": MODE_NAMES,
            "kind_labels": KIND_LABELS,
            "status_names": STATUS_NAMES,
            "limits_text": limits_text,
            "computed_text": computed_text,
            "shown_value": shown_value,
        },
    )


def _download(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(f"{BASE}/{{key}}/{{version}}/definition.json", summary="Definition herunterladen")
def download_definition(user: Admin, session: TenantSession, key: str, version: int) -> Response:
    row = version_row(session, key, version)
    return _download(to_json(catalog.definition_of(row)), f"{key}-v{version}.json")


@router.get(f"{BASE}/{{key}}/{{version}}/schema.json", summary="JSON Schema herunterladen")
def download_schema(user: Admin, session: TenantSession, key: str, version: int) -> Response:
    row = version_row(session, key, version)
    schema = json_schema(catalog.definition_of(row), {}, today=local_today())
    return _download(pretty(schema), f"{key}-v{version}-schema.json")


@router.get(f"{BASE}/{{key}}/{{version}}/bearbeiten", summary="Neue Version als JSON")
def edit_json_page(request: Request, user: Admin, session: TenantSession, key: str, version: int) -> Response:
    row = version_row(session, key, version)
    return _json_page(request, text=to_json(catalog.definition_of(row)), based_on=row, problems=[])


@router.post(f"{BASE}/{{key}}/{{version}}/aktivieren", summary="Version aktivieren")
def activate(request: Request, user: Admin, session: TenantSession, key: str, version: int) -> Response:
    row = version_row(session, key, version)
    if row.status != TypeStatus.ACTIVE:
        catalog.activate(session=session, row=row, actor=actor_of(user))
        flash(
            request,
            f"Version {row.version} von „{row.title}“ ist aktiv. Neue Anträge verwenden sie; "
            "bereits gestellte Anträge behalten ihre Version.",
        )
    return RedirectResponse(f"{BASE}/{key}/{version}", status.HTTP_303_SEE_OTHER)


@router.post(f"{BASE}/{{key}}/{{version}}/zurueckziehen", summary="Version zurückziehen")
def retire(request: Request, user: Admin, session: TenantSession, key: str, version: int) -> Response:
    row = version_row(session, key, version)
    if row.status != TypeStatus.RETIRED:
        was_active = row.status == TypeStatus.ACTIVE
        catalog.retire(session=session, row=row, actor=actor_of(user))
        note = " Bürgerinnen und Bürger können diesen Antrag nicht mehr stellen." if was_active else ""
        flash(request, f"Version {row.version} von „{row.title}“ ist zurückgezogen.{note}")
    return RedirectResponse(f"{BASE}/{key}/{version}", status.HTTP_303_SEE_OTHER)
