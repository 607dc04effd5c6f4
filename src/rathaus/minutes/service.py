"""Domain functions of the Protokollhilfe: meetings, agenda, attendees, imports, recordings.

Typed agendas and attendee lists are parsed in ``agenda``, recordings stored in ``recordings`` (both
re-exported here).

Keyword-only, taking a session, never committing: the caller's transaction holds the change and its
audit event together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.core.security.models import Tenant
from rathaus.minutes import conventions
from rathaus.minutes.agenda import MinutesInputError, parse_agenda, parse_attendees
from rathaus.minutes.audit_actions import MinutesAction
from rathaus.minutes.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingStatus,
    Organization,
    Paper,
    Person,
    Vote,
)
from rathaus.minutes.oparl import ImportedMeeting
from rathaus.minutes.recordings import RECORDING_PURPOSE, RECORDING_TYPES, add_recording, recordings_of
from rathaus.minutes.schemas import AgendaEntry, Attendee, VotingRecord
from rathaus.minutes.voting import match_records
from rathaus.minutes.workflow import due_date


@dataclass(frozen=True)
class MeetingInput:
    name: str
    session_date: date
    start: datetime | None = None
    end: datetime | None = None
    place: str | None = None
    chair: str | None = None
    clerk: str | None = None
    organization: str | None = None


def tenant_state(session: Session, tenant_id: int) -> str:
    """The Bundesland code of a tenant, for holidays."""
    tenant = session.get(Tenant, tenant_id)
    return tenant.state if tenant is not None else "NI"


def _organization(session: Session, name: str | None, oparl_id: str | None = None) -> Organization | None:
    if not name and not oparl_id:
        return None
    query = select(Organization)
    query = (
        query.where(Organization.oparl_id == oparl_id) if oparl_id else query.where(Organization.name == name)
    )
    found = session.scalars(query).first()
    if found is None:
        found = Organization(name=name or oparl_id or "Gremium", oparl_id=oparl_id)
        session.add(found)
        session.flush()
    return found


def create_meeting(
    *,
    session: Session,
    tenant_id: int,
    data: MeetingInput,
    actor: Actor,
    working_days: int = 3,
    oparl_id: str | None = None,
    organization_oparl_id: str | None = None,
) -> Meeting:
    """Create a meeting in status Entwurf with its due date (working days after the session)."""
    if not data.name.strip():
        raise MinutesInputError("Bitte geben Sie den Namen der Sitzung an.")
    meeting = Meeting(
        tenant_id=tenant_id,
        name=data.name.strip(),
        session_date=data.session_date,
        start=data.start,
        end=data.end,
        place=data.place,
        chair=data.chair,
        clerk=data.clerk,
        oparl_id=oparl_id,
        status=MeetingStatus.DRAFT,
        due_date=due_date(
            session_date=data.session_date, state=tenant_state(session, tenant_id), working_days=working_days
        ),
    )
    organization = _organization(session, data.organization, organization_oparl_id)
    meeting.organization_id = organization.id if organization else None
    session.add(meeting)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.MEETING_CREATED,
        object_type="meeting",
        object_id=meeting.id,
        details={"name": meeting.name, "date": meeting.session_date.isoformat(), "oparl_id": oparl_id},
    )
    return meeting


def agenda_of(session: Session, meeting: Meeting) -> list[AgendaItem]:
    """The agenda items of ``meeting`` in order."""
    return list(
        session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.order)
        )
    )


def set_agenda(
    *, session: Session, meeting: Meeting, entries: list[AgendaEntry], actor: Actor
) -> list[AgendaItem]:
    """Replace the agenda of a meeting that has no transcript yet by ``entries``."""
    if not entries:
        raise MinutesInputError("Die Tagesordnung enthält keine Punkte. Bitte geben Sie mindestens einen an.")
    session.execute(delete(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    items = []
    for order, entry in enumerate(entries, start=1):
        item = AgendaItem(
            tenant_id=meeting.tenant_id,
            meeting_id=meeting.id,
            number=entry.number,
            order=order,
            title=entry.title,
            public=entry.public,
            paper_reference=entry.paper_reference,
            proposed_resolution=entry.proposed_resolution,
        )
        session.add(item)
        items.append(item)
    session.flush()
    session.expire(meeting, ["agenda_items"])
    record(
        session=session,
        actor=actor,
        action=MinutesAction.AGENDA_SET,
        object_type="meeting",
        object_id=meeting.id,
        details={"items": len(items)},
    )
    return items


def set_attendees(*, session: Session, meeting: Meeting, attendees: list[Attendee], actor: Actor) -> None:
    """Replace the attendance list; persons are found by name or created (remembered across sessions)."""
    session.execute(delete(Attendance).where(Attendance.meeting_id == meeting.id))
    seen: set[int] = set()
    for attendee in attendees:
        person = _person(session, attendee.name, None)
        if person.id in seen:
            continue
        seen.add(person.id)
        session.add(
            Attendance(
                tenant_id=meeting.tenant_id,
                meeting_id=meeting.id,
                person_id=person.id,
                present=attendee.present,
                role=attendee.role,
            )
        )
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.ATTENDEES_SET,
        object_type="meeting",
        object_id=meeting.id,
        details={"count": len(seen)},
    )


def _person(session: Session, name: str, oparl_id: str | None) -> Person:
    query = (
        select(Person).where(Person.oparl_id == oparl_id)
        if oparl_id
        else select(Person).where(Person.name == name)
    )
    person = session.scalars(query).first()
    if person is None:
        person = Person(name=name, oparl_id=oparl_id)
        session.add(person)
        session.flush()
    return person


def attendance_of(session: Session, meeting: Meeting) -> list[Attendance]:
    """The attendance rows of a meeting, present first, by name."""
    rows = session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)).unique().all()
    return sorted(rows, key=lambda row: (not row.present, row.person.name))


def import_oparl(
    *, session: Session, tenant_id: int, imported: ImportedMeeting, actor: Actor, working_days: int = 3
) -> Meeting:
    """Store an OParl meeting with its agenda, papers and participants."""
    data = MeetingInput(
        name=imported.name,
        session_date=imported.session_date,
        start=imported.start,
        end=imported.end,
        place=imported.place,
        organization=imported.organization_name,
    )
    meeting = create_meeting(
        session=session,
        tenant_id=tenant_id,
        data=data,
        actor=actor,
        working_days=working_days,
        oparl_id=imported.oparl_id,
        organization_oparl_id=imported.organization_oparl_id,
    )
    for order, raw in enumerate(imported.items, start=1):
        paper_id = None
        if raw.paper_reference or raw.paper_oparl_id:
            paper = Paper(
                tenant_id=tenant_id,
                reference=raw.paper_reference,
                name=raw.paper_name or "",
                paper_type=raw.paper_type,
                proposed_resolution=raw.proposed_resolution,
                oparl_id=raw.paper_oparl_id,
            )
            session.add(paper)
            session.flush()
            paper_id = paper.id
        session.add(
            AgendaItem(
                tenant_id=tenant_id,
                meeting_id=meeting.id,
                number=raw.number,
                order=order,
                title=raw.title,
                public=raw.public,
                oparl_id=raw.oparl_id,
                paper_id=paper_id,
                paper_reference=raw.paper_reference,
                proposed_resolution=raw.proposed_resolution,
            )
        )
    for raw_person in imported.persons:
        person = _person(session, raw_person.name, raw_person.oparl_id)
        person.faction = raw_person.faction or person.faction
        session.add(
            Attendance(
                tenant_id=tenant_id,
                meeting_id=meeting.id,
                person_id=person.id,
                present=True,
                role=raw_person.role,
            )
        )
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.OPARL_IMPORTED,
        object_type="meeting",
        object_id=meeting.id,
        details={
            "oparl_id": imported.oparl_id,
            "items": len(imported.items),
            "persons": len(imported.persons),
            "warnings": imported.warnings[:20],
        },
    )
    conventions.seed_conventions(session=session, meeting=meeting, actor=actor)
    return meeting


def import_votes(*, session: Session, meeting: Meeting, records: list[VotingRecord], actor: Actor) -> int:
    """Store voting records, replacing earlier imports; every record must match an agenda item."""
    items = agenda_of(session, meeting)
    matched = match_records(records, [item.number for item in items], [item.title for item in items])
    session.execute(delete(Vote).where(Vote.meeting_id == meeting.id, Vote.source == "import"))
    count = 0
    for position, votes in matched.items():
        for vote in votes:
            session.add(
                Vote(
                    tenant_id=meeting.tenant_id,
                    meeting_id=meeting.id,
                    agenda_item_id=items[position].id,
                    motion=vote.motion,
                    yes=vote.counts.yes,
                    no=vote.counts.no,
                    abstain=vote.counts.abstain,
                    named_votes=dict(vote.named_votes),
                    source="import",
                )
            )
            count += 1
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.VOTES_IMPORTED,
        object_type="meeting",
        object_id=meeting.id,
        details={"votes": count},
    )
    return count


def votes_of(session: Session, meeting: Meeting) -> list[Vote]:
    """Imported votes of a meeting, in agenda order."""
    return list(session.scalars(select(Vote).where(Vote.meeting_id == meeting.id).order_by(Vote.id)))


def meetings(session: Session) -> list[Meeting]:
    """All meetings of the session's tenant, newest first."""
    return list(session.scalars(select(Meeting).order_by(Meeting.session_date.desc(), Meeting.id.desc())))


def entries_of(session: Session, items: list[AgendaItem]) -> list[AgendaEntry]:
    """The agenda as the pipeline sees it, with each item's paper type (from the imported papers)."""
    references = {item.paper_reference for item in items if item.paper_reference}
    papers = select(Paper.reference, Paper.paper_type).where(Paper.reference.in_(references))
    paper_types = {reference: kind for reference, kind in session.execute(papers) if reference and kind}
    return [
        AgendaEntry(
            number=item.number,
            title=item.title,
            public=item.public,
            paper_reference=item.paper_reference,
            proposed_resolution=item.proposed_resolution,
            key=str(item.id),
            paper_type=paper_types.get(item.paper_reference or ""),
        )
        for item in items
    ]


# parsed in agenda, stored in recordings; imported from here too
__all__ = [
    "RECORDING_PURPOSE",
    "RECORDING_TYPES",
    "MinutesInputError",
    "add_recording",
    "parse_agenda",
    "parse_attendees",
    "recordings_of",
]
