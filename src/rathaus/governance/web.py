"""Routes of the module Governance."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rathaus.web.deps import Reviewer
from rathaus.web.templating import render

router = APIRouter(prefix="/governance", tags=["Governance"])


@router.get("", summary="Startseite Governance")
def index(request: Request, user: Reviewer) -> Response:
    return render(request, "governance/index.html")
