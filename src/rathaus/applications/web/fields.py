"""Form fields as the templates draw them: the input type and HTML attributes that follow from a FieldDef.

The browser gets the limits of the generated schema as HTML attributes (required, min/max, maxlength,
pattern, inputmode, autocomplete, type date/email/tel) for its keyboards and autofill; the forms are sent
with ``novalidate``, because the server checks every value anyway and answers in German. A value that
could not be read (``31.02.2026``, ``zwei``) is shown again as the citizen typed it, in a text input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rathaus.applications.definition import FieldDef, FieldKind
from rathaus.applications.forms import DEFAULT_TEXT_LIMIT, PATTERNS, TEXT_LIMIT

GROUPS = {FieldKind.BOOLEAN, FieldKind.MULTI_CHOICE}
RADIO_LIMIT = 5  # choices with more options become a select


@dataclass
class FieldView:
    """One field of a step, ready for the template."""

    spec: FieldDef
    id: str
    widget: str  # input, textarea, checkbox, radios, select, checkboxes
    value: str = ""
    chosen: list[str] = field(default_factory=list)
    attrs: dict[str, str | int | float] = field(default_factory=dict)
    error: str = ""
    visible: bool = True

    @property
    def described_by(self) -> str:
        parts = [f"{self.id}-hilfe"] if self.spec.help else []
        return " ".join([*parts, f"{self.id}-fehler"])


def field_id(key: str) -> str:
    return f"feld-{key}"


def _number_text(spec: FieldDef, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if spec.kind == FieldKind.INTEGER:
        return str(int(value))
    if spec.kind == FieldKind.MONEY:
        return f"{value:.2f}".replace(".", ",")
    return f"{value:g}".replace(".", ",")


def _is_iso_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _input_attrs(spec: FieldDef, value: Any) -> dict[str, str | int | float]:
    attrs: dict[str, str | int | float] = {"type": "text"}
    kind = spec.kind
    if kind == FieldKind.DATE:
        attrs["type"] = "date" if value in (None, "") or _is_iso_date(value) else "text"
    elif kind == FieldKind.EMAIL:
        attrs["type"] = "email"
    elif kind == FieldKind.PHONE:
        attrs.update(type="tel", inputmode="tel")
    elif kind == FieldKind.INTEGER:
        readable = value is None or (isinstance(value, int) and not isinstance(value, bool))
        attrs.update(type="number" if readable else "text", inputmode="numeric", step=1)
    elif kind in {FieldKind.NUMBER, FieldKind.MONEY}:
        attrs["inputmode"] = "decimal"
    elif kind == FieldKind.POSTCODE:
        attrs.update(inputmode="numeric", maxlength=5)
    if kind in {FieldKind.INTEGER, FieldKind.NUMBER, FieldKind.MONEY}:
        if spec.minimum is not None and attrs["type"] == "number":
            attrs["min"] = spec.minimum
        if spec.maximum is not None and attrs["type"] == "number":
            attrs["max"] = spec.maximum
    else:
        attrs.setdefault("maxlength", spec.max_length or TEXT_LIMIT.get(kind, DEFAULT_TEXT_LIMIT))
    pattern = spec.pattern or PATTERNS.get(kind)
    if pattern:
        attrs["pattern"] = pattern.removeprefix("^").removesuffix("$")
    if spec.autocomplete:
        attrs["autocomplete"] = spec.autocomplete
    return attrs


def view(spec: FieldDef, value: Any, *, error: str = "", visible: bool = True) -> FieldView:
    """The field ``spec`` with its stored ``value`` (typed, or the raw text that could not be read)."""
    shown = FieldView(spec=spec, id=field_id(spec.key), widget="input", error=error, visible=visible)
    if spec.kind == FieldKind.BOOLEAN:
        shown.widget = "checkbox"
        shown.chosen = ["ja"] if value is True else []
    elif spec.kind == FieldKind.MULTI_CHOICE:
        shown.widget = "checkboxes"
        shown.chosen = [str(item) for item in value] if isinstance(value, list) else []
    elif spec.kind == FieldKind.CHOICE:
        shown.widget = "radios" if len(spec.options) <= RADIO_LIMIT else "select"
        shown.chosen = [str(value)] if value not in (None, "") else []
    elif spec.kind == FieldKind.LONG_TEXT:
        shown.widget = "textarea"
        shown.value = "" if value is None else str(value)
        shown.attrs = {"maxlength": spec.max_length or TEXT_LIMIT[FieldKind.LONG_TEXT]}
    else:
        shown.value = _number_text(spec, value)
        shown.attrs = _input_attrs(spec, value)
    return shown


def views(
    specs: Sequence[FieldDef], values: Mapping[str, Any], errors: Mapping[str, str], visible: set[str]
) -> list[FieldView]:
    """The fields of a step; those whose condition does not hold are drawn hidden (shown by the script)."""
    return [
        view(spec, values.get(spec.key), error=errors.get(spec.key, ""), visible=spec.key in visible)
        for spec in specs
    ]


def error_list(fields: Sequence[FieldView]) -> list[tuple[str, str]]:
    """(anchor, text) for the error summary, in the order of the form."""
    return [(item.id, f"{item.spec.label}: {item.error}") for item in fields if item.error and item.visible]
