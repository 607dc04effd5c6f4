"""Indexing: chunk a source, embed its chunks, and keep the lexical index in step.

SQLite keeps the normalised terms in the FTS5 table ``assistant_chunks_fts`` (rowid = chunk id);
PostgreSQL in ``assistant_chunks.search_vector`` (``german`` configuration, title weighted A, text B).
A source whose content hash did not change since its last index is left alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, literal_column, select, text
from sqlalchemy.orm import Session

from rathaus.assistant.chunking import ChunkDraft, chunk_markdown, chunk_service
from rathaus.assistant.models import FTS_TABLE, Chunk, KnowledgeSource, SourceKind
from rathaus.core.db import utcnow
from rathaus.core.text.search import search_text

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import Embedder

EMBED_BATCH = 64
TS_CONFIG = "german"


def content_hash(*, title: str, body: str, url: str | None, meta: dict[str, Any]) -> str:
    """The SHA-256 of everything that goes into a source's chunks."""
    payload = json.dumps([title, body, url, meta], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def is_sqlite(session: Session) -> bool:
    """Whether the session talks to SQLite (FTS5) rather than PostgreSQL."""
    return session.get_bind().dialect.name == "sqlite"


def ensure_fts(session: Session) -> None:
    """Create the FTS5 table on SQLite if a schema was made without the migration."""
    if is_sqlite(session):
        session.execute(
            text(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, "
                "tokenize = 'unicode61 remove_diacritics 2')"
            )
        )


def chunk_source(source: KnowledgeSource, *, max_chars: int) -> list[ChunkDraft]:
    """The chunks of a source: services by fact group, everything else along its structure."""
    if source.kind == SourceKind.SERVICE.value:
        return chunk_service(
            title=source.title, description=source.body, meta=source.meta or {}, max_chars=max_chars
        )
    if source.kind == SourceKind.FAQ.value:
        return [
            ChunkDraft(section="Antwort", text=piece.text)
            for piece in chunk_markdown(source.body, max_chars=max_chars)
        ]
    return chunk_markdown(source.body, title=source.title, max_chars=max_chars)


def embedding_text(*, title: str, section: str, text: str) -> str:
    """What the embedder reads for a chunk: its source title and section give the passage context."""
    heading = f"{title} – {section}" if section else title
    return f"{heading}\n{text}"


def remove_chunks(session: Session, source_ids: Sequence[int]) -> None:
    """Delete the chunks of these sources and their lexical index entries."""
    if not source_ids:
        return
    if is_sqlite(session):
        ensure_fts(session)
        ids = select(Chunk.id).where(Chunk.source_id.in_(source_ids))
        chunk_ids = list(session.scalars(ids))
        for start in range(0, len(chunk_ids), 500):
            batch = chunk_ids[start : start + 500]
            marks = ",".join(str(int(chunk_id)) for chunk_id in batch)  # integers only
            session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})"))  # noqa: S608
    session.execute(
        delete(Chunk).where(Chunk.source_id.in_(source_ids)).execution_options(synchronize_session=False)
    )


def index_sources(
    session: Session,
    sources: Sequence[KnowledgeSource],
    *,
    embedder: Embedder | None,
    max_chars: int = 1200,
    on_chunks: Callable[[int], None] | None = None,
) -> int:
    """(Re-)index ``sources`` now, whether or not they changed; returns the number of chunks written."""
    sources = [source for source in sources if source.error is None]
    planned: list[tuple[KnowledgeSource, ChunkDraft]] = []
    for source in sources:
        planned.extend((source, draft) for draft in chunk_source(source, max_chars=max_chars))
    vectors: list[bytes | None] = [None] * len(planned)
    dim = 0
    if embedder is not None and planned:
        for start in range(0, len(planned), EMBED_BATCH):
            batch = planned[start : start + EMBED_BATCH]
            matrix = embedder.embed_passages(
                [embedding_text(title=s.title, section=d.section, text=d.text) for s, d in batch]
            )
            dim = int(matrix.shape[1])
            for offset, row in enumerate(matrix):
                vectors[start + offset] = row.astype("float32").tobytes()
            if on_chunks is not None:
                on_chunks(len(batch))
    # The slow part (embedding) is done; only now write, so SQLite's write lock is held briefly.
    remove_chunks(session, [source.id for source in sources])
    sqlite = is_sqlite(session)
    rows: list[Chunk] = []
    ordinals: dict[int, int] = {}
    for (source, draft), vector in zip(planned, vectors, strict=True):
        ordinal = ordinals.get(source.id, 0)
        ordinals[source.id] = ordinal + 1
        chunk = Chunk(
            tenant_id=source.tenant_id,
            source_id=source.id,
            ordinal=ordinal,
            section=draft.section[:500],
            text=draft.text,
            embedding=vector,
            dim=dim if vector is not None else 0,
        )
        if not sqlite:
            title_terms = search_text(f"{source.title} {draft.section}")
            chunk.search_vector = (  # SQL, computed by PostgreSQL
                func.setweight(func.to_tsvector(TS_CONFIG, title_terms), literal_column("'A'")).op("||")(
                    func.setweight(
                        func.to_tsvector(TS_CONFIG, search_text(draft.text)), literal_column("'B'")
                    )
                )
            )
        rows.append(chunk)
    session.add_all(rows)
    session.flush()
    if sqlite and rows:
        ensure_fts(session)
        session.execute(
            text(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (:id, :title, :body)"),  # noqa: S608
            [
                {
                    "id": chunk.id,
                    "title": search_text(f"{source.title} {draft.section}"),
                    "body": search_text(draft.text),
                }
                for chunk, (source, draft) in zip(rows, planned, strict=True)
            ],
        )
    now = utcnow()
    for source in sources:
        source.indexed_hash = source.content_hash
        source.indexed_at = now
        source.stale = False
    session.flush()
    return len(rows)


def index_pending(
    session: Session,
    *,
    embedder: Embedder | None,
    max_chars: int = 1200,
    source_ids: Sequence[int] | None = None,
    force: bool = False,
) -> int:
    """Index the sources whose content changed since their last index (or all given, with ``force``)."""
    query = select(KnowledgeSource).where(KnowledgeSource.error.is_(None)).order_by(KnowledgeSource.id)
    if source_ids is not None:
        query = query.where(KnowledgeSource.id.in_(source_ids))
    sources = [source for source in session.scalars(query) if force or source.needs_index]
    return index_sources(session, sources, embedder=embedder, max_chars=max_chars)


def index_size_bytes(session: Session) -> int:
    """Bytes of text and vectors the index holds for the session's tenant (an estimate of its size)."""
    size = session.scalar(
        select(
            func.coalesce(
                func.sum(func.length(Chunk.text) + func.coalesce(func.length(Chunk.embedding), 0)), 0
            )
        )
    )
    return int(size or 0)
