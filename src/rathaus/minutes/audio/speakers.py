"""Speaker naming: voices enrolled per person (with consent) and the nearest enrolled voice per cluster.

* ``enroll(embedder, audio_path)`` turns a consented voice sample (any format ffmpeg reads, ≥ 5 s of
  speech) into an ``Enrollment``; the data layer stores ``enrollment.vector`` (a list of floats) in
  ``VoiceProfile.embedding`` with the consent date.
* ``name_speakers(voices, enrolled, threshold)`` maps each cluster label ("S1") to the person whose
  enrolled voice is most similar (cosine), if that similarity reaches ``threshold``; every person names at
  most one cluster (optimal one-to-one assignment), the rest stay unnamed for the clerk.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rathaus.minutes.audio import AudioError, DetectSpeech, decode_recordings, read_samples

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from rathaus.core.ai.protocols import SpeakerEmbedder

P = TypeVar("P")
DEFAULT_THRESHOLD = 0.75  # cosine; Resemblyzer gives ~0.8-0.95 for one voice, ~0.5-0.7 for two
MIN_ENROLLMENT_SECONDS = 5.0


@dataclass(frozen=True)
class Enrollment:
    """A voice embedding from a consented sample, and how much speech it was made from."""

    vector: list[float]
    speech_seconds: float
    model: str


@dataclass(frozen=True)
class SpeakerMatch:
    label: str
    person: Any  # the key of ``enrolled`` (a person id), or None
    similarity: float


def enroll(
    embedder: SpeakerEmbedder, audio_path: Path, *, min_seconds: float = MIN_ENROLLMENT_SECONDS
) -> Enrollment:
    """The voice embedding of a sample recording (its speech regions only); AudioError if too short."""
    import numpy as np  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="rathaus-enroll-") as work:
        audio = decode_recordings([audio_path], Path(work))
        regions = DetectSpeech().run(audio)
        speech = sum(r.end - r.start for r in regions)
        if speech < min_seconds:
            raise AudioError(
                "too_short",
                f"voice sample has {speech:.1f} s of speech, at least {min_seconds:.0f} s are needed",
                message_de=f"Die Sprachprobe ist zu kurz (mindestens {min_seconds:.0f} Sekunden Sprache).",
            )
        wave = np.concatenate([read_samples(audio, r.start, r.end) for r in regions])
        vector = embedder.embed(wave, audio.sample_rate)
    norm = max(float(np.linalg.norm(vector)), 1e-9)
    return Enrollment(
        vector=[round(float(x) / norm, 6) for x in vector],
        speech_seconds=round(speech, 2),
        model=f"{embedder.name}:{embedder.model_name}",
    )


def combine(vectors: Sequence[Sequence[float]]) -> list[float]:
    """One voice vector from several (e.g. the enrollment and later confirmed sessions), normalised."""
    import numpy as np  # noqa: PLC0415

    mean = np.asarray(vectors, dtype=np.float64).mean(axis=0)
    return [round(float(x), 6) for x in mean / max(float(np.linalg.norm(mean)), 1e-9)]


def match_speakers(
    voices: Mapping[str, Sequence[float]],
    enrolled: Mapping[P, Sequence[float]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[SpeakerMatch]:
    """For every cluster its best person (one-to-one) and the cosine similarity, None below threshold."""
    from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]  # noqa: PLC0415

    labels = list(voices)
    people = list(enrolled)
    if not labels:
        return []
    if not people:
        return [SpeakerMatch(label, None, 0.0) for label in labels]
    a = _unit_rows([voices[label] for label in labels])
    b = _unit_rows([enrolled[person] for person in people])
    similarity = a @ b.T
    rows, cols = linear_sum_assignment(-similarity)
    best = {int(r): int(c) for r, c in zip(rows, cols, strict=True)}
    matches = []
    for row, label in enumerate(labels):
        column = best.get(row)
        score = float(similarity[row, column]) if column is not None else float(similarity[row].max())
        person = people[column] if column is not None and score >= threshold else None
        matches.append(SpeakerMatch(label, person, round(score, 4)))
    return matches


def name_speakers(
    voices: Mapping[str, Sequence[float]],
    enrolled: Mapping[P, Sequence[float]],
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[str, P | None]:
    """Cluster label → the enrolled person with the nearest voice, or None when nobody is near enough."""
    return {m.label: m.person for m in match_speakers(voices, enrolled, threshold=threshold)}


def _unit_rows(vectors: Sequence[Sequence[float]]) -> npt.NDArray[np.float64]:
    import numpy as np  # noqa: PLC0415

    matrix = np.asarray(vectors, dtype=np.float64)
    return np.asarray(
        matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9), dtype=np.float64
    )
