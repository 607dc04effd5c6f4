"""The attachments step: one upload per requirement that applies, with the platform's upload checks.

A requirement applies when it is required, when its ``required_if`` holds for the values typed so far,
or when it is optional. Every upload is sniffed for its real type (PDF, JPEG or PNG only; a renamed
program is refused), limited to ``ApplicationsSettings.max_upload_bytes`` and stored by content hash;
a refused file leaves nothing behind and the form keeps every value and the other uploads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from rathaus.applications import drafts
from rathaus.applications.checks import required_attachments
from rathaus.applications.definition import AttachmentDef, TypeDefinition
from rathaus.applications.kinds import KIND_LABELS
from rathaus.applications.models import Attachment
from rathaus.applications.web import common
from rathaus.applications.web.common import ATTACHMENTS_STEP, PublicTenant
from rathaus.applications.web.public import Form, Loaded, continue_link, load
from rathaus.core.security.uploads import UploadRejectedError, format_size
from rathaus.web.deps import flash

router = APIRouter(prefix="/buerger/{tenant_slug}/antraege", tags=["Anträge (Bürger)"])


@dataclass(frozen=True)
class Requirement:
    """An attachment requirement as the page shows it, with the files uploaded for it."""

    spec: AttachmentDef
    needed: bool
    kind_label: str
    uploads: list[Attachment]


def requirements(
    definition: TypeDefinition, data: dict[str, Any], uploads: Sequence[Attachment]
) -> tuple[list[Requirement], list[Attachment]]:
    """The requirements that apply to ``data``, and uploads for requirements that no longer apply."""
    needed = {spec.key for spec in required_attachments(definition, data, today=common.today())}
    shown = [
        Requirement(
            spec=spec,
            needed=spec.key in needed,
            kind_label=KIND_LABELS.get(spec.kind, str(spec.kind)),
            uploads=[item for item in uploads if item.requirement == spec.key],
        )
        for spec in definition.attachments
        if spec.key in needed or (not spec.required and not spec.required_if)
    ]
    keys = {item.spec.key for item in shown}
    return shown, [item for item in uploads if item.requirement not in keys]


def upload_problem(error: UploadRejectedError, filename: str, limit: int) -> str:
    """The German message for a refused upload."""
    if error.status_code == status.HTTP_413_CONTENT_TOO_LARGE:
        return f"Die Datei „{filename}“ ist zu groß (höchstens {format_size(limit)})."
    if error.status_code == status.HTTP_415_UNSUPPORTED_MEDIA_TYPE:
        return f"Die Datei ist keine PDF- oder Bilddatei (JPEG, PNG): {error.message}"
    return error.message


def _page(
    request: Request,
    who: PublicTenant,
    loaded: Loaded,
    *,
    errors: list[tuple[str, str]] | None = None,
    code: int = 200,
) -> Response:
    definition = loaded.definition
    shown, others = requirements(definition, loaded.draft.data, loaded.draft.attachments)
    steps = common.steps_of(who, definition)
    root = common.form_path(who, definition.key)
    values = {
        "definition": definition,
        "requirements": shown,
        "others": others,
        "steps": steps,
        "current": next(index for index, item in enumerate(steps, 1) if item.key == ATTACHMENTS_STEP),
        "action": f"{root}/{ATTACHMENTS_STEP}",
        "back": common.step_before(steps, ATTACHMENTS_STEP).path,  # type: ignore[union-attr]
        "next": common.step_after(steps, ATTACHMENTS_STEP).path,
        "errors": errors or [],
        "link": continue_link(request, who, loaded.token),
    }
    return common.page(request, who, "attachments.html", values, code=code)


def _loaded(request: Request, who: PublicTenant, session: Any, key: str) -> Loaded | Response:
    loaded = load(request, who, session, key)
    if isinstance(loaded, Loaded) and loaded.draft.application_id is not None:
        return common.see_other(f"{common.base_path(who)}/status/{loaded.token}")
    if isinstance(loaded, Loaded) and not loaded.definition.attachments:
        return common.see_other(f"{common.form_path(who, key)}/{common.SUMMARY_STEP}")
    return loaded


@router.get("/{key}/anlagen", summary="Anträge: Nachweise hochladen")
def attachments_page(request: Request, tenant_slug: str, key: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with common.scoped(request, who) as session:
        loaded = _loaded(request, who, session, key)
        if isinstance(loaded, Response):
            return loaded
        return _page(request, who, loaded)


@router.post("/{key}/anlagen", summary="Anträge: einen Nachweis hochladen")
def upload(request: Request, tenant_slug: str, key: str, form: Form) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    settings = common.context_of(request).settings
    limit = common.section(request).max_upload_bytes
    requirement = str(form.get("anlage") or "")
    file = form.get("datei")
    with common.scoped(request, who) as session:
        loaded = _loaded(request, who, session, key)
        if isinstance(loaded, Response):
            return loaded
        anchor = f"datei-{requirement}"
        if not isinstance(file, UploadFile) or not file.filename:
            problem = "Bitte wählen Sie eine Datei aus."
            return _page(
                request, who, loaded, errors=[(anchor, problem)], code=status.HTTP_422_UNPROCESSABLE_CONTENT
            )
        try:
            with session.begin_nested():
                added = drafts.add_attachment(
                    session=session,
                    draft=loaded.draft,
                    requirement=requirement,
                    upload=file,
                    files_dir=settings.files_dir,
                    max_bytes=limit,
                )
        except UploadRejectedError as error:
            problem = upload_problem(error, file.filename, limit)
            return _page(request, who, loaded, errors=[(anchor, problem)], code=error.status_code)
        drafts.save_values(
            draft=loaded.draft,
            values=loaded.draft.data,
            step=ATTACHMENTS_STEP,
            now=common.now(),
            days=common.section(request).draft_days,
        )
        flash(request, f"„{added.filename}“ wurde hochgeladen.")
        return common.see_other(f"{common.form_path(who, key)}/{ATTACHMENTS_STEP}")


@router.post("/{key}/anlagen/{attachment_id}/entfernen", summary="Anträge: einen Nachweis entfernen")
def remove(request: Request, tenant_slug: str, key: str, attachment_id: int) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    settings = common.context_of(request).settings
    with common.scoped(request, who) as session:
        loaded = _loaded(request, who, session, key)
        if isinstance(loaded, Response):
            return loaded
        removed = drafts.remove_attachment(
            session=session, draft=loaded.draft, attachment_id=attachment_id, files_dir=settings.files_dir
        )
        if not removed:
            problem = "Diese Datei gehört nicht zu Ihrem Antrag oder wurde schon entfernt."
            return _page(request, who, loaded, errors=[("anlagen", problem)], code=status.HTTP_404_NOT_FOUND)
        flash(request, "Die Datei wurde entfernt.")
        return common.see_other(f"{common.form_path(who, key)}/{ATTACHMENTS_STEP}")
