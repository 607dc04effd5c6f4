"""Managing knowledge sources (import, FAQ, visibility, staleness, staff departments) and retrieval.

Domain functions take a tenant-scoped session and never commit; every change made by someone takes
their ``actor`` and is audited in the same transaction. Importing stores a source's text and
content hash; indexing is separate (``reindex`` now, or the ``assistant.reindex`` job), so an upload
answers at once and a changed source is re-indexed incrementally.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.assistant.audit_actions import AssistantAction
from rathaus.assistant.index import content_hash, index_pending, remove_chunks
from rathaus.assistant.models import KnowledgeSource, SourceDepartment, SourceKind, StaffProfile, Visibility
from rathaus.assistant.retrieval import DENSE_WEIGHT, RRF_K, Audience, Passage, retrieve
from rathaus.assistant.sources import SourceInput, faq_entry
from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import Embedder

__all__ = ["Passage", "retrieve"]


class SourceError(ValueError):
    """A change to a source that cannot be made (message in German)."""


@dataclass
class ImportSummary:
    """What an import did, for the editor's message."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    source_ids: list[int] = field(default_factory=list)

    @property
    def message(self) -> str:
        """A German one-line summary."""
        text = f"{self.created} neu, {self.updated} geändert, {self.unchanged} unverändert"
        if self.failed:
            text += f"; {len(self.failed)} nicht lesbar: {', '.join(self.failed[:5])}"
        return text + "."


def _departments(names: Iterable[str]) -> list[str]:
    return sorted({name.strip()[:120] for name in names if name and name.strip()})


def _set_departments(source: KnowledgeSource, visibility: str, departments: Iterable[str]) -> None:
    names = _departments(departments) if visibility == Visibility.DEPARTMENTS.value else []
    if visibility == Visibility.DEPARTMENTS.value and not names:
        raise SourceError("Für „Nur bestimmte Ämter“ bitte mindestens ein Amt angeben.")
    if names != source.departments:
        source.department_rows = [SourceDepartment(tenant_id=source.tenant_id, name=name) for name in names]


def _upsert_source(
    *,
    session: Session,
    tenant_id: int,
    item: SourceInput,
    visibility: str = Visibility.PUBLIC.value,
    departments: Iterable[str] = (),
    municipality: str | None = None,
) -> tuple[KnowledgeSource, str]:
    """Store ``item`` as a new source or update the one with its ``external_id`` (audited by the caller).

    Returns the source and what happened: ``"created"``, ``"updated"``, ``"unchanged"`` or ``"failed"``.
    """
    visibility = Visibility(visibility).value
    source = None
    if item.external_id:
        source = session.scalar(
            select(KnowledgeSource).where(KnowledgeSource.external_id == item.external_id[:500])
        )
    digest = content_hash(title=item.title, body=item.body, url=item.url, meta=item.meta)
    outcome = "updated"
    if source is None:
        source = KnowledgeSource(
            tenant_id=tenant_id, kind=item.kind, external_id=item.external_id and item.external_id[:500]
        )
        session.add(source)
        outcome = "created"
    elif source.content_hash == digest and source.error == item.error:
        outcome = "unchanged"
    if outcome != "unchanged":
        source.kind = item.kind
        source.title = item.title[:500] or "(ohne Titel)"
        source.body = item.body
        source.url = item.url[:2000] if item.url else None
        source.meta = item.meta
        source.content_hash = digest
        source.last_changed = utcnow()
        source.stale = False
    source.error = item.error
    if item.error is not None:
        outcome = "failed"
        if source.id is not None:
            remove_chunks(session, [source.id])
        source.indexed_hash = None
    source.visibility = visibility
    # Not part of the content hash: a re-import that only learns the municipality re-embeds nothing;
    # one that names none (a web page fetched again) keeps what the source had.
    source.municipality = (item.municipality or municipality or source.municipality or "")[:200] or None
    source.district = (item.district or source.district or "")[:200] or None
    source.shared = item.shared or bool(source.shared)
    _set_departments(source, visibility, departments)
    session.flush()
    return source, outcome


def import_sources(
    *,
    session: Session,
    tenant_id: int,
    items: Iterable[SourceInput],
    visibility: str = Visibility.PUBLIC.value,
    departments: Iterable[str] = (),
    municipality: str | None = None,
    actor: Actor,
) -> ImportSummary:
    """Store many sources (see ``_upsert_source``); failures are recorded on their sources.

    ``municipality`` is that of the items that name none (the tenant's, see ``scope.default_municipality``).
    """
    summary = ImportSummary()
    names = list(departments)
    for item in items:
        source, outcome = _upsert_source(
            session=session,
            tenant_id=tenant_id,
            item=item,
            visibility=visibility,
            departments=names,
            municipality=municipality,
        )
        summary.source_ids.append(source.id)
        if outcome == "failed":
            summary.failed.append(source.title)
        else:
            setattr(summary, outcome, getattr(summary, outcome) + 1)
    record(
        session=session,
        actor=actor,
        action=AssistantAction.IMPORT,
        object_type="knowledge_source",
        details={
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "failed": len(summary.failed),
        },
        tenant_id=tenant_id,
    )
    return summary


def save_faq(
    *,
    session: Session,
    tenant_id: int,
    question: str,
    answer: str,
    visibility: str = Visibility.PUBLIC.value,
    departments: Iterable[str] = (),
    source_id: int | None = None,
    actor: Actor,
) -> KnowledgeSource:
    """Create an FAQ entry, or change the one with ``source_id``."""
    if not question.strip() or not answer.strip():
        raise SourceError("Bitte Frage und Antwort ausfüllen.")
    item = faq_entry(question=question, answer=answer)
    if source_id is None:
        source = KnowledgeSource(tenant_id=tenant_id, kind=SourceKind.FAQ.value)
        session.add(source)
    else:
        source = get_source(session=session, source_id=source_id)
        if source.kind != SourceKind.FAQ.value:
            raise SourceError("Nur häufige Fragen lassen sich hier bearbeiten.")
    source.title = item.title[:500]
    source.body = item.body
    source.meta = {}
    digest = content_hash(title=item.title, body=item.body, url=None, meta={})
    if digest != source.content_hash:
        source.content_hash = digest
        source.last_changed = utcnow()
        source.stale = False
    source.visibility = Visibility(visibility).value
    _set_departments(source, source.visibility, departments)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=AssistantAction.FAQ_SAVED,
        object_type="knowledge_source",
        object_id=source.id,
        details={"question": source.title},
        tenant_id=tenant_id,
    )
    return source


def get_source(*, session: Session, source_id: int) -> KnowledgeSource:
    """The source with this id in the session's tenant; SourceError if there is none."""
    source = session.scalar(select(KnowledgeSource).where(KnowledgeSource.id == source_id))
    if source is None:
        raise SourceError("Diese Quelle gibt es nicht (mehr).")
    return source


def set_visibility(
    *,
    session: Session,
    source_id: int,
    visibility: str,
    departments: Iterable[str] = (),
    actor: Actor,
) -> KnowledgeSource:
    """Change who may see a source (takes effect at once; no re-index needed)."""
    source = get_source(session=session, source_id=source_id)
    source.visibility = Visibility(visibility).value
    _set_departments(source, source.visibility, departments)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=AssistantAction.VISIBILITY,
        object_type="knowledge_source",
        object_id=source.id,
        details={"visibility": source.visibility, "departments": source.departments},
    )
    return source


def delete_source(*, session: Session, source_id: int, actor: Actor) -> None:
    """Remove a source with its chunks."""
    source = get_source(session=session, source_id=source_id)
    remove_chunks(session, [source.id])
    record(
        session=session,
        actor=actor,
        action=AssistantAction.SOURCE_DELETED,
        object_type="knowledge_source",
        object_id=source.id,
        details={"title": source.title},
    )
    session.delete(source)
    session.flush()


def list_sources(*, session: Session, kind: str | None = None) -> list[KnowledgeSource]:
    """The tenant's sources, newest change first."""
    query = select(KnowledgeSource).order_by(KnowledgeSource.last_changed.desc(), KnowledgeSource.id.desc())
    if kind:
        query = query.where(KnowledgeSource.kind == kind)
    return list(session.scalars(query))


def mark_stale(*, session: Session, max_age_days: int, now: datetime | None = None) -> int:
    """Flag sources unchanged for more than ``max_age_days`` as possibly stale; returns how many are."""
    limit = (now or utcnow()) - timedelta(days=max_age_days)
    count = 0
    for source in session.scalars(select(KnowledgeSource)):
        stale = source.last_changed < limit
        source.stale = stale
        count += stale
    session.flush()
    return count


def reindex(
    *,
    session: Session,
    embedder: Embedder | None,
    max_chars: int = 1200,
    source_ids: Collection[int] | None = None,
    force: bool = False,
) -> int:
    """Index changed sources now (the job does the same in the background); returns chunks written."""
    ids = list(source_ids) if source_ids is not None else None
    return index_pending(session, embedder=embedder, max_chars=max_chars, source_ids=ids, force=force)


def staff_departments(*, session: Session, user_id: int) -> set[str]:
    """The departments a staff member belongs to (empty when none are recorded)."""
    profile = session.get(StaffProfile, user_id)
    return set(profile.departments) if profile is not None else set()


def set_staff_departments(
    *, session: Session, tenant_id: int, user_id: int, departments: Iterable[str], actor: Actor
) -> None:
    """Record the departments of a staff member (they decide which internal sources the member sees)."""
    profile = session.get(StaffProfile, user_id)
    if profile is None:
        profile = StaffProfile(tenant_id=tenant_id, user_id=user_id, departments=[])
        session.add(profile)
    profile.departments = _departments(departments)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=AssistantAction.STAFF_DEPARTMENTS,
        object_type="user",
        object_id=user_id,
        details={"departments": profile.departments},
        tenant_id=tenant_id,
    )


def search(
    *,
    session: Session,
    tenant_id: int,
    query: str,
    audience: Audience,
    user_id: int | None = None,
    embedder: Embedder | None = None,
    k: int = 5,
    candidates: int = 50,
    rrf_k: int = RRF_K,
    dense_weight: float = DENSE_WEIGHT,
) -> list[Passage]:
    """Retrieve for a citizen (``public``) or a staff member (their departments looked up)."""
    departments = (
        staff_departments(session=session, user_id=user_id) if audience == "staff" and user_id else set()
    )
    return retrieve(
        session=session,
        tenant_id=tenant_id,
        query=query,
        audience=audience,
        departments=departments,
        k=k,
        embedder=embedder,
        candidates=candidates,
        rrf_k=rrf_k,
        dense_weight=dense_weight,
    )
