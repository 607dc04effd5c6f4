"""The start page of the module Anträge."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rathaus.web.deps import Caseworker
from rathaus.web.templating import render

router = APIRouter(prefix="/antraege", tags=["Anträge"])


@router.get("", summary="Startseite Anträge")
def index(request: Request, user: Caseworker) -> Response:
    return render(request, "applications/index.html")
