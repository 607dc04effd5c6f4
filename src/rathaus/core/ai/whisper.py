"""Speech-to-text with faster-whisper (CTranslate2) on the CPU, int8, with word times and Silero VAD."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rathaus.core.ai.bundles import ModelRef, locate_model
from rathaus.core.ai.protocols import ProgressCallback, Segment, Transcriber, Transcript, Word
from rathaus.core.ai.registry import BackendContext, register

if TYPE_CHECKING:
    from faster_whisper import WhisperModel


class FasterWhisperTranscriber:
    """A CTranslate2 Whisper model directory served by faster-whisper."""

    name = "faster-whisper"

    def __init__(
        self, model: ModelRef, *, cpu_threads: int = 2, device: str = "cpu", compute_type: str = "int8"
    ) -> None:
        self.model = model
        self.cpu_threads = cpu_threads
        self.device = device
        self.compute_type = compute_type
        self._whisper: WhisperModel | None = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self.model.name

    @property
    def model_version(self) -> str:
        return self.model.version

    def warm_up(self) -> WhisperModel:
        """Load the model (once)."""
        with self._lock:
            if self._whisper is None:
                from faster_whisper import WhisperModel  # noqa: PLC0415 - heavy

                self._whisper = WhisperModel(
                    str(self.model.path),
                    device=self.device,
                    compute_type=self.compute_type,
                    cpu_threads=self.cpu_threads,
                    local_files_only=True,
                )
            return self._whisper

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
        """Transcribe an audio file; ``hotwords`` (names, places) bias the decoder towards them."""
        whisper = self.warm_up()
        options: dict[str, Any] = {
            "language": language,
            "word_timestamps": word_timestamps,
            "vad_filter": vad_filter,
            "initial_prompt": initial_prompt or None,
            "hotwords": " ".join(hotwords) or None,
            "beam_size": 5,
        }
        raw_segments, info = whisper.transcribe(str(audio_path), **options)
        segments = []
        for raw in raw_segments:  # a generator: decoding happens while iterating
            words = tuple(
                Word(start=float(w.start), end=float(w.end), text=w.word, probability=float(w.probability))
                for w in (raw.words or ())
            )
            segments.append(
                Segment(start=float(raw.start), end=float(raw.end), text=raw.text.strip(), words=words)
            )
            if on_progress and info.duration:
                on_progress(min(1.0, float(raw.end) / float(info.duration)))
        if on_progress:
            on_progress(1.0)
        return Transcript(
            language=info.language,
            language_probability=float(info.language_probability),
            duration=float(info.duration),
            segments=tuple(segments),
        )


@register("asr", "faster-whisper")
def build(context: BackendContext) -> Transcriber:
    """The faster-whisper backend for the configured model (bundle name or directory)."""
    model = locate_model(context.ai.asr_model, kind="asr", models_dir=context.models_dir)
    return FasterWhisperTranscriber(model, cpu_threads=context.ai.cpu_threads)
