"""Application types as data: the form, the attachments, the computed values and the rules of a type.

A :class:`TypeDefinition` is what an administrator defines without programming and what Rathaus stores
as JSON (one row per version, see ``models.ApplicationType``). It follows the federal FIM data fields:
every field has a type, limits, a code list where it has one, a help text in plain German and the
**legal basis** it comes from; every rule cites the paragraph of the by-law it implements, so each
finding of the check can be explained. :func:`check_definition` refuses a type whose formulas refer to
fields that do not exist, with a German message naming the rule and the name.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rathaus.applications.formulas import FormulaError, names_in
from rathaus.applications.kinds import DocumentKind

KEY = r"^[a-z][a-z0-9_]{0,59}$"
TYPES_DIR = Path(__file__).resolve().parent / "types"


class FieldKind(enum.StrEnum):
    """The data type of a form field (FIM: Datentyp)."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    INTEGER = "integer"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    IBAN = "iban"


class Severity(enum.StrEnum):
    """How much a finding weighs: an error blocks approval until a person decides on it."""

    ERROR = "fehler"
    WARNING = "warnung"
    NOTE = "hinweis"


class Category(enum.StrEnum):
    """What a finding is about."""

    COMPLETENESS = "vollstaendigkeit"
    PLAUSIBILITY = "plausibilitaet"
    CONSISTENCY = "konsistenz"


class ConsistencyMode(enum.StrEnum):
    """How a form value is compared with an attachment."""

    NAME_PRESENT = "name_present"
    ADDRESS_PRESENT = "address_present"
    AMOUNT_MATCHES = "amount_matches"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    """One entry of a code list."""

    value: str
    label: str


class Section(_Strict):
    """One step of the citizen form."""

    key: Annotated[str, Field(pattern=KEY)]
    title: str
    intro: str = ""


class FieldDef(_Strict):
    """A form field with its type, limits, code list, help text and legal basis."""

    key: Annotated[str, Field(pattern=KEY)]
    label: str
    kind: FieldKind
    section: str
    legal_basis: Annotated[str, Field(min_length=3)]
    required: bool = False
    help: str = ""
    options: tuple[Option, ...] = ()
    code_list: str = ""
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    pattern: str | None = None
    visible_if: str | None = None
    autocomplete: str | None = None
    fim_id: str = ""


class AttachmentDef(_Strict):
    """An attachment the citizen uploads, with the kind of document expected."""

    key: Annotated[str, Field(pattern=KEY)]
    label: str
    kind: DocumentKind
    legal_basis: Annotated[str, Field(min_length=3)]
    required: bool = False
    required_if: str | None = None
    help: str = ""


class TableRow(_Strict):
    """One row of a lookup table: the value applies when the condition holds (first match wins)."""

    when: str
    value: float | str


class ComputedDef(_Strict):
    """A value the check derives from the form (a tax rate, an income bracket, a fee frame)."""

    key: Annotated[str, Field(pattern=KEY)]
    label: str
    paragraph: Annotated[str, Field(min_length=3)]
    unit: str = ""
    formula: str | None = None
    table: tuple[TableRow, ...] = ()


class RuleDef(_Strict):
    """A deterministic rule: when ``when`` holds and ``check`` does not, the check reports a finding."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,79}$")]
    title: str
    paragraph: Annotated[str, Field(min_length=3)]
    check: str
    message: str
    when: str | None = None
    severity: Severity = Severity.ERROR
    category: Category = Category.PLAUSIBILITY
    field: str | None = None


class ConsistencyDef(_Strict):
    """Form against attachment: the name, the address or an amount on the form appears in it."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,79}$")]
    title: str
    paragraph: Annotated[str, Field(min_length=3)]
    attachment: str
    fields: tuple[str, ...]
    mode: ConsistencyMode
    labels: tuple[str, ...] = ()
    tolerance_percent: float = 0.0
    severity: Severity = Severity.WARNING


class LegalSource(_Strict):
    """A by-law or law the type is built on."""

    short: str
    title: str
    url: str = ""
    valid_from: str = ""


class TypeDefinition(_Strict):
    """An application type: everything the form, the check and the caseworker need."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")]
    title: str
    summary: str
    reference_prefix: Annotated[str, Field(pattern=r"^[A-Z]{2,5}$")]
    authority: str
    municipality: str
    legal_sources: tuple[LegalSource, ...]
    sections: tuple[Section, ...]
    fields: tuple[FieldDef, ...]
    attachments: tuple[AttachmentDef, ...] = ()
    computed: tuple[ComputedDef, ...] = ()
    rules: tuple[RuleDef, ...] = ()
    consistency: tuple[ConsistencyDef, ...] = ()
    attribution: str = ""

    def field(self, key: str) -> FieldDef | None:
        """The field ``key``, if the type has it."""
        return next((field for field in self.fields if field.key == key), None)

    def attachment(self, key: str) -> AttachmentDef | None:
        """The attachment requirement ``key``, if the type has it."""
        return next((attachment for attachment in self.attachments if attachment.key == key), None)

    def section_fields(self, section: str) -> list[FieldDef]:
        """The fields of one step, in their order."""
        return [field for field in self.fields if field.section == section]


class DefinitionError(ValueError):
    """A type definition that cannot be saved; ``problems`` are German sentences."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _duplicates(keys: list[str]) -> list[str]:
    return sorted({key for key in keys if keys.count(key) > 1})


def _formula_problems(where: str, formula: str | None, known: set[str]) -> list[str]:
    if not formula:
        return []
    try:
        unknown = names_in(formula) - known
    except FormulaError as error:
        return [f"{where}: {error}"]
    return [
        f"{where} verweist auf das Feld „{name}“, das es in diesem Antragstyp nicht gibt."
        for name in sorted(unknown)
    ]


def _structure_problems(definition: TypeDefinition) -> list[str]:
    problems = [
        f"Das Feld „{key}“ ist mehrfach definiert." for key in _duplicates([f.key for f in definition.fields])
    ]
    problems += [
        f"Die Regel „{key}“ ist mehrfach definiert." for key in _duplicates([r.id for r in definition.rules])
    ]
    sections = {section.key for section in definition.sections}
    problems += [
        f"Das Feld „{field.key}“ gehört zum Schritt „{field.section}“, den es nicht gibt."
        for field in definition.fields
        if field.section not in sections
    ]
    problems += [
        f"Das Auswahlfeld „{field.key}“ hat keine Auswahlwerte."
        for field in definition.fields
        if field.kind in {FieldKind.CHOICE, FieldKind.MULTI_CHOICE} and not field.options
    ]
    problems += [
        f"Der berechnete Wert „{item.key}“ braucht eine Formel oder eine Tabelle."
        for item in definition.computed
        if not item.formula and not item.table
    ]
    return problems


def check_definition(definition: TypeDefinition) -> None:
    """Refuse a definition with duplicates or formulas that name unknown fields (DefinitionError)."""
    problems = _structure_problems(definition)
    fields = {field.key for field in definition.fields}
    known = fields | {item.key for item in definition.computed}
    for field in definition.fields:
        problems += _formula_problems(f"Die Bedingung des Feldes „{field.key}“", field.visible_if, fields)
    for attachment in definition.attachments:
        problems += _formula_problems(
            f"Die Bedingung der Anlage „{attachment.key}“", attachment.required_if, fields
        )
    for position, item in enumerate(definition.computed):
        earlier = fields | {other.key for other in definition.computed[:position]}
        problems += _formula_problems(f"Der berechnete Wert „{item.key}“", item.formula, earlier)
        for row in item.table:
            problems += _formula_problems(f"Eine Tabellenzeile von „{item.key}“", row.when, earlier)
    for rule in definition.rules:
        for part in (rule.when, rule.check):
            problems += _formula_problems(f"Die Regel „{rule.id}“", part, known)
        if rule.field and rule.field not in fields:
            problems.append(f"Die Regel „{rule.id}“ zeigt auf das Feld „{rule.field}“, das es nicht gibt.")
    attachments = {attachment.key for attachment in definition.attachments}
    for check in definition.consistency:
        if check.attachment not in attachments:
            problems.append(
                f"Die Prüfung „{check.id}“ nennt die Anlage „{check.attachment}“, die es nicht gibt."
            )
        problems += [
            f"Die Prüfung „{check.id}“ verweist auf das Feld „{name}“, das es im Antragstyp nicht gibt."
            for name in check.fields
            if name not in fields
        ]
    if problems:
        raise DefinitionError(problems)


def parse_definition(text: str) -> TypeDefinition:
    """A checked definition from JSON text; DefinitionError with German sentences when it is wrong."""
    try:
        definition = TypeDefinition.model_validate_json(text)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in problem['loc']) or 'Definition'}: {problem['msg']}"
            for problem in error.errors()
        ]
        raise DefinitionError(problems) from error
    check_definition(definition)
    return definition


def shipped_types() -> list[TypeDefinition]:
    """The application types Rathaus ships as examples (from the Konstanz by-laws), checked."""
    return [parse_definition(path.read_text(encoding="utf-8")) for path in sorted(TYPES_DIR.glob("*.json"))]


def to_json(definition: TypeDefinition) -> str:
    """The definition as indented JSON, as it is stored and edited."""
    return json.dumps(definition.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False, indent=2)
