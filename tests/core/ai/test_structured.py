"""Grammars and checks for structured chat output."""

from __future__ import annotations

import pytest

from rathaus.core.ai.errors import BackendResponseError
from rathaus.core.ai.structured import check_choice, check_json, choice_grammar, choice_schema, choice_tokens


def test_choice_grammar_lists_escaped_alternatives() -> None:
    assert choice_grammar(["ja", "nein"]) == 'root ::= "ja" | "nein"\n'
    assert choice_grammar(['Amt "A"', "C:\\x", "zwei\nZeilen"]) == (
        'root ::= "Amt \\"A\\"" | "C:\\\\x" | "zwei\\nZeilen"\n'
    )
    with pytest.raises(ValueError, match="must not be empty"):
        choice_grammar([])


def test_choice_token_budget_fits_the_longest_label() -> None:
    longest = "Straßenverkehrsbehörde"
    assert choice_tokens(["Bauamt", longest], 1) == len(longest.encode()) + 2
    assert choice_tokens(["ja"], 100) == 100


def test_choice_schema_admits_exactly_the_labels() -> None:
    schema = choice_schema(["ja", "nein"])

    assert check_json('{"choice": "ja"}', schema) == {"choice": "ja"}
    with pytest.raises(BackendResponseError, match="does not match the schema"):
        check_json('{"choice": "vielleicht"}', schema)


def test_checks_reject_what_the_caller_did_not_ask_for() -> None:
    assert check_choice("nein", ["ja", "nein"]) == "nein"
    with pytest.raises(BackendResponseError, match="not one of the labels"):
        check_choice("Nein.", ["ja", "nein"])
    with pytest.raises(BackendResponseError, match="not valid JSON"):
        check_json('{"amt": "Bauamt"', {"type": "object"})
