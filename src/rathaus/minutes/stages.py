"""The database side of the text stages: agenda spans, decisions and the draft.

``align``, ``decisions`` and ``draft`` are pure functions of the transcript and the agenda; here
their results are (de)serialised between job stages and written to AgendaItem, Vote and
MinutesDraft rows. Every drafted text is stored as an AI draft record (provenance); a text the
clerk has already edited is never overwritten by a re-run.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, input_hash, record_draft
from rathaus.minutes import service
from rathaus.minutes.conventions import conventions_for
from rathaus.minutes.models import Meeting, MinutesDraft, Person, Speaker, VoiceProfile
from rathaus.minutes.schemas import Attendee, Segment, VoteCounts, VotingRecord
from rathaus.minutes.text.align import ItemSpan
from rathaus.minutes.text.decisions import Evidence, ExtractDecisions, ItemDecision, Motion
from rathaus.minutes.text.draft import DraftMinutes, MeetingHeader, MinutesText

PROMPT_VERSION = "2"  # 2: German, indirect speech, no title, an example of the JSON shape


def save_spans(path: Path, spans: list[ItemSpan]) -> None:
    """Keep the spans for the later stages."""
    path.write_text(json.dumps([asdict(span) for span in spans], ensure_ascii=False), encoding="utf-8")


def load_spans(path: Path) -> list[ItemSpan]:
    """The spans the align stage kept."""
    return [ItemSpan(**data) for data in json.loads(path.read_text(encoding="utf-8"))]


def _counts(data: dict[str, Any] | None) -> VoteCounts | None:
    return VoteCounts(**data) if data else None


def _evidence(data: dict[str, Any]) -> Evidence:
    return Evidence(**data)


def load_decisions(path: Path) -> list[ItemDecision]:
    """The decisions the decisions stage kept."""
    decisions = []
    for data in json.loads(path.read_text(encoding="utf-8")):
        motions = tuple(
            Motion(
                kind=m["kind"],
                result=m["result"],
                counts=_counts(m["counts"]),
                evidence=_evidence(m["evidence"]),
            )
            for m in data["motions"]
        )
        decisions.append(
            ItemDecision(
                entry_index=data["entry_index"],
                number=data["number"],
                key=data["key"],
                result=data["result"],
                counts=_counts(data["counts"]),
                resolution_text=data["resolution_text"],
                motions=motions,
                evidence=tuple(_evidence(e) for e in data["evidence"]),
                method=data["method"],
                reason=data["reason"],
            )
        )
    return decisions


def named_segments(session: Session, meeting: Meeting, segments: list[Segment]) -> list[Segment]:
    """Segments with the speakers' names instead of their cluster labels, where named."""
    names = {
        s.label: s.display_name
        for s in session.scalars(select(Speaker).where(Speaker.meeting_id == meeting.id))
        if s.display_name
    }
    return [replace(s, speaker=names.get(s.speaker or "", s.speaker)) for s in segments]


def voting_records(session: Session, meeting: Meeting) -> list[VotingRecord]:
    """The imported votes as the decisions stage reads them."""
    numbers = {item.id: item for item in service.agenda_of(session, meeting)}
    return [
        VotingRecord(
            item_number=numbers[v.agenda_item_id].number,
            motion=v.motion,
            counts=VoteCounts(v.yes, v.no, v.abstain),
            named_votes=dict(v.named_votes),
            item_title=numbers[v.agenda_item_id].title,
        )
        for v in service.votes_of(session, meeting)
        if v.agenda_item_id in numbers
    ]


def run_name_speakers(*, session: Session, meeting: Meeting, module: Any) -> dict[str, Any]:
    """Name the meeting's voices after enrolled voice profiles; names the clerk gave are kept.

    Only the profiles of the meeting's attendees are compared when an attendance list exists.
    """
    speakers = list(session.scalars(select(Speaker).where(Speaker.meeting_id == meeting.id)))
    voices = {s.label: s.embedding for s in speakers if s.embedding and s.named_by != "clerk"}
    attending = {a.person_id for a in service.attendance_of(session, meeting) if a.present}
    vectors: dict[int, list[list[float]]] = {}
    for profile in session.scalars(select(VoiceProfile)):
        if attending and profile.person_id not in attending:
            continue
        if voices and len(profile.embedding) != len(next(iter(voices.values()))):
            continue  # enrolled with another voice encoder
        vectors.setdefault(profile.person_id, []).append(profile.embedding)
    enrolled = {person: module.combine(found) for person, found in vectors.items()}
    named = 0
    for label, person_id in module.name_speakers(voices, enrolled).items():
        if person_id is None:
            continue
        speaker = next(s for s in speakers if s.label == label)
        person = session.get(Person, person_id)
        speaker.person_id, speaker.named_by = person_id, "voice"
        speaker.display_name = person.name if person else speaker.display_name
        named += 1
    session.flush()
    return {"voices": len(voices), "enrolled": len(enrolled), "named": named}


def decisions_stage(*, session: Session, meeting: Meeting, chat: Any) -> ExtractDecisions:
    """The decisions stage with the conventions of the meeting's body (who chairs, factions, numbering)."""
    return ExtractDecisions(chat=chat, conventions=conventions_for(session=session, meeting=meeting))


def run_decisions(
    *,
    session: Session,
    meeting: Meeting,
    segments: list[Segment],
    spans: list[ItemSpan],
    chat: Any,
    path: Path,
) -> dict[str, Any]:
    """Extract motions, resolutions and votes per item and store them on the agenda items."""
    items = service.agenda_of(session, meeting)
    decisions = decisions_stage(session=session, meeting=meeting, chat=chat).run(
        named_segments(session, meeting, segments),
        service.entries_of(session, items),
        spans,
        voting_records(session, meeting),
    )
    path.write_text(json.dumps([asdict(d) for d in decisions], ensure_ascii=False), encoding="utf-8")
    by_index = {d.entry_index: d for d in decisions}
    decided = 0
    for index, item in enumerate(items):
        decision = by_index.get(index)
        if decision is None:
            continue
        item.result = decision.result or item.result
        item.resolution_text = decision.resolution_text or item.resolution_text
        if decision.counts is not None:
            item.votes_yes, item.votes_no = decision.counts.yes, decision.counts.no
            item.votes_abstain = decision.counts.abstain
            item.votes_source = "record" if decision.method == "record" else "transcript"
        item.decision_details = {
            "method": decision.method,
            "reason": decision.reason,
            "motions": [
                {
                    "kind": m.kind,
                    "result": m.result,
                    "counts": asdict(m.counts) if m.counts else None,
                    "start": m.evidence.start,
                    "end": m.evidence.end,
                    "text": m.evidence.text,
                }
                for m in decision.motions
            ],
            "evidence": [[e.start, e.end] for e in decision.evidence],
        }
        decided += decision.result is not None
    return {"items": len(items), "with_result": decided}


def _header(session: Session, meeting: Meeting) -> MeetingHeader:
    attendance = service.attendance_of(session, meeting)
    return MeetingHeader(
        body=meeting.organization.name if meeting.organization else meeting.name,
        date=meeting.session_date.strftime("%d.%m.%Y"),
        place=meeting.place or "",
        start=meeting.start.strftime("%H:%M") if meeting.start else "",
        end=meeting.end.strftime("%H:%M") if meeting.end else "",
        chair=meeting.chair or "",
        clerk=meeting.clerk or "",
        attendees=tuple(Attendee(name=a.person.name, role=a.role, present=a.present) for a in attendance),
    )


def run_draft(
    *,
    session: Session,
    meeting: Meeting,
    segments: list[Segment],
    spans: list[ItemSpan],
    decisions: list[ItemDecision],
    chat: Any,
) -> dict[str, Any]:
    """Draft the minutes and store each item's text with its sources and an AI draft record."""
    items = service.agenda_of(session, meeting)
    named = named_segments(session, meeting, segments)
    minutes: MinutesText = DraftMinutes(chat=chat).run(
        _header(session, meeting),
        service.entries_of(session, items),
        spans,
        decisions,
        named,
        kind=meeting.kind.value,
    )
    existing = {
        d.agenda_item_id: d
        for d in session.scalars(
            select(MinutesDraft).where(
                MinutesDraft.meeting_id == meeting.id, MinutesDraft.kind == meeting.kind
            )
        )
    }
    backend = getattr(chat, "name", "extractive") if minutes.method == "llm" else "extractive"
    written = kept = 0
    for item, drafted in zip(items, minutes.items, strict=True):
        current = existing.get(item.id)
        if current is not None and current.edited:
            kept += 1
            continue
        text = " ".join(sentence.text for sentence in drafted.discussion)
        sources = [
            {"text": s.text, "ranges": [[s.start, s.end]], "segments": list(s.segments), "speaker": s.speaker}
            for s in drafted.sentences()
        ]
        source_text = "\n".join(
            named[i].text
            for i in sorted({i for s in drafted.sentences() for i in s.segments})
            if i < len(named)
        )
        ai = record_draft(
            session=session,
            actor=Actor.system("minutes.pipeline"),
            module="minutes",
            purpose=f"minutes.{minutes.kind}",
            backend=backend,
            model_name=minutes.model or "rules",
            model_version=getattr(chat, "model_version", "1") if minutes.method == "llm" else "1",
            prompt_template=f"minutes.draft.{minutes.kind}",
            prompt_version=PROMPT_VERSION,
            input_digest=input_hash(item.title, source_text),
            output=text,
            object_type="agenda_item",
            object_id=item.id,
        )
        if current is None:
            current = MinutesDraft(
                tenant_id=meeting.tenant_id, meeting_id=meeting.id, kind=meeting.kind, agenda_item_id=item.id
            )
            session.add(current)
        current.text, current.sources, current.method, current.ai_draft_id = (
            text,
            sources,
            minutes.method,
            ai.id,
        )
        if drafted.result and not item.result:
            item.result = drafted.result
        written += 1
    session.flush()
    return {
        "items": written,
        "kept_clerk_text": kept,
        "method": minutes.method,
        "warnings": list(minutes.warnings),
    }
