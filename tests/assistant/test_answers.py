"""Answers only from passages: extractive with facts, LLM-grounded with verified citations, handover."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rathaus.assistant.answers import (
    GERMAN_ONLY,
    NOT_SUPPORTED,
    answer,
    question_problem,
    stream_answer,
    verify_citations,
)
from rathaus.assistant.handover import booking_url_of, handover, pattern_links
from rathaus.assistant.prompts import FACT_ANSWER, NO_ANSWER
from rathaus.assistant.schemas import Answer
from tests.assistant.conftest import ScriptedChat, passage

FACTS: dict[str, Any] = {
    "fees": "37,60 Euro",
    "duration_minutes": 20,
    "documents": ["Personalausweis", "biometrisches Passfoto"],
    "locations": [
        {
            "name": "Bürgerbüro Ruppertstraße",
            "address": "Ruppertstraße 19, 80337 München",
            "phone": "089 233-96000",
            "email": "buergerbuero@example.org",
        }
    ],
    "appointment_url": "https://termine.example/services/42",
}
PASS = passage(
    "Reisepass beantragen",
    "Den Reisepass beantragen Sie persönlich im Bürgerbüro. Kinder brauchen einen eigenen Pass. "
    "Der Reisepass ist zehn Jahre gültig, für Personen unter 24 Jahren sechs Jahre. "
    "Die Herstellung dauert etwa vier Wochen.",
    source_id=42,
    facts=FACTS,
)
DOG = passage(
    "Hundesteuer",
    "Die Hundesteuer beträgt 100 Euro im Jahr für den ersten Hund.",
    source_id=7,
    kind="bylaw",
    section="§ 5 Steuersatz",
    facts={},
)


def test_extractive_answer_cites_its_passages_and_lists_the_key_facts() -> None:
    result = answer(
        passages=[PASS, DOG], question="Wie lange ist ein Reisepass gültig?", chat=None, easy_language=False
    )
    assert result.mode == "extractive"
    assert result.answered
    assert "zehn Jahre gültig" in result.text
    assert "[1]" in result.text
    assert "Hundesteuer" not in result.text, "a passage that misses the question is not used"
    assert [c.title for c in result.citations] == ["Reisepass beantragen"]
    assert result.citations[0].url == "https://stadt.example/dienstleistung"
    fact = result.facts[0]
    assert (fact.fees, fact.documents) == ("37,60 Euro", ("Personalausweis", "biometrisches Passfoto"))
    assert fact.duration == "etwa 20 Minuten (Termin vor Ort)"
    assert fact.booking_url == "https://termine.example/services/42"
    assert "Gebühr (Reisepass beantragen): 37,60 Euro [1]" in result.text
    assert result.provenance is None
    assert result.handover is None


def test_personal_data_in_the_question_does_not_cost_the_answer() -> None:
    # A phone number and a name match no source; counted as content words they pushed the
    # question's support below the threshold and the citizen got a handover instead of the answer.
    plain = answer(
        passages=[PASS], question="Wie lange ist ein Reisepass gültig?", chat=None, easy_language=False
    )
    typed = (
        "Hier Schmidt, wie lange ist ein Reisepass gültig? Rückruf bitte unter 0170 1234567 oder 089 12345."
    )
    padded = answer(passages=[PASS], question=typed, chat=None, easy_language=False)
    assert plain.mode == padded.mode == "extractive"
    assert padded.text == plain.text


def test_sentences_are_trimmed_to_those_that_match() -> None:
    result = answer(
        passages=[PASS],
        question="Wie lange dauert die Herstellung eines Reisepasses?",
        chat=None,
        easy_language=False,
    )
    first = result.lines[0]
    assert "vier Wochen" in first
    assert "Kinder brauchen" not in first


def test_unsupported_question_says_so_and_hands_over_without_unrelated_offices() -> None:
    result = answer(passages=[PASS, DOG], question="Wie hoch ist der Mond?", chat=None, easy_language=False)
    assert result.mode == "handover"
    assert not result.answered
    assert result.text == NOT_SUPPORTED
    assert result.citations == []
    assert result.handover is not None
    assert result.handover.contacts == ()


def test_partly_supported_question_answers_and_names_the_office() -> None:
    result = answer(
        passages=[PASS],
        question="Ich habe meinen Reisepass verloren, was nun?",
        chat=None,
        easy_language=False,
    )
    assert result.answered
    assert result.citations
    assert result.handover is not None
    assert result.handover.contacts[0].phone == "089 233-96000"
    assert result.handover.booking_url == "https://termine.example/services/42"
    assert "nicht vollständig" in (result.notice or "")


def test_booking_pattern_for_services_without_their_own_link() -> None:
    plain = passage(
        "Meldebescheinigung",
        "Eine Meldebescheinigung erhalten Sie im Bürgerbüro.",
        source_id=9,
        facts={"fees": "10 Euro", "service_id": "9"},
    )
    result = answer(
        passages=[plain],
        question="Was kostet eine Meldebescheinigung?",
        chat=None,
        easy_language=False,
        booking_links=pattern_links("/termine/{service_id}"),
    )
    assert result.facts[0].booking_url == "/termine/9"


def test_the_tenants_booking_page_comes_before_the_services_own_link() -> None:
    """Services bookable in the Terminvergabe (a port) lead to its page; others keep their own link."""
    bookable = {"42": "/buerger/stadt-a/termine?dienstleistung=42"}
    own = {"fees": "10 Euro", "appointment_url": "https://termine.example/services/{serviceId}"}
    first = passage(
        "Kfz-Zulassung", "Zulassung im Bürgerbüro.", source_id=42, facts={**own, "service_id": "42"}
    )
    result = answer(
        passages=[first],
        question="Was kostet die Zulassung?",
        chat=None,
        easy_language=False,
        booking_links=bookable.get,
    )
    assert result.facts[0].booking_url == "/buerger/stadt-a/termine?dienstleistung=42"
    elsewhere = booking_url_of(own, links=bookable.get, service_id="43", is_service=True)
    assert elsewhere == "https://termine.example/services/43"


def test_easy_language_has_short_lines_and_lists_facts() -> None:
    result = answer(
        passages=[PASS], question="Wie lange ist ein Reisepass gültig?", chat=None, easy_language=True
    )
    assert result.easy_language
    lines = result.lines
    assert "Bringen Sie mit: [1]" in lines
    assert "– Personalausweis" in lines
    assert any(line.startswith("Kosten (Reisepass beantragen): 37,60 Euro") for line in lines)
    for line in lines:
        assert len(re.sub(r"\[\d+\]", "", line).split()) <= 16, line
    assert all(". " not in re.sub(r"\s*\[\d+\]", "", line) for line in lines), "one statement per line"
    assert "Der Reisepass ist zehn Jahre gültig, für Personen unter 24 Jahren sechs Jahre. [1]" in lines


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "Bitte geben Sie eine Frage ein."),
        ("   \n ", "Bitte geben Sie eine Frage ein."),
        ("🙂🙂🐶❓", "nur mit Zeichen oder Emojis"),
        ("x" * 10_000, "Ihre Frage ist zu lang (10.000 Zeichen)"),
    ],
)
def test_questions_that_cannot_be_answered_as_typed(question: str, message: str) -> None:
    problem = question_problem(question, max_chars=2000)
    assert problem is not None
    assert message in problem


def test_english_question_gets_a_german_answer_with_a_note() -> None:
    result = answer(
        passages=[PASS], question="How long is my passport valid? Reisepass", chat=None, easy_language=False
    )
    assert result.notice is not None
    assert GERMAN_ONLY in result.notice


def test_llm_answer_keeps_valid_citations_and_records_provenance() -> None:
    chat = ScriptedChat("Der Reisepass ist zehn Jahre gültig [1], erfunden ist [7].")
    result = answer(
        passages=[PASS], question="Wie lange ist ein Reisepass gültig?", chat=chat, easy_language=False
    )
    assert result.mode == "llm"
    assert "[1]" in result.text
    assert "[7]" not in result.text
    assert result.provenance is not None
    assert (result.provenance.prompt_template, result.provenance.prompt_version) == (
        FACT_ANSWER.id,
        FACT_ANSWER.version,
    )
    assert len(result.provenance.input_digest) == 64


def test_llm_that_finds_no_answer_hands_over() -> None:
    result = answer(
        passages=[PASS],
        question="Wie lange ist ein Reisepass gültig?",
        chat=ScriptedChat(NO_ANSWER),
        easy_language=False,
    )
    assert result.mode == "handover"
    assert result.handover is not None
    assert result.handover.contacts[0].name == "Bürgerbüro Ruppertstraße"
    # the passage touched the question: it stays as related reading, without key facts
    assert [c.title for c in result.citations] == ["Reisepass beantragen"]
    assert result.facts == []


def test_llm_handover_on_a_partly_supported_question_adds_no_partial_notice() -> None:
    result = answer(
        passages=[PASS],
        question="Ich habe meinen Reisepass verloren, was nun?",
        chat=ScriptedChat(NO_ANSWER),
        easy_language=False,
    )
    assert result.mode == "handover"
    assert result.notice is None  # the text itself says it found no reliable answer


@pytest.mark.parametrize("reply", ["[1]", "Ja [1].", "[1] [2]"])
def test_llm_reply_of_citation_marks_only_falls_back_to_the_sources(reply: str) -> None:
    result = answer(
        passages=[PASS],
        question="Wie lange ist ein Reisepass gültig?",
        chat=ScriptedChat(reply),
        easy_language=False,
    )
    assert result.mode == "extractive"
    assert "zehn Jahre gültig" in result.text


def test_ungrounded_llm_answer_falls_back_to_the_sources() -> None:
    chat = ScriptedChat("Gehen Sie einfach zum Mond und tanzen Sie dort.")
    result = answer(
        passages=[PASS], question="Wie lange ist ein Reisepass gültig?", chat=chat, easy_language=False
    )
    assert result.mode == "extractive"
    assert "zehn Jahre gültig" in result.text
    assert "Mond" not in result.text
    assert "nicht mit den Quellen belegen" in (result.notice or "")


def test_llm_answer_without_markers_but_from_the_sources_gets_citations() -> None:
    chat = ScriptedChat("Der Reisepass ist zehn Jahre gültig, für Personen unter 24 Jahren sechs Jahre.")
    result = answer(
        passages=[PASS], question="Wie lange ist ein Reisepass gültig?", chat=chat, easy_language=False
    )
    assert result.mode == "llm"
    assert result.lines[0].endswith("[1]")


def test_llm_answer_holds_the_whole_extractive_answer() -> None:
    question = "Was muss ich zum Reisepass mitbringen?"
    extractive = answer(passages=[PASS], question=question, chat=None, easy_language=False)
    chat = ScriptedChat("Sie brauchen Ihren Ausweis [1].")
    result = answer(passages=[PASS], question=question, chat=chat, easy_language=False)
    assert result.mode == "llm"
    assert result.lines[0] == "Sie brauchen Ihren Ausweis [1]."
    assert result.text.endswith(extractive.text), "never less than the extractive answer on the same question"


def test_streaming_yields_pieces_then_the_answer() -> None:
    chat = ScriptedChat("Der Reisepass ist zehn Jahre gültig [1].")
    items = list(
        stream_answer(
            passages=[PASS], question="Wie lange ist ein Reisepass gültig?", chat=chat, easy_language=False
        )
    )
    pieces = [item for item in items if isinstance(item, str)]
    assert len(pieces) > 3
    assert isinstance(items[-1], Answer)
    streamed = "".join(pieces).strip().replace(" \n", "\n")
    assert streamed.startswith("Der Reisepass ist zehn Jahre gültig [1].\n")
    assert streamed == items[-1].text  # the LLM's sentence, then the fact lines it was given
    assert "Der Reisepass ist zehn Jahre gültig, für Personen unter 24 Jahren sechs Jahre. [1]" in streamed


def test_constrained_easy_language_rewrite_with_an_llm() -> None:
    chat = ScriptedChat(
        "Der Reisepass ist zehn Jahre gültig [1].",
        structured={"zeilen": ["Der Pass gilt zehn Jahre. [1]", "Das ist lange. [9]"]},
    )
    result = answer(
        passages=[PASS], question="Wie lange ist ein Reisepass gültig?", chat=chat, easy_language=True
    )
    assert result.lines == ["Der Pass gilt zehn Jahre. [1]", "Das ist lange."]
    assert result.provenance is not None
    assert result.provenance.prompt_template == "assistant.fact_answer+assistant.easy_language"


def test_the_llm_sees_only_the_extracted_facts_and_may_not_write_other_numbers() -> None:
    question = "Was kostet die Hundesteuer für den ersten Hund?"
    seen: list[str] = []

    class Recording(ScriptedChat):
        def stream(self, messages: Any, **kwargs: Any) -> Any:
            seen.append(messages[-1]["content"])
            return super().stream(messages, **kwargs)

    good = answer(
        passages=[DOG],
        question=question,
        chat=Recording("Für den ersten Hund zahlen Sie 100 Euro im Jahr [1]."),
        easy_language=False,
    )
    assert good.mode == "llm"
    assert good.lines[0] == "Für den ersten Hund zahlen Sie 100 Euro im Jahr [1]."
    assert "Hundesteuer, § 5 Steuersatz: Die Hundesteuer beträgt 100 Euro" in good.lines[1]
    assert "100 Euro" in seen[0]
    assert "FAKTEN" in seen[0]
    wrong = answer(
        passages=[DOG],
        question=question,
        chat=ScriptedChat("Die Hundesteuer beträgt 120 Euro im Jahr [1]."),
        easy_language=False,
    )
    assert wrong.mode == "extractive", "120 is no fact of the passage: the extractive answer is used"
    assert "120" not in wrong.text
    assert wrong.lines[0].startswith("Hundesteuer, § 5 Steuersatz: Die Hundesteuer beträgt 100 Euro")


def test_verify_citations() -> None:
    assert verify_citations("A [1] B [2] C [3]", 2) == ("A [1] B [2] C", {1, 2})


@pytest.mark.model
def test_real_llm_answers_from_the_passages_with_a_citation(small_llm: Any) -> None:
    result = answer(
        passages=[PASS, DOG],
        question="Wie lange ist ein Reisepass gültig?",
        chat=small_llm,
        easy_language=False,
        max_tokens=80,
    )
    assert result.answered
    assert result.citations
    assert result.citations[0].title == "Reisepass beantragen"
    if result.mode == "llm":
        assert re.search(r"\[1\]", result.text)
        assert result.provenance is not None
        assert result.provenance.backend == "llama-cpp"
        assert "zehn" in result.text.lower() or "10" in result.text
    else:  # the model's text could not be grounded: the sources speak instead
        assert "zehn Jahre gültig" in result.text


def test_real_llm_answer_from_the_facts_holds_the_asked_for_fee(small_llm: Any) -> None:
    result = answer(
        passages=[DOG, PASS],
        question="Wie viel Hundesteuer zahle ich für den ersten Hund?",
        chat=small_llm,
        easy_language=False,
        max_tokens=60,
    )
    assert result.answered
    assert "100 Euro" in result.text, "the LLM answer never holds less than the extractive one"
    if result.mode == "llm":
        numbers = re.findall(r"\d+(?:[.,]\d+)*", re.sub(r"\[\d+\]", "", result.lines[0]))
        assert set(numbers) <= {"100", "5"}, result.text  # only the facts' numbers (§ 5, 100 Euro)


def test_handover_names_each_office_once_with_all_its_details() -> None:
    office = {"name": "Führerscheinstelle", "address": "Garmischer Straße 19-21, 81373 München"}
    first = passage("Führerschein – Umtausch", "…", source_id=1, facts={"locations": [office]})
    second = passage(
        "Führerschein – Ersatz",
        "…",
        source_id=2,
        facts={"locations": [{**office, "phone": "089 233-96090"}, {"name": "Bürgerbüro Pasing"}]},
    )
    contacts = handover([first, second], "Die Quellen beantworten die Frage nicht sicher.").contacts
    assert [(c.name, c.phone) for c in contacts] == [
        ("Führerscheinstelle", "089 233-96090"),
        ("Bürgerbüro Pasing", None),
    ]
