"""The citizen form, start and steps (``/buerger/{tenant}/antraege/…``, no login).

The list of the types, a start page per type that starts a draft, one page per section of the type
("Schritt 2 von 5"). A step's POST reads the section with ``forms.read_form`` over the draft's values and
always saves what was typed, also text that is not valid yet, so nothing is lost; wrong values come back
with an error summary, a message at each field and status 422. Fields shown only under a condition
appear after the step is saved (without JavaScript) or at once (the script asks ``/pruefen``, which
answers with the server's messages and the fields now shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from rathaus.applications import drafts
from rathaus.applications.catalog import active_type, active_types, definition_of
from rathaus.applications.definition import TypeDefinition
from rathaus.applications.forms import read_form, shown, validate
from rathaus.applications.models import ApplicationDraft
from rathaus.applications.web import common
from rathaus.applications.web.common import PublicTenant
from rathaus.applications.web.fields import error_list, views

router = APIRouter(prefix="/buerger/{tenant_slug}/antraege", tags=["Anträge (Bürger)"])
NEW_FIELDS = (
    "Nach Ihren Angaben sind weitere Felder hinzugekommen. Bitte füllen Sie sie aus und "
    "klicken Sie dann erneut auf „Speichern und weiter“."
)
NO_DRAFT = (
    "Wir haben keinen angefangenen Antrag gefunden. Vielleicht ist er abgelaufen, oder Sie nutzen einen "
    "anderen Browser. Mit dem „Link zum Fortsetzen“ kommen Sie zu Ihrem Antrag zurück."
)


async def _form(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(_form)]


@dataclass
class Loaded:
    """The draft of this request, its definition and its token."""

    draft: ApplicationDraft
    definition: TypeDefinition
    token: str


def posted(form: FormData) -> dict[str, str | list[str]]:
    """The posted fields: a list where a name came more than once (several checkboxes)."""
    values: dict[str, str | list[str]] = {}
    for name in form:
        texts = [value for value in form.getlist(name) if isinstance(value, str)]
        values[name] = texts if len(texts) > 1 else (texts[0] if texts else "")
    return values


def load(request: Request, who: PublicTenant, session: Session, key: str) -> Loaded | Response:
    """The draft named by the cookie, or the start page with a German note (it ran out or is unknown)."""
    token = common.draft_token(request, key)
    draft = drafts.draft_by_token(session=session, token=token, now=common.now())
    if draft is None or draft.type.key != key:
        return common.message_page(
            request,
            who,
            404,
            "Kein angefangener Antrag",
            NO_DRAFT,
            common.form_path(who, key),
            "Zur Startseite des Antrags",
        )
    return Loaded(draft=draft, definition=definition_of(draft.type), token=token)


def continue_link(request: Request, who: PublicTenant, token: str) -> str:
    return common.public_url(request, f"{common.base_path(who)}/fortsetzen/{token}")


@router.get("", summary="Anträge: Übersicht für Bürgerinnen und Bürger")
def types_list(request: Request, tenant_slug: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with common.scoped(request, who) as session:
        types = [definition_of(row) for row in active_types(session=session)]
        return common.page(request, who, "types.html", {"types": types})


@router.get("/fortsetzen/{token}", summary="Anträge: angefangenen Antrag fortsetzen")
def resume(request: Request, tenant_slug: str, token: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with common.scoped(request, who) as session:
        draft = drafts.draft_by_token(session=session, token=token, now=common.now())
        if draft is None:
            if drafts.application_by_token(session=session, token=token) is not None:
                return common.see_other(f"{common.base_path(who)}/status/{token}")
            return common.message_page(
                request, who, 404, "Link abgelaufen", NO_DRAFT, common.base_path(who), "Zu den Anträgen"
            )
        key = draft.type.key
        if draft.application_id is not None:
            target = f"{common.base_path(who)}/status/{token}"
        else:
            steps = common.steps_of(who, definition_of(draft.type))
            target = next((step.path for step in steps if step.key == draft.step), steps[0].path)
    response = common.see_other(target)
    common.keep_token(response, request, who, key, token)
    return response


def _minutes_needed(definition: TypeDefinition) -> int:
    return max(5, round(len(definition.fields) / 3 + 2 * len(definition.attachments)))


@router.get("/{key}", summary="Anträge: Startseite eines Antrags")
def start_page(request: Request, tenant_slug: str, key: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with common.scoped(request, who) as session:
        row = active_type(session=session, key=key)
        if row is None:
            return common.message_page(
                request,
                who,
                404,
                "Antrag nicht gefunden",
                "Diesen Antrag gibt es hier nicht oder er kann zurzeit nicht online gestellt werden.",
                common.base_path(who),
                "Zu den Anträgen",
            )
        definition = definition_of(row)
        token = common.draft_token(request, key)
        draft = drafts.draft_by_token(session=session, token=token, now=common.now())
        resume_path = ""
        if draft is not None and draft.application_id is None:
            resume_path = f"{common.base_path(who)}/fortsetzen/{token}"
        values = {
            "definition": definition,
            "minutes": _minutes_needed(definition),
            "resume_path": resume_path,
            "draft_days": common.section(request).draft_days,
        }
        return common.page(request, who, "start.html", values)


@router.post("/{key}/beginnen", summary="Anträge: Antrag beginnen")
def begin(request: Request, tenant_slug: str, key: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with common.scoped(request, who) as session:
        row = active_type(session=session, key=key)
        if row is None:
            return common.message_page(
                request,
                who,
                404,
                "Antrag nicht gefunden",
                "Diesen Antrag gibt es hier nicht.",
                common.base_path(who),
                "Zu den Anträgen",
            )
        _draft, token = drafts.start_draft(
            session=session, type_row=row, now=common.now(), days=common.section(request).draft_days
        )
        first = common.steps_of(who, definition_of(row))[0]
    response = common.see_other(first.path)
    common.keep_token(response, request, who, key, token)
    return response


def step_values(
    request: Request,
    who: PublicTenant,
    loaded: Loaded,
    step: str,
    errors: dict[str, str],
    notice: str = "",
) -> dict[str, Any]:
    """What a step page shows: its fields with values and messages, the progress, the links."""
    definition = loaded.definition
    data = loaded.draft.data
    visible = {spec.key for spec in shown(definition, data, today=common.today())}
    fields = views(definition.section_fields(step), data, errors, visible)
    steps = common.steps_of(who, definition)
    before = common.step_before(steps, step)
    return {
        "definition": definition,
        "section": next(item for item in definition.sections if item.key == step),
        "fields": fields,
        "errors": error_list(fields),
        "notice": notice,
        "steps": steps,
        "current": next(index for index, item in enumerate(steps, 1) if item.key == step),
        "action": f"{common.form_path(who, definition.key)}/schritt/{step}",
        "check_url": f"{common.form_path(who, definition.key)}/pruefen",
        "back": before.path if before else common.form_path(who, definition.key),
        "link": continue_link(request, who, loaded.token),
    }


def _section_known(definition: TypeDefinition, step: str) -> bool:
    return any(item.key == step for item in definition.sections)


def _unknown_step(request: Request, who: PublicTenant, key: str) -> Response:
    return common.message_page(
        request,
        who,
        404,
        "Schritt nicht gefunden",
        "Diesen Schritt gibt es in diesem Antrag nicht.",
        common.form_path(who, key),
        "Zur Startseite des Antrags",
    )


def _open_step(
    request: Request, who: PublicTenant, session: Session, key: str, step: str
) -> Loaded | Response:
    """The draft for a step page; or the receipt (already submitted), or 404 for an unknown step."""
    loaded = load(request, who, session, key)
    if isinstance(loaded, Response):
        return loaded
    if loaded.draft.application_id is not None:
        return common.see_other(f"{common.base_path(who)}/status/{loaded.token}")
    if not _section_known(loaded.definition, step):
        return _unknown_step(request, who, key)
    return loaded


@router.get("/{key}/schritt/{step}", summary="Anträge: ein Schritt des Formulars")
def step_page(request: Request, tenant_slug: str, key: str, step: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with common.scoped(request, who) as session:
        loaded = _open_step(request, who, session, key, step)
        if isinstance(loaded, Response):
            return loaded
        data = loaded.draft.data
        typed_in = {
            spec.key
            for spec in loaded.definition.section_fields(step)
            if data.get(spec.key) not in (None, "", [])
        }
        errors = validate(loaded.definition, data, today=common.today(), only=typed_in)
        return common.page(request, who, "step.html", step_values(request, who, loaded, step, errors))


@router.post("/{key}/schritt/{step}", summary="Anträge: einen Schritt speichern")
def save_step(request: Request, tenant_slug: str, key: str, step: str, form: Form) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    today = common.today()
    with common.scoped(request, who) as session:
        loaded = _open_step(request, who, session, key, step)
        if isinstance(loaded, Response):
            return loaded
        draft, definition = loaded.draft, loaded.definition
        specs = definition.section_fields(step)
        shown_before = {spec.key for spec in shown(definition, draft.data, today=today)}
        result = read_form(definition, posted(form), today=today, fields=specs, previous=draft.data)
        days = common.section(request).draft_days
        drafts.save_values(draft=draft, values=result.values, step=step, now=common.now(), days=days)
        steps = common.steps_of(who, definition)
        action = str(form.get("aktion") or "weiter")
        if action == "zurueck":
            before = common.step_before(steps, step)
            return common.see_other(before.path if before else common.form_path(who, key))
        if action == "spaeter":
            return common.see_other(f"{common.form_path(who, key)}/gespeichert")
        section_keys = {spec.key for spec in specs}
        shown_now = {spec.key for spec in shown(definition, result.values, today=today)}
        # the script lists the fields the citizen saw; without it, those shown before this post
        seen = {str(name) for name in form.getlist("gesehen")} if "gesehen" in form else shown_before
        new_fields = (shown_now - seen) & section_keys
        errors = {name: text for name, text in result.errors.items() if name not in new_fields}
        if not errors and not new_fields:
            return common.see_other(common.step_after(steps, step).path)
        values = step_values(request, who, loaded, step, errors, NEW_FIELDS if new_fields else "")
        code = status.HTTP_422_UNPROCESSABLE_CONTENT if errors else status.HTTP_200_OK
        return common.page(request, who, "step.html", values, code=code)


@router.post("/{key}/pruefen", summary="Anträge: Angaben eines Schritts prüfen (für das Skript)")
def check_step(request: Request, tenant_slug: str, key: str, form: Form) -> Response:
    """The server's German messages for the posted fields of one step, and which fields are shown now."""
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who, factor=common.LIVE_CHECK_FACTOR)
    with common.scoped(request, who) as session:
        loaded = load(request, who, session, key)
        if isinstance(loaded, Response):
            return JSONResponse({"detail": NO_DRAFT}, status_code=status.HTTP_404_NOT_FOUND)
        definition = loaded.definition
        step = str(form.get("schritt") or "")
        if not _section_known(definition, step):
            return JSONResponse(
                {"detail": "Diesen Schritt gibt es nicht."}, status_code=status.HTTP_404_NOT_FOUND
            )
        specs = definition.section_fields(step)
        result = read_form(
            definition, posted(form), today=common.today(), fields=specs, previous=loaded.draft.data
        )
        visible = {spec.key for spec in shown(definition, result.values, today=common.today())}
        return JSONResponse(
            {
                "errors": {f"feld-{name}": text for name, text in result.errors.items()},
                "shown": sorted(f"feld-{spec.key}" for spec in specs if spec.key in visible),
                "hidden": sorted(f"feld-{spec.key}" for spec in specs if spec.key not in visible),
            }
        )
