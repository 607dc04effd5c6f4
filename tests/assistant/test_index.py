"""Indexing: chunks and lexical index in step, incremental re-index by content hash, errors, staleness."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant import service
from rathaus.assistant.models import FTS_TABLE, Chunk, KnowledgeSource
from rathaus.assistant.retrieval import retrieve_lexical
from rathaus.assistant.sources import SourceInput, parse_file
from rathaus.core.db import open_session, utcnow
from tests.assistant.stand_ins import EDITOR, HashEmbedder, as_any, new_tenant, text_pdf

EMBEDDER = as_any(HashEmbedder())


def doc(name: str, body: str) -> SourceInput:
    return SourceInput(kind="document", title=name, body=body, external_id=f"file:{name}")


def chunk_ids(session: Session, title: str) -> set[int]:
    return set(session.scalars(select(Chunk.id).join(KnowledgeSource).where(KnowledgeSource.title == title)))


def test_import_index_and_incremental_reindex(sessions: sessionmaker[Session]) -> None:
    tenant = new_tenant(sessions)
    items = [
        doc("Hallenbad", "## Zeiten\n\nMontags geschlossen."),
        doc("Biotonne", "Leerung alle zwei Wochen."),
    ]
    with open_session(sessions, tenant_id=tenant) as session:
        first = service.import_sources(session=session, tenant_id=tenant, items=items, actor=EDITOR)
        assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
        assert service.reindex(session=session, embedder=EMBEDDER) == 2
        bath, bin_ids = chunk_ids(session, "Hallenbad"), chunk_ids(session, "Biotonne")
        chunk = session.scalar(select(Chunk).where(Chunk.id.in_(bath)))
        assert chunk is not None
        assert chunk.section == "Zeiten"
        assert chunk.dim == 64
        assert len(chunk.embedding or b"") == 64 * 4

    changed = [
        doc("Hallenbad", "## Zeiten\n\nDienstags geschlossen."),
        doc("Biotonne", "Leerung alle zwei Wochen."),
    ]
    with open_session(sessions, tenant_id=tenant) as session:
        second = service.import_sources(session=session, tenant_id=tenant, items=changed, actor=EDITOR)
        assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
        assert service.reindex(session=session, embedder=EMBEDDER) == 1  # only the changed source
        assert chunk_ids(session, "Biotonne") == bin_ids
        assert chunk_ids(session, "Hallenbad").isdisjoint(bath)
        assert service.reindex(session=session, embedder=EMBEDDER) == 0
        hits = retrieve_lexical(session=session, tenant_id=tenant, query="dienstags", audience="public")
        assert [hit[0] for hit in hits] == sorted(chunk_ids(session, "Hallenbad"))
        assert retrieve_lexical(session=session, tenant_id=tenant, query="montags", audience="public") == []
        if session.get_bind().dialect.name == "sqlite":  # no orphaned rows in the FTS5 table
            assert session.scalar(text(f"SELECT count(*) FROM {FTS_TABLE}")) == 2


def test_a_broken_pdf_is_reported_on_its_source_while_the_rest_indexes(
    sessions: sessionmaker[Session],
) -> None:
    tenant = new_tenant(sessions)
    items = [
        *parse_file("kaputt.pdf", b"%PDF-1.4 broken"),
        *parse_file("bad.pdf", text_pdf(["Das Hallenbad hat montags geschlossen."])),
        doc("Biotonne", "Leerung alle zwei Wochen."),
    ]
    with open_session(sessions, tenant_id=tenant) as session:
        summary = service.import_sources(session=session, tenant_id=tenant, items=items, actor=EDITOR)
        assert summary.failed == ["kaputt.pdf"]
        assert summary.created == 2
        assert "1 nicht lesbar: kaputt.pdf" in summary.message
        assert service.reindex(session=session, embedder=EMBEDDER) == 2
        broken = session.scalar(select(KnowledgeSource).where(KnowledgeSource.title == "kaputt.pdf"))
        assert broken is not None
        assert broken.error
        assert "PDF" in broken.error
        assert broken.indexed_at is None
        assert session.scalar(select(func.count(Chunk.id)).where(Chunk.source_id == broken.id)) == 0
        hits = retrieve_lexical(
            session=session, tenant_id=tenant, query="Hallenbad montags", audience="public"
        )
        assert len(hits) == 1


def test_sources_older_than_the_limit_are_flagged_stale(sessions: sessionmaker[Session]) -> None:
    tenant = new_tenant(sessions)
    with open_session(sessions, tenant_id=tenant) as session:
        service.import_sources(
            session=session,
            tenant_id=tenant,
            items=[doc("Alt", "Alter Text."), doc("Neu", "Neuer Text.")],
            actor=EDITOR,
        )
        old = session.scalar(select(KnowledgeSource).where(KnowledgeSource.title == "Alt"))
        assert old is not None
        old.last_changed = utcnow() - timedelta(days=400)
        assert service.mark_stale(session=session, max_age_days=365) == 1
        assert [s.title for s in service.list_sources(session=session) if s.stale] == ["Alt"]
        service.import_sources(
            session=session, tenant_id=tenant, items=[doc("Alt", "Überarbeitet.")], actor=EDITOR
        )
        assert not old.stale  # a change clears the flag


def test_faq_entries_and_tenant_isolation(sessions: sessionmaker[Session]) -> None:
    tenant_a, tenant_b = new_tenant(sessions, "stadt-a"), new_tenant(sessions, "stadt-b")
    with open_session(sessions, tenant_id=tenant_a) as session:
        faq = service.save_faq(
            session=session,
            tenant_id=tenant_a,
            question="Wann ist das Rathaus offen?",
            answer="Montag bis Freitag von 8 bis 12 Uhr.",
            actor=EDITOR,
        )
        service.reindex(session=session, embedder=EMBEDDER)
        faq_id = faq.id
    with open_session(sessions, tenant_id=tenant_b) as session:
        assert (
            retrieve_lexical(session=session, tenant_id=tenant_b, query="Rathaus offen", audience="public")
            == []
        )
        assert service.list_sources(session=session) == []
    with open_session(sessions, tenant_id=tenant_a) as session:
        hits = retrieve_lexical(
            session=session, tenant_id=tenant_a, query="Öffnungszeiten Rathaus", audience="public"
        )
        assert len(hits) == 1
        service.save_faq(
            session=session,
            tenant_id=tenant_a,
            question="Wann ist das Rathaus offen?",
            answer="Montag bis Donnerstag.",
            source_id=faq_id,
            actor=EDITOR,
        )
        assert service.reindex(session=session, embedder=EMBEDDER) == 1
