"""Type definitions: what is refused when a type is saved, with German messages, and the edit helpers."""

from __future__ import annotations

import json

import pytest

from rathaus.applications.definition import (
    TYPES_DIR,
    DefinitionError,
    FieldDef,
    FieldKind,
    RuleDef,
    TypeDefinition,
    check_definition,
    shipped_types,
)
from rathaus.applications.editing import (
    options_text,
    parse_options,
    read_definition,
    with_field,
    with_rule,
    without_field,
    without_rule,
)


def _hundesteuer() -> dict[str, object]:
    data: dict[str, object] = json.loads((TYPES_DIR / "hundesteuer.json").read_text(encoding="utf-8"))
    return data


def _shipped(key: str) -> TypeDefinition:
    return next(definition for definition in shipped_types() if definition.key == key)


def _item(items: list[dict[str, object]], key: str) -> dict[str, object]:
    return next(item for item in items if item["key"] == key)


def _problems(data: dict[str, object]) -> list[str]:
    with pytest.raises(DefinitionError) as raised:
        read_definition(json.dumps(data))
    return raised.value.problems


def test_the_shipped_types_pass_the_check() -> None:
    assert sorted(definition.key for definition in shipped_types()) == [
        "hundesteuer",
        "kita-ermaessigung",
        "sondernutzung",
    ]


def test_duplicate_keys_of_fields_and_rules_are_refused() -> None:
    data = _hundesteuer()
    fields = data["fields"]
    rules = data["rules"]
    assert isinstance(fields, list)
    assert isinstance(rules, list)
    fields.append(dict(fields[0]))
    rules.append(dict(rules[0]))
    problems = _problems(data)
    assert "Das Feld „vorname“ ist mehrfach definiert." in problems
    assert "Die Regel „hst.geburt-vor-haltung“ ist mehrfach definiert." in problems


def test_an_unknown_function_in_a_formula_is_refused() -> None:
    data = _hundesteuer()
    rules = data["rules"]
    assert isinstance(rules, list)
    rules[0]["check"] = "alter(hund_geburtsdatum) > 0"
    assert _problems(data) == [
        "Die Regel „hst.geburt-vor-haltung“: Die Formel „alter(hund_geburtsdatum) > 0“ ruft die unbekannte "
        "Funktion „alter“ auf."
    ]


def test_an_unreadable_formula_is_refused() -> None:
    data = _hundesteuer()
    fields = data["fields"]
    assert isinstance(fields, list)
    _item(fields, "rasse_liste")["visible_if"] = "listenhund =="
    (problem,) = _problems(data)
    assert problem.startswith(
        "Die Bedingung des Feldes „rasse_liste“: Die Formel „listenhund ==“ ist nicht lesbar"
    )


def test_attribute_access_and_a_formula_naming_an_unknown_field_are_refused() -> None:
    data = _hundesteuer()
    rules = data["rules"]
    attachments = data["attachments"]
    assert isinstance(rules, list)
    assert isinstance(attachments, list)
    rules[1]["check"] = "hund_geburtsdatum.year < 2030"
    attachments[0]["required_if"] = "befreiung"
    problems = _problems(data)
    assert any("enthält nicht erlaubte Ausdrücke" in problem for problem in problems)
    assert (
        "Die Bedingung der Anlage „schwerbehindertenausweis“ verweist auf das Feld „befreiung“, "
        "das es in diesem Antragstyp nicht gibt." in problems
    )


def test_a_step_that_does_not_exist_and_a_choice_without_options_are_refused() -> None:
    data = _hundesteuer()
    fields = data["fields"]
    assert isinstance(fields, list)
    fields[0]["section"] = "unbekannt"
    _item(fields, "rasse_liste")["options"] = []
    problems = _problems(data)
    assert "Das Feld „vorname“ gehört zum Schritt „unbekannt“, den es nicht gibt." in problems
    assert "Das Auswahlfeld „rasse_liste“ hat keine Auswahlwerte." in problems


def test_a_consistency_check_naming_an_unknown_attachment_is_refused() -> None:
    data = _hundesteuer()
    checks = data["consistency"]
    assert isinstance(checks, list)
    checks[0]["attachment"] = "ausweis"
    checks[0]["fields"] = ["vorname", "name"]
    problems = _problems(data)
    assert "Die Prüfung „hst.ausweis-name“ nennt die Anlage „ausweis“, die es nicht gibt." in problems
    assert (
        "Die Prüfung „hst.ausweis-name“ verweist auf das Feld „name“, das es im Antragstyp nicht gibt."
        in problems
    )


def test_structure_errors_read_in_german() -> None:
    data = _hundesteuer()
    fields = data["fields"]
    assert isinstance(fields, list)
    fields[2]["kind"] = "datum"
    fields[3]["legal_basis"] = ""
    fields[4]["farbe"] = "rot"
    del data["title"]
    problems = _problems(data)
    assert "Feld 3, Angabe „kind“ ist kein erlaubter Wert." in problems
    assert any(p.startswith("Feld 4, Angabe „legal_basis“ fehlt (mindestens drei Zeichen") for p in problems)
    assert "Feld 5, Angabe „farbe“ ist keine bekannte Angabe." in problems
    assert "Angabe „title“ fehlt." in problems
    with pytest.raises(DefinitionError) as raised:
        read_definition("[1, 2")
    assert raised.value.problems[0].startswith("Der Text ist kein gültiges JSON")


def test_rules_and_fields_are_added_replaced_and_removed_in_a_copy() -> None:
    definition = _shipped("hundesteuer")
    rule = RuleDef(
        id="hst.probe", title="Probe", paragraph="§ 1 HStS", check="weitere_hunde < 5", message="Viele."
    )
    added = with_rule(definition, rule)
    assert added.rules[-1] == rule
    assert rule not in definition.rules
    changed = with_rule(added, rule.model_copy(update={"check": "weitere_hunde < 4"}), replaces="hst.probe")
    assert [r.check for r in changed.rules if r.id == "hst.probe"] == ["weitere_hunde < 4"]
    with pytest.raises(DefinitionError, match="gibt es schon"):
        with_rule(added, rule)
    assert "hst.probe" not in [r.id for r in without_rule(changed, "hst.probe").rules]
    field = FieldDef(
        key="chip", label="Chipnummer", kind=FieldKind.TEXT, section="person", legal_basis="§ 10 HStS"
    )
    with_chip = with_field(definition, field)
    keys = [f.key for f in with_chip.fields]
    assert keys.index("chip") == keys.index("telefon") + 1
    check_definition(with_chip)
    renamed = with_field(with_chip, field.model_copy(update={"label": "Transponder"}), replaces="chip")
    assert [f.label for f in renamed.fields if f.key == "chip"] == ["Transponder"]
    assert len(renamed.fields) == len(with_chip.fields)


def test_renaming_a_field_onto_another_and_removing_a_used_field_are_refused() -> None:
    definition = _shipped("hundesteuer")
    field = definition.field("telefon")
    assert field is not None
    with pytest.raises(DefinitionError, match="Ein Feld mit dem Schlüssel „email“ gibt es schon"):
        with_field(definition, field.model_copy(update={"key": "email"}), replaces="telefon")
    without = without_field(definition, "weitere_hunde")
    with pytest.raises(DefinitionError) as raised:
        check_definition(without)
    assert any("verweist auf das Feld „weitere_hunde“" in problem for problem in raised.value.problems)
    assert isinstance(without, TypeDefinition)


def test_options_read_and_written_as_lines() -> None:
    options = parse_options("keine = Nein\n\n zwinger = Zwingersteuer (§ 7) \nKangal")
    assert [(o.value, o.label) for o in options] == [
        ("keine", "Nein"),
        ("zwinger", "Zwingersteuer (§ 7)"),
        ("Kangal", "Kangal"),
    ]
    assert options_text(options) == "keine = Nein\nzwinger = Zwingersteuer (§ 7)\nKangal"
