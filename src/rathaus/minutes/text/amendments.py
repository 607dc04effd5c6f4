"""Which vote of an agenda item belongs to which of its amendments (Änderungs-, Ergänzungsanträge).

An agenda item can carry several motions besides the proposal itself, listed as entries with the
same number ("Änderungsantrag SPD: …", "Ergänzungsantrag: …", "Anfrage FW: …"). They share one
discussion. How a chair puts them to the vote follows a fixed pattern in German councils: he names
a motion ("Wir beginnen mit dem Änderungsantrag der Linken", "Ziffer 1 des gemeinsamen Antrags von
GRÜNE und WiR", "Damit kommen wir zur unveränderten Beschlussvorlage") and then states its result
("Das ist mehrheitlich abgelehnt", "Das hat sich erledigt, wir nehmen es in den Aufsichtsrat").
So each result statement belongs to the motion the chair named last in the same turn; a motion
voted on in several parts (Ziffern) that are partly accepted is "teilweise zugestimmt". A motion
without a stated result follows the customs: an Anfrage is answered (Kenntnisnahme); an amendment
to a motion that is referred or settled without a vote shares that outcome; an amendment not put to
the vote while the proposal was voted on is settled by the administration's statement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rathaus.core.text.words import plain_words
from rathaus.minutes.text import outcomes as oc
from rathaus.minutes.text.groups import Groups

MAIN = -1  # target of a sentence about the proposal itself (Beschlussvorlage)

_KIND = re.compile(r"^\W*(?:gem\w*\.?\s+|interfraktionelle[rn]?\s+)?(\w*antrag|anfrage)\b", re.IGNORECASE)
_AMENDMENT_WORD = re.compile(
    r"\b\w*(änderungs|ergänzungs|zusatz|geschäftsordnungs|gemeinschafts)antr[aä]g\w*"
)
_MOTION_WORD = re.compile(r"\b\w*antr[aä]g(e|en|es|s)?\b")
_QUESTION_WORD = re.compile(r"\banfrage\b")
_MAIN_WORD = re.compile(
    r"\b(beschlussvorlage|verwaltungsvorlage|vorlage|satzung|gesamtabstimmung|hauptantrag)\b"
)
_HEDGED = re.compile(r"\b(wenn|falls|ob)\b|\bnicht (einverstanden|zufrieden)")
# a recommendation or proposal is not yet the outcome ("wir hatten empfohlen, das zu verweisen")
_PROPOSED = re.compile(r"\b(empfohlen|empfehlen|empfehle|vorgeschlagen|schlage \w+ vor|schlagen \w+ vor)\b")
# an earlier event or the motion's wording is not this vote's outcome ("Der Antrag lautet, dass wir vertagen")
_EARLIER = re.compile(r"\b(hatten|hatte|wurde|wurden|damals|schon|bereits|bislang|lautet|beantragt)\b")
# a possibility or a plan is not the outcome ("… hätten wir dazu noch Gelegenheit, im Hauptausschuss",
# "Die würden wir dann der Reihe nach abarbeiten, hätten damit … erledigt")
_MODAL = re.compile(
    r"\b(würde|würden|hätte|hätten|könnte|könnten|sollte|sollten|müsste|müssten|vielleicht|sofern)\b"
)
_REST_IN_FAVOUR = re.compile(r"\b(rest|übrigen|ansonsten)\b[\w ]{0,20}\b(dafür|ja|jastimmen|zustimmung)\b")
_ACCEPTED = frozenset({oc.UNANIMOUS, oc.MAJORITY, oc.ADOPTED})


@dataclass(frozen=True)
class Proposal:
    """An amendment entry of an agenda item: its index in the agenda, kind and the groups filing it."""

    index: int
    kind: str  # "änderungsantrag", "ergänzungsantrag", "antrag", "anfrage", …
    parties: frozenset[str]


def parties_in(text: str, proposals: Sequence[Proposal] = (), groups: Groups | None = None) -> frozenset[str]:
    """The council groups named in ``text`` ("der GRÜNEN und der WiR-Fraktion" → GRÜNE, WiR).

    Groups of the body's conventions and the common parties (see groups.py); a group learned from
    the agenda only when it files one of ``proposals``.
    """
    filing = {name for proposal in proposals for name in proposal.parties}
    if groups is None:
        groups = Groups.of()
        for name in sorted(filing):
            groups.learn(name)
    return frozenset(name for name in groups.find(text) if name not in groups.learned or name in filing)


def proposal(index: int, title: str, groups: Groups | None = None) -> Proposal:
    """A Proposal from an agenda title ("Änderungsantrag GRÜNE, WiR: …", "Änderungsantrag: WiR X: …")."""
    parts = [p.strip() for p in title.split(":")]
    head = parts[0]
    kind_match = _KIND.match(head)
    kind = kind_match.group(1).lower() if kind_match else "antrag"
    if kind_match and len(parts) > 2 and not head[kind_match.end() :].strip(" .,"):
        head = f"{head} {parts[1]}"  # "Änderungsantrag: WiR Musterstadt: Vergabe …"
    groups = groups or Groups.of()
    # a motion's title names its filers at its head; any other title only groups known already
    return Proposal(index, kind, groups.find_in_title(head) if kind_match else groups.find(head))


def targets(
    texts: Sequence[str],
    segments: Sequence[int],
    proposals: Sequence[Proposal],
    groups: Groups | None = None,
) -> list[int | None]:
    """Per sentence of the chair, the motion it is about: a proposal's agenda index, MAIN or None.

    A sentence naming a motion makes it the target; the target holds for the following sentences
    of the same turn (consecutive segments) until another motion is named.
    """
    aliases: dict[str, int] = {}
    found: list[int | None] = []
    current: int | None = None
    previous_segment: int | None = None
    for text, segment in zip(texts, segments, strict=True):
        if previous_segment is not None and segment > previous_segment + 1:
            current = None  # someone else spoke in between
        previous_segment = segment
        names, target = _named(text, proposals, aliases, current, groups)
        if names:
            current = target
        found.append(current)
    return found


def _named(
    text: str,
    proposals: Sequence[Proposal],
    aliases: dict[str, int],
    current: int | None,
    groups: Groups | None,
) -> tuple[bool, int | None]:
    """Whether a sentence names a motion, and which (None: a motion that is not on the agenda).

    "den Änderungsantrag" without a group after "der Änderungsantrag der Grünen" refers back to it.
    """
    norm = " ".join(plain_words(text))
    motion = bool(_MOTION_WORD.search(norm))
    question = bool(_QUESTION_WORD.search(norm))
    amendment = bool(_AMENDMENT_WORD.search(norm))
    main = bool(_MAIN_WORD.search(norm)) and not amendment
    parties = parties_in(text, proposals, groups)
    if parties and (motion or question):
        return True, _by_group(parties, proposals, aliases, question=question, amendment=amendment)
    if main:
        return True, MAIN
    if question:
        questions = [p for p in proposals if p.kind == "anfrage"]
        return len(questions) == 1, questions[0].index if len(questions) == 1 else None
    if not motion or (current is not None and current != MAIN):
        return False, None  # no motion named, or "über diesen Änderungsantrag" (the one just named)
    motions = [p for p in proposals if p.kind != "anfrage"]
    if amendment:
        unnamed = [p for p in motions if not p.parties]
        chosen = motions if len(motions) == 1 else unnamed
        return True, chosen[0].index if len(chosen) == 1 else None
    plain = [p for p in motions if p.kind == "antrag"]
    return len(plain) == 1, plain[0].index if len(plain) == 1 else None


def _by_group(
    parties: frozenset[str],
    proposals: Sequence[Proposal],
    aliases: dict[str, int],
    *,
    question: bool,
    amendment: bool,
) -> int | None:
    """The listed motion of the named groups; None for a group's motion that is not listed."""
    best = _by_parties(parties, proposals, question=question)
    if best is None:
        best = next((aliases[p] for p in sorted(parties) if p in aliases), None)
    if best is not None:
        return best
    unnamed = [p for p in proposals if not p.parties and p.kind != "anfrage"]
    if amendment and len(unnamed) == 1:
        aliases.update(dict.fromkeys(parties, unnamed[0].index))  # "der Ergänzungsantrag der WiR"
        return unnamed[0].index
    return None  # often the item itself: a group's Antrag with amendments to it


def _by_parties(parties: frozenset[str], proposals: Sequence[Proposal], *, question: bool) -> int | None:
    """The proposal filed by the named groups: most groups in common, then fewest others."""
    candidates = [p for p in proposals if p.parties & parties and (p.kind == "anfrage") == question] or [
        p for p in proposals if p.parties & parties
    ]
    if not candidates:
        return None
    best = max(candidates, key=lambda p: (len(p.parties & parties), -len(p.parties - parties)))
    return best.index


def combine(results: Sequence[str]) -> str | None:
    """One result from the votes on a motion's parts: all rejected, all accepted, or partly."""
    if not results:
        return None
    if oc.PARTLY in results:
        return oc.PARTLY
    rejected = [r for r in results if r == oc.REJECTED]
    accepted = [r for r in results if r in _ACCEPTED]
    if rejected and accepted:
        return oc.PARTLY
    if accepted:
        if oc.MAJORITY in accepted:
            return oc.MAJORITY
        return oc.UNANIMOUS if all(r == oc.UNANIMOUS for r in accepted) else oc.ADOPTED
    return results[-1]


def counted_result(text: str) -> str | None:
    """The result of a vote given only as counts.

    "21 Ja-Stimmen, 24 Nein-Stimmen" → rejected; "8 Gegenstimmen, der Rest ist dafür" → accepted.
    """
    tokens = plain_words(text)
    counts = oc.spoken_counts(tokens)
    if "no" not in counts:
        return None
    if "yes" in counts:
        return oc.MAJORITY if counts["yes"] > counts["no"] else oc.REJECTED
    return oc.MAJORITY if _REST_IN_FAVOUR.search(" ".join(tokens)) else None


def no_vote_result(norm: str) -> str | None:
    """The no-vote outcome a sentence states (erledigt, verwiesen, vertagt, zurückgezogen, …), if any."""
    if _PROPOSED.search(norm) or _EARLIER.search(norm) or _MODAL.search(norm):
        return None
    for phrase in oc.NO_VOTE_PHRASES:
        if phrase.result == oc.SETTLED and _HEDGED.search(norm):
            continue
        if phrase.pattern.search(norm.replace("verweist auf", "")):
            return phrase.result
    return None


def strongest(results: Sequence[str]) -> str | None:
    """The no-vote outcome that outweighs the others (the order of outcomes.NO_VOTE_PHRASES)."""
    order = [p.result for p in oc.NO_VOTE_PHRASES]
    return min(results, key=order.index) if results else None


def customary(item: Proposal) -> tuple[str | None, str]:
    """The outcome of a motion with no stated result, by custom, and the reason in German.

    Only an Anfrage has one: it is answered (Kenntnisnahme). An amendment not put to the vote has
    none — sharing the proposal's outcome or "settled by the administration's statement" was right
    in only about half of the benchmark cases, far below the precision a stated result needs.
    """
    if item.kind == "anfrage":
        return oc.NOTED, "Anfrage zum Tagesordnungspunkt: mit der Stellungnahme beantwortet"
    return None, "Keine Abstimmung über diesen Antrag erkannt"
