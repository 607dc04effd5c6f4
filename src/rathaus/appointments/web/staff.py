"""Routes of the Terminvergabe for staff: the module's start page (being built)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rathaus.web.deps import Caseworker
from rathaus.web.templating import render

router = APIRouter(prefix="/termine", tags=["Terminvergabe"])


@router.get("", summary="Startseite Terminvergabe")
def index(request: Request, user: Caseworker) -> Response:
    return render(request, "appointments/index.html")
