"""Assistant benchmarks: retrieval quality (hybrid vs. BM25 vs. dense), latency, indexing throughput.

All 287 Munich services and 351 by-laws are indexed into a fresh SQLite database with the e5 model on
``RATHAUS_BENCH_THREADS`` threads (default 2). Queries:

- ``munich_keywords``: every keyword of the 158 services that have keywords is a query whose answer is
  its service. The keywords are *held out* of the index (indexing them would make the lexical ranking
  find each keyword verbatim); everything else of the service is indexed.
- ``bylaws``: the citizen questions of ``bench/data/bylaw_questions.json``, each with its by-law file.
  The fusion (RRF k, dense weight) was tuned on these and on ``munich_keywords``.
- ``bylaws_holdout``: held-out questions (``bench/data/bylaw_questions_holdout.json``) on other by-law
  files, written after the tuning and never used for it: they show whether the tuned fusion generalises.
  ``rrf_plain`` (k=60, equal weights) is reported next to the tuned ``hybrid`` as a reference.

A source's rank is the rank of its best chunk. The answer-side figures (fact accuracy, answer latency)
come from ``bench/assistant_answers.py`` when it exists.

The citizen questions (``bench/assistant_citizen.py``) run as the product is installed: on a copy of the
index whose services carry their keywords (``Stichworte``), as an import does by default; only the 287
services' chunks are embedded again for it (``assistant_index.with_keywords``).

Indexing with e5 on 2 threads is slow (about 5 passages/s). With ``RATHAUS_BENCH_ASSISTANT_DIR`` set,
the index is kept there and a later run reuses it: retrieval figures are measured again, the indexing
figures are those recorded when it was built (``index_reused: true``).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench import assistant_index
from bench.common import REPO_ROOT, console, cpu_threads, percentile, write_results

QUESTIONS = REPO_ROOT / "bench" / "data" / "bylaw_questions.json"
HOLDOUT = REPO_ROOT / "bench" / "data" / "bylaw_questions_holdout.json"
METHODS = ("hybrid", "bm25", "dense", "rrf_plain")
PLAIN_RRF_K = 60


def _ranker(
    method: str, session: Session, tenant_id: int, embedder: Any, k: int
) -> Callable[[str], list[int]]:
    from rathaus.assistant.retrieval import DENSE_WEIGHT, RRF_K, fuse, retrieve_dense, retrieve_lexical  # noqa: PLC0415

    def lexical(query: str) -> list[tuple[int, float]]:
        return retrieve_lexical(session=session, tenant_id=tenant_id, query=query, audience="public", k=k)

    def dense(query: str) -> list[tuple[int, float]]:
        return retrieve_dense(
            session=session, tenant_id=tenant_id, query=query, audience="public", k=k, embedder=embedder
        )

    def rank(query: str) -> list[int]:
        if method == "bm25":
            return [chunk_id for chunk_id, _ in lexical(query)]
        if method == "dense":
            return [chunk_id for chunk_id, _ in dense(query)]
        if method == "rrf_plain":
            fused = fuse([lexical(query), dense(query)], k=PLAIN_RRF_K, weights=[1.0, 1.0])
        else:
            fused = fuse([lexical(query), dense(query)], k=RRF_K, weights=[1.0, DENSE_WEIGHT])
        return [chunk_id for chunk_id, _ in fused]

    return rank


def _questions(path: Path) -> list[tuple[str, str]]:
    rows = json.loads(path.read_text(encoding="utf-8"))["questions"]
    return [(row["question"], f"file:{row['file']}") for row in rows]


def _evaluate(
    rank: Callable[[str], list[int]], queries: list[tuple[str, str]], source_of_chunk: dict[int, str]
) -> dict[str, float]:
    hits1 = hits5 = 0
    reciprocal = 0.0
    for query, wanted in queries:
        sources: list[str] = []
        for chunk_id in rank(query):
            source = source_of_chunk[chunk_id]
            if source not in sources:
                sources.append(source)
        if wanted in sources:
            position = sources.index(wanted) + 1
            hits1 += position == 1
            hits5 += position <= 5
            reciprocal += 1 / position
    n = len(queries) or 1
    return {
        "recall_at_1": round(hits1 / n, 4),
        "recall_at_5": round(hits5 / n, 4),
        "mrr": round(reciprocal / n, 4),
        "queries": len(queries),
    }


def run_citizen(workdir: Path) -> dict[str, Any]:
    """Only the citizen questions (``bench/assistant_citizen.py``) on a kept or new index."""
    from bench import assistant_citizen  # noqa: PLC0415
    from rathaus.core.db import make_session_factory  # noqa: PLC0415

    opened = assistant_index.opened(workdir)
    if opened is None:
        return {}
    embedder, build, _reused, engine, services_dir, bylaws_dir = opened
    engine.dispose()
    engine = assistant_index.with_keywords(workdir, services_dir, int(build["tenant_id"]), embedder)
    try:
        return assistant_citizen.measure(
            sessions=make_session_factory(engine),
            tenant_id=int(build["tenant_id"]),
            embedder=embedder,
            bylaws_dir=bylaws_dir,
            llm=os.environ.get("RATHAUS_BENCH_CITIZEN_NO_LLM") != "1",
        )
    finally:
        engine.dispose()


def run(workdir: Path) -> dict[str, Any]:
    """Index everything under ``workdir`` (or reuse a kept index) and measure."""
    from rathaus.assistant.index import index_size_bytes  # noqa: PLC0415
    from rathaus.assistant.models import Chunk, KnowledgeSource  # noqa: PLC0415
    from rathaus.assistant.retrieval import DENSE_WEIGHT, RRF_K, retrieve  # noqa: PLC0415
    from rathaus.core.db import make_session_factory, open_session  # noqa: PLC0415

    opened = assistant_index.opened(workdir)
    if opened is None:
        return {}
    embedder, build, reused, engine, services_dir, bylaws_dir = opened
    tenant_id = int(build.pop("tenant_id"))
    sessions = make_session_factory(engine)

    _items, keyword_queries = assistant_index.load_sources(services_dir, bylaws_dir)
    bylaw_queries = _questions(QUESTIONS)
    holdout_queries = _questions(HOLDOUT)
    figures: dict[str, Any] = {"munich_keywords": {}, "bylaws": {}, "bylaws_holdout": {}}
    with open_session(sessions, tenant_id=tenant_id) as session:
        source_of_chunk = {
            chunk_id: str(external)
            for chunk_id, external in session.execute(
                select(Chunk.id, KnowledgeSource.external_id).join(KnowledgeSource)
            )
        }
        for method in METHODS:
            rank = _ranker(method, session, tenant_id, embedder, k=50)
            figures["munich_keywords"][method] = _evaluate(rank, keyword_queries, source_of_chunk)
            figures["bylaws"][method] = _evaluate(rank, bylaw_queries, source_of_chunk)
            figures["bylaws_holdout"][method] = _evaluate(rank, holdout_queries, source_of_chunk)
            console.print(
                f"{method}: {figures['munich_keywords'][method]} | {figures['bylaws'][method]}"
                f" | holdout {figures['bylaws_holdout'][method]}"
            )

        sample = [query for query, _ in keyword_queries[::5]] + [query for query, _ in bylaw_queries]
        retrieve(
            session=session, tenant_id=tenant_id, query="Aufwärmen", audience="public", embedder=embedder
        )
        durations = []
        for query in sample:
            start = time.perf_counter()
            retrieve(
                session=session, tenant_id=tenant_id, query=query, audience="public", k=5, embedder=embedder
            )
            durations.append(time.perf_counter() - start)
        size = index_size_bytes(session)
    figures.update(
        {
            "retrieval_p95_ms": round(percentile(durations, 0.95) * 1000, 1),
            "retrieval_p50_ms": round(percentile(durations, 0.5) * 1000, 1),
            "retrieval_queries": len(durations),
            **build,
            "index_reused": reused,
            "index_payload_mb": round(size / 1e6, 1),
            "fusion": {
                "rrf_k": RRF_K,
                "dense_weight": DENSE_WEIGHT,
                "rrf_plain": {"rrf_k": PLAIN_RRF_K, "dense_weight": 1.0},
            },
            "sources": {"services": 287, "bylaws": len(list(bylaws_dir.rglob("*.md"))) - 1},
            "notes": (
                "Munich keywords are held out of the index; a source's rank is that of its best chunk. "
                "The fusion was tuned on munich_keywords and bylaws; bylaws_holdout was written afterwards "
                "and not used for tuning. rrf_plain is unweighted RRF with k=60, for reference."
            ),
        }
    )
    try:
        answers = importlib.import_module("bench.assistant_answers")
    except ModuleNotFoundError:
        answers = None
    if answers is not None and hasattr(answers, "measure"):
        figures.update(answers.measure(sessions=sessions, tenant_id=tenant_id, embedder=embedder))
    engine.dispose()
    citizen = importlib.import_module("bench.assistant_citizen")
    engine = assistant_index.with_keywords(workdir, services_dir, tenant_id, embedder)
    figures["citizen"] = citizen.measure(
        sessions=make_session_factory(engine), tenant_id=tenant_id, embedder=embedder, bylaws_dir=bylaws_dir
    )
    engine.dispose()
    return figures


def _citizen_section(existing: dict[str, Any], figures: dict[str, Any], *, baseline: bool) -> dict[str, Any]:
    """Section ``citizen``: this run as ``current`` (and ``baseline`` when asked); a kept baseline stays."""
    run_info = {
        "command": " ".join(["python", *sys.orig_argv[1:]]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_threads": cpu_threads(),
        "commit": _commit(),
    }
    section = dict(existing.get("citizen") or {})
    section["current"] = {**run_info, **figures}
    if baseline or "baseline" not in section:
        section["baseline"] = {**run_info, **figures}
    return section


def _commit() -> str:
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return found.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    """Run the assistant benchmark and merge its figures into bench/results/assistant.json.

    ``python -m bench.assistant citizen [--baseline]`` runs only the citizen questions and writes the
    section ``citizen`` (``--baseline`` also stores this run as the baseline).
    """
    args = sys.argv[1:] if argv is None else argv
    only_citizen = "citizen" in args
    kept = os.environ.get("RATHAUS_BENCH_ASSISTANT_DIR")
    workdir = Path(kept) if kept else Path(tempfile.mkdtemp(prefix="rathaus-bench-assistant-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        figures = run_citizen(workdir) if only_citizen else run(workdir)
    finally:
        if not kept:
            shutil.rmtree(workdir, ignore_errors=True)
    if not figures:
        return
    existing_path = REPO_ROOT / "bench" / "results" / "assistant.json"
    existing = json.loads(existing_path.read_text(encoding="utf-8")) if existing_path.exists() else {}
    if only_citizen:
        existing["citizen"] = _citizen_section(existing, figures, baseline="--baseline" in args)
        existing_path.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        citizen_table(existing["citizen"])
        return
    figures["citizen"] = _citizen_section(existing, figures["citizen"], baseline="--baseline" in args)
    keep = {
        key: value
        for key, value in existing.items()
        if key not in figures and key not in {"command", "date", "cpu_threads", "machine"}
    }
    write_results("assistant", {**keep, **figures})
    citizen_table(figures["citizen"])


def citizen_table(section: dict[str, Any]) -> None:
    """The citizen figures as one table: baseline and current, per set and mode."""
    columns = [
        (f"{run} {name} {mode}", section[run][name][mode])
        for run in ("baseline", "current")
        for name in ("holdout", "tuning", "fresh")
        for mode in ("extractive", "llm")
        if mode in section.get(run, {}).get(name, {})
    ]
    table = Table(title="citizen questions (issue 13)")
    table.add_column("figure", no_wrap=True)
    for title, _ in columns:
        table.add_column(title.replace(" ", "\n"), justify="right")
    keys: list[str] = []
    for _, values in columns:
        keys.extend(key for key in values if key not in keys)
    for key in keys:
        table.add_row(key, *(str(values.get(key, "")) for _, values in columns))
    console.print(table)


if __name__ == "__main__":
    main()
