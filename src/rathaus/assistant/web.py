"""Routes of the module Assistent."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rathaus.web.deps import KnowledgeEditor
from rathaus.web.templating import render

router = APIRouter(prefix="/assistent", tags=["Assistent"])


@router.get("", summary="Startseite Assistent")
def index(request: Request, user: KnowledgeEditor) -> Response:
    return render(request, "assistant/index.html")
