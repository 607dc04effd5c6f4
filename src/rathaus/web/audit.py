"""The audit log as a page for administrators."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from rathaus.core.audit.models import AuditEvent
from rathaus.web.deps import Admin, TenantSession
from rathaus.web.templating import render

router = APIRouter(prefix="/protokoll", tags=["Prüfprotokoll"])

PAGE_SIZE = 100


@router.get("", summary="Prüfprotokoll")
def audit_log(request: Request, user: Admin, session: TenantSession, seite: int = 1) -> Response:
    page = max(1, seite)
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.tenant_id == user.tenant_id)
        .order_by(AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    return render(
        request,
        "audit/log.html",
        {"events": events[:PAGE_SIZE], "page": page, "has_next": len(events) > PAGE_SIZE},
    )
