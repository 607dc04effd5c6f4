"""Routes for the files of the Posteingang: upload of scans and e-mails, originals, PDF/A, page images."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Request, UploadFile, status
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.audit.service import record
from rathaus.core.reading import Limits
from rathaus.core.storage import StoredFile, blob_path
from rathaus.inbox import service
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.config import InboxSettings
from rathaus.inbox.intake.uploads import IntakeError, incoming_from_upload
from rathaus.inbox.jobs import queue_processing
from rathaus.inbox.models import DocumentStatus, ItemDocument, ItemSource
from rathaus.inbox.web.common import PREFIX
from rathaus.web.deps import Caseworker, Context, TenantSession, actor_of, flash

router = APIRouter(prefix=PREFIX, tags=["Posteingang"])
MAX_FILES = 50


@router.post("/hochladen", summary="Scans, PDFs und E-Mails hochladen (mehrere)")
def upload(
    request: Request,
    user: Caseworker,
    session: TenantSession,
    context: Context,
    dateien: Annotated[list[UploadFile], File()],
) -> Response:
    inbox = context.settings.section(InboxSettings)
    files = [upload for upload in dateien if upload.filename]
    if not files:
        flash(request, "Bitte wählen Sie mindestens eine Datei aus.", "error")
        return RedirectResponse(PREFIX, status_code=status.HTTP_303_SEE_OTHER)
    if len(files) > MAX_FILES:
        flash(request, f"Bitte laden Sie höchstens {MAX_FILES} Dateien auf einmal hoch.", "error")
        return RedirectResponse(PREFIX, status_code=status.HTTP_303_SEE_OTHER)
    taken: list[int] = []
    refused: list[str] = []
    for upload_file in files:
        name = upload_file.filename or "datei"
        data = upload_file.file.read(inbox.max_upload_bytes + 1)
        if len(data) > inbox.max_upload_bytes:
            refused.append(f"{name}: zu groß (höchstens {inbox.max_upload_bytes // 1024**2} MB)")
            continue
        try:
            incoming = incoming_from_upload(
                filename=name, data=data, source=ItemSource.UPLOAD, max_image_pixels=inbox.max_image_pixels
            )
        except IntakeError as problem:
            refused.append(f"{name}: {problem}")
            continue
        received = service.receive(
            session=session,
            files_dir=context.settings.files_dir,
            incoming=incoming,
            actor=actor_of(user),
            uploaded_by_id=user.id,
        )
        if received.duplicate_of is None:
            queue_processing(
                session=session,
                item_id=received.item.id,
                tenant_id=user.tenant_id,
                created_by=user.id,
                queue=context.queue,
            )
            taken.append(received.item.id)
        else:
            first = received.duplicate_of.id
            refused.append(
                f"{name}: gleicher Inhalt wie Eingang Nr. {first} (verknüpft, nicht erneut bearbeitet)"
            )
    if refused:
        flash(request, "Nicht übernommen: " + "; ".join(refused), "error")
    if taken:
        numbers = ", ".join(map(str, taken))
        flash(request, f"Erfasst: Eingang Nr. {numbers}. Der Text wird jetzt gelesen und zugeordnet.")
    if len(taken) == 1:
        return RedirectResponse(f"{PREFIX}/eingaenge/{taken[0]}", status_code=status.HTTP_303_SEE_OTHER)
    return RedirectResponse(PREFIX, status_code=status.HTTP_303_SEE_OTHER)


def _document(session: Session, document_id: int) -> ItemDocument:
    document = session.scalar(select(ItemDocument).where(ItemDocument.id == document_id))
    if document is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dieses Dokument existiert nicht.")
    return document


def _file_response(session: Session, context: Context, file_id: int | None, *, download: bool) -> Response:
    stored = session.get(StoredFile, file_id) if file_id else None
    path = blob_path(context.settings.files_dir, stored.sha256) if stored else None
    if stored is None or stored.deleted_at is not None or path is None or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Datei gibt es nicht (mehr).")
    return FileResponse(
        path,
        media_type=stored.media_type,
        filename=stored.filename,
        content_disposition_type="attachment" if download else "inline",
    )


def _refuse_quarantined(document: ItemDocument) -> None:
    if document.status is DocumentStatus.QUARANTINED:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "Dieser Anhang ist in Quarantäne und wird nicht ausgeliefert. Wenden Sie sich an die IT.",
        )


@router.get("/dokumente/{document_id}/datei", summary="Original eines Dokuments herunterladen")
def original(document_id: int, user: Caseworker, session: TenantSession, context: Context) -> Response:
    document = _document(session, document_id)
    _refuse_quarantined(document)
    record(
        session=session,
        actor=actor_of(user),
        action=InboxAction.DOCUMENT_VIEWED,
        object_type="inbox_document",
        object_id=document.id,
        details={"item": document.item_id},
    )
    return _file_response(session, context, document.file_id, download=True)


@router.get("/dokumente/{document_id}/pdfa", summary="Durchsuchbares PDF/A eines Scans herunterladen")
def searchable_pdf(document_id: int, user: Caseworker, session: TenantSession, context: Context) -> Response:
    document = _document(session, document_id)
    _refuse_quarantined(document)
    return _file_response(session, context, document.pdf_file_id, download=True)


PAGE_WIDTH = 1000


@router.get("/dokumente/{document_id}/seiten/{page}", summary="Seite eines Scans oder PDFs als Bild")
def page_picture(
    document_id: int, page: int, user: Caseworker, session: TenantSession, context: Context
) -> Response:
    from rathaus.core.reading.render import page_image  # noqa: PLC0415 - pypdfium2 only when asked

    document = _document(session, document_id)
    _refuse_quarantined(document)
    stored = session.get(StoredFile, document.file_id) if document.file_id else None
    path = blob_path(context.settings.files_dir, stored.sha256) if stored else None
    if stored is None or stored.deleted_at is not None or path is None or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Datei gibt es nicht (mehr).")
    inbox = context.settings.section(InboxSettings)
    limits = Limits(max_pages=inbox.max_pages, max_image_pixels=inbox.max_image_pixels)
    try:
        picture = page_image(pdf_or_image=path, page=page, max_width=PAGE_WIDTH, limits=limits)
    except ValueError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Seite gibt es nicht.") from None
    return Response(picture, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})
