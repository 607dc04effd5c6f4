"""Shapes of the assistant's answers: what the engine returns and what the JSON API speaks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

AnswerMode = Literal["extractive", "llm", "handover", "refused", "clarify"]


class PassageLike(Protocol):
    """What the answer engine reads from a retrieved passage (``retrieval.Passage`` fits)."""

    @property
    def source_id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def section(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def facts(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Citation:
    """A numbered reference [n] to the passage an answer sentence comes from."""

    number: int
    source_id: int
    title: str
    section: str
    url: str | None
    score: float


@dataclass(frozen=True)
class Contact:
    """How to reach the responsible office."""

    name: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    hours: str | None = None


@dataclass(frozen=True)
class Handover:
    """Where a person can help when the sources do not answer the question."""

    reason: str
    contacts: tuple[Contact, ...] = ()
    booking_url: str | None = None
    booking_service: str | None = None


@dataclass(frozen=True)
class KeyFacts:
    """The key facts of a service: fees, duration, documents to bring, where to go."""

    service: str
    fees: str | None = None
    duration: str | None = None
    documents: tuple[str, ...] = ()
    forms: tuple[tuple[str, str], ...] = ()
    locations: tuple[str, ...] = ()
    booking_url: str | None = None
    citation: int | None = None


@dataclass(frozen=True)
class Provenance:
    """What produced an LLM answer, for the AI draft record."""

    backend: str
    model_name: str
    model_version: str
    prompt_template: str
    prompt_version: str
    input_digest: str


@dataclass
class Answer:
    """An answer built only from retrieved passages, with its citations or a handover."""

    text: str
    mode: AnswerMode
    citations: list[Citation] = field(default_factory=list)
    facts: list[KeyFacts] = field(default_factory=list)
    handover: Handover | None = None
    easy_language: bool = False
    notice: str | None = None
    draft_id: int | None = None
    conversation_id: int | None = None
    provenance: Provenance | None = None
    choices: list[str] = field(default_factory=list)  # "Für welche Gemeinde?": the municipalities to pick

    @property
    def answered(self) -> bool:
        """True when the sources supported an answer."""
        return self.mode in {"extractive", "llm"}

    @property
    def lines(self) -> list[str]:
        """The answer text as lines (easy-language answers have one statement per line)."""
        return [line for line in self.text.splitlines() if line.strip()]

    def line_parts(self) -> list[list[tuple[str, int | None]]]:
        """Each line split into text and citation numbers, so templates can link [n] to its source."""
        known = {citation.number for citation in self.citations}
        result = []
        for line in self.lines:
            parts: list[tuple[str, int | None]] = []
            for piece in re.split(r"(\[\d{1,2}\])", line):
                number = int(piece[1:-1]) if re.fullmatch(r"\[\d{1,2}\]", piece) else None
                if number is not None and number in known:
                    parts.append((piece, number))
                elif piece:
                    parts.append((piece, None))
            result.append(parts)
        return result


# --- JSON API -------------------------------------------------------------------------------


class AskRequest(BaseModel):
    """A citizen's question to the public assistant."""

    question: str = Field(
        description="Die Frage in deutscher Sprache", examples=["Was kostet ein Reisepass?"]
    )
    easy_language: bool = Field(default=False, description="Antwort in Leichter Sprache")
    municipality: str | None = Field(
        default=None, description="Die Gemeinde, für die gefragt wird (eine der choices einer Rückfrage)"
    )


class CitationOut(BaseModel):
    number: int
    title: str
    section: str
    url: str | None
    score: float


class KeyFactsOut(BaseModel):
    service: str
    fees: str | None
    duration: str | None
    documents: list[str]
    forms: list[dict[str, str]]
    locations: list[str]
    booking_url: str | None


class ContactOut(BaseModel):
    name: str
    address: str | None
    phone: str | None
    email: str | None
    url: str | None
    hours: str | None


class HandoverOut(BaseModel):
    reason: str
    contacts: list[ContactOut]
    booking_url: str | None
    contact_form_url: str


class AskResponse(BaseModel):
    """The assistant's answer with its sources (or a handover to a person)."""

    answer: str
    mode: AnswerMode
    answered: bool
    easy_language: bool
    citations: list[CitationOut]
    facts: list[KeyFactsOut]
    handover: HandoverOut | None
    conversation_id: int | None
    notice: str = Field(description="Hinweis nach Art. 50 KI-Verordnung")
    choices: list[str] = Field(
        default_factory=list, description="Rückfrage „Für welche Gemeinde?“: die Gemeinden zur Auswahl"
    )
