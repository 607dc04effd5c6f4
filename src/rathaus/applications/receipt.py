"""The receipt (Eingangsbestätigung) of a submitted application as PDF/A-3b, with the tenant letterhead.

It names the reference, the type, the date and time of receipt, every submitted value by step and the
attachments with their file names and the start of their SHA-256 hashes, so that the citizen can later
show what was submitted. Rendered offline by WeasyPrint (nothing is fetched; the letterhead is embedded).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from rathaus.applications.catalog import definition_of
from rathaus.applications.models import Application
from rathaus.applications.paper import requirement_label
from rathaus.applications.present import by_section
from rathaus.core.documents import data_uri, letterhead, pdf_bytes
from rathaus.core.security.models import Tenant
from rathaus.core.storage import StoredFile

TEMPLATES = Path(__file__).resolve().parent / "templates"
LOCAL = ZoneInfo("Europe/Berlin")
HASH_CHARS = 16


def local_time(moment: datetime) -> datetime:
    """A stored UTC time in the municipality's time zone."""
    return moment.astimezone(LOCAL)


def receipt_values(*, session: Session, application: Application, files_dir: Path) -> dict[str, Any]:
    """What the receipt shows (also used by the receipt page)."""
    definition = definition_of(application.type)
    tenant = session.get(Tenant, application.tenant_id)
    hashes = {
        stored.id: stored.sha256
        for stored in (session.get(StoredFile, item.file_id) for item in application.attachments)
        if stored is not None
    }
    return {
        "application": application,
        "definition": definition,
        "tenant_name": tenant.name if tenant else "",
        "received": local_time(application.submitted_at),
        "sections": by_section(definition, application.data, today=_day(application)),
        "attachments": [
            {
                "label": requirement_label(definition, item.requirement),
                "filename": item.filename,
                "hash": hashes.get(item.file_id, "")[:HASH_CHARS],
            }
            for item in application.attachments
        ],
        "letterhead": data_uri(letterhead(session, files_dir, application.tenant_id)),
    }


def _day(application: Application) -> date:
    return local_time(application.submitted_at).date()


def receipt_html(values: dict[str, Any]) -> str:
    """The receipt as HTML for WeasyPrint."""
    environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape())
    return environment.get_template("applications/receipt_pdf.html").render(**values)


def receipt_pdf(*, session: Session, application: Application, files_dir: Path) -> bytes:
    """The receipt of ``application`` as PDF/A-3b (fonts embedded, offline)."""
    html = receipt_html(receipt_values(session=session, application=application, files_dir=files_dir))
    return pdf_bytes(html)
