"""Assistant jobs: ``assistant.reindex`` (refresh web pages, flag stale sources, index changed sources in
batches) and the daily ``assistant.purge_logs`` (conversation logs deleted after their period)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.conversations import purge_expired
from rathaus.assistant.index import index_sources
from rathaus.assistant.models import KnowledgeSource, SourceKind
from rathaus.assistant.service import import_sources, mark_stale
from rathaus.assistant.sources import SourceInput, fetch_pages
from rathaus.core.ai.errors import BackendUnavailableError
from rathaus.core.audit.service import Actor
from rathaus.core.config import PlatformSettings
from rathaus.core.jobs import JobContext, job_kind

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import Embedder

REINDEX = "assistant.reindex"
PURGE_LOGS = "assistant.purge_logs"
BATCH = 40  # sources per stage: a resumed job repeats at most one batch
JOB_ACTOR = Actor.system(REINDEX)
RETENTION_ACTOR = Actor.system("retention")


def _embedder(settings: PlatformSettings) -> Embedder | None:
    from rathaus.core.ai.registry import AIRegistry  # noqa: PLC0415

    registry = AIRegistry.from_settings(settings)
    if not registry.enabled("embedding"):
        return None
    try:
        return registry.embedder()
    except BackendUnavailableError:
        return None


def _refresh_pages(ctx: JobContext, session: Session, source_ids: list[int] | None) -> dict[str, int]:
    query = select(KnowledgeSource).where(
        KnowledgeSource.kind == SourceKind.WEBPAGE.value, KnowledgeSource.url.is_not(None)
    )
    if source_ids is not None:
        query = query.where(KnowledgeSource.id.in_(source_ids))
    pages = list(session.scalars(query))
    section = ctx.settings.section(AssistantSettings)
    # One import (and so one audit event) per visibility, not one per page.
    groups: dict[tuple[str, tuple[str, ...]], list[SourceInput]] = {}
    for page in pages:
        fetched = fetch_pages([page.url or ""], timeout=section.fetch_timeout, max_pages=1)
        groups.setdefault((page.visibility, tuple(page.departments)), []).extend(fetched)
    counts = {"updated": 0, "failed": 0}
    for (visibility, departments), items in groups.items():
        if not items:
            continue
        summary = import_sources(
            session=session,
            tenant_id=ctx.tenant_id,
            items=items,
            visibility=visibility,
            departments=departments,
            actor=JOB_ACTOR,
        )
        counts["updated"] += summary.updated
        counts["failed"] += len(summary.failed)
    return counts


def _plan(session: Session, source_ids: list[int] | None, force: bool, stale_days: int) -> dict[str, Any]:
    stale = mark_stale(session=session, max_age_days=stale_days)
    query = select(KnowledgeSource).where(KnowledgeSource.error.is_(None)).order_by(KnowledgeSource.id)
    if source_ids is not None:
        query = query.where(KnowledgeSource.id.in_(source_ids))
    todo = [source.id for source in session.scalars(query) if force or source.needs_index]
    return {"todo": todo, "stale": stale}


@job_kind(REINDEX, title="Wissensquellen indexieren")
def reindex(
    ctx: JobContext, *, source_ids: list[int] | None = None, force: bool = False, refetch: bool = True
) -> dict[str, Any]:
    """Index the tenant's changed sources (all given ones with ``force``); web pages are fetched again."""
    settings = ctx.settings
    section = settings.section(AssistantSettings)
    pages = {"updated": 0, "failed": 0}
    if refetch:
        pages = ctx.stage(
            "Webseiten abrufen", lambda session: _refresh_pages(ctx, session, source_ids), percent=5
        )
    plan = ctx.stage(
        "Änderungen ermitteln",
        lambda session: _plan(session, source_ids, force, section.stale_after_days),
        percent=10,
    )
    todo: list[int] = plan["todo"]
    embedder = _embedder(settings) if todo else None
    batches = [todo[start : start + BATCH] for start in range(0, len(todo), BATCH)]
    chunks = 0
    for number, batch in enumerate(batches, start=1):

        def work(session: Session, batch: list[int] = batch) -> int:
            sources = list(session.scalars(select(KnowledgeSource).where(KnowledgeSource.id.in_(batch))))
            return index_sources(session, sources, embedder=embedder, max_chars=section.chunk_max_chars)

        chunks += ctx.stage(
            f"Indexieren {number} von {len(batches)}", work, percent=10 + 90 * number / len(batches)
        )
    ctx.progress(100, "Fertig")
    return {
        "sources": len(todo),
        "chunks": chunks,
        "stale": plan["stale"],
        "pages_updated": pages["updated"],
        "pages_failed": pages["failed"],
        "dense": embedder is not None,
    }


@job_kind(PURGE_LOGS, title="Gesprächsprotokolle nach Ablauf der Frist löschen", every=timedelta(days=1))
def purge_logs(ctx: JobContext) -> dict[str, Any]:
    """Delete the tenant's conversation logs older than ``assistant.log_retention_days`` (audited)."""
    days = ctx.settings.section(AssistantSettings).log_retention_days

    def work(session: Session) -> int:
        return purge_expired(session=session, retention_days=days, actor=RETENTION_ACTOR)

    return {"deleted": ctx.stage("Protokolle löschen", work, percent=100), "retention_days": days}
