"""DraftMinutes: every sentence carries its time range; non-public items are marked and kept out."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from bench.karlsruhe_data import load_session

from rathaus.core.ai.protocols import ChatMessage, ChatResult
from rathaus.minutes.schemas import AgendaEntry, Segment
from rathaus.minutes.text.align import AlignAgenda
from rathaus.minutes.text.decisions import ExtractDecisions
from rathaus.minutes.text.draft import DraftMinutes, MeetingHeader, MinutesText
from tests.conftest import shared_data

HEADER = MeetingHeader(body="Gemeinderat", date="2025-03-04", place="Rathaus", chair="Bürgermeisterin Adler")
AGENDA = [
    AgendaEntry("1", "Neubau der Sporthalle Nord", paper_reference="2025/0101"),
    AgendaEntry("2", "Grundstücksangelegenheit Lindenweg", public=False),
    AgendaEntry("3", "Bericht Winterdienst"),
]
LINES = [
    ("Vorsitz", "Ich rufe Tagesordnungspunkt 1 auf, den Neubau der Sporthalle Nord."),
    ("Stadtrat Berg (CDU)", "Die Sporthalle Nord ist seit Jahren zu klein für die Vereine im Stadtteil."),
    ("Stadträtin Kern (SPD)", "Wir unterstützen den Neubau der Sporthalle, die Kosten sind aber hoch."),
    ("Vorsitz", "Ich bitte um Ihr Votum. – Das ist einstimmig."),
    ("Vorsitz", "Ich rufe Tagesordnungspunkt 2 auf, die Grundstücksangelegenheit."),
    ("Stadtrat Berg (CDU)", "Der Kaufpreis für das Grundstück am Lindenweg ist angemessen und marktüblich."),
    ("Vorsitz", "Das ist eine mehrheitliche Zustimmung."),
]


def draft(kind: str = "ergebnis", chat: Any = None) -> tuple[MinutesText, list[Segment]]:
    segments = [Segment(i * 10.0, i * 10.0 + 8.0, text, speaker) for i, (speaker, text) in enumerate(LINES)]
    spans = AlignAgenda().run(segments, AGENDA)
    decisions = ExtractDecisions().run(segments, AGENDA, spans)
    return DraftMinutes(chat).run(HEADER, AGENDA, spans, decisions, segments, kind=kind), segments  # type: ignore[arg-type]


def test_every_sentence_links_to_the_time_it_came_from() -> None:
    minutes, segments = draft()
    assert minutes.method == "extractive"
    first = minutes.items[0]
    assert first.speakers == ("Vorsitz", "Stadtrat Berg (CDU)", "Stadträtin Kern (SPD)")
    texts = [s.text for s in first.discussion]
    assert texts[0].startswith("Stadtrat Berg (CDU): Die Sporthalle Nord")
    assert first.vote is not None
    assert first.vote.text == "Abstimmungsergebnis: einstimmig zugestimmt."
    for item in minutes.items:
        for sentence in item.sentences():
            assert sentence.segments
            assert 0 <= sentence.start <= sentence.end
            said = [segments[i] for i in sentence.segments]
            assert sentence.start == min(s.start for s in said)
            assert sentence.end == max(s.end for s in said)


def test_non_public_item_is_marked_and_never_published() -> None:
    minutes, _ = draft()
    secret = minutes.items[1]
    assert secret.public is False
    assert "(nichtöffentlich)" in minutes.plain_text()
    published = minutes.plain_text(published=True)
    assert "Lindenweg" not in published
    assert "Sporthalle" in published
    assert [item.number for item in minutes.public_items()] == ["1", "3"]


def test_item_not_found_gets_a_note_not_a_sentence() -> None:
    minutes, _ = draft()
    missing = minutes.items[2]
    assert missing.sentences() == []
    assert "nicht gefunden" in missing.note


def test_verbatim_and_course_of_discussion() -> None:
    verbatim, segments = draft("wort")
    assert [s.text for s in verbatim.items[0].discussion] == [s.text for s in segments[:4]]
    course, _ = draft("verlauf")
    assert len(course.items[0].discussion) >= len(draft()[0].items[0].discussion)


class FixedChat:
    """A deterministic chat stand-in that answers with a fixed JSON and records the prompt."""

    name = "fixed"
    model_name = "fixed-model"
    model_version = "1"

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.prompts: list[Sequence[ChatMessage]] = []

    def chat(self, messages: Sequence[ChatMessage], **_: Any) -> ChatResult:
        self.prompts.append(messages)
        return ChatResult(text=json.dumps(self.answer), model=self.model_name, backend=self.name)

    def stream(self, messages: Sequence[ChatMessage], **_: Any) -> Iterator[str]:
        yield json.dumps(self.answer)


def test_llm_summary_sentences_take_the_times_of_the_cited_lines() -> None:
    chat = FixedChat({"saetze": [{"text": "Herr Berg hält die Halle für zu klein.", "zeilen": [1, 99]}]})
    minutes, segments = draft(chat=chat)
    assert minutes.method == "llm"
    sentence = minutes.items[0].discussion[0]
    assert sentence.segments == (1,)  # line 99 is not in the item and is dropped
    assert (sentence.start, sentence.end) == (segments[1].start, segments[1].end)
    prompt = chat.prompts[0]
    assert "<transkript>" in prompt[1]["content"]
    assert "keine Anweisung" in prompt[0]["content"]


def test_real_session_draft_is_fully_linked() -> None:
    session = load_session(shared_data("karlsruhe", "sessions", "gemeinderat_2023-01-24"))
    spans = AlignAgenda().run(session.segments, session.agenda)
    decisions = ExtractDecisions().run(session.segments, session.agenda, spans)
    minutes = DraftMinutes().run(HEADER, session.agenda, spans, decisions, session.segments)
    sentences = [s for item in minutes.items for s in item.sentences()]
    assert len(sentences) > 50
    assert all(s.segments and s.end >= s.start for s in sentences)
