"""The customs of each body in the database: stored per tenant and body, derived where not yet set.

A body's ``CouncilConventions`` (see ``text/conventions.py``) live as JSON on its Organization row.
Until the clerk saves them (or an OParl import seeds them), they are derived from what a meeting
says: the factions of its attendees (joint factions kept whole, "CDU/FDP" with its members CDU and
FDP), the chair of the meeting and the attendees whose role is a chair role, and the names of the
municipality and the body as place names, and whether the body records a vote with abstentions
and no votes against as "mehrheitlich" (from its earlier results with counts). The pipeline reads
``conventions_for(meeting)``: the stored conventions completed by what this meeting adds (its chair,
factions not yet known).

Keyword-only, taking a session, never committing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.core.security.models import Tenant
from rathaus.minutes.audit_actions import MinutesAction
from rathaus.minutes.models import AgendaItem, Attendance, Meeting, Organization
from rathaus.minutes.schemas import VoteCounts
from rathaus.minutes.text.conventions import CouncilConventions, Faction, abstention_custom, common_parties

# Generic words in front of a group's or a place's name; they are not part of the name itself.
_GROUP_PREFIX = re.compile(
    r"^(?:(?:rats|kreistags|gemeinderats|stadtrats)?fraktion(?:sgemeinschaft)?|gruppe|ratsgruppe|"
    r"zählgemeinschaft)\s+(?:der\s+|des\s+|von\s+)?",
    re.IGNORECASE,
)
_PLACE_PREFIX = re.compile(
    r"^(?:(?:große\s+kreisstadt|landeshauptstadt|hansestadt|universitätsstadt|kreisstadt|stadt|"
    r"gemeinde|samtgemeinde|verbandsgemeinde|markt|landkreis|kreis|bezirk|ortsgemeinde)\s+)+",
    re.IGNORECASE,
)
_CHAIR_ROLE = re.compile(r"vorsitz|vorsitzende", re.IGNORECASE)
_DEPUTY_ROLE = re.compile(r"stellv|vertret", re.IGNORECASE)
_MAYOR_ROLE = re.compile(r"\b(?:ober)?bürgermeister(?:in)?\b", re.IGNORECASE)
NUMBERING_SCHEMES = ("sub_items", "amendments")


def _key(text: str) -> str:
    """A spelling reduced for comparison: case folded, spaces around "/" dropped."""
    return re.sub(r"\s*/\s*", "/", " ".join(text.split())).casefold()


def _party_spellings() -> dict[str, str]:
    spellings: dict[str, str] = {}
    for party in common_parties():
        for spelling in (party.name, *party.aliases):
            spellings.setdefault(_key(spelling), party.name)
    return spellings


def group_name(text: str) -> str:
    """A faction's name without the word "Fraktion" in front ("Fraktion CDU/FDP" → "CDU/FDP")."""
    return _GROUP_PREFIX.sub("", " ".join(text.split())).strip()


def faction_parts(name: str) -> tuple[str, ...]:
    """The parts of a joint faction ("CDU/FDP" → CDU, FDP); a party spelled with a slash stays whole.

    Example: ``faction_parts("SPD/Bündnis 90/Die Grünen")`` → ``("SPD", "Bündnis 90/Die Grünen")``.
    """
    pieces = [piece.strip() for piece in group_name(name).split("/") if piece.strip()]
    known = _party_spellings()
    parts: list[str] = []
    start = 0
    while start < len(pieces):
        end = next(
            (
                stop
                for stop in range(len(pieces), start + 1, -1)
                if _key("/".join(pieces[start:stop])) in known
            ),
            start + 1,
        )
        parts.append("/".join(pieces[start:end]))
        start = end
    return tuple(parts)


def faction_of(text: str) -> Faction:
    """One group as written: a joint faction keeps its name and lists its parts as members."""
    name = group_name(text)
    parts = faction_parts(name)
    aliases = (text.strip(),) if text.strip() != name else ()
    return Faction(name=name, aliases=aliases, members=parts if len(parts) > 1 else ())


def is_party_text(text: str) -> bool:
    """Whether ``text`` names known parties only ("SPD", "CDU/FDP"), e.g. a role that is a faction."""
    known = _party_spellings()
    parts = faction_parts(text)
    return bool(parts) and all(_key(part) in known for part in parts)


def factions_from(names: Iterable[str]) -> tuple[Faction, ...]:
    """The distinct groups among ``names`` (joint factions kept whole), in the order first seen."""
    found: dict[str, Faction] = {}
    for text in names:
        if not text or not text.strip():
            continue
        faction = faction_of(text)
        found.setdefault(_key(faction.name), faction)
    return tuple(found.values())


def place_names(*names: str | None) -> tuple[str, ...]:
    """Each name as written and without "Stadt"/"Gemeinde"/… in front ("Stadt Jever" → also "Jever")."""
    found: list[str] = []
    for name in names:
        if not name or not name.strip():
            continue
        clean = " ".join(name.split())
        for spelling in (clean, _PLACE_PREFIX.sub("", clean).strip()):
            if spelling and spelling not in found:
                found.append(spelling)
    return tuple(found)


def stored_conventions(organization: Organization | None) -> CouncilConventions | None:
    """The conventions saved for a body, or None when none were saved or seeded."""
    if organization is None or not organization.conventions:
        return None
    return CouncilConventions.from_json(organization.conventions)


def _attendance(session: Session, meeting: Meeting) -> list[Attendance]:
    return list(session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)).unique())


def derive_conventions(*, session: Session, meeting: Meeting) -> CouncilConventions:
    """What a meeting tells about its body's customs: factions, chairs, mayor as chair, place names.

    Factions come from the attendees' ``Person.faction`` (or a role that names parties only); chairs
    from the meeting's chair and the attendees whose role is a chair role (the chair before deputies).
    The mayor is not taken as chair when an attendee in a mayor's role is not the chair while another
    attendee holds the chair's role – a council that elects its own chair.
    """
    rows = _attendance(session, meeting)
    groups = [
        row.person.faction or (row.role if row.role and is_party_text(row.role) else "") for row in rows
    ]
    chair_rows = [row for row in rows if row.role and _CHAIR_ROLE.search(row.role)]
    chair_rows.sort(key=lambda row: bool(_DEPUTY_ROLE.search(row.role or "")))
    chairs = [meeting.chair.strip()] if meeting.chair and meeting.chair.strip() else []
    chairs += [row.person.name for row in chair_rows if row.person.name not in chairs]
    mayors_not_chairing = [
        row for row in rows if row.role and _MAYOR_ROLE.search(row.role) and not _CHAIR_ROLE.search(row.role)
    ]
    chair_is_mayor = bool(meeting.chair and _MAYOR_ROLE.search(meeting.chair))
    mayor_chairs = chair_is_mayor or not (mayors_not_chairing and chair_rows)
    tenant = session.get(Tenant, meeting.tenant_id)
    body = meeting.organization
    return CouncilConventions(
        chairs=tuple(chairs),
        mayor_chairs=mayor_chairs,
        abstentions_break_unanimity=bool(earlier_abstention_custom(session=session, meeting=meeting)),
        factions=factions_from(groups),
        place_names=place_names(tenant.name if tenant else None, body.name if body else None),
    )


def earlier_abstention_custom(*, session: Session, meeting: Meeting) -> bool | None:
    """How the body recorded votes with abstentions and no votes against before this meeting.

    From the results with counts of its earlier meetings (as approved or imported), see
    ``text.conventions.abstention_custom``; None when the body has too few such results.
    """
    if meeting.organization_id is None:
        return None
    rows = session.execute(
        select(AgendaItem.result, AgendaItem.votes_yes, AgendaItem.votes_no, AgendaItem.votes_abstain)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(
            Meeting.organization_id == meeting.organization_id,
            Meeting.session_date < meeting.session_date,
            AgendaItem.result.is_not(None),
            AgendaItem.votes_yes.is_not(None),
        )
        .order_by(Meeting.session_date, AgendaItem.id)
    ).all()
    results = [
        (result, VoteCounts(yes=yes, no=no or 0, abstain=abstain or 0))
        for result, yes, no, abstain in rows
        if result and yes is not None
    ]
    return abstention_custom(results)


def _known_groups(factions: Iterable[Faction]) -> set[str]:
    return {_key(text) for f in factions for text in (f.name, *f.aliases, *f.members)}


def merged(stored: CouncilConventions, derived: CouncilConventions) -> CouncilConventions:
    """The stored conventions completed by a meeting's: its chairs, new factions and place names."""
    known = _known_groups(stored.factions)
    return replace(
        stored,
        chairs=stored.chairs + tuple(c for c in derived.chairs if c not in stored.chairs),
        factions=stored.factions + tuple(f for f in derived.factions if _key(f.name) not in known),
        place_names=stored.place_names + tuple(p for p in derived.place_names if p not in stored.place_names),
    )


def conventions_for(*, session: Session, meeting: Meeting) -> CouncilConventions:
    """The conventions the pipeline uses for ``meeting``: its body's, completed by the meeting's own."""
    derived = derive_conventions(session=session, meeting=meeting)
    stored = stored_conventions(meeting.organization)
    return derived if stored is None else merged(stored, derived)


def latest_meeting(session: Session, organization: Organization) -> Meeting | None:
    """The body's most recent meeting (the one its suggested conventions come from)."""
    return session.scalars(
        select(Meeting)
        .where(Meeting.organization_id == organization.id)
        .order_by(Meeting.session_date.desc(), Meeting.id.desc())
    ).first()


def conventions_of(*, session: Session, organization: Organization) -> tuple[CouncilConventions, bool]:
    """A body's conventions and whether they are stored (else suggested from its latest meeting)."""
    stored = stored_conventions(organization)
    if stored is not None:
        return stored, True
    meeting = latest_meeting(session, organization)
    if meeting is not None:
        return derive_conventions(session=session, meeting=meeting), False
    tenant = session.get(Tenant, organization.tenant_id)
    names = place_names(tenant.name if tenant else None, organization.name)
    return CouncilConventions(place_names=names), False


def _changes(before: CouncilConventions | None, after: CouncilConventions) -> list[str]:
    if before is None:
        return sorted(after.to_json())
    old, new = before.to_json(), after.to_json()
    return sorted(key for key in new if old.get(key) != new.get(key))


def save_conventions(
    *, session: Session, organization: Organization, conventions: CouncilConventions, actor: Actor
) -> None:
    """Store a body's conventions as the clerk edited them (audited with the fields changed)."""
    before = stored_conventions(organization)
    organization.conventions = conventions.to_json()
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.CONVENTIONS_EDITED,
        object_type="organization",
        object_id=organization.id,
        details={"changed": _changes(before, conventions)},
    )


def seed_conventions(*, session: Session, meeting: Meeting, actor: Actor) -> bool:
    """Store the conventions derived from an imported meeting for a body that has none yet.

    Returns whether anything was stored; a body's saved conventions are never overwritten.
    """
    organization = meeting.organization
    if organization is None or organization.conventions:
        return False
    derived = derive_conventions(session=session, meeting=meeting)
    organization.conventions = derived.to_json()
    session.flush()
    summary: dict[str, Any] = {
        "meeting_id": meeting.id,
        "chairs": len(derived.chairs),
        "factions": len(derived.factions),
        "mayor_chairs": derived.mayor_chairs,
    }
    record(
        session=session,
        actor=actor,
        action=MinutesAction.CONVENTIONS_SEEDED,
        object_type="organization",
        object_id=organization.id,
        details=summary,
    )
    return True


def organizations(session: Session) -> list[Organization]:
    """The tenant's bodies by name."""
    return list(session.scalars(select(Organization).order_by(Organization.name, Organization.id)))
