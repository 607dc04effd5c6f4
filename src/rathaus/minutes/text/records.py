"""Imported voting records: which record is an item's vote and which belongs to which amendment.

A voting system records every vote of an item: the proposal (perhaps in parts), the amendments
("Änderungsantrag DS0081/25/2", "Ergänzungsantrag der SPD"), procedural motions. The proposal's
records decide the item (parts with different outcomes: partly adopted); each amendment record is
applied to the amendment entry it names — by its own number (5.10.1), by paper reference, or by the
filing group — and a record that names no entry is reported, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rathaus.minutes.schemas import AgendaEntry, VotingRecord
from rathaus.minutes.text import amendments as am
from rathaus.minutes.text import outcomes as oc
from rathaus.minutes.text.groups import Groups
from rathaus.minutes.text.numbering import numbers_of
from rathaus.minutes.text.statements import ItemDecision

_AMENDMENT = re.compile(r"\b(änderungs|ergänzungs|zusatz|gegen)antr[aä]g\w*", re.IGNORECASE)
_ORDER = re.compile(r"geschäftsordnung|\bGO[- ]Antrag|schluss der (debatte|aussprache)", re.IGNORECASE)
_REFERENCE = re.compile(r"(\d+)\s*/\s*(\d+)(?:\s*/\s*(\d+))?")


@dataclass(frozen=True)
class Amendment:
    """An amendment entry of an item: its agenda index, entry and parsed title."""

    index: int
    entry: AgendaEntry
    proposal: am.Proposal


def record_result(record: VotingRecord, *, abstentions_break_unanimity: bool = True) -> str:
    """The result a record's counts give; abstentions make it "mehrheitlich" where the body says so."""
    counts = record.counts
    if counts.yes > counts.no:
        against = counts.no + (counts.abstain if abstentions_break_unanimity else 0)
        return oc.UNANIMOUS if against == 0 else oc.MAJORITY
    return oc.REJECTED


def describe(record: VotingRecord) -> str:
    """ "30 Ja, 5 Nein, 1 Enthaltungen (Beschlussvorlage)" for the reason text."""
    counts = record.counts
    return f"{counts.yes} Ja, {counts.no} Nein, {counts.abstain} Enthaltungen ({record.motion})"


def is_order(record: VotingRecord) -> bool:
    """Whether a record is a procedural vote (Geschäftsordnung)."""
    return bool(_ORDER.search(record.motion))


def main_records(
    number: str, records: Sequence[VotingRecord], amendment_numbers: set[str]
) -> list[VotingRecord]:
    """The records of the proposal itself under item ``number`` (no amendment, no procedural vote)."""
    return [
        r
        for r in records
        if number
        and r.item_number.strip() == number
        and not _AMENDMENT.search(r.motion)
        and not is_order(r)
        and r.item_number.strip() not in amendment_numbers
    ]


def amendment_records(
    number: str,
    amendments: Sequence[Amendment],
    records: Sequence[VotingRecord],
    groups: Groups,
    listed: frozenset[str] = frozenset(),
) -> tuple[dict[int, VotingRecord], list[VotingRecord]]:
    """The amendment records of item ``number``, by the agenda index of their entry, and those unmatched.

    A record numbered under the item (5.10.3) that no agenda entry carries (``listed``) is one of them.
    """
    own_numbers = {a.entry.number.strip() for a in amendments if a.entry.number.strip() != number}
    own_numbers |= {
        r.item_number.strip()
        for r in records
        if number and r.item_number.strip().startswith(number + ".") and r.item_number.strip() not in listed
    }
    mine = [
        r
        for r in records
        if number
        and not is_order(r)
        and (
            r.item_number.strip() in own_numbers
            or (r.item_number.strip() == number and _AMENDMENT.search(r.motion))
        )
    ]
    matched: dict[int, VotingRecord] = {}
    unmatched: list[VotingRecord] = []
    for record in mine:
        target = _target(record, amendments, groups, number)
        if target is None:
            unmatched.append(record)
        else:
            matched[target] = record  # the last vote on an amendment stands
    return matched, unmatched


def _target(record: VotingRecord, amendments: Sequence[Amendment], groups: Groups, number: str) -> int | None:
    """The amendment entry a record names: own number, then paper reference, then filing group."""
    candidates = list(amendments)
    own = [a for a in candidates if record.item_number.strip() == a.entry.number.strip() != number]
    if own:
        candidates = own
    said = _references(record.motion)
    if said:
        by_reference = [
            a for a in candidates if said & _references(f"{a.entry.paper_reference or ''} {a.entry.title}")
        ]
        if by_reference:
            candidates = by_reference
        elif not own:
            return None  # it names a paper that no entry carries
    named = groups.find(record.motion)
    if named:
        by_group = [a for a in candidates if a.proposal.parties & named]
        if by_group:
            candidates = by_group
        elif not own and not said:
            return None  # it names a group that filed none of the entries
    motions = [a for a in candidates if a.proposal.kind != "anfrage"] or candidates
    return motions[0].index if len(motions) == 1 else None


def _references(text: str) -> set[str]:
    """Paper references in a text, without leading zeros ("DS0081/25/2" → "81/25/2")."""
    return {"/".join(str(int(g)) for g in match.groups() if g) for match in _REFERENCE.finditer(text)}


def apply_records(
    decisions: dict[int, ItemDecision],
    agenda: Sequence[AgendaEntry],
    mains: list[str | None],
    proposals: dict[str, list[am.Proposal]],
    records: Sequence[VotingRecord],
    groups: Groups,
    *,
    abstentions_break_unanimity: bool = True,
) -> dict[int, ItemDecision]:
    """Imported voting records win over what was heard; records naming no entry are reported."""
    if not records:
        return decisions
    done = dict(decisions)
    numbers = numbers_of(agenda)
    for index, entry in enumerate(agenda):
        number = numbers[index]
        if mains[index] is not None or not number or index != numbers.index(number):
            continue
        parsed = {p.index: p for p in proposals.get(number, [])}
        amendments = [Amendment(j, agenda[j], parsed[j]) for j in parsed]
        own = {a.entry.number.strip() for a in amendments} - {number}
        plain = main_records(number, records, own)
        if plain:
            done[index] = _from_records(
                done[index], entry, plain, main=True, abstentions=abstentions_break_unanimity
            )
        listed = frozenset(n for n in numbers if n)
        matched, unmatched = amendment_records(number, amendments, records, groups, listed)
        for target, record in matched.items():
            done[target] = _from_records(
                done[target], agenda[target], [record], main=False, abstentions=abstentions_break_unanimity
            )
        if unmatched:
            said = "; ".join(describe(r) for r in unmatched)
            note = (
                " – Abstimmung ohne passenden Antrag auf der Tagesordnung, nicht übernommen: "
                f"{said} – bitte prüfen"
            )
            done[index] = replace(
                done[index],
                reason=done[index].reason + note,
                unmatched_records=tuple(r.motion for r in unmatched),
            )
    return done


def _from_records(
    decision: ItemDecision, entry: AgendaEntry, records: list[VotingRecord], *, main: bool, abstentions: bool
) -> ItemDecision:
    """The decision an entry's imported records give (several parts with different outcomes: partly)."""
    results = [record_result(r, abstentions_break_unanimity=abstentions) for r in records]
    combined = am.combine(results) if len(records) > 1 else results[0]
    result = combined or results[-1]
    counts = records[-1].counts if result != oc.PARTLY else None
    said = "; ".join(describe(r) for r in records)
    reason = f"Aus dem Abstimmungssystem: {said}"
    adopted = result != oc.REJECTED
    resolution = decision.resolution_text or (entry.proposed_resolution if adopted and main else None)
    return replace(
        decision, result=result, counts=counts, resolution_text=resolution, method="record", reason=reason
    )
