"""Structured output shared by the chat backends: grammars for fixed labels, schema checks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rathaus.core.ai.errors import BackendResponseError


def _gbnf_literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def choice_grammar(choices: Sequence[str]) -> str:
    """A GBNF grammar whose only sentences are the given labels, e.g. ``root ::= "ja" | "nein"``."""
    if not choices:
        raise ValueError("choices must not be empty")
    return "root ::= " + " | ".join(_gbnf_literal(choice) for choice in choices) + "\n"


def choice_tokens(choices: Sequence[str], max_tokens: int) -> int:
    """A token budget that always fits the longest label (a label never has more tokens than bytes)."""
    return max(max_tokens, max(len(choice.encode()) for choice in choices) + 2)


def choice_schema(choices: Sequence[str]) -> dict[str, Any]:
    """A JSON schema (an object, as strict OpenAI mode requires) that admits exactly one label."""
    return {
        "type": "object",
        "properties": {"choice": {"type": "string", "enum": list(choices)}},
        "required": ["choice"],
        "additionalProperties": False,
    }


def check_choice(text: str, choices: Sequence[str]) -> str:
    """``text`` if it is one of ``choices``; BackendResponseError otherwise."""
    if text in choices:
        return text
    raise BackendResponseError(
        f"the model answered {text[:80]!r}, which is not one of the labels {list(choices)}"
    )


def check_json(text: str, schema: dict[str, Any]) -> Any:
    """The JSON value in ``text`` validated against ``schema``; BackendResponseError otherwise."""
    import jsonschema  # noqa: PLC0415 - only needed for structured calls

    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise BackendResponseError(
            f"the model's answer is not valid JSON ({error}): {text[:200]!r}"
        ) from None
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as error:
        raise BackendResponseError(f"the model's JSON does not match the schema: {error.message}") from None
    return value
