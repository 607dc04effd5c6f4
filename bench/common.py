"""What every benchmark shares: where the data is, timing helpers, and the results file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
console = Console()


def cpu_threads() -> int:
    return int(os.environ.get("RATHAUS_BENCH_THREADS", "2"))


def shared_data(*parts: str) -> Path | None:
    """A path in ../shared/data, or None (with a message) when the data set is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        console.print(f"[yellow]skipped:[/] needs {path} (the shared data set is not part of a fresh clone)")
        return None
    return path


def percentile(values: Iterable[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def timed(function: Callable[[], Any], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls."""
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return durations


def summary_ms(durations: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(durations) * 1000, 2),
        "p95_ms": round(percentile(durations, 0.95) * 1000, 2),
        "n": len(durations),
    }


def write_results(module: str, figures: dict[str, Any]) -> Path:
    """Write bench/results/<module>.json with the command, date and thread count, and print a table."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    payload = {
        "command": " ".join(["python", *sys.orig_argv[1:]]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_threads": cpu_threads(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        **figures,
    }
    path = RESULTS_DIR / f"{module}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    table = Table("figure", "value", title=f"bench/{module}")
    for key, value in _flatten(figures):
        table.add_row(key, str(value))
    console.print(table)
    console.print(f"written to {path.relative_to(REPO_ROOT)}")
    return path


def _flatten(values: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(_flatten(value, f"{name}."))
        else:
            rows.append((name, value))
    return rows
