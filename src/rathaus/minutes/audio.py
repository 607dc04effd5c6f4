"""The audio stages of the minutes pipeline: decode → voice activity detection → speech-to-text.

* ``decode_recordings(paths, work_dir)`` turns one or more recordings of a session (any container
  ffmpeg reads) into one 16 kHz mono 16-bit WAV, laid end to end, with each file's offset.
* ``DetectSpeech().run(audio)`` finds the speech regions with the Silero VAD that faster-whisper bundles
  (ONNX, no torch), in blocks, so an eight-hour session never sits in memory as floats.
* ``Transcribe(transcriber).run(audio, hotwords=…)`` runs the platform's Transcriber in chunks cut at
  pauses, with word times, and checks that the recording is German speech.

Failures raise ``AudioError``: ``str(error)`` is English for logs, ``error.message_de`` is for the UI.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rathaus.minutes.schemas import Segment, Word

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from rathaus.core.ai.protocols import Segment as AsrSegment
    from rathaus.core.ai.protocols import Transcriber, Transcript

SAMPLE_RATE = 16_000
DEFAULT_MAX_SECONDS = 8 * 3600
SILENCE_DBFS = -50.0  # a recording whose loudest 100 ms stays below this is treated as silence
_BLOCK_SECONDS = 600  # VAD and level checks read the WAV in blocks of this length

MESSAGES_DE = {
    "missing": "Die Aufnahme wurde nicht gefunden.",
    "empty": "Die Aufnahme ist leer (0 Byte).",
    "corrupt": "Die Aufnahme ist beschädigt oder hat kein lesbares Format.",
    "no_audio": "Die Datei enthält keine Tonspur.",
    "too_long": "Die Aufnahme ist länger als erlaubt.",
    "silence": "Die Aufnahme enthält nur Stille.",
    "no_speech": "In der Aufnahme wurde keine Sprache erkannt (nur Stille, Rauschen oder Musik?).",
    "not_german": "Die Aufnahme scheint nicht auf Deutsch zu sein.",
    "tools": "ffmpeg/ffprobe ist auf dem Server nicht installiert.",
}


class AudioError(Exception):
    """A recording that cannot be processed; ``code`` says why, ``message_de`` tells the clerk."""

    def __init__(self, code: str, message: str, *, message_de: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message_de = message_de or MESSAGES_DE.get(code, "Die Aufnahme konnte nicht verarbeitet werden.")


@dataclass(frozen=True)
class SourceFile:
    """One input recording and where it sits in the session audio."""

    path: str
    offset: float
    duration: float


@dataclass(frozen=True)
class DecodedAudio:
    """The session audio as one 16 kHz mono 16-bit WAV."""

    path: Path
    duration: float
    sources: tuple[SourceFile, ...]
    sample_rate: int = SAMPLE_RATE


@dataclass(frozen=True)
class SpeechRegion:
    start: float
    end: float


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


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise AudioError("tools", f"{name} is not installed")
    return found


def probe(path: Path) -> float:
    """Duration in seconds of the first audio stream of ``path`` (ffprobe); AudioError when unreadable."""
    if not path.exists():
        raise AudioError("missing", f"{path.name}: file not found")
    if path.stat().st_size == 0:
        raise AudioError("empty", f"{path.name}: file is empty (0 bytes)")
    result = subprocess.run(  # noqa: S603 - fixed tool, the file path is one argument
        [
            _tool("ffprobe"),
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1:] or ["unknown error"]
        raise AudioError("corrupt", f"{path.name}: ffprobe cannot read it ({detail[0]})")
    info = json.loads(result.stdout or "{}")
    streams = [s for s in info.get("streams", []) if s.get("codec_type") == "audio"]
    if not streams:
        raise AudioError("no_audio", f"{path.name}: no audio stream")
    for value in (streams[0].get("duration"), info.get("format", {}).get("duration")):
        try:
            if value is not None and float(value) > 0:
                return float(value)
        except ValueError:
            continue
    return 0.0  # unknown until decoded (some streamed containers)


def decode_recordings(
    paths: Sequence[Path],
    work_dir: Path,
    *,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    silence_dbfs: float = SILENCE_DBFS,
) -> DecodedAudio:
    """Decode the recordings of one session, in order, into ``work_dir/session.wav`` (16 kHz mono)."""
    if not paths:
        raise AudioError("missing", "no recording given", message_de="Es wurde keine Aufnahme hochgeladen.")
    durations = [probe(Path(p)) for p in paths]
    if sum(durations) > max_seconds:
        raise AudioError(
            "too_long",
            f"recordings last {sum(durations) / 3600:.1f} h, more than the allowed "
            f"{max_seconds / 3600:.1f} h",
            message_de=f"Die Aufnahme ist länger als erlaubt (höchstens {max_seconds / 3600:g} Stunden).",
        )
    work_dir.mkdir(parents=True, exist_ok=True)
    target = work_dir / "session.wav"
    sources: list[SourceFile] = []
    frames = 0
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        for path in map(Path, paths):
            offset = frames / SAMPLE_RATE
            written = _decode_into(path, out)
            frames += written
            sources.append(SourceFile(path=str(path), offset=offset, duration=written / SAMPLE_RATE))
            if frames / SAMPLE_RATE > max_seconds:
                raise AudioError("too_long", f"decoded audio is longer than {max_seconds:.0f} s")
    if frames == 0:
        raise AudioError("corrupt", "no audio samples could be decoded")
    decoded = DecodedAudio(path=target, duration=frames / SAMPLE_RATE, sources=tuple(sources))
    if peak_level_dbfs(decoded) < silence_dbfs:
        raise AudioError("silence", f"the recording is silent (loudest 100 ms below {silence_dbfs} dBFS)")
    return decoded


def _decode_into(path: Path, out: wave.Wave_write) -> int:
    command = [
        _tool("ffmpeg"),
        "-nostdin",
        "-v",
        "error",
        "-i",
        str(path),
        "-map",
        "0:a:0",
        "-vn",
        "-ac",
        "1",
        "-ar",
        str(SAMPLE_RATE),
        "-f",
        "s16le",
        "-acodec",
        "pcm_s16le",
        "-",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    assert process.stdout is not None
    assert process.stderr is not None
    written = 0
    remainder = b""
    while chunk := process.stdout.read(1 << 20):
        chunk = remainder + chunk
        usable = len(chunk) - len(chunk) % 2
        out.writeframesraw(chunk[:usable])
        remainder = chunk[usable:]
        written += usable // 2
    errors = process.stderr.read().decode(errors="replace").strip()
    if process.wait() != 0 or (written == 0 and errors):
        raise AudioError(
            "corrupt", f"{path.name}: ffmpeg cannot decode it ({errors.splitlines()[-1:] or '?'})"
        )
    return written


def read_samples(
    audio: DecodedAudio, start: float = 0.0, end: float | None = None
) -> npt.NDArray[np.float32]:
    """Samples between two times as float32 in [-1, 1] (memory-mapped, only this stretch is read)."""
    import numpy as np  # noqa: PLC0415

    pcm = _pcm(audio.path)
    first = max(0, int(start * audio.sample_rate))
    last = len(pcm) if end is None else min(len(pcm), int(end * audio.sample_rate))
    return pcm[first:last].astype(np.float32) / 32768.0


def _pcm(path: Path) -> npt.NDArray[np.int16]:
    import numpy as np  # noqa: PLC0415

    with wave.open(str(path), "rb") as reader:
        frames = reader.getnframes()
    header = path.stat().st_size - frames * 2
    return np.memmap(path, dtype=np.int16, mode="r", offset=header, shape=(frames,))


def peak_level_dbfs(audio: DecodedAudio) -> float:
    """The RMS level in dBFS of the loudest 100 ms of the audio."""
    import numpy as np  # noqa: PLC0415

    pcm = _pcm(audio.path)
    window = audio.sample_rate // 10
    block = _BLOCK_SECONDS * audio.sample_rate
    loudest = 0.0
    for first in range(0, len(pcm), block):
        piece = pcm[first : first + block].astype(np.float32) / 32768.0
        usable = len(piece) - len(piece) % window
        if usable:
            loudest = max(
                loudest, float(np.sqrt((piece[:usable].reshape(-1, window) ** 2).mean(axis=1)).max())
            )
    return 20 * float(np.log10(loudest)) if loudest > 0 else -120.0


class DetectSpeech:
    """Voice activity detection with the Silero VAD bundled with faster-whisper."""

    def __init__(
        self,
        *,
        threshold: float = 0.5,
        min_silence_ms: int = 300,
        min_speech_ms: int = 250,
        speech_pad_ms: int = 100,
    ) -> None:
        self.threshold = threshold
        self.min_silence_ms = min_silence_ms
        self.min_speech_ms = min_speech_ms
        self.speech_pad_ms = speech_pad_ms

    def warm_up(self) -> None:
        """Load the ONNX model (once per process; faster-whisper caches it)."""
        from faster_whisper.vad import get_vad_model  # noqa: PLC0415 - heavy

        get_vad_model()

    def run(self, audio: DecodedAudio) -> list[SpeechRegion]:
        """Speech regions in seconds; AudioError ``no_speech`` when there are none."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps  # noqa: PLC0415 - heavy

        options = VadOptions(
            threshold=self.threshold,
            min_silence_duration_ms=self.min_silence_ms,
            min_speech_duration_ms=self.min_speech_ms,
            speech_pad_ms=self.speech_pad_ms,
        )
        regions: list[SpeechRegion] = []
        for block_start in range(0, int(audio.duration) + 1, _BLOCK_SECONDS):
            samples = read_samples(audio, block_start, block_start + _BLOCK_SECONDS)
            if len(samples) < audio.sample_rate // 10:
                continue
            for stamp in get_speech_timestamps(samples, options, sampling_rate=audio.sample_rate):
                region = SpeechRegion(
                    block_start + stamp["start"] / audio.sample_rate,
                    block_start + stamp["end"] / audio.sample_rate,
                )
                if regions and region.start - regions[-1].end < self.min_silence_ms / 1000:
                    regions[-1] = SpeechRegion(regions[-1].start, region.end)  # joined across a block border
                else:
                    regions.append(region)
        if not regions:
            raise AudioError("no_speech", "voice activity detection found no speech")
        return regions


GAP_SECONDS = 0.3  # silence put between two speech regions inside one chunk


def group_regions(regions: Sequence[SpeechRegion], *, chunk_seconds: float) -> list[list[SpeechRegion]]:
    """Consecutive speech regions in groups whose speech (with short gaps) fits ``chunk_seconds``.

    A region longer than that is a group of its own (Whisper then windows it itself).
    """
    groups: list[list[SpeechRegion]] = []
    size = 0.0
    for region in regions:
        length = region.end - region.start
        if groups and size + GAP_SECONDS + length <= chunk_seconds:
            groups[-1].append(region)
            size += GAP_SECONDS + length
        else:
            groups.append([region])
            size = length
    return groups


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
        if result.word_count < max(
            1.0, speech_seconds / 20
        ):  # under 3 words a minute of "speech": music, noise
            raise AudioError(
                "no_speech",
                f"only {result.word_count} words in {speech_seconds:.0f} s of detected "
                "speech (music or noise?)",
            )
        return result


Piece = tuple[float, float, float]  # start in the chunk, start in the session, length


def _collapse(audio: DecodedAudio, group: Sequence[SpeechRegion], index: int) -> tuple[Path, list[Piece]]:
    """Write the group's speech regions, joined by short gaps, as one WAV; where each piece came from."""
    import numpy as np  # noqa: PLC0415

    target = audio.path.with_name(f"chunk-{index:04d}.wav")
    pcm = _pcm(audio.path)
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


def drop_repeats(segments: Sequence[Segment]) -> list[Segment]:
    """Remove Whisper's repetition loops and re-decodes.

    A sentence (3+ words) said again right after itself goes, and so do words that start well before
    the end of the words already kept (Whisper decoding the same stretch twice after a seek).
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
            if key == previous and len(sentence) >= 3:
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
