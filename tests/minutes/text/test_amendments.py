"""Assigning the chair's result statements to the amendments of an agenda item."""

from __future__ import annotations

from rathaus.core.text.words import plain_text
from rathaus.minutes.text import outcomes as oc
from rathaus.minutes.text.amendments import (
    MAIN,
    Proposal,
    combine,
    counted_result,
    customary,
    no_vote_result,
    parties_in,
    proposal,
    targets,
)


def test_proposal_from_agenda_titles() -> None:
    assert proposal(3, "Änderungsantrag GRÜNE, KULT: Verkauf von Grundstücken") == Proposal(
        3, "änderungsantrag", frozenset({"GRÜNE", "KULT"})
    )
    # local groups are learned by their short name as written in the title
    assert proposal(4, "Änderungsantrag: FÜR Karlsruhe: Vergabe von Grundstücken").parties == {"FÜR"}
    # a joint faction is one group, and each of its parts names it
    assert proposal(8, "Änderungsantrag WiR/CSU: Parkgebühren").parties == {"WiR/CSU"}
    assert parties_in("der Antrag der CSU", [proposal(8, "Änderungsantrag WiR/CSU: Parkgebühren")]) == {
        "WiR/CSU"
    }
    assert proposal(5, "Anfrage Die Linke: DAS FEST").kind == "anfrage"
    assert proposal(6, "Ergänzungsantrag: Evaluation des Betreuungsbedarfs").parties == frozenset()
    assert proposal(7, "Gem. Änderungsantrag: Flächennutzungsplan").kind == "änderungsantrag"
    # "für" as a word is no group; the group names itself in capitals
    filed = [
        proposal(3, "Änderungsantrag GRÜNE, KULT: Verkauf"),
        proposal(4, "Änderungsantrag: FÜR Karlsruhe: X"),
    ]
    said = "Wir sind für den Antrag der Grünen und der KULT-Fraktion."
    assert parties_in(said, filed) == {"GRÜNE", "KULT"}
    assert parties_in(said) == {"GRÜNE"}  # a local group counts only once it has filed a motion


def test_each_statement_goes_to_the_motion_named_before_it() -> None:
    proposals = [proposal(1, "Änderungsantrag SPD: Radwege"), proposal(2, "Ergänzungsantrag CDU: Radwege")]
    sentences = [
        "Wir kommen zur Abstimmung.",
        "Wir beginnen mit dem Änderungsantrag der SPD.",
        "Das ist mehrheitlich abgelehnt.",
        "Dann der Ergänzungsantrag der CDU.",
        "Über diesen Ergänzungsantrag stimmen wir jetzt ab.",  # refers back, no new target
        "Das ist eine deutliche Mehrheit.",
        "Damit kommen wir zur unveränderten Beschlussvorlage.",
        "Das ist einstimmig.",
    ]
    assert targets(sentences, list(range(len(sentences))), proposals) == [None, 1, 1, 2, 2, 2, MAIN, MAIN]


def test_target_ends_when_someone_else_speaks_and_groups_learn_their_motion() -> None:
    proposals = [proposal(1, "Ergänzungsantrag: Umfrage"), proposal(2, "Anfrage FW: Umfrage")]
    sentences = [
        "Ich rufe den Ergänzungsantrag der ÖDP mit zur Diskussion auf.",
        "Das ist angenommen.",  # segment 5: others spoke in between
        "Der ÖDP-Antrag geht in den Jugendhilfeausschuss.",  # ÖDP was bound to the unnamed motion
        "Die Anfrage ist beantwortet.",
    ]
    assert targets(sentences, [0, 5, 6, 7], proposals) == [1, None, 1, 2]


def test_results_of_parts_counts_and_customs() -> None:
    assert combine([oc.REJECTED, oc.REJECTED]) == oc.REJECTED
    assert combine([oc.REJECTED, oc.MAJORITY]) == oc.PARTLY
    assert combine([oc.UNANIMOUS, oc.MAJORITY]) == oc.MAJORITY
    assert combine([]) is None
    assert counted_result("21 Ja-Stimmen, 24 Nein-Stimmen.") == oc.REJECTED
    assert counted_result("Das waren 8 Gegenstimmen, der Rest ist dafür.") == oc.MAJORITY
    assert counted_result("Es gab 8 Gegenstimmen.") is None
    assert no_vote_result(plain_text("Wir nehmen es in den Aufsichtsrat.")) == oc.REFERRED
    assert no_vote_result(plain_text("Wir hatten empfohlen, das in den Ausschuss zu verweisen.")) is None
    assert no_vote_result(plain_text("Wenn Sie einverstanden wären, machen wir das so.")) is None
    question = proposal(2, "Anfrage GfK: Verträge")
    amendment = proposal(3, "Ergänzungsantrag SPD: Verträge")
    assert customary(question)[0] == oc.NOTED
    # an amendment without a stated result has none: the old customs were right in about half the cases
    assert customary(amendment) == (None, "Keine Abstimmung über diesen Antrag erkannt")
