"""AlignAgenda without the chair's calls: who takes the floor, where the words change, the session's end.

Real pattern (Karlsruhe Gemeinderat 27.06.2023, the chair's sentences left out as in the
``karlsruhe_no_chair`` benchmark): a run of debated items follows each other with no call between
them; the first speaker of an item names its subject in their own words ("die Anpassungen der
förderfähigen Ausbildungsplätze"), the administration's speaker opens the next one without any title
word ("Keine einfache Wegstrecke liegt vor uns, wenn wir die neue Finanzierungssystematik …"), and
the session ends with short follow-up
questions on written Anfragen ("Ich habe eine Nachfrage …"). Before, the path stayed in the first
item and every later one was "In der Aufnahme nicht gefunden".
"""

from __future__ import annotations

from rathaus.minutes.schemas import AgendaEntry, Segment
from rathaus.minutes.text.align import AlignAgenda, AlignWeights
from rathaus.minutes.text.align_scoring import Slot, _agenda_distinctiveness, _topic_shift, _turns
from rathaus.minutes.text.terms import TermWeights, content_stems


def transcript(*turns: tuple[str, str]) -> list[Segment]:
    return [Segment(i * 20.0, i * 20.0 + 18.0, text, speaker) for i, (speaker, text) in enumerate(turns)]


AGENDA = [
    AgendaEntry(
        "10", "Bedarfsgerechte Anpassung der förderfähigen Ausbildungsplätze in Kindertageseinrichtungen"
    ),
    AgendaEntry("11", "Neue Finanzierungssystematik für Kindertagesstätten und Kinderkrippen"),
    AgendaEntry("12", "Vergabe der Lieferung von Mittagsverpflegung an zwölf Schulen"),
    AgendaEntry("13", "Aktueller Sachstandsbericht zum Haushaltssicherungsprozess"),
    AgendaEntry("46", "Kommunale Wärmeplanung bis 2026"),
]
SESSION = transcript(
    (
        "Stadträtin Fahringer (GRÜNE)",
        "Wir begrüßen die Anpassungen der förderfähigen Ausbildungsplätze, denn auf den Anfang kommt es an.",
    ),
    (
        "Stadträtin Fahringer (GRÜNE)",
        "Im Kitabereich fehlen Fachkräfte, die Ausbildungsplätze "
        "und die praxisintegrierte Ausbildung halten Fachkräfte.",
    ),
    (
        "Stadtrat Müller (CDU)",
        "Die praxisintegrierte Ausbildung bindet die Fachkräfte an die Kitas, wir stimmen der Ausbildung zu.",
    ),
    (
        "Bürgermeister Lenz",
        "Keine einfache Wegstrecke liegt vor uns, wenn wir die "
        "neue Finanzierungssystematik weiter vorantreiben.",
    ),
    (
        "Bürgermeister Lenz",
        "Das Ziel heißt ein einheitliches gesamtstädtisches System der Zuschüsse für alle Träger.",
    ),
    (
        "Stadträtin Zeh (SPD)",
        "Die Träger brauchen Verlässlichkeit, die Zuschüsse "
        "müssen mit den Personalkosten der Träger steigen.",
    ),
    (
        "Stadträtin Rastätter (GRÜNE)",
        "Der Vergabe folgen wir, das Probeessen für die Eltern sollte wieder eingeführt werden.",
    ),
    (
        "Stadträtin Rastätter (GRÜNE)",
        "Die Empfehlungen der Gesellschaft für Ernährung bleiben "
        "für das Essen und das Probeessen verbindlich.",
    ),
    ("Stadtrat Jooß (FDP)", "Das Essen muss für die Eltern bezahlbar bleiben, auch mit dem Probeessen."),
    ("Stadtrat Dr. Schmidt (AfD)", "Ich habe eine Nachfrage."),
    (
        "Stadtrat Dr. Schmidt (AfD)",
        "In der Antwort steht, die kommunale Wärmeplanung sei in Arbeit. Wann kommt sie?",
    ),
)
# the segments here hold about 10 content words, real ones about 25: windows scaled to match
WEIGHTS = AlignWeights(window_words=12, cohesion_words=20)


def test_items_start_where_a_new_speaker_takes_the_floor_and_the_words_change() -> None:
    spans = {span.number: span for span in AlignAgenda(weights=WEIGHTS).run(SESSION, AGENDA)}
    assert spans["10"].first_segment == 0
    assert spans["11"].first_segment == 3  # the administration opens it with one title word
    assert spans["12"].first_segment == 6
    assert not spans["13"].found  # not debated: no span taken from its neighbours
    assert spans["46"].first_segment == 9  # the follow-up question at the end of the session
    assert spans["46"].last_segment == 10
    assert max(len(span.segment_indices()) for span in spans.values()) <= 3


def test_with_the_chairs_calls_the_calls_decide() -> None:
    called = [
        Segment(0.0, 5.0, "Ich rufe Tagesordnungspunkt 10 auf.", "Vorsitz"),
        *SESSION[:3],
        Segment(80.0, 85.0, "Damit kommen wir zu Tagesordnungspunkt 11.", "Vorsitz"),
        *SESSION[3:6],
    ]
    spans = {span.number: span for span in AlignAgenda(weights=WEIGHTS).run(called, AGENDA)}
    assert (spans["10"].first_segment, spans["10"].method) == (0, "call")
    assert (spans["11"].first_segment, spans["11"].method) == (4, "call")


def test_turns_known_only_where_both_speakers_are_known() -> None:
    segments = transcript(("A", "eins"), ("A", "zwei"), ("B", "drei"), (None, "vier"), ("B", "fünf"))  # type: ignore[arg-type]
    assert _turns(segments) == [True, False, True, None, None]


def test_topic_shift_is_high_where_the_words_before_and_after_share_nothing() -> None:
    tokens = [content_stems(s.text) for s in SESSION]
    shift = _topic_shift(tokens, TermWeights(tokens), 40)
    assert shift[3] > shift[2]  # Ausbildung → Finanzierungssystematik, within Ausbildung
    assert shift[6] > shift[8]  # Träger → Essen, within Essen
    assert all(0.0 <= value <= 1.0 for value in shift)


def test_terms_many_titles_share_weigh_less() -> None:
    # "Satzung zur Änderung der Satzung …" heads many Karlsruhe agenda items
    slots = [
        Slot("3", [0], content_stems("Satzung zur Änderung der Satzung über Parkgebühren")),
        Slot("5", [1], content_stems("Satzung zur Änderung der Satzung für das Bäderwesen")),
        Slot("9", [2], content_stems("Satzung zur Änderung der Satzung über die Friedhofsgebühren")),
    ]
    weight = _agenda_distinctiveness(slots)
    assert weight[content_stems("Satzung")[0]] < weight[content_stems("Parkgebühren")[0]]
    assert weight[content_stems("Parkgebühren")[0]] == 1.0


def test_a_call_inside_the_chairs_turn_still_opens_the_item() -> None:
    # the chair goes on from the vote straight to the next item, the call without a calling verb;
    # the next speaker names a word of the item's title ("Flurstück")
    session = transcript(
        ("Bürgermeister Albers", "Ich eröffne die Sitzung und stelle die Beschlussfähigkeit fest."),
        ("Bürgermeister Albers", "Ich rufe Tagesordnungspunkt zwei auf, den Bebauungsplan Am Mühlbach."),
        ("Anna Berends (SPD)", "Die SPD stimmt dem Bebauungsplan Am Mühlbach zu, die Vorlage ist gut."),
        ("Bürgermeister Albers", "Wer stimmt dem Bebauungsplan zu? Das ist einstimmig so beschlossen."),
        ("Bürgermeister Albers", "Nicht öffentlich: Tagesordnungspunkt drei, Grundstücksangelegenheit."),
        ("Frau Neumann", "Das Flurstück 12/4 soll zum Verkehrswert verkauft werden."),
    )
    agenda = [
        AgendaEntry("1", "Eröffnung und Feststellung der Beschlussfähigkeit"),
        AgendaEntry("2", "Bebauungsplan „Am Mühlbach“", paper_reference="2023/0361"),
        AgendaEntry("2.1", "Änderungsantrag der Fraktion"),
        AgendaEntry("3", "Grundstücksangelegenheit Flurstück 12/4", public=False),
    ]
    spans = {span.number: span for span in AlignAgenda().run(session, agenda)}
    assert spans["2"].first_segment == 1
    assert spans["3"].first_segment == 4  # not at the next speaker (5)
