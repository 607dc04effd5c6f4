"""Knowledge editor pages: sources with their state, imports, FAQ editor, re-index job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.jobs import REINDEX
from rathaus.assistant.models import KIND_LABELS, VISIBILITY_LABELS, SourceKind, Visibility
from rathaus.assistant.scope import default_municipality
from rathaus.assistant.service import (
    SourceError,
    delete_source,
    get_source,
    import_sources,
    list_sources,
    save_faq,
    set_visibility,
)
from rathaus.assistant.sources import SourceInput, fetch_pages, parse_file
from rathaus.core.jobs import enqueue
from rathaus.web.deps import Context, KnowledgeEditor, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(prefix="/assistent/quellen", tags=["Assistent: Wissensquellen"])
MAX_FILES = 50


def _departments(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _redirect(path: str = "/assistent/quellen") -> Response:
    return RedirectResponse(path, status_code=303)


@router.get("", summary="Wissensquellen")
def sources_page(request: Request, user: KnowledgeEditor, session: TenantSession, art: str = "") -> Response:
    kind = art if art in {kind.value for kind in SourceKind} else None
    sources = list_sources(session=session, kind=kind)
    return render(
        request,
        "assistant/sources.html",
        {
            "sources": sources,
            "kind": kind or "",
            "kinds": KIND_LABELS,
            "visibilities": VISIBILITY_LABELS,
            "pending": sum(1 for source in sources if source.needs_index),
        },
    )


def _store(
    request: Request,
    user: KnowledgeEditor,
    session: TenantSession,
    items: list[SourceInput],
    visibility: str,
    departments: str,
) -> Response:
    try:
        summary = import_sources(
            session=session,
            tenant_id=user.tenant_id,
            items=items,
            visibility=visibility,
            departments=_departments(departments),
            municipality=default_municipality(
                session=session,
                tenant_id=user.tenant_id,
                settings=request.app.state.context.settings.section(AssistantSettings),
            ),
            actor=actor_of(user),
        )
    except (SourceError, ValueError) as error:
        session.rollback()
        flash(request, str(error) if isinstance(error, SourceError) else "Ungültige Sichtbarkeit.", "error")
        return _redirect()
    flash(
        request,
        f"Import: {summary.message} Starten Sie danach die Indexierung.",
        "error" if summary.failed else "success",
    )
    return _redirect()


@router.post("/import", summary="Dateien importieren")
async def import_files(
    request: Request,
    user: KnowledgeEditor,
    session: TenantSession,
    dateien: Annotated[list[UploadFile], File()],
    sichtbarkeit: Annotated[str, Form()] = Visibility.PUBLIC.value,
    aemter: Annotated[str, Form()] = "",
) -> Response:
    items: list[SourceInput] = []
    for upload in dateien[:MAX_FILES]:
        if upload.filename:
            items.extend(parse_file(upload.filename, await upload.read()))
    if not items:
        flash(request, "Bitte mindestens eine Datei auswählen.", "error")
        return _redirect()
    return _store(request, user, session, items, sichtbarkeit, aemter)


@router.post("/webseiten", summary="Webseiten importieren")
def import_pages(
    request: Request,
    user: KnowledgeEditor,
    session: TenantSession,
    context: Context,
    adressen: Annotated[str, Form()],
    sichtbarkeit: Annotated[str, Form()] = Visibility.PUBLIC.value,
    aemter: Annotated[str, Form()] = "",
) -> Response:
    urls = [
        line.strip() for line in adressen.splitlines() if line.strip().startswith(("http://", "https://"))
    ]
    if not urls:
        flash(request, "Bitte mindestens eine Adresse (http:// oder https://) angeben.", "error")
        return _redirect()
    settings = context.settings.section(AssistantSettings)
    items = fetch_pages(urls, timeout=settings.fetch_timeout, max_pages=settings.max_pages)
    return _store(request, user, session, items, sichtbarkeit, aemter)


@router.get("/faq", summary="Neue häufige Frage")
def faq_new(request: Request, user: KnowledgeEditor) -> Response:
    return render(request, "assistant/sources_faq.html", {"source": None, "visibilities": VISIBILITY_LABELS})


@router.get("/{source_id}/bearbeiten", summary="Häufige Frage bearbeiten")
def faq_edit(request: Request, user: KnowledgeEditor, session: TenantSession, source_id: int) -> Response:
    try:
        source = get_source(session=session, source_id=source_id)
    except SourceError as error:
        flash(request, str(error), "error")
        return _redirect()
    return render(
        request, "assistant/sources_faq.html", {"source": source, "visibilities": VISIBILITY_LABELS}
    )


@router.post("/faq", summary="Häufige Frage speichern")
def faq_save(
    request: Request,
    user: KnowledgeEditor,
    session: TenantSession,
    frage: Annotated[str, Form()] = "",
    antwort: Annotated[str, Form()] = "",
    sichtbarkeit: Annotated[str, Form()] = Visibility.PUBLIC.value,
    aemter: Annotated[str, Form()] = "",
    quelle: Annotated[int | None, Form()] = None,
) -> Response:
    try:
        save_faq(
            session=session,
            tenant_id=user.tenant_id,
            question=frage,
            answer=antwort,
            visibility=sichtbarkeit,
            departments=_departments(aemter),
            source_id=quelle,
            actor=actor_of(user),
        )
    except (SourceError, ValueError) as error:
        session.rollback()
        flash(request, str(error) if isinstance(error, SourceError) else "Ungültige Sichtbarkeit.", "error")
        return _redirect(f"/assistent/quellen/{quelle}/bearbeiten" if quelle else "/assistent/quellen/faq")
    flash(request, "Die Frage ist gespeichert. Sie wird mit der nächsten Indexierung gefunden.")
    return _redirect()


@router.post("/{source_id}/sichtbarkeit", summary="Sichtbarkeit ändern")
def change_visibility(
    request: Request,
    user: KnowledgeEditor,
    session: TenantSession,
    source_id: int,
    sichtbarkeit: Annotated[str, Form()],
    aemter: Annotated[str, Form()] = "",
) -> Response:
    try:
        set_visibility(
            session=session,
            source_id=source_id,
            visibility=sichtbarkeit,
            departments=_departments(aemter),
            actor=actor_of(user),
        )
    except (SourceError, ValueError) as error:
        session.rollback()
        flash(request, str(error) if isinstance(error, SourceError) else "Ungültige Sichtbarkeit.", "error")
        return _redirect()
    flash(request, "Die Sichtbarkeit ist geändert.")
    return _redirect()


@router.post("/{source_id}/loeschen", summary="Quelle löschen")
def remove(request: Request, user: KnowledgeEditor, session: TenantSession, source_id: int) -> Response:
    try:
        delete_source(session=session, source_id=source_id, actor=actor_of(user))
    except SourceError as error:
        flash(request, str(error), "error")
        return _redirect()
    flash(request, "Die Quelle ist gelöscht.")
    return _redirect()


@router.post("/indexieren", summary="Indexierung starten")
def start_reindex(
    request: Request,
    user: KnowledgeEditor,
    session: TenantSession,
    context: Context,
    alle: Annotated[str, Form()] = "",
) -> Response:
    job = enqueue(
        session=session,
        kind=REINDEX,
        params={"force": alle == "1"},
        tenant_id=user.tenant_id,
        created_by=user.id,
        max_attempts=context.settings.jobs.max_attempts,
        queue=context.queue,
    )
    flash(request, f"Die Indexierung läuft als Auftrag {job.id}.")
    return RedirectResponse(f"/auftraege/{job.id}", status_code=303)
