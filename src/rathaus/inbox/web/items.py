"""Routes for the work queues and single items of the Posteingang."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rathaus.inbox.web.common import PREFIX
from rathaus.web.deps import Caseworker
from rathaus.web.templating import render

router = APIRouter(prefix=PREFIX, tags=["Posteingang"])


@router.get("", summary="Startseite Posteingang")
def index(request: Request, user: Caseworker) -> Response:
    return render(request, "inbox/index.html")
