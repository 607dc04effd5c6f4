"""A synthetic council session: real Karlsruhe minutes text spoken by espeak-ng voices, joined with sox.

``build_session(work_dir, ...)`` picks agenda items of one session in ../shared/data/karlsruhe (or a small
built-in text when the data set is absent), lets the chair call each item ("Ich rufe Tagesordnungspunkt 7
auf: …"), has the speakers of the printed discussion say their first sentences, each in a voice of its own
(espeak-ng variant, pitch and speed), with pauses between turns, and returns the audio with the reference
turns (speaker, start, end, text) and the agenda. Used by the tests and by ``bench/minutes_audio.py``.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

from rathaus.minutes.schemas import AgendaEntry

SAMPLE_RATE = 16_000
KARLSRUHE = Path(__file__).resolve().parents[3] / "shared" / "data" / "karlsruhe" / "sessions"
DEFAULT_SESSION = "gemeinderat_2023-06-27"
CHAIR = "Vorsitz"
# espeak-ng voice, pitch (0-99), speed (words/minute): distinct enough to tell apart, all German.
VOICES = (  # chosen among espeak-ng's variants as the ones Resemblyzer tells apart best
    ("de+m1", 30, 135),
    ("de+f4", 75, 140),
    ("de+Alicia", 50, 140),
    ("de+Diogo", 45, 135),
    ("de+f2", 65, 145),
    ("de+m7", 50, 150),
)
_SPEAKER_LINE = re.compile(
    r"^((?:Der Vorsitzende|Die Vorsitzende|Oberbürgermeister(?:in)?|Erste[r]? Bürgermeister(?:in)?|"
    r"Bürgermeister(?:in)?|"
    r"Stadtr(?:at|ätin)|Stadträte)[^:\n]{0,60}):\s*(.+)$"
)
FALLBACK_TURNS = (
    (
        "Stadträtin Berends (SPD)",
        "Wir begrüßen die Vorlage ausdrücklich. Die Sanierung der Schule ist lange überfällig, "
        "und die Eltern warten seit Jahren auf eine Lösung.",
    ),
    (
        "Stadtrat Cordes (CDU)",
        "Wir sehen die Kosten kritisch. Die Verwaltung sollte prüfen, ob ein Neubau auf lange "
        "Sicht nicht günstiger wäre.",
    ),
    (
        "Stadträtin Albers (GRÜNE)",
        "Für uns ist wichtig, dass das Dach eine Solaranlage bekommt. Dazu haben wir einen "
        "Änderungsantrag gestellt.",
    ),
)


@dataclass(frozen=True)
class Turn:
    speaker: str  # "Vorsitz" or the printed speaker ("Stadtrat Bauer (GRÜNE)")
    start: float
    end: float
    text: str
    item: str | None = None  # agenda number this turn belongs to
    voice: str = ""  # the espeak voice: the identity diarization must find


@dataclass(frozen=True)
class SyntheticSession:
    audio: Path
    duration: float
    turns: list[Turn]
    agenda: list[AgendaEntry]
    voices: dict[str, str]  # speaker → espeak voice

    @property
    def text(self) -> str:
        """The whole reference transcript."""
        return " ".join(turn.text for turn in self.turns)

    def item_starts(self) -> dict[str, float]:
        """Where each agenda item starts (the chair's call), in seconds."""
        starts: dict[str, float] = {}
        for turn in self.turns:
            if turn.item is not None and turn.item not in starts:
                starts[turn.item] = turn.start
        return starts


def clean(text: str) -> str:
    """Join the hyphenated line breaks and page markers of a printed protocol into plain text."""
    text = re.sub(r"\n\s*[–-] \d+ [–-]\s*\n", "\n", text)
    text = re.sub(
        r"(\w)-\s*\n\s*(\w)", lambda m: m.group(1) + ("-" if m.group(2).isupper() else "") + m.group(2), text
    )
    return re.sub(r"[ \t]+", " ", text)


def discussion_turns(protocol: str) -> list[tuple[str, str]]:
    """(speaker, text) of the discussion part of one printed agenda item."""
    turns: list[tuple[str, str]] = []
    for paragraph in re.split(r"\n\s*\n", clean(protocol)):
        line = " ".join(paragraph.split())
        match = _SPEAKER_LINE.match(line)
        if match:
            turns.append((match.group(1).strip(), match.group(2).strip()))
    return turns


def speakable(text: str, *, max_words: int) -> str:
    """The first plain sentences of ``text`` up to ``max_words`` (sentences with digits or § are skipped)."""
    chosen: list[str] = []
    words = 0
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if re.search(r"[\d§%/&()\[\]„“\"]", sentence) or len(sentence.split()) < 4:
            continue
        if words and words + len(sentence.split()) > max_words:
            break
        chosen.append(sentence)
        words += len(sentence.split())
        if words >= max_words:
            break
    return " ".join(chosen)


def short_title(title: str, max_words: int = 8) -> str:
    """The agenda title as a chair would say it: the first words, without references in brackets."""
    title = re.sub(r"\([^)]*\)|[„“\"]", "", title)
    title = re.split(r"[:–]", title)[0]
    return " ".join(title.split()[:max_words])


def _load_items(session_dir: Path | None) -> list[tuple[AgendaEntry, list[tuple[str, str]]]]:
    if session_dir is None or not session_dir.exists():
        entry = AgendaEntry(number="1", title="Sanierung der Grundschule am Markt", key="1")
        return [(entry, list(FALLBACK_TURNS))]
    meeting = json.loads((session_dir / "oparl_meeting.json").read_text())
    items = []
    for raw in meeting.get("agendaItem", []):
        number = str(raw.get("number", "")).strip()
        protocol = session_dir / "protocol_per_top" / f"TOP_{number}.txt"
        if not number or not protocol.exists() or not raw.get("public", True):
            continue
        entry = AgendaEntry(
            number=number, title=str(raw.get("name", "")), public=True, key=str(raw.get("id", number))
        )
        items.append((entry, discussion_turns(protocol.read_text())))
    return items


def _espeak(text: str, voice: tuple[str, int, int], target: Path) -> float:
    raw = target.with_suffix(".raw.wav")
    name, pitch, speed = voice
    subprocess.run(
        ["espeak-ng", "-v", name, "-p", str(pitch), "-s", str(speed), "-w", str(raw), text], check=True
    )
    # 16 kHz mono, leading and trailing silence trimmed so the reference turn times are tight
    subprocess.run(
        [
            "sox",
            "-V1",
            str(raw),
            "-r",
            str(SAMPLE_RATE),
            "-c",
            "1",
            "-b",
            "16",
            str(target),
            "silence",
            "1",
            "0.02",
            "0.5%",
            "reverse",
            "silence",
            "1",
            "0.02",
            "0.5%",
            "reverse",
        ],
        check=True,
    )
    raw.unlink()
    with wave.open(str(target), "rb") as reader:
        return reader.getnframes() / SAMPLE_RATE


def _silence(seconds: float, target: Path) -> None:
    subprocess.run(
        [
            "sox",
            "-V1",
            "-n",
            "-r",
            str(SAMPLE_RATE),
            "-c",
            "1",
            "-b",
            "16",
            str(target),
            "trim",
            "0",
            f"{seconds:.3f}",
        ],
        check=True,
    )


def build_session(
    work_dir: Path,
    *,
    session: str | None = DEFAULT_SESSION,
    target_seconds: float = 90.0,
    max_items: int = 3,
    turns_per_item: int = 3,
    words_per_turn: int = 22,
    speakers: int = 3,
    seed: int = 7,
) -> SyntheticSession:
    """Synthesise a session of about ``target_seconds`` with ``speakers`` voices (the chair is one)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    session_dir = KARLSRUHE / session if session else None
    items = [
        (entry, turns)
        for entry, turns in _load_items(session_dir)
        if sum(1 for _, text in turns if speakable(text, max_words=words_per_turn)) >= 1
    ]
    voices: dict[str, tuple[str, int, int]] = {CHAIR: VOICES[0]}
    members = list(VOICES[1:speakers])
    pieces: list[Path] = []
    turns: list[Turn] = []
    agenda: list[AgendaEntry] = []
    clock = 0.0
    for entry, printed in items[:max_items]:
        if clock >= target_seconds:
            break
        agenda.append(entry)
        script = [(CHAIR, f"Ich rufe Tagesordnungspunkt {entry.number} auf: {short_title(entry.title)}.")]
        for speaker, text in printed:
            if len(script) > turns_per_item:
                break
            said = speakable(text, max_words=words_per_turn)
            if not said or speaker.startswith(("Der Vorsitzende", "Die Vorsitzende", "Oberbürgermeister")):
                continue
            script.append((speaker, said))
        script.append((CHAIR, "Dann kommen wir zur Abstimmung. Das ist einstimmig so beschlossen."))
        for speaker, text in script:
            if speaker not in voices:
                voices[speaker] = members[(len(voices) - 1) % len(members)] if members else VOICES[0]
            piece = work_dir / f"turn-{len(turns):03d}.wav"
            seconds = _espeak(text, voices[speaker], piece)
            pause = rng.uniform(0.6, 1.4)
            gap = work_dir / f"pause-{len(turns):03d}.wav"
            _silence(pause, gap)
            pieces += [gap, piece]
            clock += pause
            turns.append(
                Turn(
                    speaker=speaker,
                    start=round(clock, 3),
                    end=round(clock + seconds, 3),
                    text=text,
                    item=entry.number,
                    voice=voices[speaker][0],
                )
            )
            clock += seconds
    tail = work_dir / "pause-end.wav"
    _silence(1.0, tail)
    audio = work_dir / "session.wav"
    subprocess.run(["sox", "-V1", *map(str, pieces), str(tail), str(audio)], check=True)
    for piece in pieces:
        piece.unlink()
    tail.unlink()
    with wave.open(str(audio), "rb") as reader:
        duration = reader.getnframes() / SAMPLE_RATE
    return SyntheticSession(
        audio=audio,
        duration=duration,
        turns=turns,
        agenda=agenda,
        voices={speaker: voice[0] for speaker, voice in voices.items()},
    )
