"""Real llama-cpp chat with the 0.5B Qwen bundle, including grammar-constrained output."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from rathaus.core.ai.bundles import locate_model
from rathaus.core.ai.llama import LlamaCppChat
from rathaus.core.ai.protocols import ChatMessage
from tests.core.ai.conftest import TEST_LLM

pytestmark = pytest.mark.model

LETTER: list[ChatMessage] = [
    {"role": "system", "content": "Du ordnest Briefe an eine Gemeinde dem zuständigen Amt zu."},
    {
        "role": "user",
        "content": "Brief: Die Straßenlaterne vor meinem Haus in der Lindenstraße ist seit "
        "einer Woche kaputt. Welches Amt ist zuständig?",
    },
]
LABELS = ["Bauamt", "Standesamt", "Ordnungsamt", "unsicher"]
SCHEMA = {
    "type": "object",
    "properties": {
        "amt": {"type": "string", "enum": LABELS},
        "strasse": {"type": "string", "maxLength": 40},
        "dringend": {"type": "boolean"},
    },
    "required": ["amt", "strasse", "dringend"],
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def llm(llm_path: Path, models_dir: Path) -> LlamaCppChat:
    backend = LlamaCppChat(locate_model(TEST_LLM, kind="llm", models_dir=models_dir), n_ctx=1024)
    backend.warm_up()
    return backend


def test_answers_a_german_question(llm: LlamaCppChat) -> None:
    result = llm.chat(
        [{"role": "user", "content": "Wie heißt die Hauptstadt von Deutschland? Ein Wort."}],
        max_tokens=8,
        temperature=0.0,
    )

    assert "Berlin" in result.text
    assert (result.model, result.backend) == (TEST_LLM, "llama-cpp")
    assert result.completion_tokens is not None
    assert 0 < result.completion_tokens <= 8


def test_choices_yield_exactly_one_label(llm: LlamaCppChat) -> None:
    result = llm.chat(LETTER, choices=LABELS, max_tokens=1)  # the budget grows to fit the longest label

    assert result.text in LABELS
    assert result.finish_reason == "stop"


def test_choices_with_awkward_characters(llm: LlamaCppChat) -> None:
    labels = ['Amt "Bürgerservice"', "Kämmerei\\Steuern"]

    result = llm.chat([{"role": "user", "content": "Wer bearbeitet die Hundesteuer?"}], choices=labels)

    assert result.text in labels


def test_json_schema_output_parses_and_validates(llm: LlamaCppChat) -> None:
    result = llm.chat(LETTER, json_schema=SCHEMA, max_tokens=80, temperature=0.0)

    value = result.json()
    jsonschema.validate(value, SCHEMA)
    assert value["amt"] in LABELS


def test_stream_yields_the_answer_in_pieces(llm: LlamaCppChat) -> None:
    pieces = list(
        llm.stream(
            [{"role": "user", "content": "Zähle von eins bis fünf, nur Ziffern."}],
            max_tokens=16,
            temperature=0.0,
        )
    )

    assert len(pieces) > 1
    assert "1" in "".join(pieces)
    assert "3" in "".join(pieces)


def test_provenance(llm: LlamaCppChat) -> None:
    assert (llm.name, llm.model_name, llm.model_version) == ("llama-cpp", TEST_LLM, "0.9.0")


def test_choice_probabilities_cover_every_label_and_sum_to_one(llm: LlamaCppChat) -> None:
    labels = ["Amt", "Amt für Straßen", "Standesamt", "unsicher"]  # "Amt" is a prefix of another label
    question: list[ChatMessage] = [{"role": "user", "content": "Antworte genau mit diesem Wort: Standesamt"}]

    probabilities = llm.choice_probabilities(question, labels)

    assert list(probabilities) == labels
    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert all(0.0 < share < 1.0 for share in probabilities.values())
    assert max(probabilities, key=probabilities.__getitem__) == "Standesamt"


def test_choice_probabilities_are_the_same_with_a_cold_cache(llm: LlamaCppChat, models_dir: Path) -> None:
    llm.chat([{"role": "user", "content": "Etwas ganz anderes."}], max_tokens=4)  # fills the cache
    warm = llm.choice_probabilities(LETTER, LABELS)
    cold = LlamaCppChat(locate_model(TEST_LLM, kind="llm", models_dir=models_dir), n_ctx=1024)

    # the batch shapes differ, so the floats differ a little
    assert cold.choice_probabilities(LETTER, LABELS) == pytest.approx(warm, abs=0.02)
