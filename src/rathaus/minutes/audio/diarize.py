"""Speaker diarization: who spoke when, from voice embeddings and clustering (no hub models).

1. The speech regions (VAD) are cut into *units* of at most ``max_unit_seconds``, at the pauses between
   words where possible, so that a unit is almost always one speaker.
2. Each unit gets a voice embedding (Resemblyzer, 256 dimensions).
3. The units of at least ``min_unit_seconds`` are clustered (agglomerative, cosine distance, average
   linkage); the number of speakers is where the merge distance passes ``threshold``. Clusters with
   little speech are dissolved into their nearest neighbour; short units join the nearest cluster.
4. Short flips (a unit between two units of another, same speaker) are smoothed away.
5. Each word takes the speaker of the unit it falls in; Whisper's segments are split at speaker
   changes, clear pauses and where the chair calls an item; labels are S1, S2, … in order of first
   appearance.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rathaus.minutes.audio import DecodedAudio, SpeechRegion, read_samples
from rathaus.minutes.schemas import Segment, Word

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from rathaus.core.ai.protocols import SpeakerEmbedder

    Matrix = npt.NDArray[np.float32]

MAX_CLUSTERED_UNITS = 3000  # above this a sample is clustered and the rest joins the nearest cluster


@dataclass(frozen=True)
class Unit:
    start: float
    end: float

    @property
    def seconds(self) -> float:
        """Length of the unit."""
        return self.end - self.start


@dataclass(frozen=True)
class Diarization:
    """Segments with speaker labels, and per label its mean voice embedding and speaking time."""

    segments: list[Segment]
    voices: dict[str, list[float]]
    seconds: dict[str, float]

    @property
    def labels(self) -> list[str]:
        """The speaker labels in order of first appearance."""
        return list(self.voices)


class Diarize:
    """Split a transcript into speaker turns and label the voices S1, S2, …"""

    def __init__(
        self,
        embedder: SpeakerEmbedder,
        *,
        threshold: float = 0.3,
        max_unit_seconds: float = 3.0,
        min_unit_seconds: float = 1.0,
        min_speaker_seconds: float = 4.0,
        smooth_seconds: float = 1.5,
        max_speakers: int = 40,
    ) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self.max_unit_seconds = max_unit_seconds
        self.min_unit_seconds = min_unit_seconds
        self.min_speaker_seconds = min_speaker_seconds
        self.smooth_seconds = smooth_seconds
        self.max_speakers = max_speakers

    def warm_up(self) -> None:
        """Load the voice encoder."""
        warm = getattr(self.embedder, "warm_up", None)
        if callable(warm):
            warm()

    def run(
        self,
        audio: DecodedAudio | Path,
        segments: Sequence[Segment],
        *,
        regions: Sequence[SpeechRegion] = (),
        num_speakers: int | None = None,
    ) -> Diarization:
        """Label the segments by speaker; ``num_speakers`` fixes the count when the clerk knows it."""
        import numpy as np  # noqa: PLC0415

        decoded = audio if isinstance(audio, DecodedAudio) else _as_decoded(audio)
        words = [word for segment in segments for word in segment.words]
        units = make_units(
            regions or _regions_from_words(words, segments), words, max_seconds=self.max_unit_seconds
        )
        if not units:
            return Diarization(segments=list(segments), voices={}, seconds={})
        vectors = self.embed_units(decoded, units)
        labels = self.cluster(units, vectors, num_speakers=num_speakers)
        labels = smooth(units, labels, max_seconds=self.smooth_seconds)
        labelled = assign_speakers(segments, units, labels)
        order = {
            old: f"S{i + 1}"
            for i, old in enumerate(dict.fromkeys(s.speaker for s in labelled if s.speaker is not None))
        }
        labelled = [replace(s, speaker=order.get(s.speaker or "", s.speaker)) for s in labelled]
        voices: dict[str, list[float]] = {}
        seconds: dict[str, float] = {}
        for old, new in order.items():
            members = [i for i, label in enumerate(labels) if str(label) == old]
            weights = np.array([units[i].seconds for i in members], dtype=np.float32)
            mean = (vectors[members] * weights[:, None]).sum(axis=0)
            voices[new] = [round(float(x), 6) for x in mean / max(float(np.linalg.norm(mean)), 1e-9)]
            seconds[new] = round(float(weights.sum()), 2)
        return Diarization(segments=labelled, voices=voices, seconds=seconds)

    def embed_units(self, audio: DecodedAudio, units: Sequence[Unit]) -> Matrix:
        """A voice vector per unit (batched when the embedder offers ``embed_many``)."""
        import numpy as np  # noqa: PLC0415

        many = getattr(self.embedder, "embed_many", None)
        vectors: list[Matrix] = []
        for first in range(0, len(units), 256):  # bounded memory for long sessions
            waves = [read_samples(audio, u.start, u.end) for u in units[first : first + 256]]
            if callable(many):
                vectors.append(np.asarray(many(waves, audio.sample_rate), dtype=np.float32))
            else:
                vectors.append(np.stack([self.embedder.embed(w, audio.sample_rate) for w in waves]))
        return np.concatenate(vectors).astype(np.float32)

    def cluster(
        self, units: Sequence[Unit], vectors: Matrix, *, num_speakers: int | None = None
    ) -> list[int]:
        """A cluster number per unit."""
        import numpy as np  # noqa: PLC0415

        durations = np.array([u.seconds for u in units])
        long = [i for i, d in enumerate(durations) if d >= self.min_unit_seconds] or list(range(len(units)))
        sample = (
            long
            if len(long) <= MAX_CLUSTERED_UNITS
            else sorted(random.Random(0).sample(long, MAX_CLUSTERED_UNITS))  # noqa: S311
        )
        if len(sample) == 1:
            return [0] * len(units)
        sample_labels = _agglomerative(
            vectors[sample], threshold=self.threshold, n_clusters=num_speakers, max_clusters=self.max_speakers
        )
        centroids = _centroids(vectors[sample], sample_labels, durations[sample])
        # dissolve clusters with too little speech into their nearest neighbour (unless the count is fixed)
        if num_speakers is None:
            while len(centroids) > 1:
                nearest = _nearest(vectors[sample], centroids)
                talk = {c: float(durations[sample][nearest == c].sum()) for c in centroids}
                smallest = min(talk, key=talk.__getitem__)
                if talk[smallest] >= self.min_speaker_seconds:
                    break
                del centroids[smallest]
        keys = list(centroids)
        nearest = _nearest(vectors, centroids)
        return [keys.index(int(c)) if int(c) in keys else 0 for c in nearest]


def _agglomerative(
    vectors: Matrix, *, threshold: float, n_clusters: int | None, max_clusters: int
) -> list[int]:
    from sklearn.cluster import AgglomerativeClustering  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy

    if n_clusters is not None:
        n_clusters = max(1, min(n_clusters, len(vectors)))
        model = AgglomerativeClustering(n_clusters=n_clusters, metric="cosine", linkage="average")
    else:
        model = AgglomerativeClustering(
            n_clusters=None, distance_threshold=threshold, metric="cosine", linkage="average"
        )
    labels = [int(x) for x in model.fit_predict(vectors)]
    if n_clusters is None and len(set(labels)) > max_clusters:
        return _agglomerative(
            vectors, threshold=threshold, n_clusters=max_clusters, max_clusters=max_clusters
        )
    return labels


def _centroids(vectors: Matrix, labels: Sequence[int], weights: npt.NDArray[np.float64]) -> dict[int, Matrix]:
    import numpy as np  # noqa: PLC0415

    centroids = {}
    for label in sorted(set(labels)):
        mask = np.array(labels) == label
        mean = (vectors[mask] * weights[mask][:, None]).sum(axis=0)
        centroids[label] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return centroids


def _nearest(vectors: Matrix, centroids: dict[int, Matrix]) -> npt.NDArray[np.int64]:
    import numpy as np  # noqa: PLC0415

    keys = np.array(list(centroids))
    similarity = vectors @ np.stack(list(centroids.values())).T
    return np.asarray(keys[similarity.argmax(axis=1)], dtype=np.int64)


def make_units(regions: Sequence[SpeechRegion], words: Sequence[Word], *, max_seconds: float) -> list[Unit]:
    """Cut speech regions into units of at most ``max_seconds``, at the widest word gap where possible."""
    ordered = sorted(words, key=lambda w: w.start)
    middles = [(w.start + w.end) / 2 for w in ordered]
    units: list[Unit] = []
    for region in regions:
        inside = ordered[bisect.bisect_left(middles, region.start) : bisect.bisect_right(middles, region.end)]
        gaps = [((a.end + b.start) / 2, b.start - a.end) for a, b in itertools.pairwise(inside)]
        start = region.start
        while region.end - start > max_seconds:
            candidates = [g for g in gaps if start + max_seconds / 3 <= g[0] <= start + max_seconds]
            cut = (
                max(candidates, key=lambda g: (round(g[1], 2), g[0]))[0]
                if candidates
                else start + max_seconds
            )
            units.append(Unit(start, cut))
            start = cut
        if region.end - start > 0.05:
            units.append(Unit(start, region.end))
    return units


def smooth(units: Sequence[Unit], labels: Sequence[int], *, max_seconds: float) -> list[int]:
    """Relabel a short unit (or short run) that sits between two units of one other speaker."""
    result = list(labels)
    i = 0
    while i < len(result):
        j = i
        while j + 1 < len(result) and result[j + 1] == result[i]:
            j += 1
        run_seconds = units[j].end - units[i].start
        if (
            i > 0
            and j + 1 < len(result)
            and result[i - 1] == result[j + 1] != result[i]
            and run_seconds <= max_seconds
        ):
            for k in range(i, j + 1):
                result[k] = result[i - 1]
            i = max(0, i - 1)
            while i > 0 and result[i - 1] == result[i]:
                i -= 1
            continue
        i = j + 1
    return result


def _unit_of(units: Sequence[Unit], starts: Sequence[float], start: float, end: float) -> int:
    """The unit containing the middle of [start, end], else the nearest one (units sorted by start)."""
    middle = (start + end) / 2
    index = max(0, bisect.bisect_right(starts, middle) - 1)
    if units[index].start <= middle <= units[index].end or index + 1 >= len(units):
        return index
    before = middle - units[index].end if units[index].end < middle else 0.0
    return index if before <= units[index + 1].start - middle else index + 1


# "(Ich) rufe Tagesordnungspunkt 7 auf", "Wir kommen zu TOP 5", "Dann rufe ich Punkt 3 der Tagesordnung
# auf": the calling verb within two words of the start, an item keyword within the next six.
_CALL_START = re.compile(
    r"^(?:(?:ich|wir|dann|nun|jetzt|und|so)\s+){0,2}(?:rufe|rufen|komme|kommen)\b"
    r"(?:\s+\S+){0,6}?\s+\S*(?:tagesordnung|ordnungspunkt|\btop\b)"
)
_CALL_WINDOW = 10


def _call_starts(words: Sequence[Word]) -> set[int]:
    """Indices of the words that begin a chair's call of an agenda item (the first of each call)."""
    tokens = [re.sub(r"[^\w]", "", w.text.casefold()) for w in words]
    starts: set[int] = set()
    index = 0
    while index < len(tokens):
        if _CALL_START.match(" ".join(tokens[index : index + _CALL_WINDOW])):
            starts.add(index)
            index += 3  # the rest of this call is not another one
        else:
            index += 1
    return starts


def _pause(before: Word, after: Word) -> bool:
    gap = after.start - before.end
    return gap >= 1.5 or (gap >= 0.5 and before.text.rstrip().endswith((".", "?", "!")))


def assign_speakers(
    segments: Sequence[Segment], units: Sequence[Unit], labels: Sequence[int]
) -> list[Segment]:
    """Give every word its unit's speaker; split segments where the speaker changes or at clear pauses.

    A pause of 0.5 s after a sentence end, or of 1.5 s anywhere, also starts a new segment, and so does
    the chair's call of an item ("… einstimmig beschlossen. Ich rufe Tagesordnungspunkt 7 auf"), so
    that the call does not hide inside the previous item's closing words and the vote stays with its
    item.
    """
    starts = [unit.start for unit in units]
    result: list[Segment] = []
    for segment in segments:
        if not segment.words:
            label = str(labels[_unit_of(units, starts, segment.start, segment.end)])
            result.append(replace(segment, speaker=label))
            continue
        runs: list[tuple[str, list[Word]]] = []
        calls = _call_starts(segment.words)
        for index, word in enumerate(segment.words):
            label = str(labels[_unit_of(units, starts, word.start, word.end)])
            if runs and runs[-1][0] == label and not _pause(runs[-1][1][-1], word) and index not in calls:
                runs[-1][1].append(word)
            else:
                runs.append((label, [word]))
        for label, run in runs:
            result.append(
                Segment(
                    start=run[0].start,
                    end=run[-1].end,
                    speaker=label,
                    words=tuple(run),
                    text="".join(w.text for w in run).strip(),
                )
            )
    return result


def _regions_from_words(
    words: Sequence[Word], segments: Sequence[Segment], gap: float = 0.3
) -> list[SpeechRegion]:
    spans = [(w.start, w.end) for w in words] or [(s.start, s.end) for s in segments]
    regions: list[SpeechRegion] = []
    for start, end in sorted(spans):
        if regions and start - regions[-1].end < gap:
            regions[-1] = SpeechRegion(regions[-1].start, max(regions[-1].end, end))
        else:
            regions.append(SpeechRegion(start, end))
    return regions


def _as_decoded(path: Path) -> DecodedAudio:
    import wave  # noqa: PLC0415

    with wave.open(str(path), "rb") as reader:
        if reader.getnchannels() != 1 or reader.getsampwidth() != 2:
            raise ValueError(f"{path.name}: expected a 16-bit mono WAV from decode_recordings")
        return DecodedAudio(
            path=path,
            duration=reader.getnframes() / reader.getframerate(),
            sources=(),
            sample_rate=reader.getframerate(),
        )
