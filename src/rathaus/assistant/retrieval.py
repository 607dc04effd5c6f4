"""Hybrid retrieval: lexical (FTS5 bm25 / PostgreSQL ts_rank_cd) and dense (e5) fused by reciprocal rank.

Visibility is part of every query: a citizen ("public") only ever reads public sources; staff read
public and internal sources and those restricted to one of their departments. The dense vectors of a
tenant are loaded by a query with the same filter and cached per (database, tenant, audience,
departments, scope); the cache key includes a signature of the visible chunks, so a re-index or a change of
visibility loads them again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import and_, column, exists, func, literal_column, or_, select, table, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from rathaus.assistant import fusion as _fusion
from rathaus.assistant.fusion import FusionParams, Hit, fuse_by_kind, params_per_kind
from rathaus.assistant.index import TS_CONFIG, ensure_fts, is_sqlite
from rathaus.assistant.models import (
    FTS_TABLE,
    Chunk,
    KnowledgeSource,
    SourceDepartment,
    Visibility,
)
from rathaus.assistant.scope import Scope, clause
from rathaus.core.text.search import query_terms

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from rathaus.core.ai.protocols import Embedder

Audience = Literal["public", "staff"]
fuse = _fusion.fuse  # the benchmarks fuse by hand
MAX_QUERY_CHARS = 1000
TITLE_WEIGHT = 2.0  # bm25 weight of the title/section column against the text column
# Fusion, chosen on the retrieval benchmark (bench/assistant.py, grid rrf_k 10/30/60 × dense weight
# 1/1.5/2/3): the dense ranking counts three times the lexical one, and a small k favours the top ranks.
RRF_K = 10
DENSE_WEIGHT = 3.0  # weight of the dense ranking in the fusion (lexical: 1.0)
FACT_KEYS = (
    "fees",
    "duration_minutes",
    "processing_time",
    "documents",
    "forms",
    "locations",
    "appointment_url",
    "leika",
    "gemeinde",
    "verband",
    "stand",
)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its source, ready to cite."""

    chunk_id: int
    source_id: int
    title: str
    kind: str
    url: str | None
    section: str
    text: str
    score: float
    facts: dict[str, Any] = field(default_factory=dict)
    municipality: str | None = None
    district: str | None = None
    shared: bool = False
    dense: float | None = None  # cosine of the question's and the passage's embeddings
    lexical_rank: int | None = None  # 1 = best keyword match; None: no keyword of the question in it


def visibility_clause(audience: Audience, departments: Collection[str]) -> ColumnElement[bool]:
    """The WHERE condition on KnowledgeSource that lets ``audience`` see only what it may."""
    if audience == "public":
        return KnowledgeSource.visibility == Visibility.PUBLIC.value
    allowed: ColumnElement[bool] = KnowledgeSource.visibility.in_(
        [Visibility.PUBLIC.value, Visibility.INTERNAL.value]
    )
    names = sorted({name.strip() for name in departments if name.strip()})
    if names:
        member = exists().where(
            SourceDepartment.source_id == KnowledgeSource.id, SourceDepartment.name.in_(names)
        )
        allowed = or_(allowed, and_(KnowledgeSource.visibility == Visibility.DEPARTMENTS.value, member))
    return allowed


def _conditions(
    audience: Audience, departments: Collection[str], scope: Scope | None
) -> list[ColumnElement[bool]]:
    found = [visibility_clause(audience, departments)]
    limited = clause(scope) if scope is not None else None
    if limited is not None:
        found.append(limited)
    return found


def _clean(query: str) -> str:
    return " ".join(query.split())[:MAX_QUERY_CHARS]


def retrieve_lexical(
    *,
    session: Session,
    tenant_id: int,
    query: str,
    audience: Audience,
    departments: Collection[str] = (),
    k: int = 50,
    scope: Scope | None = None,
) -> list[Hit]:
    """Chunks ranked by bm25 (SQLite FTS5) or ts_rank_cd (PostgreSQL, german), best first."""
    terms = query_terms(_clean(query))
    if not terms:
        return []
    visible = _conditions(audience, departments, scope)
    if is_sqlite(session):
        ensure_fts(session)
        rank: ColumnElement[float] = literal_column(f"bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0)")
        match = " OR ".join(f'"{term}"' for term in terms)
        fts = table(FTS_TABLE, column("rowid"))
        statement = (
            select(Chunk.id, rank)
            .select_from(fts)
            .join(Chunk, Chunk.id == fts.c.rowid)
            .join(KnowledgeSource, KnowledgeSource.id == Chunk.source_id)
            .where(
                text(f"{FTS_TABLE} MATCH :match").bindparams(match=match),
                Chunk.tenant_id == tenant_id,
                KnowledgeSource.tenant_id == tenant_id,
                *visible,
            )
            .order_by(rank)
            .limit(k)
        )
        return [(int(row[0]), -float(row[1])) for row in session.execute(statement)]
    tsquery = func.to_tsquery(TS_CONFIG, " | ".join(terms))
    score = func.ts_rank_cd(Chunk.search_vector, tsquery)
    statement = (
        select(Chunk.id, score)
        .join(KnowledgeSource, KnowledgeSource.id == Chunk.source_id)
        .where(
            Chunk.search_vector.op("@@")(tsquery),
            Chunk.tenant_id == tenant_id,
            KnowledgeSource.tenant_id == tenant_id,
            *visible,
        )
        .order_by(score.desc(), Chunk.id)
        .limit(k)
    )
    return [(int(row[0]), float(row[1])) for row in session.execute(statement)]


# -- dense -------------------------------------------------------------------------------------


@dataclass
class _Vectors:
    signature: tuple[Any, ...]
    ids: npt.NDArray[np.int64]
    matrix: npt.NDArray[np.float32]


_CACHE: OrderedDict[tuple[Any, ...], _Vectors] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_ENTRIES = 16


def _signature(session: Session, tenant_id: int, visible: list[ColumnElement[bool]]) -> tuple[Any, ...]:
    row = session.execute(
        select(func.count(Chunk.id), func.max(Chunk.id), func.sum(Chunk.id))
        .join(KnowledgeSource, KnowledgeSource.id == Chunk.source_id)
        .where(
            Chunk.tenant_id == tenant_id,
            KnowledgeSource.tenant_id == tenant_id,
            *visible,
            Chunk.embedding.is_not(None),
        )
    ).one()
    return tuple(row)


def _vectors(
    session: Session, tenant_id: int, audience: Audience, departments: Collection[str], scope: Scope | None
) -> _Vectors:
    import numpy as np  # noqa: PLC0415

    visible = _conditions(audience, departments, scope)
    key = (
        session.get_bind().engine.url.render_as_string(),
        tenant_id,
        audience,
        frozenset() if audience == "public" else frozenset(departments),
        (scope.municipalities, scope.association) if scope is not None else None,
    )
    signature = _signature(session, tenant_id, visible)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached.signature == signature:
            _CACHE.move_to_end(key)
            return cached
    rows = session.execute(
        select(Chunk.id, Chunk.embedding)
        .join(KnowledgeSource, KnowledgeSource.id == Chunk.source_id)
        .where(
            Chunk.tenant_id == tenant_id,
            KnowledgeSource.tenant_id == tenant_id,
            *visible,
            Chunk.embedding.is_not(None),
        )
        .order_by(Chunk.id)
    ).all()
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    matrix = (
        np.vstack([np.frombuffer(row[1] or b"", dtype=np.float32) for row in rows])
        if rows
        else np.zeros((0, 1), dtype=np.float32)
    )
    loaded = _Vectors(signature=signature, ids=ids, matrix=matrix)
    with _CACHE_LOCK:
        _CACHE[key] = loaded
        while len(_CACHE) > CACHE_ENTRIES:
            _CACHE.popitem(last=False)
    return loaded


def clear_cache() -> None:
    """Forget all cached vectors (tests; a re-index invalidates entries by itself)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def retrieve_dense(
    *,
    session: Session,
    tenant_id: int,
    query: str,
    audience: Audience,
    departments: Collection[str] = (),
    k: int = 50,
    embedder: Embedder,
    scope: Scope | None = None,
) -> list[Hit]:
    """Chunks ranked by cosine similarity of e5 embeddings, best first."""
    import numpy as np  # noqa: PLC0415

    cleaned = _clean(query)
    if not cleaned:
        return []
    vectors = _vectors(session, tenant_id, audience, departments, scope)
    if not len(vectors.ids):
        return []
    question = embedder.embed_queries([cleaned])[0]
    scores = vectors.matrix @ question
    top = min(k, len(scores))
    best = np.argpartition(-scores, top - 1)[:top]
    best = best[np.argsort(-scores[best])]
    return [(int(vectors.ids[i]), float(scores[i])) for i in best]


# -- passages and the fused ranking ------------------------------------------------------------


def passages(
    *,
    session: Session,
    tenant_id: int,
    hits: Sequence[Hit],
    audience: Audience,
    departments: Collection[str] = (),
) -> list[Passage]:
    """The passages of ``hits`` in their order; the visibility filter applies here once more."""
    if not hits:
        return []
    rows = session.execute(
        select(Chunk, KnowledgeSource)
        .join(KnowledgeSource, KnowledgeSource.id == Chunk.source_id)
        .where(
            Chunk.id.in_([chunk_id for chunk_id, _ in hits]),
            Chunk.tenant_id == tenant_id,
            visibility_clause(audience, departments),
        )
    ).all()
    found = {chunk.id: (chunk, source) for chunk, source in rows}
    result = []
    for chunk_id, score in hits:
        if chunk_id not in found:
            continue
        chunk, source = found[chunk_id]
        facts = {key: value for key, value in (source.meta or {}).items() if key in FACT_KEYS}
        result.append(
            Passage(
                chunk_id=chunk.id,
                source_id=source.id,
                title=source.title,
                kind=source.kind,
                url=source.url,
                section=chunk.section,
                text=chunk.text,
                score=score,
                facts=facts,
                municipality=source.municipality,
                district=source.district,
                shared=bool(source.shared),
            )
        )
    return result


def _kinds(session: Session, chunk_ids: Collection[int]) -> tuple[dict[int, str], dict[int, int]]:
    """Each chunk's kind of source and its source id."""
    statement = select(Chunk.id, KnowledgeSource.kind, Chunk.source_id).join(KnowledgeSource)
    rows = session.execute(statement.where(Chunk.id.in_(sorted(chunk_ids)))).all() if chunk_ids else []
    return {int(row[0]): str(row[1]) for row in rows}, {int(row[0]): int(row[2]) for row in rows}


def retrieve(
    *,
    session: Session,
    tenant_id: int,
    query: str,
    audience: Audience,
    departments: Collection[str] = (),
    k: int = 5,
    embedder: Embedder | None = None,
    candidates: int = 50,
    rrf_k: int = RRF_K,
    dense_weight: float = DENSE_WEIGHT,
    per_source: int | None = None,
    scope: Scope | None = None,
    fusion: Mapping[str, FusionParams] | None = None,
) -> list[Passage]:
    """The ``k`` best passages for ``query`` that ``audience`` may see within ``scope``, fused per kind.

    Without an embedder (AI switched off) the ranking is lexical only. ``fusion`` gives the constants
    per kind (default: ``fusion.params_per_kind`` of ``rrf_k`` and ``dense_weight``); services are ranked
    as a whole and match the query without the words asking for a fee or duration. ``per_source`` limits
    how many passages one source may contribute. Each passage carries its cosine and keyword rank,
    which the answerability check reads.
    """
    keywords = partial(
        retrieve_lexical,
        session=session,
        tenant_id=tenant_id,
        audience=audience,
        departments=departments,
        k=candidates,
        scope=scope,
    )
    lexical = keywords(query=query)
    # "Was kostet …" matches every service's fee chunk: services match the query without such words.
    stripped = _fusion.without_value_words(query)
    service_lexical = keywords(query=stripped) if stripped != " ".join(query.split()) else None
    dense: list[Hit] = []
    if embedder is not None:
        dense = retrieve_dense(
            session=session,
            tenant_id=tenant_id,
            query=query,
            audience=audience,
            departments=departments,
            k=candidates,
            embedder=embedder,
            scope=scope,
        )
    params = fusion or params_per_kind(rrf_k=rrf_k, dense_weight=dense_weight)
    kinds, sources = _kinds(
        session, {chunk_id for chunk_id, _ in (*lexical, *dense, *(service_lexical or []))}
    )
    fused = fuse_by_kind(
        lexical, dense, kinds=kinds, params=params, sources=sources, service_lexical=service_lexical
    )
    found = passages(
        session=session,
        tenant_id=tenant_id,
        hits=fused[: max(k * 4, k)] if per_source else fused[:k],
        audience=audience,
        departments=departments,
    )
    if per_source:
        counts: dict[int, int] = {}
        kept = []
        for passage in found:
            counts[passage.source_id] = counts.get(passage.source_id, 0) + 1
            if counts[passage.source_id] <= per_source:
                kept.append(passage)
        found = kept
    cosine = dict(dense)
    keyword_rank = {chunk_id: rank for rank, (chunk_id, _) in enumerate(lexical, start=1)}
    return [
        replace(p, dense=cosine.get(p.chunk_id), lexical_rank=keyword_rank.get(p.chunk_id)) for p in found[:k]
    ]
