"""AlignAgenda: where each agenda item starts and ends in the transcript.

One monotonic pass (dynamic programming over segments × agenda items, items in agenda order, any
item may be skipped) that scores each possible item start by the chair's call of the item number
("Ich rufe Tagesordnungspunkt 7 auf") and by the overlap of the following words with the item's
title and paper reference, and each segment by its overlap with the item it is assigned to.
Entries that share a number (a Änderungsantrag listed under its item) share the item's span.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rathaus.core.text.words import plain_text
from rathaus.minutes.schemas import AgendaEntry, Segment
from rathaus.minutes.text.calls import find_calls
from rathaus.minutes.text.conventions import CouncilConventions
from rathaus.minutes.text.terms import TermWeights, compound_match, content_stems

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import Embedder


_WITHDRAWN = re.compile(r"^\W*(abgesetzt|entfällt|entfallen|gestrichen|zurückgezogen)\W*$", re.IGNORECASE)
# An unnumbered entry naming one motion ("Antrag GRÜNE: …", "Anfrage FW: …") is listed "dazu" under
# the numbered item above it and discussed there; section headings ("ANTRÄGE", "Anträge, die im
# Ausschuss behandelt werden:") are no item at all.
_ATTACHED = re.compile(r"^\s*(änderungs|ergänzungs|zusatz)?(antrag|anfrage)\b[^:]{0,80}:\s*\S", re.IGNORECASE)


def is_heading(entry: AgendaEntry) -> bool:
    """Whether an unnumbered entry is a section heading ("ANTRÄGE", "Anträge, die … werden:")."""
    title = entry.title.strip()
    return not entry.number.strip() and (title.isupper() or title.endswith(":"))


def attached_number(agenda: Sequence[AgendaEntry], index: int) -> str | None:
    """The item number an unnumbered motion entry belongs to (the numbered entry above it), if any."""
    entry = agenda[index]
    if entry.number.strip() or not _ATTACHED.match(entry.title) or index == 0:
        return None
    previous = agenda[index - 1]
    return previous.number.strip() or attached_number(agenda, index - 1)


@dataclass(frozen=True)
class ItemSpan:
    """Where one agenda entry was discussed; segment indices are inclusive, None when not found."""

    entry_index: int
    number: str
    key: str
    first_segment: int | None
    last_segment: int | None
    start: float | None
    end: float | None
    confidence: float
    method: str  # "call" | "title" | "order" | "shared" | "none"
    reason: str

    @property
    def found(self) -> bool:
        """Whether the item was found in the transcript."""
        return self.first_segment is not None

    def segment_indices(self) -> range:
        """The indices of the segments of this item (empty when not found)."""
        if self.first_segment is None or self.last_segment is None:
            return range(0)
        return range(self.first_segment, self.last_segment + 1)


@dataclass
class _Slot:
    """Agenda entries that share one place in the session (an item and its amendments)."""

    number: str
    entries: list[int]
    terms: list[str]
    references: list[str] = field(default_factory=list)
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
    stay_through_call: float = 2.0
    window_words: int = 150


class AlignAgenda:
    """Find each agenda item's span in a transcript; an embedder, when given, adds semantic similarity."""

    def __init__(
        self,
        *,
        embedder: Embedder | None = None,
        weights: AlignWeights | None = None,
        conventions: CouncilConventions | None = None,
    ) -> None:
        self.embedder = embedder
        self.weights = weights or AlignWeights()
        self.conventions = conventions or CouncilConventions()

    def warm_up(self) -> None:
        """Nothing to load: the rules need no model (an embedder is loaded by its owner)."""

    def run(self, segments: Sequence[Segment], agenda: Sequence[AgendaEntry]) -> list[ItemSpan]:
        """One span per agenda entry, in agenda order."""
        slots = _slots(agenda)
        if not segments or not slots:
            return [_missing(index, entry) for index, entry in enumerate(agenda)]
        scorer = _Scorer(segments, slots, self.weights, self.embedder)
        path = _best_path(scorer, len(segments), len(slots))
        return _spans(path, slots, segments, agenda, scorer)


def _slots(agenda: Sequence[AgendaEntry]) -> list[_Slot]:
    slots: list[_Slot] = []
    by_number: dict[str, _Slot] = {}
    for index, entry in enumerate(agenda):
        if is_heading(entry):
            continue
        number = entry.number.strip() or attached_number(agenda, index) or ""
        slot = by_number.get(number) if number else None
        if slot is None:
            slot = _Slot(number=number, entries=[], terms=[])
            slots.append(slot)
            if number:
                by_number[number] = slot
        slot.entries.append(index)
        if _WITHDRAWN.match(entry.title):
            slot.withdrawn = True
        slot.terms.extend(t for t in content_stems(entry.title) if t not in slot.terms)
        if entry.paper_reference:
            slot.references.append(plain_text(entry.paper_reference))
    return slots


class _Scorer:
    """Precomputed evidence: calls per segment, term occurrences, window overlaps."""

    def __init__(
        self,
        segments: Sequence[Segment],
        slots: list[_Slot],
        weights: AlignWeights,
        embedder: Embedder | None,
    ) -> None:
        self.weights = weights
        self.slots = slots
        self.calls = [find_calls(segment.text) for segment in segments]
        self.slot_of = {slot.number: index for index, slot in enumerate(slots) if slot.number}
        self.normalized = [plain_text(segment.text) for segment in segments]
        tokens = [content_stems(segment.text) for segment in segments]
        term_weights = TermWeights(tokens)
        occurrences: dict[str, list[int]] = {}
        for index, segment_tokens in enumerate(tokens):
            token_set = set(segment_tokens)
            joined = "|".join(token_set)
            for term in {t for slot in slots for t in slot.terms}:
                if compound_match(term, token_set, joined):
                    occurrences.setdefault(term, []).append(index)
        self.occurrences = occurrences
        self.term_weight = {t: term_weights.weight(t) for slot in slots for t in slot.terms}
        self.window_end = _window_ends([len(t) for t in tokens], weights.window_words)
        self.emissions = [self._emission_row(index) for index in range(len(segments))]
        self.semantic = _semantic(segments, slots, embedder) if embedder is not None else None

    def _slot_total(self, slot: _Slot) -> float:
        return sum(self.term_weight[t] for t in slot.terms) or 1.0

    def _emission_row(self, index: int) -> list[float]:
        row = []
        for slot in self.slots:
            found = sum(self.term_weight[t] for t in slot.terms if index in self._occurrence_set(t))
            row.append(self.weights.emission * found / self._slot_total(slot))
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

    def _called(self, index: int, slot: _Slot) -> float:
        """How strongly segment ``index`` calls the slot: its number, its parent's or its first sub-item's."""
        calls = self.calls[index]
        strength = calls.get(slot.number, 0.0)
        parent = slot.number.rsplit(".", 1)[0] if "." in slot.number else None
        if parent in calls and parent in self.slot_of:
            return 0.0  # "Tagesordnungspunkt 16, 16.1 und 16.2": the joint call opens the parent item
        prefix = slot.number + "."
        return max([strength, *(s for n, s in calls.items() if n.startswith(prefix))])

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
        called = self._called(index, slot) if slot.number else 0.0
        call_score = weights.call if called >= 1.0 else weights.weak_call * (called > 0)
        if not call_score:
            call_score = self._other_call(index, slot_index)
        # the words that follow, and the segment itself (so a start is not placed one segment early)
        title = (
            self.window_overlap(index, slot_index) + self.emissions[index][slot_index] / weights.emission
        ) / 2
        reference = weights.reference if any(r in self.normalized[index] for r in slot.references) else 0.0
        semantic = self.semantic[index][slot_index] if self.semantic else 0.0
        score = call_score + weights.title * (title + semantic) + reference - weights.start_cost
        evidence = "call" if called >= 1.0 else ("title" if title + semantic > 0.3 or reference else "order")
        return score, evidence


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


def _semantic(segments: Sequence[Segment], slots: list[_Slot], embedder: Embedder) -> list[list[float]]:
    """Cosine of each segment (with its successor) to each item title, above a floor, scaled 0 … 1."""
    titles = [" ".join(slot.terms) for slot in slots]
    passages = [" ".join(s.text for s in segments[index : index + 2]) for index in range(len(segments))]
    title_vectors = embedder.embed_queries(titles)
    passage_vectors = embedder.embed_passages(passages)
    cosines = (passage_vectors @ title_vectors.T).tolist()
    return [[max(0.0, (c - 0.8) / 0.2) for c in row] for row in cosines]


def _best_path(scorer: _Scorer, n_segments: int, n_slots: int) -> list[int]:
    """The slot of every segment (-1 before the first item), by dynamic programming.

    Entering slot k from slot j < k pays ``skip`` for every slot in between (agenda items are
    usually discussed); staying in a slot across a segment with a call pays ``stay_through_call``.
    Keeping the running best of ``score[j] + skip * j`` makes each segment O(items).
    """
    minus_inf = float("-inf")
    skip = scorer.weights.skip
    previous = [minus_inf] * n_slots
    back: list[list[int]] = []
    for index in range(n_segments):
        emissions = scorer.emissions[index]
        stay_cost = scorer.weights.stay_through_call if scorer.has_call(index) else 0.0
        current = [minus_inf] * n_slots
        pointers = [0] * n_slots
        # the opening (slot -1, score 0) counts as j = -1
        best_before, best_before_slot = -skip * 0, -1
        for slot in range(n_slots):
            stay = previous[slot] - stay_cost
            start_score, _ = scorer.start(index, slot)
            enter = best_before - skip * slot + start_score
            if stay >= enter:
                current[slot], pointers[slot] = stay + emissions[slot], slot
            else:
                current[slot], pointers[slot] = enter + emissions[slot], best_before_slot
            if previous[slot] + skip * (slot + 1) > best_before:
                best_before, best_before_slot = previous[slot] + skip * (slot + 1), slot
        back.append(pointers)
        previous = current
    return _trace(back, previous)


def _trace(back: list[list[int]], last: list[float]) -> list[int]:
    slot = max(range(len(last)), key=lambda k: last[k])
    path = [0] * len(back)
    for index in range(len(back) - 1, -1, -1):
        path[index] = slot
        if slot < 0:
            continue
        slot = back[index][slot]
    return path


def _spans(
    path: list[int],
    slots: list[_Slot],
    segments: Sequence[Segment],
    agenda: Sequence[AgendaEntry],
    scorer: _Scorer,
) -> list[ItemSpan]:
    bounds: dict[int, tuple[int, int]] = {}
    for index, slot_at in enumerate(path):
        if slot_at >= 0:
            first, _ = bounds.get(slot_at, (index, index))
            bounds[slot_at] = (first, index)
    spans: list[ItemSpan | None] = [None] * len(agenda)
    for slot_index, slot in enumerate(slots):
        if slot_index not in bounds:
            for entry in slot.entries:
                spans[entry] = _missing(entry, agenda[entry])
            continue
        first, last = bounds[slot_index]
        _, evidence = scorer.start(first, slot_index)
        confidence, reason = _explain(evidence, scorer.window_overlap(first, slot_index), slot.number)
        for position, entry in enumerate(slot.entries):
            shared = position > 0
            spans[entry] = ItemSpan(
                entry_index=entry,
                number=agenda[entry].number,
                key=agenda[entry].key,
                first_segment=first,
                last_segment=last,
                start=segments[first].start,
                end=segments[last].end,
                confidence=confidence,
                method="shared" if shared else evidence,
                reason=f"Gehört zu Tagesordnungspunkt {slot.number}; {reason}" if shared else reason,
            )
    done = [span or _missing(index, agenda[index]) for index, span in enumerate(spans)]
    return _share_with_sub_items(done)


def _share_with_sub_items(spans: list[ItemSpan]) -> list[ItemSpan]:
    """An item with sub-items (7 with 7.1, 7.2) covers them; a sub-item not found shares its parent's span."""
    by_number = {span.number: span for span in spans if span.method != "shared" and span.number}
    result = []
    for original in spans:
        span = original
        children = (
            [s for s in spans if s.number.startswith(span.number + ".") and s.found] if span.number else []
        )
        parent = by_number.get(span.number.rsplit(".", 1)[0]) if "." in span.number else None
        if not span.found and children:
            first, last = children[0], children[-1]
            span = replace(
                span,
                first_segment=first.first_segment,
                last_segment=last.last_segment,
                start=first.start,
                end=last.end,
                confidence=first.confidence,
                method="shared",
                reason=f"Umfasst die Unterpunkte {', '.join(c.number for c in children)}",
            )
        elif not span.found and parent is not None and parent.found:
            span = replace(
                span,
                first_segment=parent.first_segment,
                last_segment=parent.last_segment,
                start=parent.start,
                end=parent.end,
                confidence=parent.confidence * 0.8,
                method="shared",
                reason=f"Zusammen mit Tagesordnungspunkt {parent.number} behandelt",
            )
        result.append(span)
    return result


def _explain(evidence: str, title: float, number: str) -> tuple[float, str]:
    if evidence == "call":
        return min(1.0, 0.9 + 0.1 * title), f"Aufruf von Tagesordnungspunkt {number} durch den Vorsitz"
    if evidence == "title":
        return round(
            min(0.85, 0.4 + title / 2), 2
        ), f"Wörter aus dem Titel ({title:.0%} gewichtete Übereinstimmung)"
    return 0.25, "Nur aus der Reihenfolge der Tagesordnung erschlossen"


def _missing(index: int, entry: AgendaEntry) -> ItemSpan:
    return ItemSpan(
        entry_index=index,
        number=entry.number,
        key=entry.key,
        first_segment=None,
        last_segment=None,
        start=None,
        end=None,
        confidence=0.0,
        method="none",
        reason="In der Aufnahme nicht gefunden (kein Aufruf, keine Übereinstimmung mit dem Titel)",
    )
