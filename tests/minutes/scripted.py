"""Deterministic AI backends for the pipeline tests, registered in the AI registry and chosen by settings.

``scripted`` (task ``asr``) says what a script file says: its path is the ``asr_model`` setting, a JSON
list of ``[start, end, text]`` turns, and the words get evenly spread times. ``pitch`` (task ``speaker``)
tells two espeak voices apart by their fundamental frequency. The real models are tested with the stages
themselves (test_audio*, test_diarize*); these let the production ``minutes.pipeline`` job run with the
AI backends fixed, so its wiring to the database, the job and the settings is what the test checks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rathaus.core.ai import registry
from rathaus.core.ai.protocols import Segment, Transcript, Word
from rathaus.core.ai.registry import BackendContext

Turn = tuple[float, float, str]


class ScriptedTranscriber:
    """Says what the script says, with evenly spread word times (a stand-in for Whisper)."""

    name = "scripted"
    model_name = "scripted"
    model_version = "1"

    def __init__(self, turns: list[Turn]) -> None:
        self.turns = turns
        self.calls: list[dict[str, Any]] = []

    def transcribe(
        self, audio_path: Path, *, language: str | None = "de", hotwords: Any = (), **_: Any
    ) -> Transcript:
        self.calls.append({"audio": audio_path, "language": language, "hotwords": list(hotwords)})
        segments = []
        for start, end, text in self.turns:
            tokens = text.split()
            step = (end - start) / len(tokens)
            words = tuple(
                Word(start + i * step, start + (i + 1) * step, f" {token}", 0.9)
                for i, token in enumerate(tokens)
            )
            segments.append(Segment(start, end, text, words))
        duration = self.turns[-1][1] if self.turns else 0.0
        return Transcript(
            language="de", language_probability=0.99, duration=duration, segments=tuple(segments)
        )


class PitchEmbedder:
    """A voice 'embedding' from the fundamental frequency: enough to tell two espeak voices apart."""

    name = "pitch"
    model_name = "pitch"
    model_version = "1"

    def embed(self, wave: Any, sample_rate: int) -> Any:
        samples = np.asarray(wave, dtype=np.float64)
        samples = samples - samples.mean()
        corr = np.correlate(samples[:8000], samples[:8000], mode="full")[len(samples[:8000]) - 1 :]
        low, high = sample_rate // 400, sample_rate // 60
        lag = low + int(np.argmax(corr[low:high])) if len(corr) > high else high
        pitch = sample_rate / lag
        return np.array([1.0, 0.0] if pitch < 140 else [0.0, 1.0], dtype=np.float32)


@dataclass
class ScriptedAI:
    """The scripted backends of one test: the script they read and the transcribers the registry built."""

    script: Path
    transcribers: list[ScriptedTranscriber] = field(default_factory=list)

    def say(self, turns: list[Turn]) -> None:
        """What the scripted transcriber hears in the next job."""
        self.script.write_text(json.dumps(turns), encoding="utf-8")

    def settings_update(self) -> dict[str, Any]:
        """The AI settings that select these backends (no LLM: the drafts are extractive)."""
        return {
            "asr_backend": "scripted",
            "asr_model": str(self.script),
            "speaker_backend": "pitch",
            "llm_backend": "none",
        }

    def build_transcriber(self, context: BackendContext) -> ScriptedTranscriber:
        script = json.loads(Path(context.ai.asr_model).read_text(encoding="utf-8"))
        transcriber = ScriptedTranscriber([(float(a), float(b), str(text)) for a, b, text in script])
        self.transcribers.append(transcriber)
        return transcriber


def register_scripted(monkeypatch: pytest.MonkeyPatch, script: Path) -> ScriptedAI:
    """Register ``scripted`` (asr) and ``pitch`` (speaker) for one test; they are gone afterwards, so the
    registry's list of built-in backends stays true for the other tests of the process."""
    scripted = ScriptedAI(script)
    scripted.say([])
    registry.registered("asr")  # load the built-in backends first: they register on import
    monkeypatch.setitem(registry._FACTORIES, ("asr", "scripted"), scripted.build_transcriber)
    monkeypatch.setitem(registry._FACTORIES, ("speaker", "pitch"), lambda _context: PitchEmbedder())
    return scripted
