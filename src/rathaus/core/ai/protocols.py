"""What every AI backend offers, as Protocols, and the dataclasses they return.

Each backend exposes ``name`` (the backend, e.g. ``"llama-cpp"``), ``model_name`` and
``model_version``: the provenance that ``audit.service.record_draft`` stores with every AI draft.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypedDict, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vector = npt.NDArray[np.float32]


class ChatMessage(TypedDict):
    """One chat message, as in the OpenAI API."""

    role: Literal["system", "user", "assistant"]
    content: str


@runtime_checkable
class Backend(Protocol):
    """Provenance that every backend exposes."""

    @property
    def name(self) -> str: ...
    @property
    def model_name(self) -> str: ...
    @property
    def model_version(self) -> str: ...


# --- speech ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float


@dataclass(frozen=True)
class Segment:
    """A stretch of speech with its words; times in seconds from the start of the audio."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Transcript:
    language: str
    language_probability: float
    duration: float
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        """The whole transcript as one string."""
        return " ".join(segment.text.strip() for segment in self.segments).strip()


ProgressCallback = Callable[[float], None]  # fraction 0.0 … 1.0 of the audio done


class Transcriber(Backend, Protocol):
    """Speech-to-text with word times."""

    def transcribe(
        self,
        audio_path: Path,
        *,
        language: str | None = "de",
        initial_prompt: str | None = None,
        hotwords: Sequence[str] = (),
        word_timestamps: bool = True,
        vad_filter: bool = True,
        on_progress: ProgressCallback | None = None,
    ) -> Transcript:
        """Transcribe an audio file (any format ffmpeg/PyAV reads)."""
        ...


class SpeakerEmbedder(Backend, Protocol):
    """A voice embedding for diarization (implemented with the minutes module)."""

    def embed(self, wave: Vector, sample_rate: int) -> Vector:
        """One L2-normalised vector for a mono waveform."""
        ...


# --- language models ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChatResult:
    """One chat completion with its provenance."""

    text: str
    model: str
    backend: str
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    def json(self) -> Any:
        """The text parsed as JSON (for calls with a ``json_schema``)."""
        return json.loads(self.text)


class ChatModel(Backend, Protocol):
    """A chat LLM. ``json_schema`` or ``choices`` constrain the output by constrained decoding.

    With ``choices`` the result text is exactly one of them; with ``json_schema`` it is JSON that
    validates against the schema (otherwise BackendResponseError).
    """

    def chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 512,
        temperature: float = 0.2,
        json_schema: dict[str, Any] | None = None,
        choices: Sequence[str] | None = None,
    ) -> ChatResult: ...

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 512,
        temperature: float = 0.2,
    ) -> Iterator[str]:
        """Yield the answer piece by piece as it is generated."""
        ...


@runtime_checkable
class ChoiceScorer(Protocol):
    """A chat backend that can also say how probable each of a fixed set of labels is.

    ``choice_probabilities`` returns, for the same messages and labels as ``chat(…, choices=…)``, the
    probability that decoding constrained to the labels produces each one (they sum to 1). The
    llama-cpp backend offers it; a remote server generally does not.
    """

    def choice_probabilities(
        self, messages: Sequence[ChatMessage], choices: Sequence[str]
    ) -> dict[str, float]: ...


# --- embeddings -----------------------------------------------------------------------------


class Embedder(Backend, Protocol):
    """Dense text embeddings; rows are L2-normalised, so a dot product is the cosine."""

    @property
    def dimension(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> Vector:
        """Embeddings of search queries, shape (len(texts), dimension)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> Vector:
        """Embeddings of documents/passages, shape (len(texts), dimension)."""
        ...


# --- OCR ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OcrResult:
    """Recognised text (pages separated by form feeds) and the searchable PDF/A written.

    ``page_confidences`` holds each page's mean Tesseract word confidence 0–1, in page order; None for a
    page that kept its own text layer (or had no words). Empty when the engine does not report them.
    """

    text: str
    pdf_path: Path
    pages: int = 0
    page_texts: tuple[str, ...] = field(default=())
    page_confidences: tuple[float | None, ...] = field(default=())


class OcrEngine(Backend, Protocol):
    """Text recognition that also produces a searchable PDF/A."""

    def ocr_pdf(self, pdf_path: Path, output_pdf: Path) -> OcrResult:
        """OCR a (scanned) PDF; pages that already carry text keep it."""
        ...

    def ocr_image(self, image_path: Path, output_pdf: Path) -> OcrResult:
        """OCR an image (PNG, JPEG, TIFF) into a one-page PDF/A."""
        ...
