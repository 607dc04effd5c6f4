"""Letter templates (Briefvorlagen) of the current tenant: list, versions, edit, approve, preview.

Editing writes a new draft version; only an administrator's approval puts a version into use, and
the page shows who wrote and who approved each version. Previews render the letter with sample
values and the tenant's letterhead, exactly as the modules will.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.documents import DOCX_TYPE, letterhead
from rathaus.core.letters import service
from rathaus.core.letters.defaults import PLACEHOLDERS, SAMPLE_RECIPIENT, sample_values
from rathaus.core.letters.models import KIND_LABELS, LetterKind, LetterTemplate
from rathaus.core.letters.render import LetterContent, render_docx, render_pdf
from rathaus.core.security.models import Tenant, User
from rathaus.core.security.session_user import SessionUser
from rathaus.web.deps import Admin, Context, TenantSession, actor_of, flash
from rathaus.web.templating import render

PREFIX = "/admin/vorlagen"
router = APIRouter(prefix=PREFIX, tags=["Administration: Briefvorlagen"])
FORMATS = {"pdf": "application/pdf", "docx": DOCX_TYPE}


def _kind(value: str) -> LetterKind:
    try:
        return LetterKind(value)
    except ValueError:
        raise service.LetterTemplateError("Bitte wählen Sie eine Art aus der Liste.") from None


def _names(session: Session, history: list[LetterTemplate]) -> dict[int, str]:
    ids = {i for t in history for i in (t.created_by_id, t.approved_by_id) if i is not None}
    if not ids:
        return {}
    return {user.id: user.full_name for user in session.scalars(select(User).where(User.id.in_(ids)))}


def _list_page(
    request: Request, session: Session, *, form: dict[str, str] | None = None, error: str | None = None
) -> Response:
    return render(
        request,
        "admin/letter_templates.html",
        {
            "overviews": service.list_current(session=session),
            "kinds": KIND_LABELS,
            "placeholders": PLACEHOLDERS,
            "form": form or {},
            "error": error,
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if error else 200,
    )


def _template_page(
    request: Request,
    session: Session,
    key: str,
    *,
    form: dict[str, str] | None = None,
    error: str | None = None,
) -> Response:
    history = service.versions(session=session, key=key)
    if not history:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Vorlage gibt es nicht.")
    latest = history[0]
    shown = form or {
        "kind": latest.kind.value,
        "title": latest.title,
        "subject": latest.subject,
        "body": latest.body,
    }
    return render(
        request,
        "admin/letter_template.html",
        {
            "key": key,
            "latest": latest,
            "in_use": service.approved(session=session, key=key),
            "history": history,
            "names": _names(session, history),
            "kinds": KIND_LABELS,
            "placeholders": PLACEHOLDERS,
            "form": shown,
            "error": error,
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if error else 200,
    )


@router.get("", summary="Briefvorlagen")
def templates_page(request: Request, user: Admin, session: TenantSession) -> Response:
    return _list_page(request, session)


def _save(
    request: Request,
    session: Session,
    user: SessionUser,
    key: str | None,
    form: dict[str, str],
) -> Response:
    try:
        template = service.save_draft(
            session=session,
            key=key,
            kind=_kind(form["kind"]),
            title=form["title"],
            subject=form["subject"],
            body=form["body"],
            actor=actor_of(user),
        )
    except service.LetterTemplateError as error:
        session.rollback()
        if key is None:
            return _list_page(request, session, form=form, error=str(error))
        return _template_page(request, session, key, form=form, error=str(error))
    flash(request, f"Fassung {template.version} von „{template.title}“ ist als Entwurf gespeichert.")
    return RedirectResponse(f"{PREFIX}/{template.key}", status_code=status.HTTP_303_SEE_OTHER)


@router.post("", summary="Neue Briefvorlage anlegen")
def template_create(
    request: Request,
    user: Admin,
    session: TenantSession,
    art: Annotated[str, Form()] = "",
    titel: Annotated[str, Form(max_length=1000)] = "",
    betreff: Annotated[str, Form(max_length=2000)] = "",
    text: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    form = {"kind": art, "title": titel, "subject": betreff, "body": text}
    return _save(request, session, user, None, form)


@router.get("/{key}", summary="Briefvorlage mit ihren Fassungen")
def template_page(request: Request, key: str, user: Admin, session: TenantSession) -> Response:
    return _template_page(request, session, key)


@router.post("/{key}", summary="Neue Fassung einer Briefvorlage speichern")
def template_edit(
    request: Request,
    key: str,
    user: Admin,
    session: TenantSession,
    art: Annotated[str, Form()] = "",
    titel: Annotated[str, Form(max_length=1000)] = "",
    betreff: Annotated[str, Form(max_length=2000)] = "",
    text: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    if not service.versions(session=session, key=key):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Vorlage gibt es nicht.")
    form = {"kind": art, "title": titel, "subject": betreff, "body": text}
    return _save(request, session, user, key, form)


def _version_or_404(session: Session, key: str, template_id: int) -> LetterTemplate:
    template = service.get(session=session, template_id=template_id)
    if template is None or template.key != key:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Fassung gibt es nicht.")
    return template


@router.post("/{key}/fassungen/{template_id}/freigeben", summary="Fassung freigeben")
def template_approve(
    request: Request, key: str, template_id: int, user: Admin, session: TenantSession
) -> Response:
    template = _version_or_404(session, key, template_id)
    try:
        service.approve(session=session, template_id=template.id, actor=actor_of(user))
    except service.LetterTemplateError as error:
        session.rollback()
        flash(request, str(error), "error")
    else:
        flash(
            request,
            f"Fassung {template.version} von „{template.title}“ ist freigegeben und wird jetzt verwendet.",
        )
    return RedirectResponse(f"{PREFIX}/{key}", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/{key}/fassungen/{template_id}/vorschau.{fmt}", summary="Vorschau als PDF oder DOCX")
def template_preview(
    key: str, template_id: int, fmt: str, user: Admin, session: TenantSession, context: Context
) -> Response:
    if fmt not in FORMATS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dieses Format gibt es nicht.")
    template = _version_or_404(session, key, template_id)
    tenant = session.get(Tenant, user.tenant_id)
    tenant_name = tenant.name if tenant else ""
    values = sample_values(key)
    content = LetterContent(
        tenant_name=tenant_name,
        subject=service.merge(template.subject, values).text,
        body=service.merge(template.body, values).text,
        recipient_lines=SAMPLE_RECIPIENT,
        sender_line=tenant_name,
        reference=values["aktenzeichen"],
        signature=f"Im Auftrag\n{user.full_name}",
        letterhead=letterhead(session, context.settings.files_dir, user.tenant_id),
    )
    body = render_pdf(content) if fmt == "pdf" else render_docx(content)
    filename = f"vorschau-{key}-fassung-{template.version}.{fmt}"
    return Response(
        body, media_type=FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
