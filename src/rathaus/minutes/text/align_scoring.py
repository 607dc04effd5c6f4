"""The evidence of AlignAgenda's monotonic pass: calls, paper references, title words per segment."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import TYPE_CHECKING

from rathaus.core.text.words import plain_text
from rathaus.minutes.schemas import Segment
from rathaus.minutes.text.calls import find_calls, find_papers
from rathaus.minutes.text.terms import COUNCIL_STOPWORDS, TermWeights, compound_match, content_stems

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import Embedder


@dataclass
class Slot:
    """Agenda entries that share one place in the session (an item and its amendments)."""

    number: str
    entries: list[int]
    terms: list[str]
    references: list[str] = field(default_factory=list)
    papers: set[tuple[int, int]] = field(default_factory=set)  # calls.paper_key of its references
    withdrawn: bool = False  # "- abgesetzt -": taken off the agenda, not expected in the session


@dataclass(frozen=True)
class AlignWeights:
    """The scores of the monotonic pass; see the module docstring."""

    call: float = 8.0
    any_call: float = 3.0  # a call of another number still marks an item boundary (misspoken numbers)
    weak_call: float = 1.5
    title: float = 4.0
    reference: float = 3.0
    start_cost: float = 2.5
    emission: float = 1.0
    skip: float = 1.0
    skip_unseen: float = 0.25  # skipping an item the transcript never mentions
    stay_through_call: float = 2.0
    window_words: int = 150
    # a new item is opened by someone taking the floor: a start without a call inside one speaker's
    # turn pays ``mid_turn``, one where the speaker changes earns ``turn_start`` (speakers known only)
    turn_start: float = 1.0
    mid_turn: float = 2.0
    # lexical cohesion (TextTiling): a start where the words before and after share little
    topic_shift: float = 2.0
    cohesion_words: int = 200


class Scorer:
    """Precomputed evidence: calls per segment, term occurrences, window overlaps."""

    def __init__(
        self,
        segments: Sequence[Segment],
        slots: list[Slot],
        weights: AlignWeights,
        embedder: Embedder | None,
        stopwords: frozenset[str] = COUNCIL_STOPWORDS,
    ) -> None:
        self.weights = weights
        self.slots = slots
        self.calls = [find_calls(segment.text) for segment in segments]
        self.papers = [find_papers(segment.text) for segment in segments]
        self.slot_of = {slot.number: index for index, slot in enumerate(slots) if slot.number}
        self.normalized = [plain_text(segment.text) for segment in segments]
        tokens = [content_stems(segment.text, stopwords) for segment in segments]
        term_weights = TermWeights(tokens)
        occurrences: dict[str, list[int]] = {}
        for index, segment_tokens in enumerate(tokens):
            token_set = set(segment_tokens)
            joined = "|".join(token_set)
            for term in {t for slot in slots for t in slot.terms}:
                if compound_match(term, token_set, joined):
                    occurrences.setdefault(term, []).append(index)
        self.occurrences = occurrences
        distinct = _agenda_distinctiveness(slots)
        self.term_weight = {t: term_weights.weight(t) * distinct[t] for slot in slots for t in slot.terms}
        self.turns = _turns(segments)
        calls_at = [i for i in range(len(segments)) if self.has_call(i)]
        self.near_call = [False] * len(segments)
        # boundary evidence besides calls counts as far as calls are missing (one per item expected)
        expected = sum(not slot.withdrawn for slot in slots) or 1
        self.calls_missing = max(0.0, 1.0 - len(calls_at) / expected)
        for at in calls_at:
            for i in range(max(0, at - 2), min(len(segments), at + 3)):
                self.near_call[i] = True
        self.shift = _topic_shift(tokens, term_weights, weights.cohesion_words)
        self.window_end = _window_ends([len(t) for t in tokens], weights.window_words)
        self.emissions = [self._emission_row(index) for index in range(len(segments))]
        self.semantic = _semantic(segments, slots, embedder) if embedder is not None else None

    def _slot_total(self, slot: Slot) -> float:
        return sum(self.term_weight[t] for t in slot.terms) or 1.0

    def _emission_row(self, index: int) -> list[float]:
        row = []
        for slot in self.slots:
            found = sum(self.term_weight[t] for t in slot.terms if index in self._occurrence_set(t))
            named = any(key in slot.papers for key in self.papers[index])  # "Drucksache 441 aus 25"
            row.append(self.weights.emission * (found / self._slot_total(slot) + named))
        return row

    def _occurrence_set(self, term: str) -> set[int]:
        cache = self.__dict__.setdefault("_sets", {})
        if term not in cache:
            cache[term] = set(self.occurrences.get(term, ()))
        found: set[int] = cache[term]
        return found

    def window_overlap(self, index: int, slot_index: int) -> float:
        """Weighted share of the slot's title terms in the words that follow segment ``index``."""
        slot = self.slots[slot_index]
        end = self.window_end[index]
        found = 0.0
        for term in slot.terms:
            positions = self.occurrences.get(term, [])
            at = bisect_left(positions, index)
            if at < len(positions) and positions[at] <= end:
                found += self.term_weight[term]
        return found / self._slot_total(slot)

    def _called(self, index: int, slot: Slot) -> float:
        """How strongly segment ``index`` calls the slot: its number, its parent's or its first sub-item's."""
        calls = self.calls[index]
        strength = calls.get(slot.number, 0.0)
        parent = slot.number.rsplit(".", 1)[0] if "." in slot.number else None
        if parent in calls and parent in self.slot_of:
            return 0.0  # "Tagesordnungspunkt 16, 16.1 und 16.2": the joint call opens the parent item
        prefix = slot.number + "."
        by_paper = [s for key, s in self.papers[index].items() if key in slot.papers]
        return max([strength, *by_paper, *(s for n, s in calls.items() if n.startswith(prefix))])

    def names_paper(self, index: int, slot_index: int) -> bool:
        """Whether segment ``index`` names the slot's paper, written ("2025/0441") or spoken."""
        slot = self.slots[slot_index]
        return any(r in self.normalized[index] for r in slot.references) or any(
            key in slot.papers for key in self.papers[index]
        )

    def skip_costs(self) -> list[float]:
        """Per slot: what skipping it costs, from ``skip_unseen`` (never mentioned) up to ``skip``."""
        weights = self.weights
        seen = [0.0] * len(self.slots)
        for index, row in enumerate(self.emissions):
            for slot_index, value in enumerate(row):
                seen[slot_index] = max(seen[slot_index], value)
            for slot_index, slot in enumerate(self.slots):
                if self.calls[index].get(slot.number) or any(k in slot.papers for k in self.papers[index]):
                    seen[slot_index] = weights.emission
        return [
            weights.skip_unseen + (weights.skip - weights.skip_unseen) * min(1.0, value / weights.emission)
            for value in seen
        ]

    def has_call(self, index: int) -> bool:
        """Whether segment ``index`` holds a strong call of any item."""
        return any(strength >= 1.0 for strength in self.calls[index].values())

    def _other_call(self, index: int, slot_index: int) -> float:
        """A strong call of another number still marks a boundary (numbers get misspoken and misheard)."""
        strong = [n for n, s in self.calls[index].items() if s >= 1.0]
        return self.weights.any_call if strong else 0.0

    def start(self, index: int, slot_index: int) -> tuple[float, str]:
        """The score of item ``slot_index`` starting at segment ``index``, with the main evidence."""
        slot = self.slots[slot_index]
        weights = self.weights
        if slot.withdrawn:
            return float("-inf"), "none"
        called = self._called(index, slot) if slot.number or slot.papers else 0.0
        call_score = weights.call if called >= 1.0 else weights.weak_call * (called > 0)
        if not call_score:
            call_score = self._other_call(index, slot_index)
        # the words that follow, and the segment itself (so a start is not placed one segment early)
        title = (
            self.window_overlap(index, slot_index) + self.emissions[index][slot_index] / weights.emission
        ) / 2
        reference = weights.reference if self.names_paper(index, slot_index) else 0.0
        semantic = self.semantic[index][slot_index] if self.semantic else 0.0
        score = call_score + weights.title * (title + semantic) + reference - weights.start_cost
        if not self.near_call[index]:  # without the chair's calls: who takes the floor, and the words
            boundary = weights.topic_shift * self.shift[index]
            if self.turns[index]:
                boundary += weights.turn_start
            elif self.turns[index] is False and not (self.calls[index] or self.papers[index]):
                boundary -= weights.mid_turn  # the chair goes on from the vote to the next call
            score += self.calls_missing * boundary
        evidence = "call" if called >= 1.0 else ("title" if title + semantic > 0.3 or reference else "order")
        return score, evidence


def _agenda_distinctiveness(slots: list[Slot]) -> dict[str, float]:
    """Per title term: 1 for a term of one item only, less for one many titles share ("Satzung")."""
    frequency: Counter[str] = Counter(t for slot in slots for t in set(slot.terms))
    top = math.log((len(slots) + 1) / 1.5)
    if top <= 0:
        return dict.fromkeys(frequency, 1.0)
    return {t: math.log((len(slots) + 1) / (n + 0.5)) / top for t, n in frequency.items()}


def _topic_shift(tokens: list[list[str]], term_weights: TermWeights, window_words: int) -> list[float]:
    """Per segment: how little the words before it share with the words from it on, 0 … 1.

    The idf-weighted cosine of the ``window_words`` content words on either side (TextTiling),
    relative to the session's median: 1 where nothing is shared, 0 at or above the median.
    """
    similarities = [
        _cosine(
            _window(tokens, index, -1, window_words, term_weights),
            _window(tokens, index, 1, window_words, term_weights),
        )
        for index in range(len(tokens))
    ]
    typical = median(similarities[1:]) if len(similarities) > 1 else 0.0
    if typical <= 0.0:
        return [0.0] * len(tokens)
    return [0.0] + [max(0.0, min(1.0, (typical - value) / typical)) for value in similarities[1:]]


def _window(
    tokens: list[list[str]], index: int, direction: int, window_words: int, term_weights: TermWeights
) -> dict[str, float]:
    counts: Counter[str] = Counter()
    cursor = index - 1 if direction < 0 else index
    while 0 <= cursor < len(tokens) and sum(counts.values()) < window_words:
        counts.update(tokens[cursor])
        cursor += direction
    return {term: count * term_weights.weight(term) for term, count in counts.items()}


def _cosine(left: dict[str, float], right: dict[str, float]) -> float:
    if not left or not right:
        return 0.0
    dot = sum(value * right.get(term, 0.0) for term, value in left.items())
    norm = math.sqrt(sum(v * v for v in left.values()) * sum(v * v for v in right.values()))
    return dot / norm if norm else 0.0


def _turns(segments: Sequence[Segment]) -> list[bool | None]:
    """Per segment: whether a new speaker takes the floor there (None when a speaker is unknown)."""
    turns: list[bool | None] = []
    previous: str | None = None
    for index, segment in enumerate(segments):
        speaker = segment.speaker
        if index == 0:
            turns.append(True)
        elif speaker is None or previous is None:
            turns.append(None)
        else:
            turns.append(speaker != previous)
        previous = speaker
    return turns


def _window_ends(lengths: list[int], window_words: int) -> list[int]:
    ends = []
    end = 0
    running = 0
    for index in range(len(lengths)):
        if end < index:
            end, running = index, 0
        while end < len(lengths) and running < window_words:
            running += lengths[end]
            end += 1
        ends.append(max(index, end - 1))
        running -= lengths[index]
    return ends


def _semantic(segments: Sequence[Segment], slots: list[Slot], embedder: Embedder) -> list[list[float]]:
    """Cosine of each segment (with its successor) to each item title, above a floor, scaled 0 … 1."""
    titles = [" ".join(slot.terms) for slot in slots]
    passages = [" ".join(s.text for s in segments[index : index + 2]) for index in range(len(segments))]
    title_vectors = embedder.embed_queries(titles)
    passage_vectors = embedder.embed_passages(passages)
    cosines = (passage_vectors @ title_vectors.T).tolist()
    return [[max(0.0, (c - 0.8) / 0.2) for c in row] for row in cosines]
