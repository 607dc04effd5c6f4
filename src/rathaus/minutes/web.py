"""Routes of the module Protokollhilfe."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rathaus.web.deps import MinutesClerk
from rathaus.web.templating import render

router = APIRouter(prefix="/protokolle", tags=["Protokollhilfe"])


@router.get("", summary="Startseite Protokollhilfe")
def index(request: Request, user: MinutesClerk) -> Response:
    return render(request, "minutes/index.html")
