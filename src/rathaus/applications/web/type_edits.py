"""Routes that change one rule or one field of an application type, and the Probelauf (Admin).

Each change saves a *new draft version* built from the version the form was opened on; a change that
leaves a formula naming a field that does not exist is refused with the message, and the form keeps
what was typed (status 422).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from rathaus.applications import catalog
from rathaus.applications.definition import (
    Category,
    DefinitionError,
    FieldDef,
    FieldKind,
    RuleDef,
    Severity,
    TypeDefinition,
)
from rathaus.applications.editing import (
    build,
    options_text,
    parse_options,
    with_field,
    with_rule,
    without_field,
    without_rule,
)
from rathaus.applications.models import ApplicationType
from rathaus.applications.typeview import (
    CATEGORY_NAMES,
    KIND_NAMES,
    SEVERITY_NAMES,
    ProbeResult,
    local_today,
    probe,
)
from rathaus.applications.web.type_common import BASE, save_and_redirect, version_row
from rathaus.core.security.session_user import SessionUser
from rathaus.web.deps import Admin, TenantSession
from rathaus.web.templating import render

router = APIRouter()
VERSION = f"{BASE}/{{key}}/{{version}}"
RULE_LABELS = {
    "id": "Kennung",
    "title": "Titel",
    "paragraph": "Paragraph",
    "severity": "Gewicht",
    "category": "Art der Prüfung",
    "when": "Bedingung (wann die Regel gilt)",
    "check": "Prüfung (was gelten muss)",
    "message": "Meldung",
    "field": "Feld",
}
FIELD_LABELS = {
    "key": "Schlüssel",
    "label": "Beschriftung",
    "kind": "Art",
    "section": "Schritt",
    "required": "Pflichtfeld",
    "help": "Hilfetext",
    "legal_basis": "Rechtsgrundlage",
    "minimum": "Mindestwert",
    "maximum": "Höchstwert",
    "max_length": "Höchstzahl der Zeichen",
    "options": "Auswahlwerte",
    "code_list": "Codeliste",
    "visible_if": "Nur anzeigen, wenn",
    "fim_id": "FIM-Kennung",
}
TEXT_INPUTS = ("key", "label", "help", "legal_basis", "code_list", "visible_if", "fim_id", "kind", "section")
NUMBER_INPUTS = ("minimum", "maximum", "max_length")


async def posted_form(request: Request) -> FormData:
    """The posted form (read once; the CSRF check has read it already)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _refuse_empty(values: dict[str, Any], names: tuple[str, ...], labels: dict[str, str]) -> None:
    missing = [f"Bitte füllen Sie „{labels[name]}“ aus." for name in names if not values.get(name)]
    if missing:
        raise DefinitionError(missing)


def _save_or_show(
    request: Request,
    session: Session,
    user: SessionUser,
    change: Callable[[], TypeDefinition],
    page: Callable[[list[str]], Response],
) -> Response:
    """Run ``change`` (returning the new definition) and save it, or show ``page`` with the problems."""
    try:
        return save_and_redirect(request, session, user, change())
    except DefinitionError as error:
        return page(error.problems)


# --- rules ------------------------------------------------------------------------------------------


def _rule_page(
    request: Request, row: ApplicationType, values: dict[str, str], *, original: str, problems: list[str]
) -> Response:
    return render(
        request,
        "applications/types/rule_form.html",
        {
            "row": row,
            "definition": catalog.definition_of(row),
            "form": values,
            "original": original,
            "problems": problems,
            "severities": SEVERITY_NAMES,
            "categories": CATEGORY_NAMES,
        },
        status_code=422 if problems else 200,
    )


def _rule_values(rule: RuleDef | None) -> dict[str, str]:
    if rule is None:
        return {"severity": Severity.ERROR.value, "category": Category.PLAUSIBILITY.value}
    return {name: str(value) for name, value in rule.model_dump(mode="json").items() if value is not None}


@router.get(f"{VERSION}/regeln/neu", summary="Regel hinzufügen")
def new_rule(request: Request, user: Admin, session: TenantSession, key: str, version: int) -> Response:
    return _rule_page(
        request, version_row(session, key, version), _rule_values(None), original="", problems=[]
    )


@router.get(f"{VERSION}/regeln/{{rule_id}}", summary="Regel bearbeiten")
def edit_rule(
    request: Request, user: Admin, session: TenantSession, key: str, version: int, rule_id: str
) -> Response:
    row = version_row(session, key, version)
    rule = next((rule for rule in catalog.definition_of(row).rules if rule.id == rule_id), None)
    if rule is None:
        return _rule_page(request, row, {}, original="", problems=[f"Die Regel „{rule_id}“ gibt es nicht."])
    return _rule_page(request, row, _rule_values(rule), original=rule_id, problems=[])


@router.post(f"{VERSION}/regeln", summary="Regel speichern (neue Version)")
def save_rule(
    request: Request, user: Admin, session: TenantSession, form: PostedForm, key: str, version: int
) -> Response:
    row = version_row(session, key, version)
    values = {name: _text(form, name) for name in RULE_LABELS}
    original = _text(form, "original")

    def change() -> TypeDefinition:
        _refuse_empty(values, ("id", "title", "paragraph", "check", "message"), RULE_LABELS)
        data = {name: value for name, value in values.items() if value or name not in {"when", "field"}}
        rule = build(RuleDef, data, RULE_LABELS)
        return with_rule(catalog.definition_of(row), rule, replaces=original or None)

    return _save_or_show(
        request,
        session,
        user,
        change,
        lambda problems: _rule_page(request, row, values, original=original, problems=problems),
    )


@router.post(f"{VERSION}/regeln/{{rule_id}}/entfernen", summary="Regel entfernen (neue Version)")
def remove_rule(
    request: Request, user: Admin, session: TenantSession, key: str, version: int, rule_id: str
) -> Response:
    row = version_row(session, key, version)
    return _save_or_show(
        request,
        session,
        user,
        lambda: without_rule(catalog.definition_of(row), rule_id),
        lambda problems: _rule_page(request, row, _rule_values(None), original="", problems=problems),
    )


# --- fields -----------------------------------------------------------------------------------------


def _field_page(
    request: Request, row: ApplicationType, values: dict[str, Any], *, original: str, problems: list[str]
) -> Response:
    return render(
        request,
        "applications/types/field_form.html",
        {
            "row": row,
            "definition": catalog.definition_of(row),
            "form": values,
            "original": original,
            "problems": problems,
            "kinds": KIND_NAMES,
        },
        status_code=422 if problems else 200,
    )


def _field_values(spec: FieldDef | None) -> dict[str, Any]:
    if spec is None:
        return {"kind": FieldKind.TEXT.value}
    values: dict[str, Any] = {
        name: value for name, value in spec.model_dump(mode="json").items() if value is not None
    }
    values["options"] = options_text(spec.options)
    for name in NUMBER_INPUTS:
        if name in values:
            values[name] = str(values[name]).replace(".", ",").removesuffix(",0")
    return values


def _number(text: str, name: str) -> float | None:
    if not text:
        return None
    try:
        return float(text.replace(" ", "").replace(",", "."))
    except ValueError:
        raise DefinitionError([f"{FIELD_LABELS[name]}: „{text}“ ist keine Zahl."]) from None


def _field_data(values: dict[str, Any], old: FieldDef | None) -> dict[str, Any]:
    data: dict[str, Any] = old.model_dump() if old else {}
    data.update({name: values[name] for name in TEXT_INPUTS})
    data["visible_if"] = values["visible_if"] or None
    data["required"] = values["required"]
    data["options"] = parse_options(values["options"])
    for name in NUMBER_INPUTS:
        data[name] = _number(values[name], name)
    if data["max_length"] is not None:
        if not float(data["max_length"]).is_integer():
            raise DefinitionError([f"{FIELD_LABELS['max_length']}: bitte eine ganze Zahl."])
        data["max_length"] = int(data["max_length"])
    return data


@router.get(f"{VERSION}/felder/neu", summary="Feld hinzufügen")
def new_field(request: Request, user: Admin, session: TenantSession, key: str, version: int) -> Response:
    return _field_page(
        request, version_row(session, key, version), _field_values(None), original="", problems=[]
    )


@router.get(f"{VERSION}/felder/{{field_key}}", summary="Feld bearbeiten")
def edit_field(
    request: Request, user: Admin, session: TenantSession, key: str, version: int, field_key: str
) -> Response:
    row = version_row(session, key, version)
    spec = catalog.definition_of(row).field(field_key)
    if spec is None:
        return _field_page(request, row, {}, original="", problems=[f"Das Feld „{field_key}“ gibt es nicht."])
    return _field_page(request, row, _field_values(spec), original=field_key, problems=[])


@router.post(f"{VERSION}/felder", summary="Feld speichern (neue Version)")
def save_field(
    request: Request, user: Admin, session: TenantSession, form: PostedForm, key: str, version: int
) -> Response:
    row = version_row(session, key, version)
    values: dict[str, Any] = {name: _text(form, name) for name in (*TEXT_INPUTS, *NUMBER_INPUTS)}
    values["options"] = str(form.get("options") or "")
    values["required"] = form.get("required") == "ja"
    original = _text(form, "original")

    def change() -> TypeDefinition:
        _refuse_empty(values, ("key", "label", "legal_basis"), FIELD_LABELS)
        definition = catalog.definition_of(row)
        old = definition.field(original) if original else None
        spec = build(FieldDef, _field_data(values, old), FIELD_LABELS)
        return with_field(definition, spec, replaces=original or None)

    return _save_or_show(
        request,
        session,
        user,
        change,
        lambda problems: _field_page(request, row, values, original=original, problems=problems),
    )


@router.post(f"{VERSION}/felder/{{field_key}}/entfernen", summary="Feld entfernen (neue Version)")
def remove_field(
    request: Request, user: Admin, session: TenantSession, key: str, version: int, field_key: str
) -> Response:
    row = version_row(session, key, version)
    spec = catalog.definition_of(row).field(field_key)
    return _save_or_show(
        request,
        session,
        user,
        lambda: without_field(catalog.definition_of(row), field_key),
        lambda problems: _field_page(
            request, row, _field_values(spec), original=field_key if spec else "", problems=problems
        ),
    )


# --- Probelauf --------------------------------------------------------------------------------------


def _probe_page(
    request: Request,
    row: ApplicationType,
    raw: dict[str, list[str]],
    day: date,
    result: ProbeResult | None = None,
) -> Response:
    return render(
        request,
        "applications/types/probe.html",
        {
            "row": row,
            "definition": catalog.definition_of(row),
            "raw": raw,
            "day": day,
            "result": result,
            "severity_names": SEVERITY_NAMES,
            "category_names": CATEGORY_NAMES,
        },
    )


@router.get(f"{VERSION}/probelauf", summary="Probelauf")
def probe_page(request: Request, user: Admin, session: TenantSession, key: str, version: int) -> Response:
    return _probe_page(request, version_row(session, key, version), {}, local_today())


@router.post(f"{VERSION}/probelauf", summary="Probelauf auswerten")
def run_probe(
    request: Request, user: Admin, session: TenantSession, form: PostedForm, key: str, version: int
) -> Response:
    row = version_row(session, key, version)
    definition = catalog.definition_of(row)
    raw = {
        spec.key: [value for value in form.getlist(f"wert.{spec.key}") if isinstance(value, str)]
        for spec in definition.fields
    }
    try:
        day = date.fromisoformat(_text(form, "stichtag"))
    except ValueError:
        day = local_today()
    return _probe_page(request, row, raw, day, probe(definition, raw, today=day))
