"""An election is not a vote on a motion: never "zugestimmt" from the chair's election result.

The patterns are the chair's words at elections in the Karlsruhe council minutes ("Auf Herrn …
entfielen 24 Stimmen, auf Frau … 21 Stimmen, keine Enthaltungen", "… sind Sie mit 38 Stimmen
gewählt"), with names changed. Council systems record such items as "gewählt", a value the
product's result vocabulary does not hold, so the item gets no result and the clerk enters it.
"""

from __future__ import annotations

import pytest

from rathaus.core.ai.protocols import ChatResult
from rathaus.core.text.words import plain_text
from rathaus.minutes.schemas import AgendaEntry, Segment, VoteCounts
from rathaus.minutes.text import outcomes as oc
from rathaus.minutes.text.align import AlignAgenda
from rathaus.minutes.text.clauses import election
from rathaus.minutes.text.decisions import NO_RESULT, ExtractDecisions, ItemDecision
from rathaus.minutes.text.statements import ELECTION, PROPOSAL

ELECTION_ITEM = AgendaEntry("4", "Wahl der Ortsvorsteherin/des Ortsvorstehers in der Ortschaft Nordheim")
MOTION_ITEM = AgendaEntry("4", "Sanierung der Stadthalle")


class AlwaysAdopted:
    """A chat model that would call everything adopted (it must not be asked about an election)."""

    def __init__(self) -> None:
        self.asked = 0

    def chat(self, messages: object, **_: object) -> ChatResult:
        self.asked += 1
        return ChatResult(text=oc.MAJORITY, model="stand-in", backend="test")


def decide(
    turns: list[tuple[str, str]], entry: AgendaEntry = ELECTION_ITEM, chat: AlwaysAdopted | None = None
) -> ItemDecision:
    """(speaker, text) turns after the call of item 4."""
    turns = [("Vorsitz", "Ich rufe Tagesordnungspunkt 4 auf."), *turns]
    segments = [Segment(i * 5.0, i * 5.0 + 4.0, text, speaker) for i, (speaker, text) in enumerate(turns)]
    spans = AlignAgenda().run(segments, [entry])
    return ExtractDecisions(chat=chat).run(segments, [entry], spans)[0]  # type: ignore[arg-type]


def test_votes_for_a_candidate_are_no_adoption() -> None:
    """The real pattern: read as "mehrheitlich zugestimmt" (for "Enthaltungen") before."""
    decision = decide(
        [
            ("Vorsitz", "Es findet jetzt eine geheime Wahl statt. Die Stimmzettel werden ausgeteilt."),
            (
                "Vorsitz",
                "Wir haben ein Ergebnis. Auf Herrn Albers entfielen 24 Stimmen, auf Frau Brandt "
                "21 Stimmen, keine Enthaltungen.",
            ),
        ]
    )
    assert decision.result is None
    assert decision.reason.startswith(NO_RESULT)
    assert "eine Wahl" in decision.reason
    assert "Auf Herrn Albers entfielen 24 Stimmen" in decision.reason
    assert [m.kind for m in decision.motions] == [ELECTION]
    assert decision.motions[0].result == oc.ELECTION_HEARD
    assert decision.counts is None
    assert decision.resolution_text is None


def test_a_ballot_without_majority_is_no_rejection() -> None:
    """The real sequence: first ballot, "keine Mehrheit … Stichwahl", second ballot.

    The "keine Mehrheit" of the first ballot was read as "mehrheitlich abgelehnt" once the ballots
    no longer counted as votes.
    """
    decision = decide(
        [
            (
                "Vorsitz",
                "Liebe Kolleginnen und Kollegen, wir haben folgendes Ergebnis. Auf Herrn Albers entfallen "
                "22 Stimmen, auf Frau Brandt 21 Stimmen und wir haben zwei Enthaltungen. Damit gibt es keine "
                "Mehrheit der anwesenden Stimmen, und wir müssen noch einmal in eine Stichwahl zwischen den "
                "beiden Erstplatzierten.",
            ),
            ("Vorsitz", "Wir haben ein Ergebnis. Auf Herrn Albers entfielen 24 Stimmen, keine Enthaltungen."),
        ]
    )
    assert decision.result is None
    assert [m.kind for m in decision.motions] == [ELECTION, ELECTION, ELECTION]
    assert "Stichwahl" in decision.reason


def test_elected_with_counts_keeps_the_counts_on_the_election() -> None:
    decision = decide(
        [("Vorsitz", "Auf Herrn Albers entfielen 41 Ja-Stimmen, 4 Nein-Stimmen und 3 Enthaltungen.")]
    )
    assert decision.result is None
    assert decision.motions[0].kind == ELECTION
    assert decision.motions[0].counts == VoteCounts(yes=41, no=4, abstain=3)


@pytest.mark.parametrize(
    "said",
    [
        "Bei 4 Gegenstimmen und 4 Enthaltungen sind Sie mit 38 Stimmen gewählt.",
        "Damit ist Frau Brandt einstimmig zur Ortsvorsteherin gewählt.",
        "Herr Albers ist mit 30 Stimmen gewählt.",
        "Damit wurde Frau Brandt mit großer Mehrheit zur Ortsvorsteherin gewählt.",
    ],
)
def test_gewaehlt_said_by_the_chair_is_no_adoption(said: str) -> None:
    decision = decide([("Vorsitz", said)])
    assert decision.result is None, said
    assert [m.kind for m in decision.motions] == [ELECTION], said


def test_the_model_is_not_asked_to_read_an_election() -> None:
    chat = AlwaysAdopted()
    decision = decide([("Vorsitz", "Damit ist Frau Brandt zur Ortsvorsteherin gewählt.")], chat=chat)
    assert decision.result is None
    assert chat.asked == 0


def test_a_motion_vote_with_counts_stays_a_vote() -> None:
    """Near misses: counts, "Enthaltungen" and "Stimmen" in a vote on the proposal."""
    cases = {
        "Bei 3 Gegenstimmen und 2 Enthaltungen ist die Vorlage mehrheitlich zugestimmt.": oc.MAJORITY,
        "Das ist mit 30 Ja-Stimmen bei 5 Nein-Stimmen mehrheitlich angenommen.": oc.MAJORITY,
        "Das ist einstimmig zugestimmt, keine Enthaltungen.": oc.UNANIMOUS,
    }
    for said, result in cases.items():
        decision = decide([("Vorsitz", said)], entry=MOTION_ITEM)
        assert decision.result == result, said
        assert [m.kind for m in decision.motions] == [PROPOSAL], said


def test_words_about_an_earlier_or_no_election_are_not_this_election() -> None:
    for said in (
        "Damit ist Herr Albers noch nicht gewählt, der Ortschaftsrat muss sein Einvernehmen geben.",
        "2004 habe ich zum ersten Mal kandidiert und wurde gewählt.",
        "Der Zeitpunkt scheint uns nicht glücklich gewählt.",
        "Wir haben die Variante B gewählt.",
        "Die Punkte 5 und 6 entfallen, wir stimmen über Punkt 7 ab.",
        "Er wurde damals mit großer Mehrheit gewählt.",
    ):
        assert not election(plain_text(said)), said
    for said in (
        "Auf den Kandidaten Albers entfielen 20, auf die Kandidatin Brandt 27 Stimmen.",
        "Bei 2 Enthaltungen entfielen 43 zustimmende Voten auf Herrn Albers.",
        "Damit ist er auch schon gewählt.",
    ):
        assert election(plain_text(said)), said


def test_another_speakers_election_words_are_nothing() -> None:
    decision = decide([("Stadträtin Kern", "Auf Herrn Albers entfielen 24 Stimmen, keine Enthaltungen.")])
    assert (decision.result, decision.motions, decision.reason) == (None, (), NO_RESULT)
