"""Fitting the learned ranking of candidate services (``rathaus.assistant.rerank``), leave one set out.

For every service question of the development sets (``assistant_gate_data.DEVELOPMENT``; never the
held-out set) this runs what the product runs before it ranks (``asking.gather``, with the ranking
itself switched off), and records the signals of each candidate service (``rerank.features``) and which
one is right. A conditional logit (softmax over one question's candidates, numpy, gradient steps on
standardised signals with a small L2 penalty) is fitted on all sets but one and scored on that one; the
figures printed per set are the right service first before and after. The weights fitted on all sets
are printed to be copied into ``rerank.py``::

    RATHAUS_BENCH_ASSISTANT_DIR=<kept e5 index> PYTHONPATH=src:. python -m bench.assistant_rerank
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import console

STEPS = 300
STEP = 0.5
PENALTY = 1.0


def collect(workdir: Path) -> list[tuple[str, Any, Any]]:
    """(set, signals, right) per service question whose right service is among the candidates."""
    from bench.assistant_citizen import load  # noqa: PLC0415
    from bench.assistant_gate_data import DEVELOPMENT  # noqa: PLC0415
    from bench.assistant_index import embedder_for, with_keywords  # noqa: PLC0415
    from bench.common import shared_data  # noqa: PLC0415
    from rathaus.assistant import asking, rerank, values  # noqa: PLC0415
    from rathaus.assistant.config import AssistantSettings  # noqa: PLC0415
    from rathaus.core.db import make_session_factory, open_session  # noqa: PLC0415
    from rathaus.core.security import models as _security  # noqa: F401, PLC0415 - the tenants table

    tenant_id = int(json.loads((workdir / "build.json").read_text(encoding="utf-8"))["tenant_id"])
    embedder = embedder_for(workdir)
    services = shared_data("munich_services")
    assert services is not None, "the shared data is missing"
    engine = with_keywords(workdir, services, tenant_id, embedder)
    settings = AssistantSettings()
    values.rerank = lambda passages, _question, **_: list(passages)  # the order before the ranking
    rows: list[tuple[str, Any, Any]] = []
    with open_session(make_session_factory(engine), tenant_id=tenant_id) as session:
        for name in DEVELOPMENT:
            for row in load(name):
                if row.get("category") != "services":
                    continue
                found = asking.gather(
                    session=session,
                    tenant_id=tenant_id,
                    question=row["question"],
                    audience="public",
                    embedder=embedder,
                    settings=settings,
                ).passages
                texts = values.service_texts(
                    session=session, tenant_id=tenant_id, found=found[: rerank.WINDOW]
                )
                chosen = rerank.candidates(found)
                right = np.array([float(p.title == row["service"]) for p in chosen])
                if found and found[0].kind == "service" and len(chosen) > 1 and right.sum():
                    signals = rerank.features(found, row["question"], texts)
                    rows.append((name, np.array([[s[n] for n in rerank.WEIGHTS] for s in signals]), right))
                session.rollback()
            console.print(f"{name}: {sum(r[0] == name for r in rows)} questions with rivals")
    engine.dispose()
    return rows


def fit(groups: list[tuple[Any, Any]]) -> Any:
    """Weights (in the signals' own units) of the conditional logit over ``groups`` (signals, right)."""
    pooled = np.vstack([signals for signals, _ in groups])
    mean, spread = pooled.mean(axis=0), pooled.std(axis=0)
    spread[spread == 0] = 1.0
    scaled = [((signals - mean) / spread, right / right.sum()) for signals, right in groups]
    weights = np.zeros(pooled.shape[1])
    for _ in range(STEPS):
        gradient = PENALTY * weights / len(scaled)
        for signals, right in scaled:
            logits = signals @ weights
            chances = np.exp(logits - logits.max())
            gradient -= signals.T @ (right - chances / chances.sum()) / len(scaled)
        weights -= STEP * gradient
    return weights / spread


def firsts(groups: list[tuple[Any, Any]], weights: Any | None) -> int:
    """Questions whose right service comes first (``weights`` None: in the order before the ranking)."""
    if weights is None:
        return sum(int(right[0] == 1) for _, right in groups)
    return sum(int(right[int(np.argmax(signals @ weights))] == 1) for signals, right in groups)


def main() -> None:
    """Collect, fit leaving one set out, print the figures and the weights fitted on all sets."""
    from rathaus.assistant import rerank  # noqa: PLC0415

    rows = collect(Path(os.environ["RATHAUS_BENCH_ASSISTANT_DIR"]))
    total_before = total_after = 0
    for name in dict.fromkeys(r[0] for r in rows):
        held = [(s, r) for n, s, r in rows if n == name]
        weights = fit([(s, r) for n, s, r in rows if n != name])
        before, after = firsts(held, None), firsts(held, weights)
        total_before, total_after = total_before + before, total_after + after
        console.print(f"{name:12} {len(held):3} with rivals: right first {before:3} → {after:3}")
    console.print(f"all          {len(rows):3} with rivals: right first {total_before:3} → {total_after:3}")
    weights = fit([(s, r) for _, s, r in rows])
    console.print("weights fitted on all sets:")
    for name, weight in zip(rerank.WEIGHTS, weights, strict=True):
        console.print(f'    "{name}": {weight:.3f},')


if __name__ == "__main__":
    main()
