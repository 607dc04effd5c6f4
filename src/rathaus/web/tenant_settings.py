"""Settings of the current tenant for its administrators: the letterhead that document exports print."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Request, UploadFile, status
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from rathaus.core.audit.actions import PlatformAction
from rathaus.core.audit.service import record
from rathaus.core.security.models import Tenant
from rathaus.core.security.session_user import SessionUser
from rathaus.core.security.uploads import IMAGE_TYPES, UploadRejectedError, format_size, labels
from rathaus.core.storage import (
    StoredFile,
    StoredFileMissingError,
    blob_path,
    delete_file,
    get_file,
    save_upload,
)
from rathaus.web.deps import Admin, Context, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(prefix="/admin/mandant", tags=["Administration"])

LETTERHEAD_MAX_BYTES = 2 * 1024 * 1024
LETTERHEAD_PURPOSE = "letterhead"


def _tenant(session: Session, user: SessionUser) -> Tenant:
    tenant = session.get(Tenant, user.tenant_id)
    if tenant is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diesen Mandanten gibt es nicht.")
    return tenant


def _letterhead(session: Session, tenant: Tenant) -> StoredFile | None:
    if tenant.letterhead_file_id is None:
        return None
    try:
        return get_file(session=session, file_id=tenant.letterhead_file_id)
    except StoredFileMissingError:
        return None


def _page(
    request: Request, session: Session, tenant: Tenant, *, error: str | None = None, status_code: int = 200
) -> Response:
    letterhead = _letterhead(session, tenant)
    return render(
        request,
        "admin/tenant_settings.html",
        {
            "tenant": tenant,
            "letterhead": letterhead,
            "error": error,
            "letterhead_size": format_size(letterhead.size) if letterhead else "",
            "max_size": format_size(LETTERHEAD_MAX_BYTES),
            "types": labels(IMAGE_TYPES),
            "accept": ",".join(sorted(IMAGE_TYPES)),
        },
        status_code=status_code,
    )


@router.get("", summary="Einstellungen des Mandanten")
def settings_page(request: Request, user: Admin, session: TenantSession) -> Response:
    return _page(request, session, _tenant(session, user))


@router.post("/briefkopf", summary="Briefkopf hochladen")
def letterhead_upload(
    request: Request,
    user: Admin,
    session: TenantSession,
    context: Context,
    briefkopf: Annotated[UploadFile | None, File()] = None,
) -> Response:
    tenant = _tenant(session, user)
    if briefkopf is None or not briefkopf.filename:
        return _page(request, session, tenant, error="Bitte wählen Sie eine Bilddatei aus.", status_code=400)
    files_dir = context.settings.files_dir
    previous = _letterhead(session, tenant)
    try:
        stored = save_upload(
            session=session,
            files_dir=files_dir,
            tenant_id=tenant.id,
            upload=briefkopf,
            allowed=IMAGE_TYPES,
            max_bytes=min(LETTERHEAD_MAX_BYTES, context.settings.uploads.max_bytes),
            purpose=LETTERHEAD_PURPOSE,
            uploaded_by_id=user.id,
        )
    except UploadRejectedError as rejected:
        return _page(request, session, tenant, error=rejected.message, status_code=rejected.status_code)
    tenant.letterhead_file_id = stored.id
    if previous is not None and previous.id != stored.id:
        delete_file(
            session=session,
            files_dir=files_dir,
            stored=previous,
            actor=actor_of(user),
            reason="letterhead replaced",
        )
    details = {"file_id": stored.id, "sha256": stored.sha256, "filename": stored.filename}
    record(
        session=session,
        actor=actor_of(user),
        action=PlatformAction.TENANT_LETTERHEAD_SET,
        object_type="tenant",
        object_id=tenant.id,
        details=details,
    )
    flash(request, f"Der Briefkopf „{stored.filename}“ wurde gespeichert.")
    return RedirectResponse("/admin/mandant", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/briefkopf", summary="Aktueller Briefkopf (Bild)")
def letterhead_image(user: Admin, session: TenantSession, context: Context) -> Response:
    stored = _letterhead(session, _tenant(session, user))
    path = blob_path(context.settings.files_dir, stored.sha256) if stored else None
    if stored is None or path is None or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Für diesen Mandanten ist kein Briefkopf hinterlegt.")
    return FileResponse(
        path, media_type=stored.media_type, filename=stored.filename, content_disposition_type="inline"
    )


@router.post("/briefkopf/loeschen", summary="Briefkopf löschen")
def letterhead_delete(request: Request, user: Admin, session: TenantSession, context: Context) -> Response:
    tenant = _tenant(session, user)
    stored = _letterhead(session, tenant)
    tenant.letterhead_file_id = None
    if stored is not None:
        actor = actor_of(user)
        delete_file(
            session=session,
            files_dir=context.settings.files_dir,
            stored=stored,
            actor=actor,
            reason="letterhead removed",
        )
        record(
            session=session,
            actor=actor,
            action=PlatformAction.TENANT_LETTERHEAD_REMOVED,
            object_type="tenant",
            object_id=tenant.id,
            details={"file_id": stored.id},
        )
        flash(request, "Der Briefkopf wurde gelöscht.")
    return RedirectResponse("/admin/mandant", status_code=status.HTTP_303_SEE_OTHER)
