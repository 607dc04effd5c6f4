"""Issue 12, cause 1: a result only from the chair's result statement, never from other words.

The examples are the patterns that were read as results on another council's sessions.
"""

from __future__ import annotations

from rathaus.core.ai.protocols import ChatResult
from rathaus.minutes.schemas import AgendaEntry, Segment
from rathaus.minutes.text import outcomes as oc
from rathaus.minutes.text.align import AlignAgenda
from rathaus.minutes.text.conventions import CouncilConventions, Faction
from rathaus.minutes.text.decisions import NO_RESULT, ExtractDecisions, ItemDecision
from rathaus.minutes.text.groups import Groups
from rathaus.minutes.text.statements import ChairRule, not_a_result

ENTRY = AgendaEntry("4", "Sanierung der Stadthalle")


def decide(
    turns: list[tuple[str, str]], conventions: CouncilConventions | None = None, chairs: tuple[str, ...] = ()
) -> ItemDecision:
    """(speaker, text) turns after the call of item 4."""
    turns = [("Vorsitz", "Ich rufe Tagesordnungspunkt 4 auf."), *turns]
    segments = [Segment(i * 5.0, i * 5.0 + 4.0, text, speaker) for i, (speaker, text) in enumerate(turns)]
    spans = AlignAgenda().run(segments, [ENTRY])
    extract = ExtractDecisions(conventions=conventions, chair_speakers=chairs)
    return extract.run(segments, [ENTRY], spans)[0]


def test_another_speakers_words_are_never_the_result() -> None:
    """ "Ich bitte um Zustimmung." and "Das hat die SPD abgelehnt." from council members."""
    request = decide([("Stadträtin Kern", "Wir haben lange beraten. Ich bitte um Zustimmung.")])
    assert request.result is None
    assert request.method == "none"
    assert request.reason == NO_RESULT
    reported = decide([("Stadtrat Wolf", "Das hat die SPD abgelehnt.")])
    assert reported.result is None
    assert reported.reason == NO_RESULT


def test_negation_reported_speech_and_requests_of_the_chair_are_no_results() -> None:
    groups = Groups.of()
    assert not_a_result("Ich habe nicht zugestimmt.", groups) is not None
    assert not_a_result("Das wurde im Ausschuss 6 zu 0 zu 1 angenommen.", groups) is not None
    assert not_a_result("Das hat die SPD abgelehnt.", groups) is not None
    assert not_a_result("Ich bitte um Zustimmung.", groups) is not None
    assert not_a_result("Wer stimmt der Vorlage zu?", groups) is not None
    assert not_a_result("Das ist einstimmig zugestimmt.", groups) is None
    assert not_a_result("Damit ist der Antrag nicht angenommen.", groups) is None  # a rejection
    # said by the chair, these are still no result of this item
    for text in (
        "Ich habe nicht zugestimmt.",
        "Der Bauausschuss hat das am Dienstag 6 zu 0 zu 1 angenommen.",
        "Das hat die SPD abgelehnt.",
        "Ich bitte um Zustimmung.",
    ):
        decision = decide([("Vorsitz", text)])
        assert (decision.result, decision.reason) == (None, NO_RESULT), text


def test_the_chair_states_the_result_among_quoted_votes() -> None:
    decision = decide(
        [
            ("Stadtrat Wolf", "Im Ausschuss wurde das 6 zu 0 zu 1 angenommen."),
            ("Vorsitz", "Dann stimmen wir ab. – Das ist eine mehrheitliche Ablehnung."),
        ]
    )
    assert decision.result == oc.REJECTED
    assert decision.evidence[0].segment == 2


def test_the_chair_as_the_body_has_it() -> None:
    """An elected chair: the mayor speaks as head of the administration, her request is no result."""
    elected = CouncilConventions(chairs=("Petra Sommer",), mayor_chairs=False)
    turns = [
        (
            "Oberbürgermeisterin Dr. Lang",
            "Die Verwaltung empfiehlt die Sanierung. Das ist einstimmig so gewollt.",
        ),
        ("Petra Sommer", "Dann ist das mehrheitlich zugestimmt."),
    ]
    assert decide(turns, elected).result == oc.MAJORITY
    assert decide(turns[:1], elected).result is None
    assert decide(turns[:1]).result == oc.UNANIMOUS  # where the mayor chairs, she states it
    # the meeting's chair named directly (as the pipeline passes it) counts as well
    assert decide([("Petra Sommer", "Das ist einstimmig.")], chairs=("Petra Sommer",)).result == oc.UNANIMOUS
    rule = ChairRule.of(elected)
    assert rule.is_chair("Stellvertretende Vorsitzende")
    assert rule.is_chair("Stadträtin Petra Sommer")
    assert not rule.is_chair("Oberbürgermeisterin Dr. Lang")
    assert ChairRule.of(None).is_chair(
        "Erster Bürgermeister Kurz"
    )  # the mayor's deputy, where the mayor chairs
    assert not rule.is_chair("Erster Bürgermeister Kurz")


def test_joint_factions_are_one_group() -> None:
    conventions = CouncilConventions(factions=(Faction("CDU/FDP", members=("CDU", "FDP")),))
    groups = Groups.of(conventions)
    assert groups.find("Der Antrag der CDU-Fraktion") == {"CDU/FDP"}
    assert groups.find("Antrag CDU/FDP: Parken") == {"CDU/FDP"}
    assert groups.find("Die GRÜNEN und die SPD") == {"GRÜNE", "SPD"}
    learned = Groups.of()
    assert learned.find_in_title("Änderungsantrag SPD/Volt") == {"SPD/Volt"}
    assert learned.find("der Antrag von Volt") == {"SPD/Volt"}


class _Chair:
    """A deterministic stand-in for the chat model: answers ``answer`` and keeps what it was shown."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.shown: list[str] = []

    def chat(self, messages: list[dict[str, str]], **options: object) -> ChatResult:
        self.shown.append(messages[-1]["content"])
        assert self.answer in (options["choices"] or [])  # type: ignore[operator]
        return ChatResult(text=self.answer, model="stand-in", backend="test")


def test_the_model_reads_only_the_chairs_words_and_may_find_no_result() -> None:
    turns = [
        ("Stadtrat Wolf", "Das hat die SPD im Ausschuss abgelehnt."),
        ("Vorsitz", "Damit sind wir durch, die Sache ist so beschieden."),
    ]
    segments = [Segment(0.0, 4.0, "Ich rufe Tagesordnungspunkt 4 auf.", "Vorsitz")] + [
        Segment(5.0 * (i + 1), 5.0 * (i + 1) + 4.0, text, speaker) for i, (speaker, text) in enumerate(turns)
    ]
    spans = AlignAgenda().run(segments, [ENTRY])
    model = _Chair(oc.MAJORITY)
    decision = ExtractDecisions(chat=model).run(segments, [ENTRY], spans)[0]  # type: ignore[arg-type]
    assert (decision.result, decision.method) == (oc.MAJORITY, "llm")
    assert "bitte prüfen" in decision.reason
    assert "so beschieden" in model.shown[0]
    assert "SPD" not in model.shown[0]  # another speaker's words are never the model's material
    silent = ExtractDecisions(chat=_Chair("keines")).run(segments, [ENTRY], spans)[0]  # type: ignore[arg-type]
    assert (silent.result, silent.reason) == (None, NO_RESULT)
