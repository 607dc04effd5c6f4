"""The formula language of application types: every function, the names a formula reads, undecidable cases."""

from __future__ import annotations

from datetime import date

import pytest

from rathaus.applications.formulas import FUNCTION_NAMES, FormulaError, evaluate, holds, names_in

TODAY = date(2026, 12, 6)
VALUES = {
    "beginn": date(2026, 3, 1),
    "ende": date(2026, 3, 31),
    "geburt": date(2021, 8, 15),
    "merkzeichen": ["B", "G"],
    "plz": "78462",
    "einkommen": 41_250.50,
    "dauer_tage": 45,
    "leer_text": "",
    "nichts": None,
}


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("tage(beginn, ende)", 30),
        ("jahre(geburt, heute())", 5),
        ('jahre(geburt, datum("2026-08-14"))', 4),
        ("heute()", TODAY),
        ("leer(nichts) and leer(leer_text) and not leer(plz)", True),
        ("anzahl(merkzeichen)", 2),
        ("anzahl(nichts)", 0),
        ('enthaelt(merkzeichen, "B") and not enthaelt(merkzeichen, "H")', True),
        ('enthaelt(["78462", "78464"], plz)', True),
        ("runde(min(dauer_tage * 0.05, aufrunden(dauer_tage / 7) * 0.1), 2)", 0.7),
        ("max(beginn, jahresanfang(heute()))", date(2026, 3, 1)),
        ("runde(einkommen * 0.65, 2)", 26812.83),
        ("aufrunden(dauer_tage / 30)", 2),
        ("jahr(heute()) - 1", 2025),
        ("monat(beginn)", 3),
        ("jahresanfang(ende)", date(2026, 1, 1)),
        ('"hoch" if einkommen > 40000 else "niedrig"', "hoch"),
        ("wahr and not falsch", True),
    ],
)
def test_each_function(formula: str, expected: object) -> None:
    assert evaluate(formula, VALUES, today=TODAY) == expected


def test_every_function_is_covered_above() -> None:
    covered = {"tage", "jahre", "heute", "leer", "anzahl", "enthaelt", "min", "max", "runde", "aufrunden"}
    covered |= {"datum", "jahr", "monat", "jahresanfang"}
    assert covered == FUNCTION_NAMES


def test_names_are_the_fields_a_formula_reads_not_its_functions_or_keywords() -> None:
    assert names_in("tage(beginn, heute()) <= 31 and listenhund != wahr") == {"beginn", "listenhund"}
    assert names_in('enthaelt(["a"], art) or None') == {"art"}


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("beginn <=", "ist nicht lesbar"),
        ("alter(geburt)", "ruft die unbekannte Funktion „alter“ auf"),
        ("geburt.year", "enthält nicht erlaubte Ausdrücke"),
        ("(lambda: 1)()", "nicht erlaubte Ausdrücke"),
        ("[x for x in merkzeichen]", "nicht erlaubte Ausdrücke"),
        ('__import__("os")', "unbekannte Funktion „__import__“"),
    ],
)
def test_forbidden_or_unreadable_formulas_are_refused(formula: str, message: str) -> None:
    with pytest.raises(FormulaError, match=message):
        names_in(formula)


def test_a_missing_value_makes_a_condition_undecidable_not_false() -> None:
    assert holds("nichts > 3", VALUES, today=TODAY) is None
    assert holds("tage(nichts, ende) < 10", VALUES, today=TODAY) is None
    assert holds("dauer_tage > 30", VALUES, today=TODAY) is True
    assert holds("dauer_tage > 60", VALUES, today=TODAY) is False
    assert holds(None, VALUES, today=TODAY) is True
    with pytest.raises(FormulaError, match="nicht berechenbar"):
        evaluate("einkommen / 0", VALUES, today=TODAY)
