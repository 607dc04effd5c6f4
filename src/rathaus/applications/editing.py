"""Changing an application type without programming: the definition as JSON, or one rule or field.

Every change makes a *new* definition (a saved version never changes): :func:`with_rule`,
:func:`without_rule`, :func:`with_field` and :func:`without_field` return a copy of the definition with
one rule or field added, replaced or removed, which the caller saves as a new draft version through
``catalog.save_version`` (which refuses it, with German messages, when a formula names a field that
does not exist). :func:`read_definition` reads JSON text with German messages for every problem, so an
administrator reads "Feld 3, Angabe „key“: …" rather than a pydantic message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from rathaus.applications.definition import (
    DefinitionError,
    FieldDef,
    Option,
    RuleDef,
    TypeDefinition,
    check_definition,
)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

PARTS = {
    "fields": "Feld",
    "rules": "Regel",
    "sections": "Schritt",
    "attachments": "Anlage",
    "computed": "Berechneter Wert",
    "consistency": "Konsistenzprüfung",
    "legal_sources": "Rechtsgrundlage",
    "options": "Auswahlwert",
    "table": "Tabellenzeile",
}
REASONS = {
    "missing": "fehlt",
    "extra_forbidden": "ist keine bekannte Angabe",
    "string_pattern_mismatch": "hat nicht die erlaubte Form (nur Kleinbuchstaben, Ziffern und _)",
    "string_too_short": "ist zu kurz",
    "string_type": "muss ein Text sein",
    "enum": "ist kein erlaubter Wert",
    "bool_type": "muss wahr oder falsch sein",
    "bool_parsing": "muss wahr oder falsch sein",
    "float_parsing": "muss eine Zahl sein",
    "float_type": "muss eine Zahl sein",
    "int_parsing": "muss eine ganze Zahl sein",
    "int_type": "muss eine ganze Zahl sein",
    "tuple_type": "muss eine Liste sein",
    "list_type": "muss eine Liste sein",
    "model_type": "muss ein Objekt mit Angaben sein",
    "model_attributes_type": "muss ein Objekt mit Angaben sein",
}
PATTERN_HINTS = {
    "reference_prefix": "zwei bis fünf Großbuchstaben, z. B. HST",
    "id": "Kleinbuchstaben, Ziffern, Punkt, Bindestrich und _",
}


def _where(loc: tuple[int | str, ...], labels: Mapping[str, str]) -> str:
    """``('fields', 2, 'key')`` as "Feld 3, Angabe „key“"; ``labels`` name the inputs of a form."""
    parts: list[str] = []
    position = 0
    while position < len(loc):
        part = loc[position]
        following = loc[position + 1] if position + 1 < len(loc) else None
        if isinstance(part, str) and part in PARTS and isinstance(following, int):
            parts.append(f"{PARTS[part]} {following + 1}")
            position += 2
            continue
        parts.append(labels.get(str(part), f"Angabe „{part}“"))
        position += 1
    return ", ".join(parts) or "Definition"


def german_problems(error: ValidationError, labels: Mapping[str, str] | None = None) -> list[str]:
    """German sentences for pydantic's errors (``labels``: the German names of a form's inputs)."""
    problems = []
    for problem in error.errors():
        kind = str(problem["type"])
        if kind == "json_invalid":
            detail = str(problem.get("ctx", {}).get("error", problem["msg"]))
            problems.append(f"Der Text ist kein gültiges JSON ({detail}).")
            continue
        where = _where(tuple(problem["loc"]), labels or {})
        reason = REASONS.get(kind, f"ist ungültig ({problem['msg']})")
        last = str(problem["loc"][-1]) if problem["loc"] else ""
        if kind == "string_pattern_mismatch" and last in PATTERN_HINTS:
            reason = f"hat nicht die erlaubte Form ({PATTERN_HINTS[last]})"
        if kind == "string_too_short" and last in {"legal_basis", "paragraph"}:
            reason = "fehlt (mindestens drei Zeichen, z. B. „§ 5 Abs. 1 HStS“)"
        problems.append(f"{where} {reason}.")
    return problems


def read_definition(text: str) -> TypeDefinition:
    """A checked definition from JSON text; DefinitionError with German sentences when it is wrong."""
    try:
        definition = TypeDefinition.model_validate_json(text)
    except ValidationError as error:
        raise DefinitionError(german_problems(error)) from error
    check_definition(definition)
    return definition


def build(model: type[M], values: Mapping[str, Any], labels: Mapping[str, str]) -> M:
    """``model`` from form values; DefinitionError with German sentences naming the form's inputs."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise DefinitionError(german_problems(error, labels)) from error


def parse_options(text: str) -> tuple[Option, ...]:
    """A code list from lines "wert = Beschriftung" (a line without "=" is both value and label)."""
    options = []
    for line in text.splitlines():
        if not line.strip():
            continue
        value, _, label = line.partition("=")
        options.append(Option(value=value.strip(), label=(label or value).strip()))
    return tuple(options)


def options_text(options: tuple[Option, ...]) -> str:
    """The code list as the form shows it, one "wert = Beschriftung" per line."""
    return "\n".join(
        option.value if option.label == option.value else f"{option.value} = {option.label}"
        for option in options
    )


def _replace(items: tuple[T, ...], old: T | None, new: T) -> tuple[T, ...]:
    if old is None:
        return (*items, new)
    return tuple(new if item is old else item for item in items)


def with_rule(definition: TypeDefinition, rule: RuleDef, *, replaces: str | None = None) -> TypeDefinition:
    """The definition with ``rule`` added at the end, or in place of the rule ``replaces``."""
    old = next((item for item in definition.rules if item.id == replaces), None) if replaces else None
    if replaces and old is None:
        raise DefinitionError([f"Die Regel „{replaces}“ gibt es in dieser Version nicht."])
    if old is None or old.id != rule.id:
        _refuse_taken([item.id for item in definition.rules], rule.id, "Eine Regel mit der Kennung")
    return definition.model_copy(update={"rules": _replace(definition.rules, old, rule)})


def without_rule(definition: TypeDefinition, rule_id: str) -> TypeDefinition:
    """The definition without the rule ``rule_id``."""
    if not any(rule.id == rule_id for rule in definition.rules):
        raise DefinitionError([f"Die Regel „{rule_id}“ gibt es in dieser Version nicht."])
    return definition.model_copy(update={"rules": tuple(r for r in definition.rules if r.id != rule_id)})


def _refuse_taken(taken: list[str], wanted: str, what: str) -> None:
    if wanted in taken:
        raise DefinitionError([f"{what} „{wanted}“ gibt es schon. Bitte wählen Sie eine andere."])


def with_field(definition: TypeDefinition, field: FieldDef, *, replaces: str | None = None) -> TypeDefinition:
    """The definition with ``field`` in place of ``replaces``, or added after the last field of its step."""
    if replaces:
        old = definition.field(replaces)
        if old is None:
            raise DefinitionError([f"Das Feld „{replaces}“ gibt es in dieser Version nicht."])
        if old.key != field.key:
            _refuse_taken([item.key for item in definition.fields], field.key, "Ein Feld mit dem Schlüssel")
        return definition.model_copy(update={"fields": _replace(definition.fields, old, field)})
    _refuse_taken([item.key for item in definition.fields], field.key, "Ein Feld mit dem Schlüssel")
    fields = list(definition.fields)
    same_step = [position for position, item in enumerate(fields) if item.section == field.section]
    fields.insert(same_step[-1] + 1 if same_step else len(fields), field)
    return definition.model_copy(update={"fields": tuple(fields)})


def without_field(definition: TypeDefinition, key: str) -> TypeDefinition:
    """The definition without the field ``key`` (saving refuses it while a formula still names it)."""
    if definition.field(key) is None:
        raise DefinitionError([f"Das Feld „{key}“ gibt es in dieser Version nicht."])
    return definition.model_copy(update={"fields": tuple(f for f in definition.fields if f.key != key)})


def pretty(document: Mapping[str, Any]) -> str:
    """A JSON document indented for download or a textarea."""
    return json.dumps(document, ensure_ascii=False, indent=2)
