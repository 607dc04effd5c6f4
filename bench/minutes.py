"""Minutes benchmarks: ``python -m bench.minutes [karlsruhe ...]`` writes bench/results/minutes.json.

Each section is a function returning a dict; a run updates its sections and keeps the keys that
other sections wrote earlier (so the audio pipeline and the text stages can be measured apart).
``sections`` in the file says when and by which command each section was last measured; the
top-level ``command`` and ``date`` are those of the latest run, which may have measured only one.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench.common import RESULTS_DIR, console, shared_data, write_results

_META = {"command", "date", "cpu_threads", "machine"}


def _karlsruhe(variant: str) -> Callable[[], dict[str, Any] | None]:
    def section() -> dict[str, Any] | None:
        from bench.minutes_karlsruhe import karlsruhe_figures  # noqa: PLC0415 - only when the section runs

        root = shared_data("karlsruhe")
        if root is None:
            return None
        return karlsruhe_figures(root, variant, progress=lambda line: console.print(line, markup=False))

    section.__doc__ = f"Agenda alignment and decisions on Karlsruhe minutes, variant {variant}."
    return section


def audio() -> dict[str, Any] | None:
    """Speed, memory, WER and DER of the audio stages on FLEURS and a synthetic session."""
    from bench.minutes_audio import audio_figures  # noqa: PLC0415 - only when the section runs

    return audio_figures()


_VARIANTS = (  # as bench.minutes_karlsruhe.VARIANTS, without importing it before a section runs
    "karlsruhe",
    "karlsruhe_full",
    "karlsruhe_no_chair",
    "karlsruhe_bodies",
    "karlsruhe_bodies_fresh",
)
SECTIONS: dict[str, Callable[[], dict[str, Any] | None]] = {
    **{variant: _karlsruhe(variant) for variant in _VARIANTS},
    "audio": audio,
}
TOP_LEVEL = {"audio"}  # sections whose figures are top-level keys (rtf_pipeline, synthetic.der, …)


def main(names: list[str] | None = None) -> None:
    """Run the named sections (all by default) and merge them into bench/results/minutes.json."""
    path = RESULTS_DIR / "minutes.json"
    figures: dict[str, Any] = {}
    runs: dict[str, dict[str, str]] = {}
    if path.exists():
        previous = json.loads(path.read_text())
        figures = {k: v for k, v in previous.items() if k not in _META and k != "sections"}
        runs = previous.get("sections") or _runs_before_sections(previous)
    for name in names or list(SECTIONS):
        result = SECTIONS[name]()
        if result is None:
            continue
        if name in TOP_LEVEL:
            figures.update(result)
        else:
            figures[name] = result
        runs[name] = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": f"python -m bench.minutes {name}",
        }
    write_results("minutes", {"sections": dict(sorted(runs.items())), **figures})


def _runs_before_sections(previous: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Files written before ``sections`` existed: their one run measured the sections its command named."""
    if "date" not in previous:
        return {}
    named = [n for n in str(previous.get("command", "")).split()[3:] if n in SECTIONS] or list(SECTIONS)
    present = [n for n in named if n in previous or (n in TOP_LEVEL and "rtf_pipeline" in previous)]
    return {n: {"date": previous["date"], "command": str(previous["command"])} for n in present}


if __name__ == "__main__":
    main(sys.argv[1:])
