"""Answerability thresholds: both errors on the TUNING citizen questions for a small grid.

Every tuning question goes through the product's ``ask`` (as ``bench/assistant_citizen.py`` does) once per
setting of ``rathaus.assistant.answerability.Thresholds``; retrieval is computed once and reused. Prints,
per setting, the false refusals (answerable questions not answered) and the unanswerable questions
answered, so the default can be chosen on the tuning set alone (the held-out set is never read here)::

    RATHAUS_BENCH_ASSISTANT_DIR=/tmp/rathaus-assistant-index python -m bench.assistant_answerability
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.common import console, shared_data

GRID = {
    "sure": (0.84, 0.85, 0.86, 0.87),
    "unsure": (0.80, 0.82),
    "margin": (0.02, 0.04),
}


def _memo(function: Callable[..., Any]) -> Callable[..., Any]:
    cache: dict[str, Any] = {}

    def wrapped(**kwargs: Any) -> Any:
        key = repr(sorted((k, v) for k, v in kwargs.items() if k not in {"session", "embedder"}))
        if key not in cache:
            cache[key] = function(**kwargs)
        return cache[key]

    return wrapped


def settings_grid() -> list[Any]:
    """The threshold settings tried (the default first)."""
    from rathaus.assistant.answerability import DEFAULT  # noqa: PLC0415

    grid = [DEFAULT]
    for sure in GRID["sure"]:
        for unsure in GRID["unsure"]:
            for margin in GRID["margin"]:
                candidate = replace(DEFAULT, sure=sure, unsure=unsure, margin=margin)
                if candidate not in grid:
                    grid.append(candidate)
    return grid


def main() -> None:
    """Sweep the grid on the tuning set and print both errors per setting."""
    from bench.assistant_citizen import Timings, load, run_questions, summarise  # noqa: PLC0415
    from bench.assistant_index import embedder_for  # noqa: PLC0415
    from rathaus.assistant import answerability, asking  # noqa: PLC0415
    from rathaus.core.db import make_engine, make_session_factory  # noqa: PLC0415

    workdir = Path(os.environ["RATHAUS_BENCH_ASSISTANT_DIR"])
    build = json.loads((workdir / "build.json").read_text(encoding="utf-8"))
    embedder = embedder_for(workdir)
    engine = make_engine(f"sqlite:///{workdir / 'assistant.sqlite3'}")
    sessions = make_session_factory(engine)
    asking.retrieve = _memo(asking.retrieve)  # type: ignore[assignment]  # one retrieval per question
    rows = load("tuning")
    bylaws = shared_data("bylaws_bw")
    assert bylaws is not None
    results = []
    for limits in settings_grid():
        answerability.DEFAULT = limits
        verdicts, _timings, _answers = run_questions(
            sessions=sessions,
            tenant_id=int(build["tenant_id"]),
            embedder=embedder,
            chat=None,
            rows=rows,
            bylaws_dir=bylaws,
        )
        figures = summarise(verdicts, Timings([], []))
        keep = (
            "false_refusals",
            "false_refusal_rate",
            "unanswerable_answered_rate",
            "fact_accuracy",
            "no_place_clarify_rate",
            "wrong_municipality",
        )
        results.append((limits, {key: figures[key] for key in keep}))
        console.print(f"sure={limits.sure} unsure={limits.unsure} margin={limits.margin}: {results[-1][1]}")
    engine.dispose()


if __name__ == "__main__":
    main()
