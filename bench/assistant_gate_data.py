"""The inputs of the answer/refuse decision for every development question, collected once.

For each question of the seventeen development sets (``final`` since session 12, ``final2`` since session 13,
``final3`` since session 14, ``final4`` since session 15, ``final5`` since session 16, ``final6`` since
session 17, ``final7`` since session 18, ``final8`` since session 19, ``final9`` since the end of session 19;
never a held-out set) this runs what
:func:`rathaus.assistant.asking.ask_stream` runs before it decides: the scope (the municipality the
question names), retrieval, the value passage, and the topic markers of the installation.
The result (passages, the question without its place names, the markers, and whether the question was
already settled: out of scope or "Für welche Gemeinde?") is pickled, so that ``bench/assistant_gate.py`` can
try decisions in seconds instead of running the whole bench::

    RATHAUS_BENCH_ASSISTANT_DIR=/work/bench-index-gate python -m bench.assistant_gate_data /tmp/gate.pkl
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from bench.common import console

DEVELOPMENT = (
    "tuning",
    "holdout",
    "fresh",
    "dev_bylaw",
    "dev_refuse",
    "dev_refuse2",
    "dev_refuse3",
    "dev_service",
    "final",
    "final2",
    "final3",
    "final4",
    "final5",
    "final6",
    "final7",
    "final8",
    "final9",
)


def _one(session: Any, tenant_id: int, row: dict[str, Any], embedder: Any, settings: Any) -> dict[str, Any]:
    """The decision's inputs for one question, from ``asking.gather`` (what ``ask_stream`` decides on)."""
    from rathaus.assistant import answerability, asking  # noqa: PLC0415

    question = row["question"]
    found = asking.gather(
        session=session,
        tenant_id=tenant_id,
        question=question,
        audience="public",
        embedder=embedder,
        settings=settings,
    )
    scoped = found.scoped
    item: dict[str, Any] = {**row, "about": scoped.about, "named": scoped.named, "settled": None}
    if scoped.refusal is not None:
        item.update(settled="out_of_scope", passages=[], markers=set())
        return item
    if found.clarifies:
        item["settled"] = "clarify"
    item["passages"] = found.passages
    item["markers"] = found.topics.markers(scoped.about, answerability.DEFAULT.specific)
    return item


def collect(workdir: Path) -> list[dict[str, Any]]:
    """Every development question with the inputs of its decision."""
    from bench.assistant_citizen import load  # noqa: PLC0415
    from bench.assistant_index import embedder_for, with_keywords  # noqa: PLC0415
    from bench.common import shared_data  # noqa: PLC0415
    from rathaus.assistant.config import AssistantSettings  # noqa: PLC0415
    from rathaus.core.db import make_session_factory, open_session  # noqa: PLC0415
    from rathaus.core.security import models as _security  # noqa: F401, PLC0415 - the tenants table

    build = json.loads((workdir / "build.json").read_text(encoding="utf-8"))
    tenant_id = int(build["tenant_id"])
    embedder = embedder_for(workdir)
    services = shared_data("munich_services")
    assert services is not None, "the shared data is missing"
    engine = with_keywords(workdir, services, tenant_id, embedder)
    sessions = make_session_factory(engine)
    settings = AssistantSettings()
    items: list[dict[str, Any]] = []
    with open_session(sessions, tenant_id=tenant_id) as session:
        for name in DEVELOPMENT:
            for row in load(name):
                items.append({**_one(session, tenant_id, row, embedder, settings), "set": name})
                session.rollback()
            console.print(f"{name}: {sum(item['set'] == name for item in items)} questions")
    engine.dispose()
    return items


def main() -> None:
    """Collect and pickle to the path given (default /tmp/gate.pkl)."""
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/gate.pkl")
    items = collect(Path(os.environ["RATHAUS_BENCH_ASSISTANT_DIR"]))
    target.write_bytes(pickle.dumps(items))
    console.print(f"{len(items)} questions written to {target}")


if __name__ == "__main__":
    main()
