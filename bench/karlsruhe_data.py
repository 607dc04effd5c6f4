"""The Karlsruhe Gemeinderat minutes as a stand-in transcript for the agenda and decision stages.

Each ``protocol_per_top/TOP_n.txt`` holds one agenda item's Niederschrift: a header (body, date,
place, chair), the heading ("Punkt 7 der Tagesordnung: …", Vorlage, "dazu: …"), the *Beschluss* and
*Abstimmungsergebnis* blocks — the answers — then the near-verbatim discussion, then a footer ("Zur
Beurkundung: …"). We keep only the discussion: everything before the first narrative line of the
chair after the Abstimmungsergebnis block ("Der Vorsitzende ruft Tagesordnungspunkt 7 zur Behandlung
auf …") and everything from "Zur Beurkundung" on is dropped, as are page markers ("- 2 -").
The items of one session are laid end to end in agenda order and cut into paragraph- or
sentence-sized segments with synthetic, monotonic times (0.4 s per word, 1 s pause between
segments); the speaker is the one named at the start of a turn ("Stadtrat Hock (FW): …").

Variants (``load_session(folder, variant=…)``):
- ``karlsruhe``: as above; only items with discussion text are scored.
- ``full``: every agenda number is scored, the ones without any text included (withdrawn,
  discussed under another number, not in the minutes). An *undebated* item — whose discussion has
  no speaker but the chair — keeps at most the chair's short call/vote sentences (the first
  sentence that calls the item, the last one that states or asks for the vote), else nothing.
- ``no_chair``: ``full`` with every sentence of the chair removed (speaker "Vorsitz", "Der/Die
  Vorsitzende", and the narrative lines before the first named turn); items left without text
  become items without text.
Items without text are recorded in ``KarlsruheSession.gaps`` with the index of the segment where
their text would start; those discussed in another item's text (named in its heading, "Punkt 12 …
Punkt 13 der Tagesordnung", or a sub-item 7.1 in its parent's text) also in ``joint`` with that range.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from rathaus.core.text.sentences import sentences
from rathaus.minutes.schemas import AgendaEntry, Segment, VoteCounts, VotingRecord

SECONDS_PER_WORD = 0.4
PAUSE = 1.0
MAX_SEGMENT_WORDS = 60

_DISCUSSION_START = re.compile(
    r"^\s*(Der|Die) (Vorsitzende|Oberbürgermeister\w*|Bürgermeister\w*|Erste Bürgermeister\w*)\b"
    r"(?! Nein)",
    re.MULTILINE,
)
_FOOTER = re.compile(r"^\s*Zur Beurkundung:?", re.MULTILINE)
_PAGE_MARK = re.compile(r"^\s*[-–]\s*\d+\s*[-–]\s*$", re.MULTILINE)
_TURN = re.compile(
    r"^((?:Der|Die) Vorsitzende|(?:Erste[rn]? )?(?:Stadtrat|Stadträtin|Stadträte|Bürgermeister(?:in)?|"
    r"Oberbürgermeister(?:in)?|Frau|Herr|Erster Bürgermeister)\b[^:\n]{0,90}?):\s+"
)


@dataclass
class KarlsruheSession:
    """One prepared session: the transcript stand-in, the agenda, and the answers kept apart."""

    name: str
    segments: list[Segment]
    agenda: list[AgendaEntry]
    oparl_results: list[str | None]  # per agenda entry
    true_ranges: dict[str, tuple[int, int]]  # item number → first/last segment index (inclusive)
    gold: list[dict[str, Any]]  # gold_agenda_resolutions.json "agenda_public", per agenda entry
    header: dict[str, Any] = field(default_factory=dict)
    gaps: dict[str, int] = field(default_factory=dict)  # number without text → where it would start
    joint: dict[str, tuple[int, int]] = field(
        default_factory=dict
    )  # number without text → range discussed in


def discussion_text(top_text: str) -> str:
    """The discussion of one TOP file: heading, Beschluss, Abstimmungsergebnis, header and footer removed."""
    result_block = re.search(r"^\s*Abstimmungsergebnis", top_text, re.MULTILINE)
    body = top_text[result_block.end() :] if result_block else top_text
    start = _DISCUSSION_START.search(body)
    body = body[start.start() :] if start else ""
    footer = _FOOTER.search(body)
    if footer:
        body = body[: footer.start()]
    body = _PAGE_MARK.sub("", body)
    body = re.sub(r"(\w)[-‐]\s*\n\s*(?=[a-zäöüß])", r"\1", body)  # hyphenation at line ends
    return body.strip()


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each on one line."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def segments_from_discussion(text: str, start: float, speaker: str | None = None) -> list[Segment]:
    """Paragraph- or sentence-sized segments with synthetic times from ``start`` on."""
    segments: list[Segment] = []
    clock = start
    for paragraph in paragraphs(text):
        turn = _TURN.match(paragraph)
        if turn:
            speaker = turn.group(1)
        elif re.match(r"^(Der|Die) Vorsitzende\b", paragraph):
            speaker = "Vorsitz"
        for chunk in _chunks(paragraph):
            duration = max(1.0, len(chunk.split()) * SECONDS_PER_WORD)
            segments.append(Segment(start=clock, end=clock + duration, text=chunk, speaker=speaker))
            clock += duration + PAUSE
    return segments


def _chunks(paragraph: str) -> list[str]:
    if len(paragraph.split()) <= MAX_SEGMENT_WORDS:
        return [paragraph]
    chunks: list[str] = []
    current: list[str] = []
    for sentence in sentences(paragraph):
        if current and len(" ".join([*current, sentence]).split()) > MAX_SEGMENT_WORDS:
            chunks.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        chunks.append(" ".join(current))
    return chunks


def load_session(folder: Path, variant: str = "karlsruhe") -> KarlsruheSession:
    """Prepare one session folder (oparl_meeting.json, gold_agenda_resolutions.json, protocol_per_top/)."""
    meeting = json.loads((folder / "oparl_meeting.json").read_text())
    gold = json.loads((folder / "gold_agenda_resolutions.json").read_text())
    tops = (folder / "protocol_per_top").glob("TOP_*.txt")
    texts = {path.stem.removeprefix("TOP_"): path.read_text() for path in tops}
    header = {k: gold.get(k) for k in ("date", "gremium", "chair", "location", "meeting_name")}
    return build_session(folder.name, meeting["agendaItem"], texts, gold["agenda_public"], variant, header)


def build_session(
    name: str,
    agenda_items: list[dict[str, Any]],
    texts: dict[str, str],
    gold_entries: list[dict[str, Any]],
    variant: str = "karlsruhe",
    header: dict[str, Any] | None = None,
) -> KarlsruheSession:
    """A session from OParl agenda items, the TOP texts by number and the gold entries per agenda entry."""
    items = sorted(agenda_items, key=lambda item: item.get("order", 0))
    references = {g["number"]: g.get("paper_reference") for g in gold_entries if g.get("number")}
    paper_types = {g["number"]: g.get("paper_type") for g in gold_entries if g.get("number")}
    agenda = [
        AgendaEntry(
            number=str(item.get("number") or ""),
            title=item.get("name", ""),
            public=bool(item.get("public", True)),
            paper_reference=references.get(item.get("number") or "") if _first(items, i) else None,
            paper_type=paper_types.get(item.get("number") or "") if _first(items, i) else None,
            key=str(item.get("id", i)),
        )
        for i, item in enumerate(items)
    ]
    texts_per_item: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for entry in agenda:
        if not entry.number or entry.number in seen:
            continue
        seen.add(entry.number)
        top = texts.get(entry.number)
        item = segments_from_discussion(discussion_text(top), 0.0) if top else []
        texts_per_item.append((entry.number, _variant_texts(item, variant)))
    segments, true_ranges, gaps = _lay_out(texts_per_item, scored_without_text=variant != "karlsruhe")
    joint = _joint_ranges(texts, true_ranges, gaps)
    return KarlsruheSession(
        name=name,
        segments=segments,
        agenda=agenda,
        oparl_results=[item.get("result") for item in items],
        true_ranges=true_ranges,
        gold=gold_entries,
        header=header or {},
        gaps=gaps,
        joint=joint,
    )


_HEADING_NUMBER = re.compile(r"^\s*Punkt (\d+(?:\.\d+)*) der Tagesordnung", re.MULTILINE)


def _joint_ranges(
    texts: dict[str, str], true_ranges: dict[str, tuple[int, int]], gaps: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """Numbers without text discussed in another item's text: named in its heading ("Punkt 12 der
    Tagesordnung … Punkt 13 der Tagesordnung"), or a sub-item (7.1) whose parent (7) has text."""
    joint: dict[str, tuple[int, int]] = {}
    for number, (first, last) in true_ranges.items():
        head = texts[number].split("Abstimmungsergebnis", 1)[0]
        for named in _HEADING_NUMBER.findall(head):
            if named in gaps:
                joint[named] = (first, last)
    for number in gaps:
        parent = number.rsplit(".", 1)[0] if "." in number else None
        if number not in joint and parent in true_ranges:
            joint[number] = true_ranges[parent]
    return joint


_CHAIR_SPEAKERS = {None, "Vorsitz", "Der Vorsitzende", "Die Vorsitzende"}
_CALL_WORDS = re.compile(r"\b(ruf\w*|aufzurufen|aufrufen)\b", re.IGNORECASE)
_VOTE_WORDS = re.compile(
    r"\b(abstimm\w*|abstimmung\w*|votum|zustimm\w*|zugestimmt|einstimmig\w*|mehrheitlich\w*|gegenstimm\w*|"
    r"enthaltung\w*|kenntnis\w*|verwiese\w*|vertagt|beschlossen|abgelehnt|einverstanden)\b",
    re.IGNORECASE,
)


def _variant_texts(item: list[Segment], variant: str) -> list[tuple[str | None, str]]:
    """(speaker, text) of one item's segments as the variant has them."""
    pairs = [(s.speaker, s.text) for s in item]
    if variant == "karlsruhe" or not pairs:
        return pairs
    if all(speaker in _CHAIR_SPEAKERS for speaker, _ in pairs):  # undebated: the chair alone
        said = [sentence for _, text in pairs for sentence in sentences(text)]
        calls = [s for s in said if _CALL_WORDS.search(s)][:1]
        votes = [s for s in said if _VOTE_WORDS.search(s) and s not in calls][-1:]
        short = " ".join(calls + votes)
        pairs = [(pairs[0][0], short)] if short else []
    if variant == "no_chair":
        pairs = [(speaker, text) for speaker, text in pairs if speaker not in _CHAIR_SPEAKERS]
    return pairs


def _lay_out(
    items: list[tuple[str, list[tuple[str | None, str]]]], *, scored_without_text: bool
) -> tuple[list[Segment], dict[str, tuple[int, int]], dict[str, int]]:
    """Segments end to end with synthetic times; the true ranges, and the gaps of items without text."""
    segments: list[Segment] = []
    true_ranges: dict[str, tuple[int, int]] = {}
    gaps: dict[str, int] = {}
    clock = 0.0
    for number, pairs in items:
        if not pairs:
            if scored_without_text:
                gaps[number] = len(segments)
            continue
        true_ranges[number] = (len(segments), len(segments) + len(pairs) - 1)
        for speaker, text in pairs:
            duration = max(1.0, len(text.split()) * SECONDS_PER_WORD)
            segments.append(Segment(start=clock, end=clock + duration, text=text, speaker=speaker))
            clock += duration + PAUSE
    return segments, true_ranges, gaps


def _first(items: list[dict[str, Any]], index: int) -> bool:
    """Whether this agenda entry is the first with its number (later ones are amendments)."""
    number = items[index].get("number")
    return not any(item.get("number") == number for item in items[:index])


_COUNT_PATTERNS = {
    "yes": re.compile(r"(\d+)\s*(?:JA|Ja)(?:-Stimme[n]?)?\b"),
    "no": re.compile(r"(\d+)\s*(?:NEIN|Nein)(?:-Stimme[n]?)?\b|(\d+)\s*-\s*Nein"),
    "abstain": re.compile(r"(\d+)\s*Enthaltung(?:en)?"),
}


def counts_from_result(text: str) -> VoteCounts | None:
    """Exact counts from an Abstimmungsergebnis line when the yes votes are stated (else None).

    "Bei 40 Ja-Stimmen und 2 Enthaltungen zugestimmt" → 40/0/2. Lines that name several votes
    (Beschlussvorlage and Änderungsantrag) or leave the yes votes open ("ansonsten Zustimmung")
    give None: they are not one complete record.
    """
    found: dict[str, int] = {}
    for name, pattern in _COUNT_PATTERNS.items():
        matches = [next(g for g in m.groups() if g) for m in pattern.finditer(text)]
        if len(matches) > 1:
            return None
        if matches:
            found[name] = int(matches[0])
    if "yes" not in found:
        return None
    return VoteCounts(yes=found["yes"], no=found.get("no", 0), abstain=found.get("abstain", 0))


def body_key(gremium: str) -> str:
    """One name per body across its sessions ("58. Plenarsitzung Gemeinderat" → "Gemeinderat")."""
    if "Gemeinderat" in gremium:
        return "Gemeinderat"
    return re.sub(r"^.*?Sitzung\s+(?:des|der)?\s*", "", gremium).strip()


@cache
def _all_results(path: Path) -> tuple[tuple[str, str, str, VoteCounts], ...]:
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            text = row.get("abstimmungsergebnis") or ""
            counts = counts_from_result(text) if ":" not in text else None  # "TOP 12: …" holds several
            if counts is not None and row.get("date") and row.get("gremium"):
                rows.append((body_key(row["gremium"]), str(row["date"]), text, counts))
    return tuple(rows)


def earlier_results(root: Path, gremium: str, date: str) -> list[tuple[str, VoteCounts]]:
    """The body's results with complete counts recorded before ``date``, oldest first.

    From ``protocols_per_top_all.jsonl.gz``: what a council's own Rathaus would hold from the
    minutes approved before this session (``minutes.conventions.earlier_abstention_custom``).
    """
    key = body_key(gremium)
    rows = [r for r in _all_results(root / "protocols_per_top_all.jsonl.gz") if r[0] == key and r[1] < date]
    return [(text, counts) for _, _, text, counts in sorted(rows, key=lambda r: r[1])]


def voting_records(session: KarlsruheSession) -> list[VotingRecord]:
    """The gold counts as imported voting records: one per main item with complete counts."""
    records = []
    seen: set[str] = set()
    for entry, gold in zip(session.agenda, session.gold, strict=True):
        if not entry.number or entry.number in seen:
            continue
        seen.add(entry.number)
        counts = counts_from_result(gold.get("abstimmungsergebnis") or "")
        if counts is not None:
            records.append(VotingRecord(item_number=entry.number, motion="Beschlussvorlage", counts=counts))
    return records


_CALL_NUMBER = re.compile(
    r"((?:Tagesordnungs)?[Pp]unkte?|TOP)\s+\d+(?:\.\d+)*(?:(?:\s*,\s*|\s+und\s+|\s+bis\s+)\d+(?:\.\d+)*)*"
)
_CALL_SENTENCE = re.compile(r"^\s*(Der|Die) Vorsitzende\b[^.:]*\bruf\w*\b[^.:]*[.:]\s*")


def without_call_numbers(segments: list[Segment]) -> list[Segment]:
    """The same transcript with every item number after Tagesordnungspunkt/Punkt/TOP deleted."""
    return [replace(s, text=_CALL_NUMBER.sub(r"\1", s.text)) for s in segments]


def without_calls(segments: list[Segment]) -> list[Segment]:
    """The same transcript without the chair's call sentences (empty segments keep their time)."""
    return [replace(s, text=_CALL_SENTENCE.sub("", s.text)) for s in segments]
