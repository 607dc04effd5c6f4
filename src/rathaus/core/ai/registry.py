"""Which backend serves which AI task: a registry of factories, chosen by settings.

Backends register a factory under a task and a name (like paperless-ngx parsers)::

    @register("llm", "llama-cpp")
    def _build(context: BackendContext) -> ChatModel: ...

``AIRegistry.from_settings(settings)`` picks the configured factories; ``.transcriber()``,
``.chat()``, ``.embedder()``, ``.ocr()`` and ``.speaker_embedder()`` build a backend on first use and
keep it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar, assert_never, cast, get_args

from rathaus.core.ai.errors import BackendUnavailableError

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import ChatModel, Embedder, OcrEngine, SpeakerEmbedder, Transcriber
    from rathaus.core.config import AISettings, PlatformSettings

Task = Literal["asr", "llm", "embedding", "ocr", "speaker"]
Factory = Callable[["BackendContext"], object]
F = TypeVar("F", bound=Factory)

_FACTORIES: dict[tuple[Task, str], Factory] = {}
# The modules that register the built-in backends; imported on first lookup (they import nothing heavy).
BUILTIN_MODULES = (
    "rathaus.core.ai.whisper",
    "rathaus.core.ai.llama",
    "rathaus.core.ai.openai_chat",
    "rathaus.core.ai.e5",
    "rathaus.core.ai.ocr",
    "rathaus.core.ai.resemblyzer_embedder",
)
_builtins_loaded = False


@dataclass(frozen=True)
class BackendContext:
    """What a factory receives: the AI settings and where model bundles live."""

    ai: AISettings
    models_dir: Path


def register(task: Task, name: str) -> Callable[[F], F]:
    """Register a backend factory for ``task`` under ``name`` (the value of the settings field)."""

    def decorator(factory: F) -> F:
        _FACTORIES[(task, name)] = factory
        return factory

    return decorator


def _load_builtins() -> None:
    global _builtins_loaded  # noqa: PLW0603 - a one-time import of the built-in backend modules
    if not _builtins_loaded:
        for module in BUILTIN_MODULES:
            importlib.import_module(module)
        _builtins_loaded = True


def registered(task: Task) -> list[str]:
    """The backend names registered for ``task``."""
    _load_builtins()
    return sorted(name for (kind, name) in _FACTORIES if kind == task)


def build_backend(task: Task, name: str, context: BackendContext) -> object:
    """Build the backend ``name`` for ``task``; BackendUnavailableError for unknown or disabled ones."""
    _load_builtins()
    if name == "none":
        raise BackendUnavailableError(f"the {task} backend is switched off (RATHAUS_AI__… = 'none')")
    factory = _FACTORIES.get((task, name))
    if factory is None:
        raise BackendUnavailableError(
            f"unknown {task} backend {name!r}; available: {', '.join(registered(task)) or 'none'}"
        )
    return factory(context)


class AIRegistry:
    """The AI backends of one installation, built lazily from settings and shared (thread-safe)."""

    def __init__(self, ai: AISettings, models_dir: Path) -> None:
        self.context = BackendContext(ai=ai, models_dir=models_dir)
        self._backends: dict[Task, object] = {}
        # one lock per task: loading Whisper does not hold up the embedder
        self._locks: dict[Task, threading.Lock] = {task: threading.Lock() for task in get_args(Task)}

    @classmethod
    def from_settings(cls, settings: PlatformSettings) -> AIRegistry:
        """The registry for an installation's settings (nothing is loaded yet)."""
        return cls(settings.ai, settings.models_dir)

    def _get(self, task: Task, name: str) -> object:
        with self._locks[task]:
            backend = self._backends.get(task)
            if backend is None:
                backend = build_backend(task, name, self.context)
                self._backends[task] = backend
            return backend

    def enabled(self, task: Task) -> bool:
        """False when the task's backend is configured as 'none'."""
        return self._backend_name(task) != "none"

    def _backend_name(self, task: Task) -> str:
        """The configured backend of ``task`` (mypy checks that every task has a case)."""
        ai = self.context.ai
        match task:
            case "asr":
                return ai.asr_backend
            case "llm":
                return ai.llm_backend
            case "embedding":
                return ai.embedding_backend
            case "ocr":
                return ai.ocr_backend
            case "speaker":
                return ai.speaker_backend
            case _:
                assert_never(task)

    def transcriber(self) -> Transcriber:
        """The speech-to-text backend."""
        return cast("Transcriber", self._get("asr", self._backend_name("asr")))

    def chat(self) -> ChatModel:
        """The chat LLM backend."""
        return cast("ChatModel", self._get("llm", self._backend_name("llm")))

    def embedder(self) -> Embedder:
        """The text embedding backend."""
        return cast("Embedder", self._get("embedding", self._backend_name("embedding")))

    def ocr(self) -> OcrEngine:
        """The OCR backend."""
        return cast("OcrEngine", self._get("ocr", self._backend_name("ocr")))

    def speaker_embedder(self) -> SpeakerEmbedder:
        """The voice embedding backend (diarization, speaker naming)."""
        return cast("SpeakerEmbedder", self._get("speaker", self._backend_name("speaker")))
