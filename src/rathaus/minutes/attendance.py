"""Attendance suggested from the named votes of the voting system; the clerk confirms what is taken.

Who cast a vote (ja, nein, Enthaltung) was in the room. Who is "abwesend" in every named vote was
not. "nicht abgestimmt" (O, ohne Stimme) alone says neither: such persons are listed for the clerk
to decide and never suggested. Nothing changes until the clerk confirms; the change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.minutes.audit_actions import MinutesAction
from rathaus.minutes.models import Attendance, Meeting, Person, Vote
from rathaus.minutes.voting import ABSENT, PRESENT_WORDS
from rathaus.minutes.workflow import OPEN_STATES


class AttendanceChangeError(ValueError):
    """A suggestion that cannot be taken; the German message says why."""


@dataclass(frozen=True)
class AttendanceSuggestion:
    """What the named votes say about one person, next to the attendance list."""

    name: str
    cast: int  # votes cast: ja, nein, Enthaltung
    absent: int  # named votes where the person is "abwesend"
    not_voted: int  # named votes with "nicht abgestimmt"
    listed_present: bool | None  # the attendance list now: present, absent, or not on it (None)
    suggested_present: bool | None  # None: the votes do not decide

    @property
    def is_change(self) -> bool:
        """Whether taking the suggestion changes the attendance list."""
        return self.suggested_present is not None and self.suggested_present != self.listed_present

    @property
    def reason(self) -> str:
        """Why, in German, for the clerk."""
        if self.cast:
            return f"hat an {self.cast} namentlichen Abstimmung(en) teilgenommen"
        if self.absent and not self.not_voted:
            return f"bei allen {self.absent} namentlichen Abstimmung(en) als abwesend geführt"
        return "nur „nicht abgestimmt“ – bitte selbst prüfen"


def suggest_attendance(session: Session, meeting: Meeting) -> list[AttendanceSuggestion]:
    """Every person named in the meeting's imported votes, with what their votes suggest, by name."""
    tally: dict[str, list[int]] = {}
    for named in session.scalars(select(Vote.named_votes).where(Vote.meeting_id == meeting.id)):
        for name, word in (named or {}).items():
            counts = tally.setdefault(" ".join(name.split()), [0, 0, 0])
            counts[0 if word in PRESENT_WORDS else 1 if word == ABSENT else 2] += 1
    listed = _listed(session, meeting)
    suggestions = []
    for name, (cast, absent, not_voted) in sorted(tally.items()):
        suggested = True if cast else False if absent and not not_voted else None
        suggestions.append(
            AttendanceSuggestion(
                name=name,
                cast=cast,
                absent=absent,
                not_voted=not_voted,
                listed_present=listed.get(name.casefold()),
                suggested_present=suggested,
            )
        )
    return suggestions


def _listed(session: Session, meeting: Meeting) -> dict[str, bool]:
    rows = session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)).unique()
    return {" ".join(row.person.name.split()).casefold(): row.present for row in rows}


def confirm_attendance(*, session: Session, meeting: Meeting, names: list[str], actor: Actor) -> int:
    """Take the suggestions for ``names`` (the ones the clerk ticked) into the attendance list.

    Persons not on the list are added (found by name or created); others get the suggested presence.
    Returns the number of changed rows; one audit event lists the person ids.
    """
    if meeting.status not in OPEN_STATES:
        raise AttendanceChangeError("Die Anwesenheit einer freigegebenen Niederschrift bleibt unverändert.")
    chosen = {" ".join(name.split()).casefold() for name in names}
    suggestions = [
        s for s in suggest_attendance(session, meeting) if s.name.casefold() in chosen and s.is_change
    ]
    rows = {
        " ".join(row.person.name.split()).casefold(): row
        for row in session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)).unique()
    }
    present_ids: list[int] = []
    absent_ids: list[int] = []
    for suggestion in suggestions:
        present = bool(suggestion.suggested_present)
        row = rows.get(suggestion.name.casefold())
        if row is None:
            person = _person(session, suggestion.name)
            row = Attendance(tenant_id=meeting.tenant_id, meeting_id=meeting.id, person_id=person.id)
            session.add(row)
        row.present = present
        session.flush()
        (present_ids if present else absent_ids).append(row.person_id)
    if suggestions:
        record(
            session=session,
            actor=actor,
            action=MinutesAction.ATTENDANCE_FROM_VOTES,
            object_type="meeting",
            object_id=meeting.id,
            details={"source": "named_votes", "present": present_ids, "absent": absent_ids},
        )
    return len(suggestions)


def _person(session: Session, name: str) -> Person:
    person = session.scalars(select(Person).where(Person.name == name)).first()
    if person is None:
        person = Person(name=name)
        session.add(person)
        session.flush()
    return person
