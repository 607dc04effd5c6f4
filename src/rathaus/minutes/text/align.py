"""AlignAgenda: where each agenda item starts and ends in the transcript.

One monotonic pass (dynamic programming over segments × agenda items, items in agenda order, any
item may be skipped) that scores each possible item start by the chair's call of the item number
("Ich rufe Tagesordnungspunkt 7 auf") and by the overlap of the following words with the item's
title and paper reference, and each segment by its overlap with the item it is assigned to.
Where the chair's calls are missing (not recorded, misheard, or the council has none), a start also
counts where a new speaker takes the floor and where the words before and after share little
(lexical cohesion); a start inside one speaker's turn pays extra (see ``AlignWeights``).
Entries that share a number (a Änderungsantrag listed under its item) share the item's span.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rathaus.core.text.words import plain_text
from rathaus.minutes.schemas import AgendaEntry, Segment
from rathaus.minutes.text.align_scoring import AlignWeights, Scorer, Slot
from rathaus.minutes.text.calls import paper_key
from rathaus.minutes.text.conventions import CouncilConventions
from rathaus.minutes.text.terms import COUNCIL_STOPWORDS, content_stems, place_stopwords

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import Embedder

__all__ = ["AlignAgenda", "AlignWeights", "ItemSpan", "attached_number", "is_heading"]


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
        self.stopwords = COUNCIL_STOPWORDS | place_stopwords(self.conventions.place_names)

    def warm_up(self) -> None:
        """Nothing to load: the rules need no model (an embedder is loaded by its owner)."""

    def run(self, segments: Sequence[Segment], agenda: Sequence[AgendaEntry]) -> list[ItemSpan]:
        """One span per agenda entry, in agenda order."""
        slots = _slots(agenda, self.stopwords)
        if not segments or not slots:
            return [_missing(index, entry) for index, entry in enumerate(agenda)]
        scorer = Scorer(segments, slots, self.weights, self.embedder, self.stopwords)
        path = _best_path(scorer, len(segments), len(slots))
        return _spans(path, slots, segments, agenda, scorer)


def _slots(agenda: Sequence[AgendaEntry], stopwords: frozenset[str]) -> list[Slot]:
    slots: list[Slot] = []
    by_number: dict[str, Slot] = {}
    for index, entry in enumerate(agenda):
        if is_heading(entry):
            continue
        number = entry.number.strip() or attached_number(agenda, index) or ""
        slot = by_number.get(number) if number else None
        if slot is None:
            slot = Slot(number=number, entries=[], terms=[])
            slots.append(slot)
            if number:
                by_number[number] = slot
        slot.entries.append(index)
        if _WITHDRAWN.match(entry.title):
            slot.withdrawn = True
        slot.terms.extend(t for t in content_stems(entry.title, stopwords) if t not in slot.terms)
        if entry.paper_reference:
            slot.references.append(plain_text(entry.paper_reference))
            key = paper_key(entry.paper_reference)
            if key is not None:
                slot.papers.add(key)
    return slots


def _best_path(scorer: Scorer, n_segments: int, n_slots: int) -> list[int]:
    """The slot of every segment (-1 before the first item), by dynamic programming.

    Entering slot k from slot j < k pays the skip cost of every slot in between: ``skip`` for an
    item the transcript gives evidence of (its call, its paper, its title words), down to
    ``skip_unseen`` for one it never mentions (voted without debate, or not reached) — so a run of
    undebated items does not make "stay in one item" the best path. Staying in a slot across a
    segment with a call pays ``stay_through_call``. The items after the last one reached pay
    ``skip_unseen`` each (not reached, or voted without debate at the end). Keeping the running
    best of ``score[j] + prefix[j + 1]`` (prefix sums of the skip costs) makes each segment O(items).
    """
    minus_inf = float("-inf")
    prefix = [0.0]
    for cost in scorer.skip_costs():
        prefix.append(prefix[-1] + cost)
    previous = [minus_inf] * n_slots
    back: list[list[int]] = []
    for index in range(n_segments):
        emissions = scorer.emissions[index]
        stay_cost = scorer.weights.stay_through_call if scorer.has_call(index) else 0.0
        current = [minus_inf] * n_slots
        pointers = [0] * n_slots
        # the opening (slot -1, score 0) counts as j = -1
        best_before, best_before_slot = 0.0, -1
        for slot in range(n_slots):
            stay = previous[slot] - stay_cost
            start_score, _ = scorer.start(index, slot)
            enter = best_before - prefix[slot] + start_score
            if stay >= enter:
                current[slot], pointers[slot] = stay + emissions[slot], slot
            else:
                current[slot], pointers[slot] = enter + emissions[slot], best_before_slot
            if previous[slot] + prefix[slot + 1] > best_before:
                best_before, best_before_slot = previous[slot] + prefix[slot + 1], slot
        back.append(pointers)
        previous = current
    # the items after the last one reached are skipped too: each pays the unmentioned skip cost (their
    # full skip costs would push order-only placements towards the agenda's end when calls lose numbers)
    trailing = scorer.weights.skip_unseen
    return _trace(back, [score - trailing * (n_slots - slot - 1) for slot, score in enumerate(previous)])


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
    slots: list[Slot],
    segments: Sequence[Segment],
    agenda: Sequence[AgendaEntry],
    scorer: Scorer,
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
        if evidence != "call" and scorer.names_paper(first, slot_index):
            reason = f"Drucksache von Tagesordnungspunkt {slot.number} genannt" + (
                f"; {reason}"
                if evidence == "title" and scorer.window_overlap(first, slot_index) > 0.3
                else ""
            )
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
