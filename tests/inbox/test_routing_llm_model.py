"""The LLM routing step with the real 0.5B test model (llama.cpp): answers stay within the filing plan."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from rathaus.core.ai.llama import LlamaCppChat
from rathaus.inbox.routing import UNSURE, Document, LlmRouter
from rathaus.inbox.routing.llm import choice_labels, routing_messages
from tests.inbox.test_routing_llm import INJECTED, MAYOR_PLAN, STREETLIGHT
from tests.requirements import require_bundle, require_module

pytestmark = pytest.mark.model

TEST_LLM = "qwen2.5-coder-0.5b-instruct"
LETTERS = [
    STREETLIGHT,
    INJECTED,
    Document(
        subject="Bauantrag", body="Hiermit beantrage ich die Baugenehmigung für eine Garage auf Flurstück 12."
    ),
    Document(body="Die Mülltonne in der Gartenstraße wurde seit drei Wochen nicht geleert."),
    Document(body="Sehr geehrte Damen und Herren, ich möchte meinen Hund anmelden."),
    Document(
        subject="Einladung", body="Wir laden den Bürgermeister herzlich zum Jubiläum des Sportvereins ein."
    ),
]


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaCppChat]:
    require_module("llama_cpp", install="pip install -e '.[ai]'")
    from rathaus.core.ai.bundles import install_bundle, locate_model  # noqa: PLC0415
    from rathaus.core.ai.catalog import CATALOG  # noqa: PLC0415

    require_bundle(TEST_LLM)
    models = tmp_path_factory.mktemp("llm-models")
    install_bundle(CATALOG[TEST_LLM], models_dir=models)
    yield LlamaCppChat(locate_model(TEST_LLM, kind="llm", models_dir=models), n_threads=2, n_ctx=2048)
    shutil.rmtree(models, ignore_errors=True)


def test_every_answer_is_a_position_of_the_plan_or_unsure(chat: LlamaCppChat) -> None:
    decisions = LlmRouter(plan=MAYOR_PLAN, chat=chat).predict(documents=LETTERS)

    assert len(decisions) == len(LETTERS)
    for decision in decisions:
        assert decision.method == "llm"
        assert decision.key in {*MAYOR_PLAN.keys, UNSURE}
        assert 0.0 < decision.confidence <= 1.0
        assert decision.reason.startswith(f"LLM ({TEST_LLM}): ")
        assert decision.provenance is not None
        assert decision.provenance.output in choice_labels(MAYOR_PLAN)


def test_the_confidence_is_the_label_probability_under_the_plan(chat: LlamaCppChat) -> None:
    labels = list(choice_labels(MAYOR_PLAN))
    [decision] = LlmRouter(plan=MAYOR_PLAN, chat=chat).predict(documents=[STREETLIGHT])
    probabilities = chat.choice_probabilities(routing_messages(MAYOR_PLAN, STREETLIGHT), labels)

    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert decision.provenance is not None
    # the router's call found another letter in the KV cache: batch shapes differ, so the floats do a little
    assert decision.confidence == pytest.approx(probabilities[decision.provenance.output], abs=0.05)
    assert probabilities[decision.provenance.output] == max(probabilities.values())


def test_the_injected_sentence_does_not_send_the_letter_to_the_mayor(chat: LlamaCppChat) -> None:
    [decision] = LlmRouter(plan=MAYOR_PLAN, chat=chat).predict(documents=[INJECTED])

    assert decision.key != "10"
