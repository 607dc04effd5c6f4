"""Documents out: the tenant's letterhead, PDF/A from HTML (WeasyPrint), images as data: URIs.

Used by every module that exports documents (the minutes, letters of the Anträge and the Posteingang):
one way to find the letterhead and one way to write a PDF/A.
"""

from __future__ import annotations

import base64
from pathlib import Path

from sqlalchemy.orm import Session

from rathaus.core.security.models import Tenant
from rathaus.core.storage import StoredFile, blob_path

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_VARIANT = "pdf/a-3b"


def letterhead(session: Session, files_dir: Path, tenant_id: int) -> tuple[bytes, str] | None:
    """The tenant's letterhead image (bytes, media type), if one is set."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None or tenant.letterhead_file_id is None:
        return None
    stored = session.get(StoredFile, tenant.letterhead_file_id)
    if stored is None or stored.deleted_at is not None:
        return None
    path = blob_path(files_dir, stored.sha256)
    return (path.read_bytes(), stored.media_type) if path.is_file() else None


def pdf_bytes(html: str) -> bytes:
    """Render ``html`` as PDF/A-3b (fonts embedded, offline: nothing is fetched, use data: URIs)."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy, only exports

    return bytes(HTML(string=html, base_url=None).write_pdf(pdf_variant=PDF_VARIANT))


def data_uri(image: tuple[bytes, str] | None) -> str | None:
    """An image as a data: URI for an HTML template (nothing is fetched while rendering)."""
    if image is None:
        return None
    return f"data:{image[1]};base64,{base64.b64encode(image[0]).decode()}"
