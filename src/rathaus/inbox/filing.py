"""The tenant's filing plan (Aktenplan) and departments: import from CSV/JSON, edit, and as routing data."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.core.db import tenant_of
from rathaus.core.text.encoding import UndecodableTextError, decode_upload
from rathaus.inbox import routing
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.models import OrgUnit, Position, RoutingRule

if TYPE_CHECKING:
    from rathaus.inbox.routing.rules import Field, Kind

NUMBER_KEYS = ("number", "nummer", "kennzeichen", "aktenplankennzeichen")
TITLE_KEYS = ("title", "titel", "bezeichnung")
DESCRIPTION_KEYS = ("description", "beschreibung")
UNIT_KEYS = ("org_unit", "department", "amt", "organisationseinheit", "zustaendig")
EMAIL_KEYS = ("email", "e-mail", "org_unit_email")


class PlanImportError(ValueError):
    """A filing plan file that cannot be read; the message is German and names the line."""


@dataclass(frozen=True)
class PlanRow:
    number: str
    title: str
    description: str = ""
    org_unit: str = ""
    email: str = ""


def _pick(row: Mapping[str, Any], keys: Iterable[str]) -> str:
    lowered = {str(key).strip().lower(): value for key, value in row.items() if key is not None}
    for key in keys:
        value = lowered.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def parse_plan(*, data: bytes, filename: str) -> list[PlanRow]:
    """Rows of a filing plan in CSV (``;`` or ``,``) or JSON (a list of objects), German or English keys."""
    try:
        text = decode_upload(data, what="Die Datei mit dem Aktenplan")
    except UndecodableTextError as error:
        raise PlanImportError(str(error)) from None
    if filename.lower().endswith(".json") or text.lstrip().startswith(("[", "{")):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as error:
            raise PlanImportError(
                f"Die JSON-Datei ist nicht lesbar (Zeile {error.lineno}): {error.msg}."
            ) from None
        raw = loaded.get("positions", []) if isinstance(loaded, dict) else loaded
        if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
            raise PlanImportError("Die JSON-Datei muss eine Liste von Positionen (Objekten) enthalten.")
        rows: list[Mapping[str, Any]] = raw
    else:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t") if text.strip() else csv.excel
        rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    plan: list[PlanRow] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        number, title = _pick(row, NUMBER_KEYS), _pick(row, TITLE_KEYS)
        if not number or not title:
            raise PlanImportError(f"Eintrag {line - 1}: Kennzeichen und Titel sind Pflichtangaben.")
        if number in seen:
            raise PlanImportError(f"Eintrag {line - 1}: das Kennzeichen „{number}“ kommt doppelt vor.")
        if number.lower() == routing.UNSURE:
            raise PlanImportError(f"Eintrag {line - 1}: „{number}“ ist als Kennzeichen reserviert.")
        seen.add(number)
        plan.append(
            PlanRow(
                number=number[:40],
                title=title[:300],
                description=_pick(row, DESCRIPTION_KEYS),
                org_unit=_pick(row, UNIT_KEYS)[:200],
                email=_pick(row, EMAIL_KEYS)[:254],
            )
        )
    if not plan:
        raise PlanImportError("Die Datei enthält keine Positionen.")
    return plan


def import_plan(*, session: Session, rows: Iterable[PlanRow], actor: Actor) -> tuple[int, int]:
    """Create or update positions (by number) and their departments; return (created, updated).

    Positions missing from the file are kept but marked inactive: items already filed there stay valid.
    """
    units = {unit.name: unit for unit in session.scalars(select(OrgUnit))}
    positions = {position.number: position for position in session.scalars(select(Position))}
    created = updated = 0
    imported: set[str] = set()
    for row in rows:
        unit = None
        if row.org_unit:
            unit = units.get(row.org_unit)
            if unit is None:
                unit = units[row.org_unit] = OrgUnit(name=row.org_unit, email=row.email or None)
                session.add(unit)
            elif row.email:
                unit.email = row.email
        position = positions.get(row.number)
        if position is None:
            position = positions[row.number] = Position(number=row.number, title=row.title)
            session.add(position)
            created += 1
        else:
            updated += 1
        position.title, position.description, position.active = row.title, row.description, True
        position.org_unit = unit
        imported.add(row.number)
    for number, position in positions.items():
        if number not in imported:
            position.active = False
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.PLAN_IMPORTED,
        object_type="filing_plan",
        details={"created": created, "updated": updated, "positions": len(imported)},
        tenant_id=tenant_of(session),
    )
    return created, updated


def active_positions(*, session: Session) -> list[Position]:
    """The positions items can be routed to, by number."""
    return list(session.scalars(select(Position).where(Position.active).order_by(Position.number)))


def org_units(*, session: Session) -> list[OrgUnit]:
    return list(session.scalars(select(OrgUnit).order_by(OrgUnit.name)))


def position_by_number(*, session: Session, number: str) -> Position | None:
    return session.scalar(select(Position).where(Position.number == number, Position.active))


def routing_plan(*, session: Session) -> routing.FilingPlan:
    """The active filing plan as routing data: the key of a position is its number."""
    return routing.FilingPlan.of(
        routing.Position(key=position.number, title=position.title, description=position.description)
        for position in active_positions(session=session)
    )


def routing_rules(*, session: Session) -> list[routing.Rule]:
    """The tenant's active routing rules, in order, for positions that are still active."""
    rows = session.scalars(
        select(RoutingRule)
        .join(Position, RoutingRule.position_id == Position.id)
        .where(RoutingRule.active, Position.active)
        .order_by(RoutingRule.order, RoutingRule.id)
    )
    return [
        routing.Rule(
            field=cast("Field", rule.field),  # the web form and the import check the values
            kind=cast("Kind", rule.match),
            pattern=rule.pattern,
            key=rule.position.number,
        )
        for rule in rows
    ]


# -- caseworker rules ---------------------------------------------------------------------------------

RULE_FIELDS = {"sender": "Absender", "subject": "Betreff", "body": "Text"}
RULE_MATCHES = {
    "contains": "enthält",
    "regex": "regulärer Ausdruck",
    "fuzzy": "ähnlich (verzeiht Lesefehler)",
}


class RuleError(ValueError):
    """A routing rule that cannot be saved; the message is German."""


def routing_rule_list(*, session: Session) -> list[RoutingRule]:
    """All of the tenant's routing rules, in the order they are tried."""
    return list(session.scalars(select(RoutingRule).order_by(RoutingRule.order, RoutingRule.id)))


def save_rule(
    *, session: Session, name: str, field: str, match: str, pattern: str, position: Position, actor: Actor
) -> RoutingRule:
    """Add a rule at the end of the list; the pattern is checked (a regular expression must compile)."""
    if field not in RULE_FIELDS or match not in RULE_MATCHES:
        raise RuleError("Bitte wählen Sie Feld und Vergleich aus der Liste.")
    pattern = pattern.strip()
    if not pattern:
        raise RuleError("Bitte geben Sie an, wonach die Regel suchen soll.")
    try:
        routing.Rule(
            field=cast("Field", field), kind=cast("Kind", match), pattern=pattern, key=position.number
        )
    except re.error as error:
        raise RuleError(f"Der reguläre Ausdruck ist ungültig: {error}.") from None
    last = session.scalar(select(RoutingRule.order).order_by(RoutingRule.order.desc()).limit(1))
    rule = RoutingRule(
        name=(name.strip() or f"{RULE_FIELDS[field]} {RULE_MATCHES[match]} „{pattern}“")[:200],
        field=field,
        match=match,
        pattern=pattern[:500],
        position_id=position.id,
        order=(last or 0) + 1,
    )
    session.add(rule)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.RULE_SAVED,
        object_type="inbox_routing_rule",
        object_id=rule.id,
        details={"field": field, "match": match, "pattern": pattern, "position": position.number},
    )
    return rule


def delete_rule(*, session: Session, rule: RoutingRule, actor: Actor) -> None:
    """Remove a rule; items it routed keep their routing and reason."""
    details = {"name": rule.name, "pattern": rule.pattern}
    rule_id = rule.id
    session.delete(rule)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.RULE_DELETED,
        object_type="inbox_routing_rule",
        object_id=rule_id,
        details=details,
    )
