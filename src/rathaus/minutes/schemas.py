"""The data that flows between the stages of the minutes pipeline (plain dataclasses, no database).

Decode → VAD → Transcribe → Diarize → NameSpeakers → AlignAgenda → ExtractDecisions → DraftMinutes.
Times are seconds from the start of the session (several recordings of one session are laid end to end).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass(frozen=True)
class Segment:
    """A stretch of speech by one speaker; ``speaker`` is a cluster label ("S1") until a person is named."""

    start: float
    end: float
    text: str
    speaker: str | None = None
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class AgendaEntry:
    """One agenda item as the pipeline sees it (from OParl or typed in)."""

    number: str  # "7", "5.1", "Ö 3", "N 2"
    title: str
    public: bool = True
    paper_reference: str | None = None  # e.g. "2023/0361"
    proposed_resolution: str | None = None
    key: str = ""  # stable id of the agenda item row, set by the service
    paper_type: str | None = None  # the paper's type as the council's system names it ("Antrag", …)


@dataclass(frozen=True)
class Attendee:
    name: str
    role: str | None = None  # "Vorsitz", "Schriftführung", faction, …
    present: bool = True


@dataclass(frozen=True)
class VoteCounts:
    yes: int
    no: int
    abstain: int = 0


@dataclass(frozen=True)
class VotingRecord:
    """One vote imported from an electronic voting system."""

    item_number: str
    motion: str
    counts: VoteCounts
    named_votes: dict[str, str] = field(default_factory=dict)  # person → "ja" | "nein" | "enthaltung"
    item_title: str | None = None  # matches items without (or with repeated) numbers
