"""A reviewed transcript or subtitles as the meeting's transcript: WebVTT, SRT or JSON → segments.

A council that already has a checked transcript (or the subtitles of its stream) imports it instead
of a recording; the pipeline then continues with speaker naming, agenda alignment, decisions and the
draft. Reading is strict where a wrong reading would misplace speech (times are non-negative, a cue
ends no earlier than it starts and starts no earlier than the cue before) and lenient where nothing
is lost (empty cues are skipped and counted). Every refusal is German and names the cue and its line.

Speakers come from WebVTT voice tags (``<v Name>``), from a ``Name: text`` prefix (read in
``transcript_speakers``), or from the JSON field ``speaker``. A cue without one continues the previous
speaker: subtitles name a speaker only when the turn changes. Consecutive cues of one speaker are
joined until a sentence ends, so that a sentence split over two subtitle lines is read as one (the
chair's result statement above all).
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from rathaus.core.text.encoding import UndecodableTextError, decode_upload
from rathaus.minutes.agenda import MinutesInputError
from rathaus.minutes.schemas import Segment
from rathaus.minutes.transcript_speakers import looks_like_speaker, speaker_key, split_speaker

FORMATS = {"webvtt": "WebVTT", "srt": "SRT", "json": "JSON"}
JOIN_MAX_GAP = 2.0  # seconds between two cues of one speaker that still continue a sentence
JOIN_MAX_WORDS = 80
SUBTITLE_WORDS = 20  # a cue this short that stops mid-sentence is a subtitle line, continued by the next
_TIMING = re.compile(r"^\s*(?P<start>\S+)\s+-->\s+(?P<end>\S+)(?:\s.*)?$")
_CLOCK = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{2})(?:[.,](?P<f>\d{1,3}))?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+(?P<name>[^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")  # WebVTT/HTML tags, timestamps, ASS overrides ({\an8})
_ENDS_SENTENCE = re.compile(r"[.!?…:;)\]][\"'“”»«]*$")


class TranscriptImportError(MinutesInputError):
    """A transcript file that cannot be taken; the German message names the cue and the line."""


@dataclass(frozen=True)
class Cue:
    """One cue (subtitle block or JSON entry) as read; ``line`` is 0 where the format has none."""

    number: int
    line: int
    start: float
    end: float
    text: str
    speaker: str | None = None

    @property
    def where(self) -> str:
        """The German name of the cue's place, e.g. ``Eintrag 12 (Zeile 57)``."""
        return f"Eintrag {self.number} (Zeile {self.line})" if self.line else f"Eintrag {self.number}"


@dataclass(frozen=True)
class ImportedTranscript:
    """What an import yields: the segments for the meeting and what the clerk is told about it."""

    format: str  # "webvtt" | "srt" | "json"
    segments: tuple[Segment, ...]
    cues: int
    skipped_empty: int

    @property
    def speakers(self) -> tuple[str, ...]:
        """The speakers' names in the order they first speak."""
        return tuple(dict.fromkeys(s.speaker for s in self.segments if s.speaker))

    @property
    def format_label(self) -> str:
        return FORMATS[self.format]


def decode_text(data: bytes) -> str:
    """The file's text in whatever encoding it was saved (UTF-8, cp1252, …), else a German refusal."""
    try:
        return decode_upload(data, what="Die Transkriptdatei")
    except UndecodableTextError as error:
        raise TranscriptImportError(str(error)) from error


def detect_format(text: str, filename: str | None = None) -> str:
    """``webvtt``, ``srt`` or ``json``: by the content first, by the file name's ending otherwise."""
    head = text.lstrip()
    if head.startswith("WEBVTT"):
        return "webvtt"
    if head.startswith(("[", "{")):
        return "json"
    if re.match(r"^\d+\s*\n[^\n]*-->", head):
        return "srt"
    suffix = PurePath(filename or "").suffix.lower()
    known = {".vtt": "webvtt", ".webvtt": "webvtt", ".srt": "srt", ".json": "json"}
    if suffix in known:
        return known[suffix]
    msg = (
        "Das Format der Datei ist nicht erkennbar. Erwartet wird WebVTT (beginnt mit „WEBVTT“), "
        "SRT (nummerierte Einträge mit „00:00:01,000 --> 00:00:04,000“) oder JSON."
    )
    raise TranscriptImportError(msg)


def parse_transcript(data: bytes, *, filename: str | None = None) -> ImportedTranscript:
    """Read a WebVTT, SRT or JSON transcript into segments; ``TranscriptImportError`` says what is wrong."""
    text = decode_text(data)
    if not text.strip():
        raise TranscriptImportError("Die Datei ist leer.")
    kind = detect_format(text, filename)
    readers = {"webvtt": parse_webvtt, "srt": parse_srt, "json": parse_json}
    cues = readers[kind](text)
    check_times(cues)
    spoken = [cue for cue in cues if cue.text]
    if not spoken:
        raise TranscriptImportError("Die Datei enthält keinen Text (alle Einträge sind leer).")
    return ImportedTranscript(
        format=kind,
        segments=tuple(join_cues(spoken)),
        cues=len({cue.number for cue in cues}),
        skipped_empty=len({cue.number for cue in cues} - {cue.number for cue in spoken}),
    )


# -- times ----------------------------------------------------------------------------------------


def clock(seconds: float) -> str:
    """``HH:MM:SS.mmm`` for messages."""
    millis = round(seconds * 1000)
    hours, minutes, secs = millis // 3_600_000, millis // 60_000 % 60, millis // 1000 % 60
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis % 1000:03d}"


def parse_clock(value: str) -> float | None:
    """Seconds of ``01:02:03.500``, ``02:03.500`` or ``01:02:03,500``; None when it is no time."""
    match = _CLOCK.match(value.strip())
    if match is None or int(match["m"]) > 59 or int(match["s"]) > 59:
        return None
    fraction: str = match["f"] or "0"
    return float(
        int(match["h"] or 0) * 3600
        + int(match["m"]) * 60
        + int(match["s"])
        + int(fraction) / 10 ** len(fraction)
    )


def check_times(cues: list[Cue]) -> None:
    """Refuse negative times, cues that end before they start, and cues out of order."""
    previous: Cue | None = None
    for cue in cues:
        if cue.start < 0 or cue.end < 0:
            raise TranscriptImportError(f"{cue.where}: Zeitangaben dürfen nicht negativ sein.")
        if cue.end < cue.start:
            msg = f"{cue.where}: endet ({clock(cue.end)}) vor seinem Beginn ({clock(cue.start)})."
            raise TranscriptImportError(msg)
        if previous is not None and cue.start < previous.start:
            msg = (
                f"{cue.where}: beginnt ({clock(cue.start)}) vor dem vorherigen Eintrag "
                f"({clock(previous.start)}). "
                "Die Einträge müssen nach der Zeit geordnet sein."
            )
            raise TranscriptImportError(msg)
        previous = cue


# -- WebVTT and SRT -------------------------------------------------------------------------------


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the number of their first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _timing(line: str, line_number: int, number: int) -> tuple[float, float]:
    match = _TIMING.match(line)
    start = parse_clock(match["start"]) if match else None
    end = parse_clock(match["end"]) if match else None
    if start is None or end is None:
        msg = (
            f"Eintrag {number} (Zeile {line_number}): Die Zeitangabe „{line.strip()[:60]}“ ist ungültig "
            "(erwartet z. B. „00:01:02.500 --> 00:01:05.000“)."
        )
        raise TranscriptImportError(msg)
    return start, end


def parse_webvtt(text: str) -> list[Cue]:
    """The cues of a WebVTT file (header, NOTE, STYLE and REGION blocks skipped)."""
    blocks = _blocks(text)
    if not blocks or not re.match(r"^WEBVTT(?:[ \t].*)?$", blocks[0][1][0]):
        raise TranscriptImportError("Zeile 1: Eine WebVTT-Datei beginnt mit „WEBVTT“.")
    cues: list[Cue] = []
    for line_number, lines in blocks[1:]:
        if re.match(r"^(NOTE|STYLE|REGION)(?:\s|$)", lines[0]):
            continue
        cues.extend(_cue(lines, line_number, cues[-1].number + 1 if cues else 1))
    return cues


def parse_srt(text: str) -> list[Cue]:
    """The cues of a SubRip file (the running number may be missing; ``.`` before milliseconds is taken)."""
    cues: list[Cue] = []
    for number, (line_number, lines) in enumerate(_blocks(text), start=1):
        cues.extend(_cue(lines, line_number, number))
    return cues


def _cue(lines: list[str], line_number: int, number: int) -> list[Cue]:
    """One block: an optional identifier line, the timing line, the text (split where voices change)."""
    at = 0 if "-->" in lines[0] else 1
    if at >= len(lines) or "-->" not in lines[at]:
        msg = (
            f"Eintrag {number} (Zeile {line_number}): Die Zeitangabe fehlt "
            "(erwartet z. B. „00:01:02.500 --> 00:01:05.000“)."
        )
        raise TranscriptImportError(msg)
    start, end = _timing(lines[at], line_number + at, number)
    pieces = _voices(" ".join(lines[at + 1 :]))
    total = sum(len(text) for _, text in pieces) or 1
    cues, clock_at = [], start
    for speaker, text in pieces:  # several voices in one cue share its time by their length
        share = (end - start) * len(text) / total
        cues.append(Cue(number, line_number + at, clock_at, clock_at + share, text, speaker))
        clock_at += share
    return cues or [Cue(number, line_number + at, start, end, "", None)]


def _voices(raw: str) -> list[tuple[str | None, str]]:
    """(speaker, clean text) pieces of a cue's text: by voice tags, else by a ``Name: text`` prefix."""
    parts = _VOICE.split(raw)  # [before, name1, text1, name2, text2, …]
    pieces: list[tuple[str | None, str]] = []
    for index in range(0, len(parts), 2):
        named = parts[index - 1] if index else None
        text = _clean(parts[index])
        if not text:
            continue
        speaker = _clean(named) if named else None
        pieces.append((speaker or None, text) if speaker else split_speaker(text))
    return pieces


def _clean(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).split())


# -- JSON -----------------------------------------------------------------------------------------


def parse_json(text: str) -> list[Cue]:
    """Entries of a JSON list ``[{"speaker", "start", "end", "text"}, …]`` or ``{"segments": [...]}``.

    Times are seconds (numbers) or clock strings ("00:01:02.500").
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        msg = f"Die JSON-Datei ist nicht lesbar (Zeile {error.lineno}, Spalte {error.colno}: {error.msg})."
        raise TranscriptImportError(msg) from error
    entries = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        msg = (
            "Erwartet wird eine Liste von Einträgen mit „speaker“, „start“, „end“ und „text“ "
            "oder ein Objekt mit einer solchen Liste unter „segments“."
        )
        raise TranscriptImportError(msg)
    return [_json_cue(entry, number) for number, entry in enumerate(entries, start=1)]


def _json_cue(entry: Any, number: int) -> Cue:
    if not isinstance(entry, dict):
        msg = f"Eintrag {number}: ist kein Objekt mit „speaker“, „start“, „end“ und „text“."
        raise TranscriptImportError(msg)
    text, speaker = entry.get("text"), entry.get("speaker")
    if text is not None and not isinstance(text, str):
        raise TranscriptImportError(f"Eintrag {number}: „text“ muss Text sein.")
    if speaker is not None and not isinstance(speaker, str | int):
        raise TranscriptImportError(f"Eintrag {number}: „speaker“ muss ein Name sein.")
    clean = _clean(text or "")
    name = _clean(str(speaker)) if speaker is not None else ""
    if not name:
        found, clean = split_speaker(clean)
        name = found or ""
    start, end = _json_time(entry, "start", number), _json_time(entry, "end", number)
    return Cue(number, 0, start, end, clean, name or None)


def _json_time(entry: dict[str, Any], key: str, number: int) -> float:
    value = entry.get(key)
    seconds: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = parse_clock(value)
        if seconds is None:
            try:
                seconds = float(value)
            except ValueError:
                seconds = None
    if seconds is None or not math.isfinite(seconds):
        msg = f"Eintrag {number}: „{key}“ fehlt oder ist keine Zeitangabe (Sekunden oder „00:01:02.500“)."
        raise TranscriptImportError(msg)
    return seconds


# -- cues → segments ------------------------------------------------------------------------------


def join_cues(cues: list[Cue]) -> list[Segment]:
    """Segments of the spoken cues: speakers carried forward, a sentence split over subtitle cues joined.

    Only a short cue (a subtitle line, not a transcript's paragraph) that stops mid-sentence is
    continued by the next cue of the same speaker, so turns and calls of the chair stay apart.
    """
    segments: list[Segment] = []
    speaker: str | None = None
    previous: Cue | None = None
    for cue in cues:
        speaker = cue.speaker or speaker
        last = segments[-1] if segments else None
        if (
            last is not None
            and previous is not None
            and len(previous.text.split()) <= SUBTITLE_WORDS
            and not _ENDS_SENTENCE.search(previous.text)
            and speaker_key(last.speaker or "") == speaker_key(speaker or "")
            and cue.start - last.end <= JOIN_MAX_GAP
            and len(last.text.split()) + len(cue.text.split()) <= JOIN_MAX_WORDS
        ):
            segments[-1] = Segment(last.start, max(last.end, cue.end), f"{last.text} {cue.text}", speaker)
        else:
            segments.append(Segment(cue.start, cue.end, cue.text, speaker))
        previous = cue
    return segments


# speaker labels live in transcript_speakers; these two are imported from here too
__all__ = ["looks_like_speaker", "split_speaker"]
