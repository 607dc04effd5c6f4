"""Fixtures for the AI tests: the small model bundles installed once per session, models loaded once."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from rathaus.core.ai.bundles import install_bundle, locate_model
from rathaus.core.ai.catalog import CATALOG
from tests.requirements import require_bundle, require_module, require_tool

SMALL_BUNDLES = ("whisper-base", "qwen2.5-coder-0.5b-instruct", "multilingual-e5-small")
TEST_LLM = "qwen2.5-coder-0.5b-instruct"
GERMAN_WAV_TEXT = (
    "Guten Morgen. Der Bürgermeister eröffnet die Sitzung des Gemeinderats. "
    "Wir sprechen heute über die neue Schule."
)


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The small bundles that are available, installed once (650 MB, removed at the end)."""
    directory = tmp_path_factory.mktemp("models")
    for name in SMALL_BUNDLES:
        if not CATALOG[name].missing_distributions():
            install_bundle(CATALOG[name], models_dir=directory)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def llm_path(models_dir: Path) -> Path:
    require_bundle(TEST_LLM)
    require_module("llama_cpp", install="pip install -e '.[ai]'")
    return locate_model(TEST_LLM, kind="llm", models_dir=models_dir).path


def espeak_wav(text: str, target: Path, voice: str = "de", speed: int = 120) -> Path:
    """German synthetic speech as a WAV file (skips when espeak-ng is absent, fails in CI)."""
    require_tool("espeak-ng", install="apt-get install espeak-ng")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(target), text], check=True)
    return target


@pytest.fixture(scope="session")
def german_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return espeak_wav(GERMAN_WAV_TEXT, tmp_path_factory.mktemp("audio") / "sitzung.wav")
