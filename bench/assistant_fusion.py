"""Fusion constants per kind of source: chosen on the tuning questions, then checked on held-out ones.

Services and by-laws are fused with their own RRF constant ``k`` and dense weight
(``rathaus.assistant.fusion``). This grid search chooses each kind's pair on the TUNING questions only —
the service questions of ``bench/data/citizen_tuning.json`` for services, its by-law questions and
``bench/data/bylaw_questions.json`` for by-laws — and then reports, without choosing anything, the
held-out figures (``citizen_holdout.json``, ``bylaw_questions_holdout.json``) of the chosen pairs next to
the single pair used before (k=10, weight 3 for every kind) and plain RRF (k=60, weight 1).

Run on a kept index (see ``bench/assistant.py``)::

    RATHAUS_BENCH_ASSISTANT_DIR=/tmp/rathaus-assistant-index python -m bench.assistant_fusion

Writes the section ``fusion_per_kind`` of ``bench/results/assistant.json``.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.common import REPO_ROOT, console, cpu_threads

DATA = REPO_ROOT / "bench" / "data"
GRID = [(k, weight) for k in (5, 10, 30, 60) for weight in (0.5, 1.0, 2.0, 3.0, 5.0)]
BEFORE = (10, 3.0)
PLAIN = (60, 1.0)


def _citizen(name: str, category: str) -> list[tuple[str, str]]:
    rows = json.loads((DATA / name).read_text(encoding="utf-8"))[category]
    key = (
        (lambda row: f"service:{row['service_id']}")
        if category == "services"
        else (lambda row: f"file:{row['file']}")
    )
    return [(row["question"], key(row)) for row in rows]


def _bylaw_file(name: str) -> list[tuple[str, str]]:
    rows = json.loads((DATA / name).read_text(encoding="utf-8"))["questions"]
    return [(row["question"], f"file:{row['file']}") for row in rows]


def question_sets() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Tuning and held-out questions per kind, each with the external id of the source that answers it."""
    return {
        "tuning": {
            "service": _citizen("citizen_tuning.json", "services"),
            "bylaw": _citizen("citizen_tuning.json", "bylaws") + _bylaw_file("bylaw_questions.json"),
        },
        "holdout": {
            "service": _citizen("citizen_holdout.json", "services"),
            "bylaw": _citizen("citizen_holdout.json", "bylaws") + _bylaw_file("bylaw_questions_holdout.json"),
        },
    }


def _figures(ranked: list[list[str]], wanted: list[str]) -> dict[str, float]:
    first = top5 = 0
    reciprocal = 0.0
    for sources, expected in zip(ranked, wanted, strict=True):
        if expected in sources:
            position = sources.index(expected) + 1
            first += position == 1
            top5 += position <= 5
            reciprocal += 1 / position
    n = len(wanted) or 1
    return {"first": round(first / n, 3), "top5": round(top5 / n, 3), "mrr": round(reciprocal / n, 4)}


class Rankings:
    """Lexical and dense hits per question, computed once; fused for any pair of constants."""

    def __init__(self, session: Any, tenant_id: int, embedder: Any) -> None:
        from rathaus.assistant.models import Chunk, KnowledgeSource  # noqa: PLC0415

        self.session, self.tenant_id, self.embedder = session, tenant_id, embedder
        rows = session.execute(
            select(Chunk.id, KnowledgeSource.external_id, KnowledgeSource.kind).join(KnowledgeSource)
        )
        self.source = {}
        self.kind = {}
        for chunk_id, external, kind in rows:
            self.source[int(chunk_id)] = str(external)
            self.kind[int(chunk_id)] = str(kind)
        self.cache: dict[str, tuple[list[tuple[int, float]], list[tuple[int, float]]]] = {}

    def hits(self, question: str) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        """The lexical and the dense ranking of ``question``."""
        from rathaus.assistant.retrieval import retrieve_dense, retrieve_lexical  # noqa: PLC0415

        if question not in self.cache:
            common = {
                "session": self.session,
                "tenant_id": self.tenant_id,
                "query": question,
                "audience": "public",
            }
            self.cache[question] = (
                retrieve_lexical(**common, k=50),
                retrieve_dense(**common, k=50, embedder=self.embedder),
            )
        return self.cache[question]

    def sources(self, question: str, service: tuple[int, float], other: tuple[int, float]) -> list[str]:
        """The sources of the fused ranking, best first, with the given pairs for services and the rest."""
        from rathaus.assistant.fusion import OTHER, FusionParams, fuse_by_kind  # noqa: PLC0415

        lexical, dense = self.hits(question)
        params = {"service": FusionParams(*service), OTHER: FusionParams(*other)}
        found: list[str] = []
        for chunk_id, _ in fuse_by_kind(lexical, dense, kinds=self.kind, params=params):
            source = self.source[chunk_id]
            if source not in found:
                found.append(source)
        return found

    def evaluate(
        self, queries: list[tuple[str, str]], service: tuple[int, float], other: tuple[int, float]
    ) -> dict[str, float]:
        """First / top-5 / MRR of the expected sources."""
        ranked = [self.sources(question, service, other) for question, _ in queries]
        return _figures(ranked, [wanted for _, wanted in queries])


def choose(
    rankings: Rankings, tuning: dict[str, list[tuple[str, str]]]
) -> tuple[tuple[int, float], tuple[int, float]]:
    """The pair for services (best MRR on the tuning service questions), then the one for by-laws."""
    service = max(
        GRID, key=lambda pair: (rankings.evaluate(tuning["service"], pair, BEFORE)["mrr"], pair == BEFORE)
    )
    other = max(
        GRID, key=lambda pair: (rankings.evaluate(tuning["bylaw"], service, pair)["mrr"], pair == BEFORE)
    )
    return service, other


def run(workdir: Path) -> dict[str, Any]:
    """Choose on the tuning questions, report both sets for the chosen, the former and plain RRF."""
    from bench.assistant_index import embedder_for  # noqa: PLC0415
    from rathaus.core.db import make_engine, make_session_factory, open_session  # noqa: PLC0415

    build = json.loads((workdir / "build.json").read_text(encoding="utf-8"))
    embedder = embedder_for(workdir)
    engine = make_engine(f"sqlite:///{workdir / 'assistant.sqlite3'}")
    sets = question_sets()
    figures: dict[str, Any] = {}
    with open_session(make_session_factory(engine), tenant_id=int(build["tenant_id"])) as session:
        rankings = Rankings(session, int(build["tenant_id"]), embedder)
        service, other = choose(rankings, sets["tuning"])
        console.print(
            f"chosen on tuning: services k={service[0]} w={service[1]}; by-laws k={other[0]} w={other[1]}"
        )
        for name, queries in sets.items():
            figures[name] = {
                label: {kind: rankings.evaluate(queries[kind], *pairs) for kind in ("service", "bylaw")}
                for label, pairs in (
                    ("chosen", (service, other)),
                    ("before", (BEFORE, BEFORE)),
                    ("rrf_plain", (PLAIN, PLAIN)),
                )
            }
            console.print(f"{name}: {figures[name]}")
    engine.dispose()
    return {
        "command": "RATHAUS_BENCH_ASSISTANT_DIR=… python -m bench.assistant_fusion",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_threads": cpu_threads(),
        "chosen": {
            "service": {"rrf_k": service[0], "dense_weight": service[1]},
            "other": {"rrf_k": other[0], "dense_weight": other[1]},
        },
        "grid": [{"rrf_k": k, "dense_weight": w} for k, w in GRID],
        "questions": {name: {kind: len(q) for kind, q in kinds.items()} for name, kinds in sets.items()},
        **figures,
        "notes": (
            "Chosen on the tuning questions only (services: MRR of the tuning service questions; "
            "by-laws: MRR of the tuning by-law questions with the chosen service pair); "
            "held-out only reported."
        ),
    }


def main() -> None:
    """Run the grid on the kept index and store the section ``fusion_per_kind``."""
    kept = os.environ.get("RATHAUS_BENCH_ASSISTANT_DIR")
    if not kept or not (Path(kept) / "build.json").exists():
        console.print(
            "[red]Set RATHAUS_BENCH_ASSISTANT_DIR to a kept index (python -m bench.assistant builds one).[/]"
        )
        return
    figures = run(Path(kept))
    path = REPO_ROOT / "bench" / "results" / "assistant.json"
    existing = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    existing["fusion_per_kind"] = figures
    path.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
