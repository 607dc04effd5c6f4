"""AlignAgenda when items are voted without debate, calls are missing, papers are named as spoken.

Cause 2 of issue 12: on another council, items voted without debate and missing or misheard calls
made "stay in one item" the best path — "Bestätigung der Tagesordnung" ran from 00:12 to 06:37 and
every later item was "In der Aufnahme nicht gefunden"; speakers named papers as "Drucksache 441 aus
25", never in the written form.
"""

from __future__ import annotations

from rathaus.minutes.schemas import AgendaEntry, Segment
from rathaus.minutes.text.align import AlignAgenda
from rathaus.minutes.text.calls import find_calls, find_papers, paper_key, spoken_number
from rathaus.minutes.text.conventions import CouncilConventions
from rathaus.minutes.text.terms import COUNCIL_STOPWORDS, content_stems, place_stopwords


def transcript(*turns: tuple[str, str]) -> list[Segment]:
    return [Segment(i * 20.0, i * 20.0 + 18.0, text, speaker) for i, (speaker, text) in enumerate(turns)]


# the pattern of the issue: confirmation of the agenda, a run of items voted without a word (their
# calls lost in the recording), then a debated item named only by its paper, then a called item
AGENDA = [
    AgendaEntry("1", "Bestätigung der Tagesordnung"),
    AgendaEntry("2", "Bebauungsplan Am Mühlbach, Satzungsbeschluss", paper_reference="0398/25"),
    AgendaEntry("3", "Benutzungsordnung der Stadtbibliothek", paper_reference="0402/25"),
    AgendaEntry("4", "Wahl eines Schöffen", paper_reference="0405/25"),
    AgendaEntry("5", "Jahresabschluss der Stadtwerke 2024", paper_reference="0410/25"),
    AgendaEntry("6", "Straßenreinigungssatzung, Änderung", paper_reference="0417/25"),
    AgendaEntry("7", "Zuschuss Musikschule", paper_reference="0420/25"),
    AgendaEntry("8", "Radweg Bahnhofstraße, Vergabe", paper_reference="0431/25"),
    AgendaEntry("9", "Friedhofsgebührensatzung", paper_reference="0436/25"),
    AgendaEntry("10", "Neubau einer Kindertagesstätte im Lindenweg", paper_reference="DS0441/25"),
    AgendaEntry("11", "Sanierung des Hallenbads", paper_reference="2025/0450"),
]
SESSION = transcript(
    ("Vorsitz", "Gibt es Einwände gegen die Tagesordnung? Das ist nicht der Fall, dann so bestätigt."),
    ("S2", "Zur Drucksache 441 aus 25 möchte meine Fraktion Folgendes sagen."),
    ("S2", "Wir brauchen die Plätze dringend, die Wartelisten sind lang und die Eltern warten seit Jahren."),
    (
        "S3",
        "Wir tragen das mit, haben aber Fragen zu den Kosten, die seit der ersten Planung gestiegen sind.",
    ),
    ("S4", "Die Verwaltung hat die Kosten in der Anlage dargestellt, das ist nachvollziehbar."),
    ("S3", "Dann stimmen wir zu. Die Eltern haben lange genug gewartet."),
    ("Vorsitz", "Wer stimmt zu? Gegenprobe? Enthaltungen? Das ist einstimmig."),
    ("Vorsitz", "Ich rufe Tagesordnungspunkt 11 auf, die Sanierung des Hallenbads."),
    ("S2", "Das Hallenbad ist marode, die Sanierung ist überfällig."),
)


def test_undebated_items_do_not_let_one_item_swallow_the_session() -> None:
    spans = {span.number: span for span in AlignAgenda().run(SESSION, AGENDA)}
    assert len(spans["1"].segment_indices()) <= 1  # not 00:12 to 06:37
    assert spans["10"].first_segment == 1  # found by the paper as spoken
    assert spans["10"].last_segment == 6
    assert spans["11"].first_segment == 7
    assert spans["11"].method == "call"
    for number in "23456789":  # voted without debate: no span that takes another item's words
        assert not spans[number].found, number
    assert spans["10"].reason.startswith("Drucksache von Tagesordnungspunkt 10 genannt")  # the reason stays
    assert spans["11"].reason == "Aufruf von Tagesordnungspunkt 11 durch den Vorsitz"


def test_no_item_takes_most_of_a_session_with_no_calls() -> None:
    session = [segment for segment in SESSION if segment.speaker != "Vorsitz"]  # the chair's words lost
    spans = AlignAgenda().run(session, AGENDA)
    assert max(len(span.segment_indices()) for span in spans if span.number != "10") <= len(session) // 2
    assert {span.number: span.first_segment for span in spans}["10"] == 0


def test_calls_spoken_as_numbers() -> None:
    assert find_calls("Wir kommen zu Punkt fünf Komma zehn.") == {"5.10": 1.0}
    assert find_calls("Ich rufe Tagesordnungspunkt 5,10 auf") == {"5.10": 1.0}
    assert find_calls("Punkt sechs Komma dreizehn, Änderungsantrag der Fraktion.") == {"6.13": 0.4}
    assert find_calls("Dazu Punkt 3 des Antrags.") == {}  # "Punkt 3" of a motion is no call


def test_papers_as_spoken_match_the_written_references() -> None:
    spoken = find_papers("Wir kommen zur Drucksache 441 aus 25.")
    assert spoken == {(441, 25): 1.0}
    assert find_papers("die Drucksache vierhunderteinundvierzig aus fünfundzwanzig") == {(441, 25): 0.4}
    assert find_papers("Vorlage 2025 Schrägstrich 441") == {(441, 25): 0.4}
    assert {paper_key(r) for r in ("0441/25", "DS0441/25", "2025/0441", "DS0441/25/2")} == {(441, 25)}
    assert paper_key("Antrag") is None
    assert spoken_number("vierhunderteinundvierzig") == 441
    assert spoken_number("zweitausendfünfundzwanzig") == 2025


def test_place_names_are_stop_words_from_the_conventions() -> None:
    words = place_stopwords(["Musterstadt", "Gemeinderat Musterstadt"])
    assert {"musterstadt", "musterstadter"} <= words
    title = "Satzung der Musterstadt über Parkgebühren in der Musterstadter Innenstadt"
    assert "musterstadt" in " ".join(content_stems(title))
    stems = content_stems(title, COUNCIL_STOPWORDS | words)
    assert not any(stem.startswith("musterstadt") for stem in stems)
    assert any(stem.startswith("parkgeb") for stem in stems)


def test_align_agenda_takes_place_names_from_the_conventions() -> None:
    conventions = CouncilConventions(place_names=("Musterstadt",))
    assert "musterstadt" in AlignAgenda(conventions=conventions).stopwords
    assert "musterstadt" not in AlignAgenda().stopwords
