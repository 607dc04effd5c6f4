"""Letters of an application: the Nachforderung form, the letter editor, the preview and sending.

The caseworker sees the drafted text, edits it, looks at the PDF or DOCX in the tenant's letterhead and
presses one of two buttons: "Per E-Mail senden" (with the PDF attached; only when the applicant gave an
address) or "Für den Postversand abschließen" (the PDF is printed and posted).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from rathaus.applications import casework, correspondence
from rathaus.applications.config import ApplicationsSettings
from rathaus.applications.models import Application, Letter
from rathaus.applications.web.casework_common import PREFIX, application_or_404, page_of, redirect, today
from rathaus.core import letters
from rathaus.core.documents import DOCX_TYPE
from rathaus.core.storage import StoredFile, blob_path
from rathaus.web.context import AppContext
from rathaus.web.deps import Caseworker, Context, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(prefix=PREFIX, tags=["Anträge: Schreiben"])
FORMATS = {"pdf": "application/pdf", "docx": DOCX_TYPE}


def _letter_or_404(session: Session, application: Application, letter_id: int) -> Letter:
    letter = session.get(Letter, letter_id)
    if letter is None or letter.application_id != application.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dieses Schreiben gibt es nicht.")
    return letter


def _letter_page(application: Application, letter: Letter) -> str:
    return page_of(application, f"/schreiben/{letter.id}")


def _request_form(
    request: Request,
    application: Application,
    *,
    items: str,
    due: str,
    error: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "applications/request.html",
        {"application": application, "items": items, "due": due, "error": error},
        status_code=status_code,
    )


@router.get("/{application_id}/nachforderung", summary="Fehlende Unterlagen nachfordern: Brief entwerfen")
def request_page(
    request: Request, application_id: int, user: Caseworker, session: TenantSession, context: Context
) -> Response:
    application = application_or_404(session, application_id)
    open_draft = correspondence.open_letter(
        session=session, application=application, kind=correspondence.NACHFORDERUNG
    )
    if open_draft is not None and request.query_params.get("neu") != "1":
        return redirect(_letter_page(application, open_draft))
    days = context.settings.section(ApplicationsSettings).documents_days
    items = correspondence.missing_items(session=session, application=application)
    return _request_form(
        request,
        application,
        items="\n".join(items),
        due=correspondence.default_due(today(), days).isoformat(),
    )


@router.post("/{application_id}/nachforderung", summary="Den Brief der Nachforderung entwerfen")
def draft_request(
    request: Request,
    application_id: int,
    user: Caseworker,
    session: TenantSession,
    unterlagen: Annotated[str, Form()] = "",
    frist: Annotated[str, Form()] = "",
) -> Response:
    application = application_or_404(session, application_id)
    try:
        try:
            due = date.fromisoformat(frist.strip())
        except ValueError:
            raise casework.CaseworkError("Bitte geben Sie die Frist als Datum an (TT.MM.JJJJ).") from None
        letter = correspondence.draft_request(
            session=session,
            application=application,
            items=unterlagen.splitlines(),
            due=due,
            actor=actor_of(user),
            today=today(),
        )
    except casework.CaseworkError as error:
        session.rollback()
        return _request_form(
            request, application, items=unterlagen, due=frist, error=str(error), status_code=422
        )
    flash(request, "Der Brief ist entworfen. Prüfen und bearbeiten Sie den Text, bevor Sie ihn versenden.")
    return redirect(_letter_page(application, letter))


@router.get("/{application_id}/schreiben/{letter_id}", summary="Ein Schreiben bearbeiten und versenden")
def letter_page(
    request: Request, application_id: int, letter_id: int, user: Caseworker, session: TenantSession
) -> Response:
    application = application_or_404(session, application_id)
    letter = _letter_or_404(session, application, letter_id)
    return render(
        request,
        "applications/letter.html",
        {"application": application, "letter": letter, "status_labels": correspondence.LETTER_STATUS_LABELS},
    )


def _pdf(session: Session, application: Application, letter: Letter, context: AppContext) -> bytes:
    head = letters.letterhead(session, context.settings.files_dir, application.tenant_id)
    return letters.render_pdf(
        correspondence.content(session=session, application=application, letter=letter, letterhead=head)
    )


@router.post("/{application_id}/schreiben/{letter_id}", summary="Speichern oder versenden")
def letter_action(
    request: Request,
    application_id: int,
    letter_id: int,
    user: Caseworker,
    session: TenantSession,
    context: Context,
    betreff: Annotated[str, Form()],
    text: Annotated[str, Form()],
    aktion: Annotated[str, Form()] = "speichern",
) -> Response:
    application = application_or_404(session, application_id)
    letter = _letter_or_404(session, application, letter_id)
    actor = actor_of(user)
    try:
        correspondence.save_letter(
            session=session, application=application, letter=letter, subject=betreff, body=text, actor=actor
        )
        if aktion in {"email", "post"}:
            sent = correspondence.send_letter(
                session=session,
                application=application,
                letter=letter,
                pdf=_pdf(session, application, letter, context),
                files_dir=context.settings.files_dir,
                mail=context.settings.mail if aktion == "email" else None,
                actor=actor,
            )
            flash(request, _sent_message(sent, application))
            return redirect(_letter_page(application, letter))
    except casework.CaseworkError as error:  # raised before anything changed: the saved text stays
        flash(request, str(error), "error")
        return redirect(_letter_page(application, letter))
    flash(request, "Der Text ist gespeichert.")
    return redirect(_letter_page(application, letter))


def _sent_message(sent: str, application: Application) -> str:
    if sent == correspondence.SENT:
        return f"Das Schreiben ist per E-Mail an {application.applicant_email} gesendet (PDF im Anhang)."
    return (
        "Das Schreiben ist zum Versand per Post vermerkt. Bitte drucken Sie das PDF aus und versenden Sie es."
    )


@router.get("/{application_id}/schreiben/{letter_id}/brief.{fmt}", summary="Das Schreiben als PDF oder DOCX")
def letter_file(
    application_id: int, letter_id: int, fmt: str, user: Caseworker, session: TenantSession, context: Context
) -> Response:
    if fmt not in FORMATS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dieses Format gibt es nicht.")
    application = application_or_404(session, application_id)
    letter = _letter_or_404(session, application, letter_id)
    filename = f"{letter.template_key}-{application.reference}.{fmt}"
    stored = session.get(StoredFile, letter.pdf_file_id) if letter.pdf_file_id and fmt == "pdf" else None
    if stored is not None and stored.deleted_at is None:
        path = blob_path(context.settings.files_dir, stored.sha256)
        if path.is_file():  # the PDF exactly as it went out
            return FileResponse(path, media_type=FORMATS[fmt], filename=filename)
    if fmt == "pdf":
        body = _pdf(session, application, letter, context)
    else:
        head = letters.letterhead(session, context.settings.files_dir, application.tenant_id)
        body = letters.render_docx(
            correspondence.content(session=session, application=application, letter=letter, letterhead=head)
        )
    return Response(
        body, media_type=FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
