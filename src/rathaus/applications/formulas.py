"""Formulas in application types: small expressions over the form's fields, evaluated safely.

A type's conditions (``visible_if``, ``required_if``, a rule's ``when`` and ``check``) and its computed
values are written like spreadsheet formulas, e.g. ``ende >= beginn``, ``tage(beginn, ende) <= 365`` or
``einkommen_steuerpflichtig * 0.65 + einkommen_beamte * 0.75``. They are evaluated by ``simpleeval``
(no attribute access, no imports, no loops) over the field values and the computed values; the names
they may use are checked when a type is saved (:func:`names_in`), so a rule that refers to a field that
does not exist is refused then, not at check time.

Functions (German names, as administrators write them): ``tage(a, b)`` days from date ``a`` to date
``b``; ``jahre(a, b)`` full years from ``a`` to ``b`` (an age); ``heute()``; ``leer(x)`` true for a
missing or empty value; ``anzahl(x)`` length of a list; ``enthaelt(liste, wert)``; ``min``, ``max``,
``runde(x, stellen)``, ``aufrunden(x)``; ``datum("2026-12-31")``, ``jahr(d)``, ``monat(d)``,
``jahresanfang(d)``.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from simpleeval import EvalWithCompoundTypes, InvalidExpression  # type: ignore[import-untyped]

KEYWORDS = frozenset({"True", "False", "None", "wahr", "falsch"})


class FormulaError(ValueError):
    """A formula that cannot be read or evaluated; the message is German."""


def _days(start: date, end: date) -> int:
    return (end - start).days


def _years(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _empty(value: object) -> bool:
    return value is None or value is False or (isinstance(value, str | list) and len(value) == 0)


def _count(value: object) -> int:
    if value is None:
        return 0
    return len(value) if isinstance(value, list | tuple | str) else 1


def _contains(values: object, wanted: object) -> bool:
    return isinstance(values, list | tuple | set | str) and wanted in values


def _round(value: float | Decimal, digits: int = 0) -> float:
    return round(float(value), digits)


def _round_up(value: float | Decimal) -> int:
    return math.ceil(float(value))


def functions(today: date) -> dict[str, Callable[..., Any]]:
    """The functions a formula may call; ``heute()`` is ``today``, so checks are reproducible."""
    return {
        "tage": _days,
        "jahre": _years,
        "heute": lambda: today,
        "leer": _empty,
        "anzahl": _count,
        "enthaelt": _contains,
        "min": min,
        "max": max,
        "runde": _round,
        "aufrunden": _round_up,
        "datum": date.fromisoformat,
        "jahr": lambda day: day.year,
        "monat": lambda day: day.month,
        "jahresanfang": lambda day: date(day.year, 1, 1),
    }


FUNCTION_NAMES = frozenset(functions(date(2000, 1, 1)))


def names_in(formula: str) -> set[str]:
    """The variable names ``formula`` reads (not its functions); raises FormulaError if it is no formula."""
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as error:
        message = f"Die Formel „{formula}“ ist nicht lesbar (Zeichen {error.offset or 0})."
        raise FormulaError(message) from error
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    unknown_functions = called - FUNCTION_NAMES
    if unknown_functions:
        name = sorted(unknown_functions)[0]
        raise FormulaError(f"Die Formel „{formula}“ ruft die unbekannte Funktion „{name}“ auf.")
    if any(isinstance(node, ast.Attribute | ast.Lambda | ast.comprehension) for node in ast.walk(tree)):
        raise FormulaError(f"Die Formel „{formula}“ enthält nicht erlaubte Ausdrücke.")
    return {
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id not in called
    } - KEYWORDS


def evaluate(formula: str, values: Mapping[str, Any], *, today: date) -> Any:
    """The value of ``formula`` over ``values``; raises FormulaError when it cannot be computed.

    A formula that reads a missing value (None) in arithmetic or an ordering comparison cannot be
    computed; callers treat that as "not decidable" rather than as false.
    """
    names = {**{name: values.get(name) for name in names_in(formula)}, "wahr": True, "falsch": False}
    evaluator = EvalWithCompoundTypes(names=names, functions=functions(today))
    try:
        return evaluator.eval(formula.strip())
    except (InvalidExpression, TypeError, ValueError, ArithmeticError, KeyError, AttributeError) as error:
        raise FormulaError(f"Die Formel „{formula}“ ist hier nicht berechenbar: {error}") from error


def holds(formula: str | None, values: Mapping[str, Any], *, today: date) -> bool | None:
    """Whether a condition holds: True, False, or None when it cannot be decided (a value is missing)."""
    if not formula:
        return True
    try:
        return bool(evaluate(formula, values, today=today))
    except FormulaError:
        return None
