"""Minutes benchmarks: ``python -m bench.minutes [karlsruhe ...]`` writes bench/results/minutes.json.

Each section is a function returning a dict; a run updates its sections and keeps the keys that
other sections wrote earlier (so the audio pipeline and the text stages can be measured apart).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from bench.common import RESULTS_DIR, console, shared_data, write_results

_META = {"command", "date", "cpu_threads", "machine"}


def karlsruhe() -> dict[str, Any] | None:
    """Agenda alignment and decisions on the Karlsruhe minutes (text stand-in for a transcript)."""
    from bench.minutes_karlsruhe import karlsruhe_figures  # noqa: PLC0415 - only when the section runs

    root = shared_data("karlsruhe", "sessions")
    if root is None:
        return None
    return karlsruhe_figures(root, progress=lambda line: console.print(line, markup=False))


def audio() -> dict[str, Any] | None:
    """Speed, memory, WER and DER of the audio stages on FLEURS and a synthetic session."""
    from bench.minutes_audio import audio_figures  # noqa: PLC0415 - only when the section runs

    return audio_figures()


SECTIONS: dict[str, Callable[[], dict[str, Any] | None]] = {"karlsruhe": karlsruhe, "audio": audio}
TOP_LEVEL = {"audio"}  # sections whose figures are top-level keys (rtf_pipeline, synthetic.der, …)


def main(names: list[str] | None = None) -> None:
    """Run the named sections (all by default) and merge them into bench/results/minutes.json."""
    path = RESULTS_DIR / "minutes.json"
    figures: dict[str, Any] = {}
    if path.exists():
        figures = {k: v for k, v in json.loads(path.read_text()).items() if k not in _META}
    for name in names or list(SECTIONS):
        result = SECTIONS[name]()
        if result is not None and name in TOP_LEVEL:
            figures.update(result)
        elif result is not None:
            figures[name] = result
    write_results("minutes", figures)


if __name__ == "__main__":
    main(sys.argv[1:])
