"""Speech-to-text for the session: the platform's Transcriber in chunks cut at pauses, with word times.

``Transcribe(transcriber).run(audio, hotwords=…, regions=…)`` checks that the recording is German
speech (``AudioError`` ``not_german``, ``no_speech`` or ``music``) and maps every time back to the
session; ``drop_repeats`` removes Whisper's repetition loops.
"""

from __future__ import annotations

import re
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rathaus.minutes.audio.checks import check_words
from rathaus.minutes.audio.decode import AudioError, DecodedAudio, pcm16
from rathaus.minutes.audio.vad import GAP_SECONDS, SpeechRegion, group_regions
from rathaus.minutes.schemas import Segment, Word

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import Segment as AsrSegment
    from rathaus.core.ai.protocols import Transcriber, Transcript


@dataclass(frozen=True)
class TranscriptionResult:
    """The transcript as segments with word times, and how sure Whisper is that it is German."""

    segments: list[Segment]
    language: str
    language_probability: float
    speech_seconds: float

    @property
    def word_count(self) -> int:
        """Number of recognised words."""
        return sum(len(segment.words) or len(segment.text.split()) for segment in self.segments)


def vocabulary_hints(terms: Sequence[str], *, max_chars: int = 240) -> list[str]:
    """Distinct words of agenda titles, paper references and names, as short hints for Whisper.

    Whole titles as hotwords make Whisper repeat them where the audio is unclear; single distinctive
    words (capitalised or with digits, at least four characters) bias it without that risk.
    """
    seen: set[str] = set()
    hints: list[str] = []
    size = 0
    for term in terms:
        for raw in re.findall(r"[\w./-]+", term):
            word = raw.strip("./-")
            if (
                len(word) < 4
                or word.casefold() in seen
                or not (word[0].isupper() or any(c.isdigit() for c in word))
            ):
                continue
            if size + len(word) + 1 > max_chars:
                return hints
            seen.add(word.casefold())
            hints.append(word)
            size += len(word) + 1
    return hints


class Transcribe:
    """Speech-to-text with word times through the platform's Transcriber, chunked at pauses.

    Whisper sees the speech regions only, joined by 0.3 s gaps, in chunks of at most ``chunk_seconds``
    (default 28 s: one Whisper window, nearly full): the decoder never conditions on its own earlier
    output (with small models on long recordings that ends in repetition loops), no window is spent on
    silence, memory stays bounded and each chunk moves the progress bar. Times are mapped back to the
    session. Recordings up to ``single_call_seconds`` go to Whisper whole, with its own VAD.
    """

    def __init__(
        self,
        transcriber: Transcriber,
        *,
        language: str = "de",
        chunk_seconds: float = 28.0,
        min_language_probability: float = 0.5,
        hint_words: bool = True,
        single_call_seconds: float = 60.0,
    ) -> None:
        self.transcriber = transcriber
        self.language = language
        self.chunk_seconds = chunk_seconds
        self.min_language_probability = min_language_probability
        self.hint_words = hint_words
        self.single_call_seconds = single_call_seconds

    def warm_up(self) -> None:
        """Load the Whisper model."""
        warm = getattr(self.transcriber, "warm_up", None)
        if callable(warm):
            warm()

    def _transcribe(self, path: Path, language: str | None, hotwords: Sequence[str], vad: bool) -> Transcript:
        return self.transcriber.transcribe(
            path, language=language, hotwords=hotwords, word_timestamps=True, vad_filter=vad
        )

    def run(
        self,
        audio: DecodedAudio,
        *,
        hotwords: Sequence[str] = (),
        regions: Sequence[SpeechRegion] = (),
        on_progress: Callable[[float], None] | None = None,
    ) -> TranscriptionResult:
        """Transcribe the session; AudioError ``not_german`` or ``no_speech`` for unusable recordings.

        The first chunk is transcribed with language detection: German (or an unsure guess, which is
        then redone as German) goes on; another language detected with confidence stops the job.
        """
        chunked = bool(regions) and audio.duration > self.single_call_seconds
        groups = group_regions(regions, chunk_seconds=self.chunk_seconds) if chunked else [[]]
        speech_seconds = sum(r.end - r.start for r in regions) if regions else audio.duration
        hotwords = vocabulary_hints(hotwords) if self.hint_words else list(hotwords)
        segments: list[Segment] = []
        language, probability = self.language, 1.0
        for index, group in enumerate(groups):
            # only the speech, joined by short gaps; without regions the whole file with Whisper's VAD
            path, pieces = (
                _collapse(audio, group, index) if group else (audio.path, [(0.0, 0.0, audio.duration)])
            )
            transcript = self._transcribe(path, None if index == 0 else self.language, hotwords, not group)
            if index == 0:
                language, probability = transcript.language, transcript.language_probability
                if language != self.language and probability >= self.min_language_probability:
                    raise AudioError(
                        "not_german",
                        f"the recording is in {language!r} (p={probability:.2f}), not {self.language!r}",
                    )
                if language != self.language:  # unsure: take it as German
                    transcript = self._transcribe(path, self.language, hotwords, not group)
            restored = [_restore(segment, pieces) for segment in transcript.segments if segment.text.strip()]
            segments.extend(drop_repeats(restored))
            if path != audio.path:
                path.unlink(missing_ok=True)
            if on_progress:
                on_progress(group[-1].end / audio.duration if group and audio.duration else 1.0)
        result = TranscriptionResult(
            segments=segments,
            language=language,
            language_probability=probability,
            speech_seconds=speech_seconds,
        )
        heard = [w.probability for s in segments for w in s.words]
        check_words(
            audio,
            regions,
            words=result.word_count,
            speech_seconds=speech_seconds,
            mean_probability=sum(heard) / len(heard) if heard else 1.0,
        )
        return result


Piece = tuple[float, float, float]  # start in the chunk, start in the session, length


def _collapse(audio: DecodedAudio, group: Sequence[SpeechRegion], index: int) -> tuple[Path, list[Piece]]:
    """Write the group's speech regions, joined by short gaps, as one WAV; where each piece came from."""
    import numpy as np  # noqa: PLC0415

    target = audio.path.with_name(f"chunk-{index:04d}.wav")
    pcm = pcm16(audio.path)
    gap = np.zeros(int(GAP_SECONDS * audio.sample_rate), dtype=np.int16)
    pieces: list[Piece] = []
    position = 0
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(audio.sample_rate)
        for region in group:
            samples = np.ascontiguousarray(
                pcm[int(region.start * audio.sample_rate) : int(region.end * audio.sample_rate)]
            )
            if pieces:
                out.writeframes(gap.tobytes())
                position += len(gap)
            pieces.append((position / audio.sample_rate, region.start, len(samples) / audio.sample_rate))
            out.writeframes(samples.tobytes())
            position += len(samples)
    return target, pieces


def _to_session(time: float, pieces: Sequence[Piece]) -> float:
    """A time in the collapsed chunk as a time in the session."""
    chunk_start, session_start, length = pieces[0]
    for piece in pieces:
        if piece[0] > time:
            break
        chunk_start, session_start, length = piece
    return session_start + min(max(0.0, time - chunk_start), length)


def _sentences(words: Sequence[Word]) -> list[list[Word]]:
    sentences: list[list[Word]] = [[]]
    for word in words:
        sentences[-1].append(word)
        if word.text.rstrip().endswith((".", "?", "!")):
            sentences.append([])
    return [sentence for sentence in sentences if sentence]


def _key(sentence: Sequence[Word]) -> str:
    return " ".join(re.sub(r"[^\w]", "", w.text.casefold()) for w in sentence)


# Faster than anyone speaks: German council speech runs at 2–4 words a second, 6 is a fast reader.
MAX_WORDS_PER_SECOND = 7.0
ZERO_LENGTH_SECONDS = 0.02


def _squeezed(sentence: Sequence[Word]) -> bool:
    """A sentence Whisper made up at the end of a window: its words have (almost) no time of their own.

    With vocabulary hints, Whisper base sometimes appends earlier text to the last second of a window:
    many words, most of them zero seconds long. Real speech never packs 4+ words that tightly.
    """
    if len(sentence) < 4:
        return False
    zero = sum(1 for w in sentence if w.end - w.start <= ZERO_LENGTH_SECONDS)
    span = max(sentence[-1].end - sentence[0].start, ZERO_LENGTH_SECONDS)
    return zero * 2 > len(sentence) or len(sentence) / span > MAX_WORDS_PER_SECOND


def drop_repeats(segments: Sequence[Segment]) -> list[Segment]:
    """Remove Whisper's repetition loops, re-decodes and squeezed hallucinations.

    A sentence (3+ words) said again right after itself goes, and so do words that start well before
    the end of the words already kept (Whisper decoding the same stretch twice after a seek) and
    sentences whose words have no time of their own (see ``_squeezed``).
    """
    kept: list[Segment] = []
    previous = ""
    last_end = float("-inf")
    for segment in segments:
        if not segment.words:
            kept.append(segment)
            continue
        fresh = [w for w in segment.words if w.start >= last_end - 0.25]
        words: list[Word] = []
        for sentence in _sentences(fresh):
            key = _key(sentence)
            if (key == previous and len(sentence) >= 3) or _squeezed(sentence):
                continue
            previous = key
            words.extend(sentence)
        if words:
            last_end = max(last_end, words[-1].end)
            text = (
                segment.text if len(words) == len(segment.words) else "".join(w.text for w in words).strip()
            )
            kept.append(Segment(start=words[0].start, end=words[-1].end, text=text, words=tuple(words)))
    return kept


def _restore(segment: AsrSegment, pieces: Sequence[Piece]) -> Segment:
    words = tuple(
        Word(
            start=_to_session(w.start, pieces),
            end=_to_session(w.end, pieces),
            text=w.text,
            probability=w.probability,
        )
        for w in segment.words
    )
    return Segment(
        start=_to_session(segment.start, pieces),
        end=_to_session(segment.end, pieces),
        text=segment.text.strip(),
        words=words,
    )
