"""Form values: what a citizen typed, read into typed values and validated against a JSON Schema.

Every submission is validated on the server, always, whatever the browser did: :func:`read_form`
turns the posted strings into JSON values (German numbers "1.234,56", dates "2026-12-06" or
"06.12.2026", checkboxes), drops the values of fields that are not shown (their ``visible_if`` does not
hold, so a manipulated hidden field cannot slip in), and validates the rest with ``jsonschema`` against
the schema :func:`json_schema` generates for this submission from the type (fields shown only under a
condition are required only when that condition holds). Messages are German and name the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from rathaus.applications.definition import FieldDef, FieldKind, TypeDefinition
from rathaus.applications.formulas import holds

NUMERIC = {FieldKind.INTEGER, FieldKind.NUMBER, FieldKind.MONEY}
PATTERNS = {
    FieldKind.POSTCODE: r"^[0-9]{5}$",
    FieldKind.PHONE: r"^\+?[0-9 ()/-]{6,30}$",
    FieldKind.IBAN: r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$",
}
TEXT_LIMIT = {FieldKind.LONG_TEXT: 4000}
DEFAULT_TEXT_LIMIT = 300
TRUE_WORDS = {"ja", "on", "true", "1", "wahr"}


@dataclass
class FormResult:
    """The typed values of a form and the German messages for fields that are wrong or missing."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the form can be submitted."""
        return not self.errors


def _number(text: str) -> Decimal:
    cleaned = text.replace("€", "").replace(" ", "").strip()
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    return Decimal(cleaned)


def _date(text: str) -> date:
    german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text.strip())
    if german:
        return date(int(german.group(3)), int(german.group(2)), int(german.group(1)))
    return date.fromisoformat(text.strip())


def _read_number(spec: FieldDef, text: str) -> tuple[Any, str | None]:
    try:
        number = _number(text)
    except InvalidOperation:
        return text, "Bitte geben Sie eine Zahl ein."
    if spec.kind != FieldKind.INTEGER:
        return float(round(number, 2)), None
    if number != number.to_integral_value():
        return text, "Bitte geben Sie eine ganze Zahl ein."
    return int(number), None


def _read_date(text: str) -> tuple[Any, str | None]:
    try:
        return _date(text).isoformat(), None
    except ValueError:
        return text, "Bitte geben Sie ein Datum ein (TT.MM.JJJJ)."


def _read_one(spec: FieldDef, raw: str | Sequence[str] | None) -> tuple[Any, str | None]:
    """The JSON value of one posted field, or a German message when it cannot be read."""
    if spec.kind == FieldKind.MULTI_CHOICE:
        chosen = [raw] if isinstance(raw, str) else list(raw or [])
        return [value for value in chosen if value], None
    text = (raw if isinstance(raw, str) else (raw[-1] if raw else "")).strip()
    if spec.kind == FieldKind.BOOLEAN:
        return text.lower() in TRUE_WORDS, None
    value: Any = text or None
    problem = None
    if text and spec.kind in NUMERIC:
        value, problem = _read_number(spec, text)
    elif text and spec.kind == FieldKind.DATE:
        value, problem = _read_date(text)
    elif text and spec.kind == FieldKind.IBAN:
        value = text.replace(" ", "").upper()
    return value, problem


def typed(values: Mapping[str, Any], definition: TypeDefinition) -> dict[str, Any]:
    """JSON values as formulas see them: dates become ``date``, everything else stays."""
    result = dict(values)
    for spec in definition.fields:
        value = result.get(spec.key)
        if spec.kind == FieldKind.DATE and isinstance(value, str):
            try:
                result[spec.key] = date.fromisoformat(value)
            except ValueError:
                result[spec.key] = None
        empty: Any = [] if spec.kind == FieldKind.MULTI_CHOICE else None
        result.setdefault(spec.key, False if spec.kind == FieldKind.BOOLEAN else empty)
    return result


def shown(definition: TypeDefinition, values: Mapping[str, Any], *, today: date) -> list[FieldDef]:
    """The fields shown for these values: those without a condition and those whose condition holds."""
    seen = typed(values, definition)
    return [spec for spec in definition.fields if holds(spec.visible_if, seen, today=today) is True]


def _property(spec: FieldDef) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "title": spec.label,
        "description": spec.help,
        "x-legal-basis": spec.legal_basis,
    }
    if spec.kind in NUMERIC:
        schema["type"] = "integer" if spec.kind == FieldKind.INTEGER else "number"
        if spec.minimum is not None:
            schema["minimum"] = spec.minimum
        if spec.maximum is not None:
            schema["maximum"] = spec.maximum
    elif spec.kind == FieldKind.BOOLEAN:
        schema["type"] = "boolean"
        if spec.required:
            schema["const"] = True
    elif spec.kind == FieldKind.MULTI_CHOICE:
        schema.update(type="array", uniqueItems=True, items={"enum": [o.value for o in spec.options]})
    else:
        schema["type"] = "string"
        schema["maxLength"] = spec.max_length or TEXT_LIMIT.get(spec.kind, DEFAULT_TEXT_LIMIT)
        if spec.kind == FieldKind.CHOICE:
            schema["enum"] = [option.value for option in spec.options]
        elif spec.kind == FieldKind.DATE:
            schema["format"] = "date"
        elif spec.kind == FieldKind.EMAIL:
            schema["format"] = "email"
        pattern = spec.pattern or PATTERNS.get(spec.kind)
        if pattern:
            schema["pattern"] = pattern
    return schema


def json_schema(definition: TypeDefinition, values: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one submission: the fields shown, required where required."""
    fields = shown(definition, values, today=today)
    required = [spec.key for spec in fields if spec.required]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": definition.title,
        "type": "object",
        "properties": {spec.key: _property(spec) for spec in fields},
        "required": required,
        "additionalProperties": False,
    }


def _message(spec: FieldDef, validator: str, error_value: Any) -> str:
    messages = {
        "required": "Bitte füllen Sie dieses Feld aus.",
        "minimum": f"Der Wert muss mindestens {_plain(spec.minimum)} sein.",
        "maximum": f"Der Wert darf höchstens {_plain(spec.maximum)} sein.",
        "maxLength": "Der Text ist zu lang.",
        "enum": "Bitte wählen Sie einen der angebotenen Werte.",
        "format": "Bitte prüfen Sie die Schreibweise.",
        "pattern": "Bitte prüfen Sie die Schreibweise.",
        "type": "Dieser Wert hat nicht die erwartete Form.",
        "const": "Bitte bestätigen Sie diese Angabe.",
    }
    return messages.get(validator, f"Ungültiger Wert: {error_value!r}")


def _plain(number: float | None) -> str:
    if number is None:
        return ""
    return f"{number:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".").removesuffix(",00")


def validate(
    definition: TypeDefinition,
    values: Mapping[str, Any],
    *,
    today: date,
    only: set[str] | None = None,
) -> dict[str, str]:
    """German messages per field for JSON ``values`` against the generated schema (``only``: these fields)."""
    schema = json_schema(definition, values, today=today)
    present = {
        key: value
        for key, value in values.items()
        if value is not None and value != "" and value is not False and value != []
    }
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors: dict[str, str] = {}
    for error in validator.iter_errors(present):
        if error.validator == "required":
            key = str(error.message).split("'")[1]
        elif error.validator == "additionalProperties":
            continue
        else:
            key = str(error.absolute_path[0]) if error.absolute_path else ""
        spec = definition.field(key)
        if spec is None or (only is not None and key not in only):
            continue
        validator_name = "const" if spec.kind == FieldKind.BOOLEAN else str(error.validator)
        errors.setdefault(key, _message(spec, validator_name, error.instance))
    return errors


def read_form(
    definition: TypeDefinition,
    form: Mapping[str, str | Sequence[str]],
    *,
    today: date,
    fields: Sequence[FieldDef] | None = None,
    previous: Mapping[str, Any] | None = None,
) -> FormResult:
    """Read posted strings into JSON values (merged over ``previous``) and validate them.

    ``fields`` limits reading and messages to one step of the form; the values of other steps are kept
    from ``previous``. Values of fields that are not shown are dropped.
    """
    asked = list(fields) if fields is not None else list(definition.fields)
    values: dict[str, Any] = dict(previous or {})
    errors: dict[str, str] = {}
    for spec in asked:
        value, problem = _read_one(spec, form.get(spec.key))
        values[spec.key] = value
        if problem:
            errors[spec.key] = problem
    visible = {spec.key for spec in shown(definition, values, today=today)}
    values = {key: value for key, value in values.items() if key in visible}
    checked = {spec.key for spec in asked} - set(errors)
    errors.update(validate(definition, values, today=today, only=checked))
    return FormResult(values=values, errors=errors)
