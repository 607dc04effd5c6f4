"""The clerk's corrections in the editor: speakers, transcript text, agenda boundaries, minutes text.

Every change is audited with what it was before; the AI drafts themselves stay untouched until
approval, when ``workflow.approve`` records the difference to the final text with ``decide_draft``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow
from rathaus.minutes import service
from rathaus.minutes.audit_actions import MinutesAction
from rathaus.minutes.models import (
    AgendaItem,
    Meeting,
    MeetingStatus,
    MinutesDraft,
    Person,
    Speaker,
    TranscriptSegment,
    VoiceProfile,
)


class ReviewError(ValueError):
    """An edit that cannot be made; the message is German."""


def _editable(meeting: Meeting) -> None:
    if meeting.status not in {MeetingStatus.DRAFT, MeetingStatus.IN_REVIEW}:
        msg = f"Die Niederschrift ist „{meeting.status.label}“ und kann nicht mehr geändert werden."
        raise ReviewError(msg)


def _speaker(session: Session, meeting: Meeting, label: str) -> Speaker:
    speaker = session.scalar(select(Speaker).where(Speaker.meeting_id == meeting.id, Speaker.label == label))
    if speaker is None:
        raise ReviewError(f"Die Stimme „{label}“ gibt es in dieser Sitzung nicht.")
    return speaker


def rename_speaker(*, session: Session, meeting: Meeting, label: str, name: str, actor: Actor) -> Speaker:
    """Name a voice of this session; a known person of that name is linked."""
    _editable(meeting)
    speaker = _speaker(session, meeting, label)
    before = speaker.display_name
    clean = " ".join(name.split())
    speaker.display_name = clean or None
    person = session.scalar(select(Person).where(Person.name == clean)) if clean else None
    speaker.person_id = person.id if person else None
    speaker.named_by = "clerk"
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.SPEAKER_NAMED,
        object_type="meeting",
        object_id=meeting.id,
        details={"label": label, "before": before, "after": speaker.display_name},
    )
    return speaker


def enroll_voice(
    *, session: Session, meeting: Meeting, label: str, consent_date: date, actor: Actor
) -> VoiceProfile:
    """Remember the voice of a named speaker for later sessions – only with the person's consent.

    The voice is linked to the person the speaker was named as; the consent date is stored with it.
    """
    speaker = _speaker(session, meeting, label)
    if speaker.person_id is None:
        raise ReviewError("Bitte benennen Sie die Stimme zuerst mit dem Namen einer bekannten Person.")
    if not speaker.embedding:
        raise ReviewError("Für diese Stimme liegt kein Stimmabdruck vor (Sprechertrennung nicht gelaufen).")
    if consent_date > utcnow().date():
        raise ReviewError("Das Datum der Einwilligung darf nicht in der Zukunft liegen.")
    profile = VoiceProfile(
        tenant_id=meeting.tenant_id,
        person_id=speaker.person_id,
        consent_date=consent_date,
        embedding=list(speaker.embedding),
        source_meeting_id=meeting.id,
    )
    session.add(profile)
    speaker.named_by = speaker.named_by or "clerk"
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.VOICE_ENROLLED,
        object_type="person",
        object_id=speaker.person_id,
        details={"meeting": meeting.id, "label": label, "consent_date": consent_date.isoformat()},
    )
    return profile


def merge_speakers(*, session: Session, meeting: Meeting, label: str, into: str, actor: Actor) -> None:
    """Merge voice ``label`` into ``into`` (the clustering split one person in two)."""
    _editable(meeting)
    if label == into:
        raise ReviewError("Eine Stimme kann nicht mit sich selbst zusammengeführt werden.")
    source, target = _speaker(session, meeting, label), _speaker(session, meeting, into)
    moved = session.execute(
        update(TranscriptSegment)
        .where(TranscriptSegment.meeting_id == meeting.id, TranscriptSegment.speaker_label == label)
        .values(speaker_label=into)
        .execution_options(synchronize_session="fetch")
    ).rowcount  # type: ignore[attr-defined]
    session.delete(source)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.SPEAKERS_MERGED,
        object_type="meeting",
        object_id=meeting.id,
        details={"from": label, "into": target.label, "segments": moved},
    )


def correct_segment(*, session: Session, meeting: Meeting, segment_id: int, text: str, actor: Actor) -> None:
    """Replace the text of one transcript segment (its word times are dropped: they no longer fit)."""
    _editable(meeting)
    segment = session.scalar(
        select(TranscriptSegment).where(
            TranscriptSegment.id == segment_id, TranscriptSegment.meeting_id == meeting.id
        )
    )
    if segment is None:
        raise ReviewError("Diesen Abschnitt des Wortlauts gibt es nicht.")
    clean = " ".join(text.split())
    if not clean:
        raise ReviewError("Der Text eines Abschnitts darf nicht leer sein.")
    if clean == segment.text.strip():
        return
    before = segment.text
    segment.text, segment.words, segment.edited = clean, [], True
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.TRANSCRIPT_CORRECTED,
        object_type="meeting",
        object_id=meeting.id,
        details={"segment": segment.id, "before": before, "after": clean},
    )


def move_boundary(
    *, session: Session, meeting: Meeting, item_id: int, segment_id: int, actor: Actor
) -> AgendaItem:
    """Let agenda item ``item_id`` start at segment ``segment_id``; the item before it ends there."""
    _editable(meeting)
    items = service.agenda_of(session, meeting)
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    segment = session.scalar(
        select(TranscriptSegment).where(
            TranscriptSegment.id == segment_id, TranscriptSegment.meeting_id == meeting.id
        )
    )
    if index is None or segment is None:
        raise ReviewError("Tagesordnungspunkt oder Abschnitt gibt es in dieser Sitzung nicht.")
    item = items[index]
    later = [i.start_s for i in items[index + 1 :] if i.start_s is not None]
    if later and segment.start_s >= min(later):
        raise ReviewError("Ein Tagesordnungspunkt kann nicht nach dem Beginn des folgenden anfangen.")
    before = item.start_s
    item.start_s = segment.start_s
    item.alignment_method = "clerk"
    if item.end_s is None or item.end_s <= item.start_s:
        item.end_s = min(later) if later else max(segment.end_s, item.start_s)
    previous = next((i for i in reversed(items[:index]) if i.start_s is not None), None)
    if previous is not None:
        previous.end_s = segment.start_s
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.BOUNDARY_MOVED,
        object_type="agenda_item",
        object_id=item.id,
        details={"before": before, "after": item.start_s},
    )
    return item


def edit_item_text(
    *,
    session: Session,
    meeting: Meeting,
    item_id: int | None,
    text: str,
    actor: Actor,
    result: str | None = None,
    resolution_text: str | None = None,
) -> MinutesDraft:
    """Set the minutes text of an agenda item (and its result and resolution text)."""
    _editable(meeting)
    item = None
    if item_id is not None:
        item = session.scalar(
            select(AgendaItem).where(AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id)
        )
        if item is None:
            raise ReviewError("Diesen Tagesordnungspunkt gibt es in dieser Sitzung nicht.")
    draft = session.scalar(
        select(MinutesDraft).where(
            MinutesDraft.meeting_id == meeting.id,
            MinutesDraft.kind == meeting.kind,
            MinutesDraft.agenda_item_id == item_id,
        )
    )
    if draft is None:
        draft = MinutesDraft(
            tenant_id=meeting.tenant_id,
            meeting_id=meeting.id,
            kind=meeting.kind,
            agenda_item_id=item_id,
            text="",
            sources=[],
            method="clerk",
        )
        session.add(draft)
    before = draft.text
    draft.text = text.strip()
    draft.edited = draft.edited or draft.text != before
    draft.updated_at = utcnow()
    if item is not None:
        if result is not None:
            item.result = result.strip() or None
        if resolution_text is not None:
            item.resolution_text = resolution_text.strip() or None
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.TEXT_EDITED,
        object_type="meeting",
        object_id=meeting.id,
        details={"item": item_id, "chars_before": len(before), "chars_after": len(draft.text)},
    )
    return draft
