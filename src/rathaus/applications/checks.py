"""The deterministic check of an application: completeness, the type's computed values and its rules.

File level, no database: these functions take a type definition and the submitted values (and what was
read from the attachments) and return :class:`Hint` objects — the points of the caseworker's checklist,
each with the paragraph it rests on and its evidence. Nothing here decides anything: a finding is a
pointer for a person. A rule whose formula cannot be decided (a value it needs is missing) raises no
finding; the missing value itself is a completeness finding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rathaus.applications.definition import (
    AttachmentDef,
    Category,
    ComputedDef,
    FieldKind,
    RuleDef,
    Severity,
    TypeDefinition,
)
from rathaus.applications.forms import typed, validate
from rathaus.applications.formulas import FormulaError, evaluate, holds, names_in
from rathaus.applications.kinds import KIND_LABELS, DocumentKind

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Hint:
    """One point of the checklist, before it is stored as a ``Finding``."""

    rule_id: str
    category: Category
    severity: Severity
    title: str
    message: str
    paragraph: str
    field: str = ""
    attachment: str = ""
    page: int | None = None
    line: int | None = None
    snippet: str = ""


@dataclass(frozen=True)
class AttachmentState:
    """What the check knows about the files uploaded for one attachment requirement."""

    key: str
    count: int
    readable: bool
    read_message: str = ""
    kind: str = ""
    kind_score: float = 0.0


def shown_value(value: Any) -> str:
    """A value as a German reader expects it: dates as 06.12.2026, decimals with a comma, lists joined."""
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        text = f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        return text.removesuffix(",00")
    if isinstance(value, list):
        return ", ".join(shown_value(item) for item in value) or "keine"
    return "–" if value is None else str(value)


def fill(message: str, values: Mapping[str, Any]) -> str:
    """The message with ``{name}`` replaced by the shown value."""
    return PLACEHOLDER.sub(lambda match: shown_value(values.get(match.group(1))), message)


def _computed_value(item: ComputedDef, values: Mapping[str, Any], today: date) -> Any:
    if item.formula:
        try:
            return evaluate(item.formula, values, today=today)
        except FormulaError:
            return None
    return next((row.value for row in item.table if holds(row.when, values, today=today) is True), None)


def computed_values(definition: TypeDefinition, data: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    """The type's computed values for these data, in order (later ones may use earlier ones)."""
    values = typed(data, definition)
    result: dict[str, Any] = {}
    for item in definition.computed:
        value = _computed_value(item, values, today)
        values[item.key] = value
        result[item.key] = value
    return result


def field_hints(definition: TypeDefinition, data: Mapping[str, Any], *, today: date) -> list[Hint]:
    """Completeness and form: the server re-validates every value against the generated schema."""
    hints = []
    for key, message in validate(definition, data, today=today).items():
        spec = definition.field(key)
        if spec is None:
            continue
        missing = data.get(key) in (None, "", [], False)
        hints.append(
            Hint(
                rule_id=f"feld.{key}",
                category=Category.COMPLETENESS if missing else Category.PLAUSIBILITY,
                severity=Severity.ERROR,
                title=f"{'Angabe fehlt' if missing else 'Angabe ungültig'}: {spec.label}",
                message=message,
                paragraph=spec.legal_basis,
                field=key,
            )
        )
    return hints


def required_attachments(
    definition: TypeDefinition, data: Mapping[str, Any], *, today: date
) -> list[AttachmentDef]:
    """The attachments these data require (unconditionally required, or their condition holds)."""
    values = typed(data, definition)
    return [
        attachment
        for attachment in definition.attachments
        if attachment.required
        or (attachment.required_if and holds(attachment.required_if, values, today=today))
    ]


def attachment_hints(
    definition: TypeDefinition,
    data: Mapping[str, Any],
    states: Mapping[str, AttachmentState],
    *,
    today: date,
) -> list[Hint]:
    """Attachments present, readable and of the expected kind."""
    hints = []
    for attachment in required_attachments(definition, data, today=today):
        state = states.get(attachment.key)
        if state is None or state.count == 0:
            hints.append(
                Hint(
                    rule_id=f"anlage.{attachment.key}.fehlt",
                    category=Category.COMPLETENESS,
                    severity=Severity.ERROR,
                    title=f"Anlage fehlt: {attachment.label}",
                    message=f"Für diesen Antrag ist „{attachment.label}“ nötig, aber nicht beigefügt.",
                    paragraph=attachment.legal_basis,
                    attachment=attachment.key,
                )
            )
    for key, state in states.items():
        given = definition.attachment(key)
        if given is None or state.count == 0:
            continue
        if not state.readable:
            hints.append(
                Hint(
                    rule_id=f"anlage.{key}.unleserlich",
                    category=Category.COMPLETENESS,
                    severity=Severity.ERROR,
                    title=f"Anlage nicht lesbar: {given.label}",
                    message=state.read_message or "Die Datei ließ sich nicht lesen.",
                    paragraph=given.legal_basis,
                    attachment=key,
                )
            )
        elif given.kind not in (DocumentKind.SONSTIGES, state.kind):
            expected = KIND_LABELS[given.kind]
            found = KIND_LABELS.get(DocumentKind(state.kind), state.kind) if state.kind else "nicht erkennbar"
            hints.append(
                Hint(
                    rule_id=f"anlage.{key}.art",
                    category=Category.COMPLETENESS,
                    severity=Severity.WARNING,
                    title=f"Anlage von anderer Art: {given.label}",
                    message=f"Erwartet: {expected}. Die Datei sieht aus wie: {found}.",
                    paragraph=given.legal_basis,
                    attachment=key,
                )
            )
    return hints


def _decidable(formula: str, values: Mapping[str, Any]) -> bool:
    """A check that reads a missing value is not decided (the missing value is a completeness finding).

    Only ``leer(…)`` asks about missing values on purpose, so a formula using it is always decided.
    """
    return "leer(" in formula or all(values.get(name) is not None for name in names_in(formula))


def _rule_hint(rule: RuleDef, values: Mapping[str, Any], today: date) -> Hint | None:
    if holds(rule.when, values, today=today) is not True:
        return None
    if not _decidable(rule.check, values) or holds(rule.check, values, today=today) is not False:
        return None
    return Hint(
        rule_id=rule.id,
        category=rule.category,
        severity=rule.severity,
        title=rule.title,
        message=fill(rule.message, values),
        paragraph=rule.paragraph,
        field=rule.field or "",
    )


def rule_hints(
    definition: TypeDefinition, data: Mapping[str, Any], computed: Mapping[str, Any], *, today: date
) -> list[Hint]:
    """The by-law rules: a finding for each rule whose condition holds and whose check fails."""
    values = {**typed(data, definition), **computed}
    return [hint for rule in definition.rules if (hint := _rule_hint(rule, values, today)) is not None]


def computed_lines(definition: TypeDefinition, computed: Mapping[str, Any]) -> list[tuple[ComputedDef, str]]:
    """The computed values as the checklist shows them: (definition, "240 € im Jahr")."""
    lines = []
    for item in definition.computed:
        value = computed.get(item.key)
        shown = "nicht berechenbar (Angaben fehlen)" if value is None else shown_value(value)
        if value is not None and item.unit:
            shown = f"{shown} {item.unit}"
        lines.append((item, shown))
    return lines


def money_fields(definition: TypeDefinition) -> set[str]:
    """The keys of the amounts of money in the form."""
    return {field.key for field in definition.fields if field.kind == FieldKind.MONEY}
