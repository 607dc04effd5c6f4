"""A members' motion (Antrag) answered by the administration's Stellungnahme: a chair's declared
"Zustimmung" or "Kenntnisnahme" without a vote is no result, because it may concern the motion or
the Stellungnahme (real pattern: a Haupt- und Finanzausschuss, "Nachdem keine weiteren Wortmeldungen
vorliegen, stellt er Zustimmung fest." on a faction's motion recorded "mit Stellungnahme einverstanden").
"""

from __future__ import annotations

from rathaus.minutes.schemas import AgendaEntry, Segment
from rathaus.minutes.text import outcomes as oc
from rathaus.minutes.text.align import AlignAgenda
from rathaus.minutes.text.decisions import NO_RESULT, ExtractDecisions, ItemDecision
from rathaus.minutes.text.motions import is_motion

MOTION = AgendaEntry("8", "Zahlungsverpflichtungen von Bund und Land einfordern", paper_type="Antrag")
PROPOSAL = AgendaEntry("8", "Zahlungsverpflichtungen von Bund und Land", paper_type="Beschlussvorlage")


def decide(entry: AgendaEntry, said: str) -> ItemDecision:
    turns = [
        ("Der Vorsitzende", "Der Vorsitzende ruft Tagesordnungspunkt 8 zur Behandlung auf."),
        ("Stadträtin Kern", "Wir danken der Verwaltung für die ausführliche Stellungnahme."),
        ("Der Vorsitzende", said),
    ]
    segments = [Segment(i * 5.0, i * 5.0 + 4.0, text, speaker) for i, (speaker, text) in enumerate(turns)]
    spans = AlignAgenda().run(segments, [entry])
    return ExtractDecisions().run(segments, [entry], spans)[0]


def test_a_declared_zustimmung_on_a_motion_is_left_to_the_clerk() -> None:
    declared = "Nachdem keine weiteren Wortmeldungen vorliegen, stellt er Zustimmung fest."
    on_motion = decide(MOTION, declared)
    assert on_motion.result is None
    assert on_motion.reason.startswith(f"{NO_RESULT}: zu einem Antrag wurde ohne Abstimmung „zugestimmt“")
    assert "Stellungnahme der Verwaltung" in on_motion.reason
    assert decide(PROPOSAL, declared).result == oc.ADOPTED  # on the administration's proposal it is one
    noted = decide(
        MOTION, "Nachdem keine weiteren Wortmeldungen vorliegen, stellt er die Kenntnisnahme fest."
    )
    assert noted.result is None


def test_a_vote_on_a_motion_still_gives_its_result() -> None:
    voted = decide(MOTION, "Er lässt über den Antrag abstimmen und stellt die mehrheitliche Ablehnung fest.")
    assert voted.result == oc.REJECTED
    adopted = decide(MOTION, "Er lässt abstimmen und stellt einstimmige Zustimmung fest.")
    assert adopted.result == oc.UNANIMOUS
    referred = decide(MOTION, "Der Antrag wird in den Planungsausschuss verwiesen.")
    assert referred.result is not None
    assert referred.result.startswith("verwiesen")


def test_which_papers_are_members_motions() -> None:
    assert is_motion(MOTION)
    assert is_motion(AgendaEntry("1", "x", paper_type="Antrag der Fraktion"))
    assert is_motion(AgendaEntry("1", "x", paper_type="Fraktionsantrag"))
    assert not is_motion(AgendaEntry("1", "x", paper_type="Änderungs-/Ergänzungsantrag"))
    assert not is_motion(PROPOSAL)
    assert not is_motion(AgendaEntry("1", "Antrag der SPD"))  # no paper type: not known
