"""A body that records a vote with abstentions as "mehrheitlich", and how stated results are scored.

The real pattern (Karlsruhe Gemeinderat, 21 of 37 wrong stated results before): the chair says
"Das ist einstimmig", the Niederschrift reads "Einstimmig … bei 2 Enthaltungen", and the council
information system records "mehrheitlich zugestimmt".
"""

from __future__ import annotations

from rathaus.core.text.words import plain_text
from rathaus.minutes.schemas import AgendaEntry, Segment, VoteCounts, VotingRecord
from rathaus.minutes.text import outcomes as oc
from rathaus.minutes.text.align import AlignAgenda
from rathaus.minutes.text.amendments import no_vote_result
from rathaus.minutes.text.conventions import CouncilConventions
from rathaus.minutes.text.decisions import NO_RESULT, ExtractDecisions, ItemDecision

ENTRY = AgendaEntry("7", "Bebauungsplan Westlich der Bahn")
COUNTS_ABSTENTIONS = CouncilConventions(abstentions_break_unanimity=True)


def decide(text: str, conventions: CouncilConventions | None = None) -> ItemDecision:
    turns = [
        ("Vorsitz", "Ich rufe Tagesordnungspunkt 7 auf."),
        ("Stadträtin Kern", "Wir stimmen dem Bebauungsplan zu."),
        ("Vorsitz", text),
    ]
    segments = [Segment(i * 5.0, i * 5.0 + 4.0, t, speaker) for i, (speaker, t) in enumerate(turns)]
    spans = AlignAgenda().run(segments, [ENTRY])
    return ExtractDecisions(conventions=conventions).run(segments, [ENTRY], spans)[0]


def test_a_bare_einstimmig_is_only_zugestimmt_where_abstentions_break_unanimity() -> None:
    assert decide("Das ist einstimmig.").result == oc.UNANIMOUS  # the default: abstentions do not count
    said = decide("Das ist einstimmig.", COUNTS_ABSTENTIONS)
    assert said.result == oc.ADOPTED
    assert said.method == "rule"
    assert decide("Das ist eine einstimmige Zustimmung.", COUNTS_ABSTENTIONS).result == oc.ADOPTED


def test_stated_abstentions_leave_only_zugestimmt_and_none_keep_it_einstimmig() -> None:
    # by default "einstimmig bei 2 Enthaltungen" stays einstimmig (the Gemeindeordnung's reading)
    assert decide("Einstimmig bei 2 Enthaltungen zugestimmt.").result == oc.UNANIMOUS
    # where the body records abstentions as "mehrheitlich", the chair's "einstimmig" and the custom
    # disagree; both agree it was adopted. Real pattern: a Hauptausschuss chair "stellt bei einer
    # Enthaltung die einstimmige Zustimmung fest", recorded "Einstimmig zugestimmt bei einer
    # Enthaltung", while most of its records read "Bei 1 Enthaltung mehrheitlich zugestimmt".
    strict = decide("Einstimmig bei 2 Enthaltungen zugestimmt.", COUNTS_ABSTENTIONS)
    assert strict.result == oc.ADOPTED
    assert strict.counts is None  # the yes votes were not said
    counted = decide("Einstimmig bei 40 Ja-Stimmen und einer Enthaltung.", COUNTS_ABSTENTIONS)
    assert (counted.result, counted.counts) == (oc.ADOPTED, VoteCounts(yes=40, no=0, abstain=1))
    assert decide("Einstimmig bei Enthaltung der Gruppe Nord.", COUNTS_ABSTENTIONS).result == oc.ADOPTED
    assert decide("Bei 2 Enthaltungen zugestimmt.", COUNTS_ABSTENTIONS).result == oc.MAJORITY
    assert decide("Einstimmig ohne Enthaltungen.", COUNTS_ABSTENTIONS).result == oc.UNANIMOUS
    assert decide("Ohne Gegenstimmen und Enthaltungen angenommen.", COUNTS_ABSTENTIONS).result == oc.UNANIMOUS
    # a request is still no result, whatever the convention
    assert decide("Ich bitte um einstimmige Zustimmung.", COUNTS_ABSTENTIONS).reason == NO_RESULT


def test_the_convention_round_trips_and_defaults_off() -> None:
    assert CouncilConventions().abstentions_break_unanimity is False
    data = COUNTS_ABSTENTIONS.to_json()
    assert data["abstentions_break_unanimity"] is True
    assert CouncilConventions.from_json(data) == COUNTS_ABSTENTIONS
    assert CouncilConventions.from_json({"mayor_chairs": False}).abstentions_break_unanimity is False


def test_a_plain_zugestimmt_is_true_of_any_adoption_but_less_specific() -> None:
    for record in ("einstimmig zugestimmt", "mehrheitlich beschlossen", "Zustimmung"):
        assert oc.outcome_agrees(oc.ADOPTED, record), record
    assert not oc.outcome_matches(oc.ADOPTED, "einstimmig zugestimmt")  # the strict figure stays strict
    assert not oc.outcome_agrees(oc.ADOPTED, "mehrheitlich abgelehnt")
    assert not oc.outcome_agrees(oc.ADOPTED, "vertagt")
    assert not oc.outcome_agrees(oc.UNANIMOUS, "mehrheitlich zugestimmt")
    assert not oc.outcome_as_specific(oc.ADOPTED, "einstimmig zugestimmt")
    assert not oc.outcome_as_specific(oc.ADOPTED, "mehrheitlich beschlossen")
    assert oc.outcome_as_specific(oc.ADOPTED, "beschlossen")
    assert oc.outcome_as_specific(oc.MAJORITY, "mehrheitlich beschlossen")
    assert oc.outcome_as_specific(oc.UNANIMOUS, "Zustimmung")  # more specific than the record
    assert not oc.outcome_as_specific(oc.REJECTED, "einstimmig zugestimmt")


def test_erledigt_is_a_result_only_when_said_of_the_motion() -> None:
    """ "damit hat sich das erledigt" was a withdrawal, "damit ist der TOP 23 und 23.1 erledigt" a
    Kenntnisnahme: said of the item it only says the item is done; "Der Antrag hat sich damit
    erledigt" is settled by the administration's statement."""
    assert decide("Vielen Dank, damit hat sich das erledigt.").reason == NO_RESULT
    assert decide("Also damit ist der TOP 7 erledigt.").reason == NO_RESULT
    assert decide("Der Antrag hat sich damit erledigt.").result == oc.SETTLED
    assert decide("Damit sind Sie mit der Stellungnahme einverstanden.").result == oc.SETTLED


def test_a_possibility_is_no_outcome_of_an_amendment() -> None:
    """Real pattern: "Die würden wir dann der Reihe nach abarbeiten, hätten damit im Wesentlichen auch
    alle anderen Anträge erledigt" and "… hätten wir dazu noch Gelegenheit, im Hauptausschuss"."""
    assert (
        no_vote_result(
            plain_text(
                "Die würden wir der Reihe nach abarbeiten, hätten damit auch die anderen Anträge erledigt."
            )
        )
        is None
    )
    assert (
        no_vote_result(
            plain_text("Wenn da vielleicht ein Aspekt fehlt, hätten wir noch Gelegenheit, im Hauptausschuss.")
        )
        is None
    )
    assert no_vote_result(plain_text("Der SPD-Antrag ist damit erledigt.")) == oc.SETTLED
    assert no_vote_result(plain_text("Den Antrag verweisen wir in den Hauptausschuss.")) == oc.REFERRED


def test_imported_abstentions_follow_the_bodys_custom() -> None:
    """30 Ja, 0 Nein, 2 Enthaltungen: "einstimmig" where abstentions do not count (the default, as the
    Gemeindeordnung has it), "mehrheitlich" where the body records them so."""
    segments = [Segment(0.0, 4.0, "Ich rufe Tagesordnungspunkt 7 auf.", "Vorsitz")]
    spans = AlignAgenda().run(segments, [ENTRY])
    record = VotingRecord(
        item_number="7", motion="Beschlussvorlage", counts=VoteCounts(yes=30, no=0, abstain=2)
    )
    default = ExtractDecisions().run(segments, [ENTRY], spans, [record])[0]
    counted = ExtractDecisions(conventions=COUNTS_ABSTENTIONS).run(segments, [ENTRY], spans, [record])[0]
    assert (default.result, default.method) == (oc.UNANIMOUS, "record")
    assert (counted.result, counted.method) == (oc.MAJORITY, "record")
    assert default.counts == counted.counts == VoteCounts(yes=30, no=0, abstain=2)
