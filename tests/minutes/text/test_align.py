"""AlignAgenda on hand-written transcripts and on one real Karlsruhe session."""

from __future__ import annotations

from bench.karlsruhe_data import load_session
from bench.minutes_karlsruhe import placement

from rathaus.minutes.schemas import AgendaEntry, Segment
from rathaus.minutes.text.align import AlignAgenda
from rathaus.minutes.text.calls import find_calls
from tests.conftest import shared_data


def transcript(*texts: str) -> list[Segment]:
    """Segments of ten seconds each, the chair speaking where the text starts with "V:"."""
    segments = []
    for index, text in enumerate(texts):
        speaker = "Vorsitz" if text.startswith("V:") else "S2"
        segments.append(Segment(index * 10.0, index * 10.0 + 9.0, text.removeprefix("V:").strip(), speaker))
    return segments


AGENDA = [
    AgendaEntry("1", "Haushaltssatzung 2025"),
    AgendaEntry("2", "Bebauungsplan Sportpark Nord"),
    AgendaEntry("3", "Sanierung der Grundschule am Markt"),
    AgendaEntry("4", "Neubau Feuerwehrhaus Oststadt"),
]


def starts(segments: list[Segment], agenda: list[AgendaEntry]) -> dict[str, int | None]:
    return {span.number: span.first_segment for span in AlignAgenda().run(segments, agenda)}


def test_calls_with_digits_words_and_sub_items() -> None:
    assert find_calls("Ich rufe Tagesordnungspunkt 7 auf.") == {"7": 1.0}
    assert find_calls("Wir kommen zu Punkt fünf der Tagesordnung.") == {"5": 1.0}
    assert find_calls("Ich rufe TOP fünf Punkt eins auf") == {"5.1": 1.0}
    assert find_calls("Ich rufe die Tagesordnungspunkte 16, 16.1 und 16.2 auf") == {
        "16": 1.0,
        "16.1": 1.0,
        "16.2": 1.0,
    }
    assert find_calls("Wir behandeln die Punkte 12 bis 14 der Tagesordnung gemeinsam") == {
        "12": 1.0,
        "13": 1.0,
        "14": 1.0,
    }
    assert find_calls("wie unter TOP 3 besprochen") == {"3": 0.4}
    assert find_calls("Punkt 3 meines Antrags ist wichtig") == {}
    assert find_calls("Der Vorsitzende ruft Tagesordnungspunk 26 auf") == {"26": 1.0}  # misspelt
    assert find_calls("Ich rufe Tag in Ordnungspunkt 10 auf") == {"10": 1.0}  # Whisper split the word


def test_chair_calls_place_items_and_a_skipped_item_stays_empty() -> None:
    segments = transcript(
        "V: Guten Abend, ich eröffne die Sitzung.",
        "V: Ich rufe Tagesordnungspunkt eins auf, die Haushaltssatzung.",
        "Die Haushaltssatzung ist solide, wir stimmen zu.",
        "V: Wir kommen zu Tagesordnungspunkt 3, die Sanierung der Grundschule.",
        "Die Grundschule braucht dringend neue Fenster.",
        "V: Ich rufe Tagesordnungspunkt vier auf.",
        "Das Feuerwehrhaus in der Oststadt ist zu klein.",
    )
    found = starts(segments, AGENDA)
    assert found == {"1": 1, "2": None, "3": 3, "4": 5}


def test_a_call_with_a_misheard_number_still_opens_the_next_item() -> None:
    segments = transcript(
        "V: Ich rufe Tagesordnungspunkt eins auf, die Haushaltssatzung.",
        "Die Haushaltssatzung ist solide, wir stimmen zu.",
        "V: Das ist einstimmig beschlossen.",
        "V: Ich rufe Tag in Ordnungspunkt 1 auf, Feuerwehrhaus Oststadt.",  # "vier" heard as "1"
        "Das Haus ist zu klein, die Wehr braucht Platz.",
        "Wir stimmen dem Neubau zu.",
    )
    found = starts(segments, AGENDA)
    assert found == {"1": 0, "2": None, "3": None, "4": 3}


def test_item_discussed_without_a_call_is_found_by_its_title() -> None:
    segments = transcript(
        "V: Ich rufe Tagesordnungspunkt 1 auf.",
        "Zur Haushaltssatzung 2025 haben wir keine Fragen.",
        "V: Das ist einstimmig.",
        "Zum Bebauungsplan Sportpark Nord: der Sportpark im Norden braucht mehr Parkplätze.",
        "Der Bebauungsplan sieht zu wenig Bäume vor.",
        "V: Ich rufe Tagesordnungspunkt 3 auf.",
        "Die Grundschule am Markt ist marode.",
    )
    found = starts(segments, AGENDA)
    assert found["2"] == 3
    assert found["3"] == 5


def test_monotonic_pass_ignores_a_backward_mention() -> None:
    segments = transcript(
        "V: Ich rufe Tagesordnungspunkt 1 auf.",
        "Haushalt ohne Aussprache.",
        "V: Ich rufe Tagesordnungspunkt 2 auf.",
        "Beim Sportpark gilt, was ich unter Tagesordnungspunkt 1 zum Haushalt sagte.",
        "V: Ich rufe Tagesordnungspunkt 3 auf.",
        "Grundschule am Markt.",
    )
    spans = AlignAgenda().run(segments, AGENDA[:3])
    assert [(s.first_segment, s.last_segment) for s in spans] == [(0, 1), (2, 3), (4, 5)]
    assert spans[0].method == "call"
    assert "Aufruf" in spans[0].reason


def test_sub_items_and_amendments_share_the_span() -> None:
    agenda = [
        AgendaEntry("5", "Anfragen zum Nahverkehr"),
        AgendaEntry("5.1", "Takt der Linie 2"),
        AgendaEntry("5.2", "Nachtbusse"),
        AgendaEntry("6", "Radwegekonzept"),
        AgendaEntry("6", "Änderungsantrag SPD: Radwegekonzept"),
    ]
    segments = transcript(
        "V: Ich rufe Tagesordnungspunkt 5.1 auf, den Takt der Linie 2.",
        "Der Takt ist zu dünn.",
        "V: Dann Tagesordnungspunkt 5.2, die Nachtbusse, ich rufe sie auf.",
        "Nachtbusse fehlen am Wochenende.",
        "V: Ich rufe Tagesordnungspunkt 6 auf mit dem Änderungsantrag der SPD.",
        "Das Radwegekonzept ist gut.",
    )
    spans = {(s.number, s.entry_index): s for s in AlignAgenda().run(segments, agenda)}
    assert spans[("5", 0)].first_segment == 0
    assert spans[("5", 0)].last_segment == 3
    assert spans[("5.2", 2)].first_segment == 2
    assert spans[("6", 4)].first_segment == 4
    assert spans[("6", 4)].method == "shared"


def test_empty_inputs() -> None:
    assert AlignAgenda().run([], AGENDA)[0].found is False
    assert AlignAgenda().run(transcript("V: Hallo"), []) == []


def test_real_karlsruhe_session_is_placed() -> None:
    session = load_session(shared_data("karlsruhe", "sessions", "gemeinderat_2014-02-18"))
    spans = AlignAgenda().run(session.segments, session.agenda)
    correct, total = placement(session, spans)
    assert total == 27
    assert correct / total >= 0.95


def test_reference_to_the_next_item_is_no_call() -> None:
    assert (
        find_calls("Beim nächsten Tagesordnungspunkt kommt mein Kollege noch einmal darauf zu sprechen.")
        == {}
    )
    assert find_calls("Im Tagesordnungspunkt kommen wir darauf zurück.") == {}
    assert find_calls("Wir kommen zum nächsten Tagesordnungspunkt.") == {"?": 1.0}  # a call, number lost


def test_headings_take_no_span_and_dazu_motions_share_the_item() -> None:
    agenda = [
        AgendaEntry("1", "Haushaltssatzung 2025"),
        AgendaEntry("", "Antrag GRÜNE: Mehr Geld für Radwege"),
        AgendaEntry("", "ANTRÄGE"),
        AgendaEntry("2", "Bebauungsplan Sportpark Nord"),
        AgendaEntry("", "Anträge, die im Ausschuss behandelt werden:"),
    ]
    segments = transcript(
        "V: Ich rufe Tagesordnungspunkt 1 auf, die Haushaltssatzung.",
        "Die Haushaltssatzung ist solide.",
        "Unser Antrag: mehr Geld für Radwege, das fordern wir als GRÜNE seit Jahren.",
        "Anträge stellen wir viele.",
        "V: Ich rufe Tagesordnungspunkt 2 auf, den Bebauungsplan.",
        "Der Sportpark Nord braucht den Bebauungsplan.",
    )
    spans = AlignAgenda().run(segments, agenda)
    assert [(s.first_segment, s.last_segment) for s in spans] == [
        (0, 3),
        (0, 3),
        (None, None),
        (4, 5),
        (None, None),
    ]
    assert spans[1].method == "shared"
    assert "Tagesordnungspunkt 1" in spans[1].reason
