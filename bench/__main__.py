"""Run benchmarks: ``python -m bench`` (all) or ``python -m bench platform`` (one)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = [
    "platform",
    "models",
    "minutes",
    "assistant",
    "redaction",
    "inbox",
    "inbox_reading",
    "appointments",
    "applications",
]


def main(names: list[str]) -> None:
    for name in names or BENCHMARKS:
        if name not in BENCHMARKS:
            raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
        importlib.import_module(f"bench.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
