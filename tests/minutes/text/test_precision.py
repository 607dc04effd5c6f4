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


# The chair's genuine result statements that the precision rules first rejected (Karlsruhe minutes),
# each with the near misses that must stay rejected.


def test_the_count_the_chair_sees_is_a_result_not_a_stance() -> None:
    groups = Groups.of()
    said = "Ich habe eine Enthaltung, eine Gegenstimme, der Rest ist mehrheitliche Zustimmung."
    assert not_a_result(said, groups) is None
    assert decide([("Vorsitz", said)]).result == oc.MAJORITY
    assert not_a_result("Ich sehe zwei Enthaltungen, damit ist das mehrheitlich zugestimmt.", groups) is None
    for own in (
        "Ich habe eine Gegenstimme abgegeben, das ist mehrheitlich zugestimmt.",
        "Ich habe nicht zugestimmt.",
        "Ich habe dem mehrheitlich zugestimmt.",
        "Ich habe Zweifel an der Mehrheit.",
    ):
        assert not_a_result(own, groups) is not None, own
        assert decide([("Vorsitz", own)]).result is None, own


def test_what_follows_the_result_clause_does_not_hedge_it() -> None:
    groups = Groups.of()
    for said, result in (
        (
            "Das ist eine mehrheitliche Zustimmung, damit können wir jetzt den Antrag an den "
            "Regionalverband stellen.",
            oc.MAJORITY,
        ),
        (
            "Damit ist der Haushalt mit großer Mehrheit angenommen und wir treffen uns alle in der "
            "Strukturkommission wieder.",
            oc.MAJORITY,
        ),
        ("Das ist eine mehrheitliche Ablehnung, das hatten wir schon letztes Jahr so.", oc.REJECTED),
    ):
        assert not_a_result(said, groups) is None, said
        assert decide([("Vorsitz", said)]).result == result, said
    for hedged in (
        "Wenn es keine Gegenstimmen gibt, ist das so beschlossen.",  # a condition before
        "Damit ist das so beschlossen, wenn es keine Gegenstimmen gibt.",  # or after the result
        "Das könnte eine Mehrheit sein, damit wäre der Antrag angenommen.",  # a possibility
        "Das kann man als Einstimmigkeit werten.",
        "Das ist einstimmig, würde ich sagen.",  # an opinion after it
        "Im Ausschuss wurde das einstimmig angenommen, damit können wir heute abstimmen.",  # reported
        "Das hat die SPD abgelehnt, damit ist das erledigt.",  # a group's vote
        "Ich bitte um Zustimmung, damit wir anfangen können.",  # a request
        "Ist das eine Mehrheit, damit wir weitermachen können?",  # a question
    ):
        assert not_a_result(hedged, groups) is not None, hedged
        assert decide([("Vorsitz", hedged)]).result is None, hedged


def test_you_all_agree_now_is_unanimous_a_reported_vote_of_you_all_is_none() -> None:
    groups = Groups.of()
    strict = CouncilConventions(abstentions_break_unanimity=True)
    for said in (
        "Dem stimmen Sie alle so zu.",
        "Sie stimmen dem auch alle zu.",
        "Sie stimmen dem alle so zu.",
    ):
        assert not_a_result(said, groups) is None, said
        # all said yes, so none abstained: "einstimmig" even where abstentions break unanimity
        assert decide([("Vorsitz", said)], strict).result == oc.UNANIMOUS, said
    assert decide([("Vorsitz", "Sie stimmen dem zu.")], strict).result == oc.ADOPTED  # "alle" unsaid
    for reported in (
        "Das alles haben Sie abgelehnt.",
        "Das ist das Konzept, das Sie alle mehrheitlich beschlossen haben.",
        "Sie alle haben dem damals zugestimmt.",
        "Stimmen Sie dem alle zu?",
    ):
        assert not_a_result(reported, groups) is not None, reported
        assert decide([("Vorsitz", reported)]).result is None, reported


def test_minutes_that_narrate_the_chair_state_what_follows_the_colon() -> None:
    groups = Groups.of()
    narrated = (
        "Der Vorsitzende ruft Tagesordnungspunkt 9 zur Behandlung auf und verweist auf die erfolgte "
        "Vorberatung im Jugendhilfeausschuss: Das ist mehrheitliche Zustimmung."
    )
    assert not_a_result(narrated, groups) is None
    assert decide([("Vorsitz", narrated)]).result == oc.MAJORITY
    stated = (
        "Er stellt nachdem keine weiteren Wortmeldungen vorliegen, bei zwei Nein-Stimmen und einer "
        "Enthaltung die mehrheitliche Zustimmung zum geänderten Beschluss (Anpassung zum 1. Juli 2020) fest."
    )
    assert not_a_result(stated, groups) is None  # the date is when it takes effect
    assert decide([("Vorsitz", stated)]).result == oc.MAJORITY
    for reported in (
        "Der Vorsitzende verweist auf die Vorberatung: Im Ausschuss wurde das einstimmig angenommen.",
        "Das wurde im März 2020 mehrheitlich beschlossen.",
        "Der Vorsitzende stellt fest: Wenn es keine Gegenstimmen gibt, ist das beschlossen.",
        # indirect speech (a Haupt- und Finanzausschuss's minutes; the item was referred)
        "Wichtig sei, dass ergänzende Informationen zur nicht ausreichenden Finanzierung gewünscht würden, "
        "während grundsätzliche Klassifizierung und Aufbau der Strategie Zustimmung fänden.",
    ):
        assert not_a_result(reported, groups) is not None, reported
    indirect = decide([("Vorsitz", "Wichtig sei, dass die Strategie insgesamt Zustimmung fände.")])
    assert indirect.result is None
    narrated = "Er erklärt, der Antrag sei mit der Stellungnahme der Verwaltung erledigt."
    assert decide([("Vorsitz", narrated)]).result is not None  # the chair's no-vote outcome, narrated


def test_no_vote_outcomes_the_chair_states() -> None:
    for said, result in (
        ("Alles klar, dann verweise ich den Antrag so wie er ist in den Kulturausschuss.", oc.REFERRED),
        ("Frau Stadträtin Lorenz, machen wir so, dann verwiesen in den Sozialausschuss.", oc.REFERRED),
        ("Ich habe keine Wortmeldungen mehr, dann sind Sie mit der Beantwortung zufrieden.", oc.SETTLED),
        ("Vielen Dank, so werden wir verfahren.", oc.SETTLED),
    ):
        decision = decide([("Vorsitz", said)])
        assert (decision.result, decision.evidence[0].text) == (result, said), said
    for not_stated in (
        "Ich verweise auf die Beratung in dem Ausschuss.",  # a reference, no referral
        "Stadträtin Lorenz verweist den Antrag in den Sozialausschuss.",  # a member's wish
        "Ich habe keine Wortmeldungen mehr, aber ich bin nicht zufrieden.",
        "Wenn Sie einverstanden sind, werden wir so verfahren.",
    ):
        assert decide([("Vorsitz", not_stated)]).result is None, not_stated
