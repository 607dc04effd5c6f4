"""Decoding session recordings: any container ffmpeg reads → one 16 kHz mono 16-bit WAV.

``decode_recordings(paths, work_dir)`` lays the recordings of a session end to end and says where each
file sits; a recording that is missing, empty, unreadable, too long or silent raises ``AudioError``:
``str(error)`` is English for logs, ``error.message_de`` is for the UI. ``read_samples`` and
``pcm16`` read stretches of the WAV without loading it whole.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

SAMPLE_RATE = 16_000
DEFAULT_MAX_SECONDS = 8 * 3600
SILENCE_DBFS = -50.0  # a recording whose loudest 100 ms stays below this is treated as silence
BLOCK_SECONDS = 600  # VAD and level checks read the WAV in blocks of this length

MESSAGES_DE = {
    "missing": "Die Aufnahme wurde nicht gefunden.",
    "empty": "Die Aufnahme ist leer (0 Byte).",
    "corrupt": "Die Aufnahme ist beschädigt oder hat kein lesbares Format.",
    "no_audio": "Die Datei enthält keine Tonspur.",
    "too_long": "Die Aufnahme ist länger als erlaubt.",
    "silence": "Die Aufnahme enthält nur Stille.",
    "no_speech": "In der Aufnahme wurde keine Sprache erkannt (nur Stille, Rauschen oder Musik?).",
    "music": "Die Aufnahme scheint Musik statt gesprochener Sprache zu enthalten. Bitte prüfen Sie, ob die "
    "richtige Datei hochgeladen wurde, und starten Sie die Verarbeitung danach erneut.",
    "not_german": "Die Aufnahme scheint nicht auf Deutsch zu sein.",
    "tools": "ffmpeg/ffprobe ist auf dem Server nicht installiert.",
}


@dataclass(frozen=True)
class SpeechRegion:
    """A stretch of speech, in seconds of session time (found by ``vad.DetectSpeech``)."""

    start: float
    end: float


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

    pcm = pcm16(audio.path)
    first = max(0, int(start * audio.sample_rate))
    last = len(pcm) if end is None else min(len(pcm), int(end * audio.sample_rate))
    return pcm[first:last].astype(np.float32) / 32768.0


def pcm16(path: Path) -> npt.NDArray[np.int16]:
    """The WAV's 16-bit samples, memory-mapped (nothing is read until sliced)."""
    import numpy as np  # noqa: PLC0415

    with wave.open(str(path), "rb") as reader:
        frames = reader.getnframes()
    header = path.stat().st_size - frames * 2
    return np.memmap(path, dtype=np.int16, mode="r", offset=header, shape=(frames,))


def peak_level_dbfs(audio: DecodedAudio) -> float:
    """The RMS level in dBFS of the loudest 100 ms of the audio."""
    import numpy as np  # noqa: PLC0415

    pcm = pcm16(audio.path)
    window = audio.sample_rate // 10
    block = BLOCK_SECONDS * audio.sample_rate
    loudest = 0.0
    for first in range(0, len(pcm), block):
        piece = pcm[first : first + block].astype(np.float32) / 32768.0
        usable = len(piece) - len(piece) % window
        if usable:
            loudest = max(
                loudest, float(np.sqrt((piece[:usable].reshape(-1, window) ** 2).mean(axis=1)).max())
            )
    return 20 * float(np.log10(loudest)) if loudest > 0 else -120.0
