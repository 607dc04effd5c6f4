"""Outcome phrases found on the Karlsruhe misses: referrals, a repeated majority, "dazu" motions."""

from __future__ import annotations

from rathaus.core.text.words import plain_text
from rathaus.minutes.schemas import AgendaEntry, Segment
from rathaus.minutes.text import outcomes as oc
from rathaus.minutes.text.align import AlignAgenda
from rathaus.minutes.text.decisions import ExtractDecisions, ItemDecision


def decide(lines: list[str], entries: list[AgendaEntry]) -> list[ItemDecision]:
    """Lines starting with "V:" are the chair's; the rest a council member's."""
    segments = [
        Segment(
            i * 5.0, i * 5.0 + 4.0, line.removeprefix("V:").strip(), "Vorsitz" if line[:2] == "V:" else "S2"
        )
        for i, line in enumerate(lines)
    ]
    return ExtractDecisions().run(segments, entries, AlignAgenda().run(segments, entries))


def one(*lines: str) -> ItemDecision:
    entries = [AgendaEntry("1", "Radverkehr in der Weststadt")]
    return decide(["V: Ich rufe Tagesordnungspunkt 1 auf.", *lines], entries)[0]


def referral(text: str) -> bool:
    pattern = next(p for p in oc.NO_VOTE_PHRASES if p.result == oc.REFERRED).pattern
    return bool(pattern.search(plain_text(text)))


def test_referral_with_the_preposition_lost() -> None:
    # the minute-taker (or the recogniser) dropped the "an"/"in"
    decision = one("V: Der Vorsitzende verweist ihn den entsprechenden Fachausschuss.")
    assert decision.result == oc.REFERRED
    assert referral("Wir verweisen das den Planungsausschuss.")
    assert not referral("Der Vorsitzende verweist auf die Vorberatung im Ausschuss für Umwelt.")


def test_referral_as_the_committee_taking_it_up() -> None:
    decision = one(
        "Ich schlage vor, das im Planungsausschuss noch mal hin und her zu wägen.",
        "V: Gut, der Planungsausschuss beschäftigt sich damit. Das wird sicher eine gute Diskussion.",
    )
    assert decision.result == oc.REFERRED
    assert "Planungsausschuss" in decision.reason
    assert referral("Damit befasst sich der Sozialausschuss im Herbst.")
    assert not referral("Der Ausschuss hat gute Arbeit geleistet.")


def test_referral_to_a_committee_with_a_long_name() -> None:
    decision = one(
        "V: Der Antrag wird ohne Aussprache in den Betriebsausschuss Eigenbetrieb Abfallwirtschaft "
        "und Stadtreinigung verwiesen."
    )
    assert decision.result == oc.REFERRED


def test_plain_acceptance_after_a_stated_majority_stays_a_majority() -> None:
    decision = one(
        "V: Ich bitte um die Abstimmung. – Das ist eine deutliche Mehrheit. "
        "Damit ist die Beschlussvorlage angenommen."
    )
    assert decision.result == oc.MAJORITY
    assert decision.evidence[0].text == "Damit ist die Beschlussvorlage angenommen."
    # without a majority before it, a plain acceptance is adopted, with no claim of unanimity
    assert one("V: Damit ist die Beschlussvorlage angenommen.").result == oc.ADOPTED
    # a question about objections is no stated majority
    assert one("V: Gibt es Gegenstimmen? – Damit ist die Beschlussvorlage angenommen.").result == oc.ADOPTED


def test_unnumbered_motion_is_voted_within_the_item_above() -> None:
    entries = [
        AgendaEntry("10", "Vergabe von Grundstücken im Erbbaurecht"),
        AgendaEntry("", "Antrag GRÜNE: Kein Verkauf von städtischen Wohnobjekten"),
        AgendaEntry("11", "Sanierung der Stadtbibliothek"),
    ]
    decisions = decide(
        [
            "V: Ich rufe Tagesordnungspunkt 10 auf.",
            "Wir wollen Grundstücke nur noch im Erbbaurecht vergeben.",
            "V: Ich rufe den Ergänzungsantrag der GRÜNEN auf, keine Wohnobjekte zu verkaufen.",
            "V: Das ist eine mehrheitliche Ablehnung.",
            "V: Dann stelle ich die Beschlussvorlage zur Abstimmung. – Das ist eine große Mehrheit.",
            "V: Ich rufe Tagesordnungspunkt 11 auf.",
            "Die Stadtbibliothek braucht ein neues Dach.",
        ],
        entries,
    )
    main, motion, following = decisions
    assert main.result == oc.MAJORITY
    assert motion.result == oc.REJECTED
    assert "GRÜNE" in motion.reason
    assert following.result is None  # no vote heard on 11
    assert main.evidence[0].segment == 4
