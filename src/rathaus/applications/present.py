"""How the values of a form read for people: by step, with option labels and German dates and numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rathaus.applications.checks import shown_value
from rathaus.applications.definition import FieldDef, FieldKind, Section, TypeDefinition
from rathaus.applications.forms import shown


@dataclass(frozen=True)
class ShownSection:
    """One step of the form with its shown fields and their values as text."""

    section: Section
    rows: list[tuple[FieldDef, str]]


def _date_text(value: Any) -> str:
    try:
        return shown_value(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def value_text(spec: FieldDef, value: Any) -> str:
    """``value`` of the field as a German reader expects it (labels of choices, 06.12.2026, 1.234,5)."""
    labels = {option.value: option.label for option in spec.options}
    if value in (None, "", []):
        return "keine Angabe"
    if spec.kind == FieldKind.CHOICE:
        text = labels.get(str(value), str(value))
    elif spec.kind == FieldKind.MULTI_CHOICE and isinstance(value, list):
        text = ", ".join(labels.get(str(item), str(item)) for item in value)
    elif spec.kind == FieldKind.DATE:
        text = _date_text(value)
    elif spec.kind == FieldKind.MONEY and isinstance(value, int | float):
        text = f"{shown_value(float(value))} €"
    else:
        text = shown_value(value)
    return text


def by_section(definition: TypeDefinition, data: Mapping[str, Any], *, today: date) -> list[ShownSection]:
    """The fields shown for ``data``, grouped by step, with their values as text."""
    visible = {spec.key for spec in shown(definition, data, today=today)}
    return [
        ShownSection(
            section=section,
            rows=[
                (spec, value_text(spec, data.get(spec.key)))
                for spec in definition.section_fields(section.key)
                if spec.key in visible
            ],
        )
        for section in definition.sections
    ]
