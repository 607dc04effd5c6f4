"""The filing plan (Aktenplan) and the dataclasses a routing decision is made of."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

UNSURE = "UNSURE"
"""The answer when no method is sure enough: the document goes to manual triage (Poststelle)."""

Method = Literal["rule", "classifier", "similarity", "llm"]


@dataclass(frozen=True)
class Position:
    """One position of the filing plan: a key (e.g. ``"63.1"``), its title and a description."""

    key: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class FilingPlan:
    """The vocabulary every classifier answers in: one of its positions or :data:`UNSURE`."""

    positions: tuple[Position, ...]

    def __post_init__(self) -> None:
        keys = [position.key for position in self.positions]
        if len(set(keys)) != len(keys):
            raise ValueError("filing plan keys must be unique")
        if UNSURE in keys:
            raise ValueError(f"{UNSURE!r} is reserved and cannot be a position key")

    @classmethod
    def of(cls, positions: Iterable[Position]) -> FilingPlan:
        """A plan from any iterable of positions."""
        return cls(tuple(positions))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(position.key for position in self.positions)

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def position(self, key: str) -> Position:
        """The position with ``key``; KeyError when the plan has none."""
        for position in self.positions:
            if position.key == key:
                return position
        raise KeyError(key)

    def title(self, key: str) -> str:
        return self.position(key).title


@dataclass(frozen=True)
class Document:
    """What routing sees of an incoming document."""

    sender: str = ""
    subject: str = ""
    body: str = ""

    @property
    def text(self) -> str:
        """Subject and body as one text, for the learned methods."""
        return "\n".join(part for part in (self.subject, self.body) if part)


@dataclass(frozen=True)
class Example:
    """A confirmed filing: a caseworker said ``document`` belongs to position ``key``."""

    document: Document
    key: str


@dataclass(frozen=True)
class Provenance:
    """Where a model's decision came from, for the platform's AI-draft record."""

    backend: str
    model_name: str
    model_version: str
    prompt_template: str
    prompt_version: str
    input_digest: str
    output: str


@dataclass(frozen=True)
class Decision:
    """The routing of one document: method, position key or UNSURE, confidence 0–1 and a German reason.

    ``provenance`` is set when a generative model decided (``method="llm"``).
    """

    method: Method
    key: str
    confidence: float
    reason: str
    provenance: Provenance | None = None

    @property
    def unsure(self) -> bool:
        return self.key == UNSURE
