"""By-law tables and lead-ins as answers show them: rows with their heading, clock times, empty answers.

The texts follow the patterns of the Baden-Württemberg by-laws in shared/data (Gebührenverzeichnisse
converted from PDF: a data row as the table's header, numbered headings above tables, group rows).
"""

from __future__ import annotations

from rathaus.assistant import facts, tables
from rathaus.assistant.answers import NOT_SUPPORTED, answer, stream_answer
from rathaus.assistant.asked import Wanted
from rathaus.assistant.matching import question_matcher
from rathaus.assistant.schemas import Answer
from tests.assistant.conftest import passage

GRAVES = (
    "1. Überlassung eines Reihengrabs für Verstorbene ab dem vollendeten 10. Lebensjahr\n\n"
    "| 1.1. einfach tiefes Reihengrab (für 20 Jahre)    | 1.370 € |\n"
    "|--------------------------------------------------|---------|\n"
    "| 1.2. doppelt tiefes Reihengrab (für 30 Jahre)    | 2.830 € |\n"
    "| 1.4. einfach tiefes Wiesenerdgrab (für 25 Jahre) | 2.050 € |\n\n"
    "2. Überlassung eines Urnenreihengrabs (für 20 Jahre)\n\n"
    "| 2.1. als Erdgrab                       | 800 €   |\n"
    "|----------------------------------------|---------|\n"
    "| 2.2. als Wiesenurnengrab               | 950 €   |\n"
    "| 2.4.2. Bronzetafel incl. Beschriftung  | 550 €   |\n"
)
# A chunk that starts inside a table: its first row lost its leading pipe and the table its heading.
CUT = (
    "Urnengemeinschaftsgrab mit Grabkissen                 | 40 €  |\n"
    "| Beilegung einer Urne in ein Erdgrab sowie Beilegung einer zweiten Urne in ein Urnenreihengrab "
    "und in eine Nische einer Stele   | 300 € |\n\n**Auswärtigenzuschläge**\n"
)
FEES = (
    "### Gebührenverzeichnis\n\n"
    "| Lfd. Nr. | Öffentliche Leistung | Gebühr |\n|----------|----------------------|--------|\n"
    "| 1 | Allgemeine Verwaltungsgebühr (§ 4 Abs. 1 Satz 3 der Satzung) | 16,00 € / ZE |\n"
    "| 2 | **Anträge** | |\n"
    "| 2.1 | Bearbeitung von mündlichen und schriftlichen Anträgen | 16,00 € / ZE |\n"
    "| 3 | **Befreiung** von gesetzlichen Vorschriften | 20,00 € / ZE |\n"
)


def test_a_data_row_as_header_stays_a_row_and_labels_no_other_row() -> None:
    rows = [unit for unit in facts.units(GRAVES) if unit.row]
    assert [unit.items[0] for unit in rows] == [
        "1.1. einfach tiefes Reihengrab (für 20 Jahre) – 1.370 €",
        "1.2. doppelt tiefes Reihengrab (für 30 Jahre) – 2.830 €",
        "1.4. einfach tiefes Wiesenerdgrab (für 25 Jahre) – 2.050 €",
        "2.1. als Erdgrab – 800 €",
        "2.2. als Wiesenurnengrab – 950 €",
        "2.4.2. Bronzetafel incl. Beschriftung – 550 €",  # whole: no sentence cut at "incl."
    ]
    assert rows[3].text == "2. Überlassung eines Urnenreihengrabs (für 20 Jahre):"
    assert rows[0].text.startswith("1. Überlassung eines Reihengrabs")


def test_a_row_a_chunk_boundary_cut_is_still_a_row() -> None:
    found = facts.units(CUT)
    assert found[0] == facts.Unit("Urnengemeinschaftsgrab mit Grabkissen – 40 €", row=True)
    assert found[1].text.endswith("Nische einer Stele – 300 €")
    assert "|" not in " ".join(unit.whole for unit in found)


def test_a_group_row_heads_the_rows_numbered_under_it() -> None:
    found = [unit for unit in facts.units(FEES) if unit.row]
    assert "Allgemeine Verwaltungsgebühr" in found[0].text
    assert "16,00 €" in found[0].text
    assert found[0].items == ()  # the caption above the table has no number: the row stands alone
    assert found[1].text == "2 – Anträge:"
    assert found[1].items[0].startswith("2.1: ")
    assert found[2].text.startswith("3: ")  # "3" is no part of group "2"
    assert "**" not in found[2].text


def test_a_caption_without_number_heads_no_row() -> None:
    text = (
        "### Kindergarten mit verlängerten Öffnungszeiten (VÖPlus)\n"
        "**gemäß § 2 Nr. 3 Benutzungsgebührensatzung (nur Kindergarten am Riedbächle)**\n\n"
        "| Familiensituation | Gebühr |\n|---|---|\n"
        "| für ein Kind aus einer Familie mit einem Kind unter 18 Jahren | 225,00 € |\n"
    )
    (row,) = [unit for unit in facts.units(text) if unit.row]
    assert row.text == "für ein Kind aus einer Familie mit einem Kind unter 18 Jahren: Gebühr: 225,00 €"
    assert row.items == ()


def test_the_row_named_by_heading_and_label_wins_over_a_row_that_mentions_the_words() -> None:
    matches = question_matcher("Was kostet ein Urnenreihengrab als Erdgrab?")
    section = "Anlage 1 — Gebührenverzeichnis › I. Gebühren für Grabstätten"
    # Retrieval ranked the cut chunk first; its long row mentions both words of the question.
    picked = facts.pick([(CUT, section), (GRAVES, section)], kind=Wanted.FEE, matches=matches)
    assert picked is not None
    index, units = picked
    assert index == 1
    assert units[0].items == ("2.1. als Erdgrab – 800 €",)


def test_the_label_share_counts_the_row_label_only() -> None:
    matches = question_matcher("Was kostet ein Urnenreihengrab als Erdgrab?")
    assert tables.label_share("2.1. als Erdgrab – 800 €", matches) == 1.0
    assert tables.label_share("Beilegung einer Urne in ein Erdgrab – 300 €", matches) < 0.3


def test_a_bylaw_answer_shows_the_row_under_its_heading() -> None:
    fees = passage("Friedhofssatzung (Eschenbach)", GRAVES, kind="bylaw", section="Gebührenverzeichnis")
    question = "Was kostet ein Urnenreihengrab als Erdgrab?"
    result = answer(passages=[fees], question=question, chat=None, easy_language=False)
    assert result.lines[:2] == [
        "Friedhofssatzung (Eschenbach), Gebührenverzeichnis: 2. Überlassung eines Urnenreihengrabs "
        "(für 20 Jahre): [1]",
        "– 2.1. als Erdgrab – 800 €",
    ]


def test_a_clock_time_answers_a_when_question() -> None:
    text = (
        "Altglassammelbehälter dürfen nur an Werktagen benutzt werden. In der Zeit von 12.30 Uhr bis "
        "14.00 Uhr und von 20.00 Uhr bis 07.00 Uhr dürfen keine Glasabfälle in die Behälter eingeworfen "
        "werden."
    )
    matches = question_matcher("Wann darf ich mittags kein Altglas einwerfen?")
    found = facts.best_units(text, section="§ 7 Altglassammelbehälter", kind=Wanted.PERIOD, matches=matches)
    assert found
    assert "12.30 Uhr bis 14.00 Uhr" in found[0][1].text
    assert not facts.states("Die Gemeinde kann Ausnahmen zulassen.", Wanted.PERIOD)


def test_a_lead_in_that_points_back_is_read_with_the_sentence_before() -> None:
    text = (
        "(1) Gegen Vorlage des Leseausweises können Medien aus der Bücherei entliehen werden. "
        "Dabei gelten folgende Leihfristen:\n\n- Bücher: 4 Wochen\n- Zeitschriften: 2 Wochen\n\n"
        "(2) Die Ausleihe ist kostenlos. Es gelten folgende Regeln:\n\n- keine"
    )
    found = facts.units(text)
    assert found[0].text.startswith("Gegen Vorlage des Leseausweises")
    assert found[0].text.endswith("Dabei gelten folgende Leihfristen:")
    assert found[0].items == ("Bücher: 4 Wochen", "Zeitschriften: 2 Wochen")
    assert found[1] == facts.Unit("Die Ausleihe ist kostenlos.")  # "Es gelten …" points back to nothing


def test_nothing_to_show_is_no_empty_answer() -> None:
    # The by-law's preamble fits the question, but it only leads in: no sentence of it can be shown.
    preamble = passage(
        "Satzung über den Verkauf an Sonn- und Feiertagen (Konstanz)",
        "Aufgrund von § 7 Abs. 1 des Gesetzes über die Ladenöffnung hat der Gemeinderat folgende Satzung "
        "beschlossen:",
        kind="bylaw",
        section="(Rechtsgrundlage)",
    )
    question = "Was hat der Gemeinderat zur Ladenöffnung beschlossen?"
    streamed = stream_answer(passages=[preamble], question=question, chat=None, easy_language=False)
    final = next(item for item in streamed if isinstance(item, Answer))
    assert final.mode == "handover"
    assert final.text == NOT_SUPPORTED
    assert final.handover is not None
    assert final.handover.reason == "Die Quellen beantworten die Frage nicht sicher."


def test_easy_language_keeps_a_row_whole() -> None:
    fees = passage("Friedhofssatzung (Eschenbach)", GRAVES, kind="bylaw", section="Gebührenverzeichnis")
    question = "Was kostet eine Bronzetafel für ein Urnenreihengrab?"
    result = answer(passages=[fees], question=question, chat=None, easy_language=True)
    assert "– 2.4.2. Bronzetafel mit Beschriftung – 550 €" in result.lines
    assert not any(line.startswith("Bronzetafel incl.") for line in result.lines)


def test_a_line_break_in_a_cell_reads_as_a_semicolon_and_a_cut_row_keeps_no_pipe() -> None:
    text = (
        "| Zone | Tarif |\n|---|---|\n| Zone 1 | 4,00 € für die erste Stunde<br>3,00 € je weitere Stunde |\n"
        "\n10-300 € (10-307 €) |"
    )
    shown = " ".join(unit.whole for unit in facts.units(text))
    assert "4,00 € für die erste Stunde; 3,00 € je weitere Stunde" in shown
    assert "<br>" not in shown
    assert "10-300 € (10-307 €)" in shown
    assert "|" not in shown
