"""Reading application types as an administrator: the overview, a version in plain German, the Probelauf.

The Probelauf evaluates a version's computed values and rules on sample values typed into a form like
the citizen's, and returns the findings the check would raise (``checks.field_hints`` and
``checks.rule_hints``), so a rule can be tried before its version is activated. Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rathaus.applications.catalog import versions
from rathaus.applications.checks import Hint, computed_lines, computed_values, field_hints, rule_hints
from rathaus.applications.definition import (
    Category,
    ComputedDef,
    ConsistencyMode,
    FieldDef,
    FieldKind,
    Severity,
    TypeDefinition,
)
from rathaus.applications.forms import read_form
from rathaus.applications.models import Application, ApplicationType, TypeStatus
from rathaus.core.security.models import User

KIND_NAMES = {
    FieldKind.TEXT: "Text",
    FieldKind.LONG_TEXT: "Langer Text",
    FieldKind.INTEGER: "Ganze Zahl",
    FieldKind.NUMBER: "Zahl",
    FieldKind.MONEY: "Geldbetrag",
    FieldKind.DATE: "Datum",
    FieldKind.BOOLEAN: "Ja/Nein (Ankreuzfeld)",
    FieldKind.CHOICE: "Auswahl (ein Wert)",
    FieldKind.MULTI_CHOICE: "Auswahl (mehrere Werte)",
    FieldKind.EMAIL: "E-Mail-Adresse",
    FieldKind.PHONE: "Telefonnummer",
    FieldKind.POSTCODE: "Postleitzahl",
    FieldKind.IBAN: "IBAN",
}
SEVERITY_NAMES = {Severity.ERROR: "Fehler", Severity.WARNING: "Warnung", Severity.NOTE: "Hinweis"}
CATEGORY_NAMES = {
    Category.COMPLETENESS: "Vollständigkeit",
    Category.PLAUSIBILITY: "Plausibilität",
    Category.CONSISTENCY: "Konsistenz",
}
MODE_NAMES = {
    ConsistencyMode.NAME_PRESENT: "Name steht in der Anlage",
    ConsistencyMode.ADDRESS_PRESENT: "Anschrift steht in der Anlage",
    ConsistencyMode.AMOUNT_MATCHES: "Betrag stimmt mit der Anlage überein",
}
LOCAL_ZONE = ZoneInfo("Europe/Berlin")
STATUS_NAMES = {TypeStatus.DRAFT: "Entwurf", TypeStatus.ACTIVE: "aktiv", TypeStatus.RETIRED: "zurückgezogen"}


def local_today() -> date:
    """Today in the municipality's time zone (``heute()`` of a Probelauf and of the schema download)."""
    return datetime.now(LOCAL_ZONE).date()


def _number(value: float) -> str:
    text = f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.removesuffix(",00")


def limits_text(spec: FieldDef) -> str:
    """The limits of a field in words: "mindestens 0, höchstens 30" or "höchstens 100 Zeichen"."""
    parts = []
    if spec.minimum is not None:
        parts.append(f"mindestens {_number(spec.minimum)}")
    if spec.maximum is not None:
        parts.append(f"höchstens {_number(spec.maximum)}")
    if spec.max_length is not None:
        parts.append(f"höchstens {spec.max_length} Zeichen")
    if spec.pattern:
        parts.append(f"Muster {spec.pattern}")
    return ", ".join(parts)


def computed_text(item: ComputedDef) -> str:
    """How a computed value is found: its formula, or that a table decides."""
    return item.formula or f"Tabelle mit {len(item.table)} Zeilen (die erste zutreffende Zeile gilt)"


@dataclass(frozen=True)
class TypeLine:
    """One type in the overview: its newest version, the active one and the drafts after it."""

    key: str
    title: str
    newest: ApplicationType
    active: ApplicationType | None
    newer_drafts: list[ApplicationType]
    applications: dict[int, int]


def application_counts(*, session: Session) -> dict[int, int]:
    """The number of applications per type version (row id)."""
    rows = session.execute(select(Application.type_id, func.count()).group_by(Application.type_id))
    return {int(type_id): int(count) for type_id, count in rows}


def overview(*, session: Session) -> list[TypeLine]:
    """Every type of the tenant, by title."""
    counts = application_counts(session=session)
    keys = session.scalars(select(ApplicationType.key).distinct())
    lines = []
    for key in keys:
        rows = versions(session=session, key=key)
        active = next((row for row in rows if row.status == TypeStatus.ACTIVE), None)
        floor = active.version if active else 0
        drafts = [row for row in rows if row.status == TypeStatus.DRAFT and row.version > floor]
        mine = {row.version: counts[row.id] for row in rows if row.id in counts}
        title = (active or rows[0]).title
        lines.append(TypeLine(key, title, rows[0], active, drafts, mine))
    return sorted(lines, key=lambda line: line.title.lower())


def people(*, session: Session, rows: Sequence[ApplicationType]) -> dict[int, str]:
    """The names of the people who saved or activated these versions, by user id."""
    ids = {uid for row in rows for uid in (row.created_by, row.activated_by) if uid is not None}
    if not ids:
        return {}
    return {
        user.id: user.full_name or user.username
        for user in session.scalars(select(User).where(User.id.in_(ids)))
    }


@dataclass
class ProbeResult:
    """What the check would find for sample values: the rules' findings and the fields' (missing, invalid)."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    computed: list[tuple[ComputedDef, str]] = field(default_factory=list)
    rule_hints: list[Hint] = field(default_factory=list)
    field_hints: list[Hint] = field(default_factory=list)


def probe(definition: TypeDefinition, form: Mapping[str, Sequence[str]], *, today: date) -> ProbeResult:
    """Evaluate the computed values and rules of ``definition`` on the posted sample values."""
    read = read_form(definition, form, today=today)
    computed = computed_values(definition, read.values, today=today)
    return ProbeResult(
        values=read.values,
        errors=read.errors,
        computed=computed_lines(definition, computed),
        rule_hints=rule_hints(definition, read.values, computed, today=today),
        field_hints=field_hints(definition, read.values, today=today),
    )
