"""Voting-system exports from real patterns: letters J/N/E/O, nested JSON, Excel CSV in Windows-1252."""

from __future__ import annotations

import json

import pytest

from rathaus.minutes.schemas import VoteCounts
from rathaus.minutes.voting import VotingImportError, match_records, parse_records, vote_word

# The shape of a common electronic voting system's JSON export: the agenda number sits inside the voting
# subject, the result has the counts, and the individual votes carry the system's letters.
NESTED_EXPORT = {
    "Sitzung": {"Gremium": "Stadtrat", "Datum": "2025-03-27"},
    "Abstimmungen": [
        {
            "Abstimmung": {
                "Nr": 41,
                "Zeitpunkt": "2025-03-27T17:42:10",
                "Gegenstand": {
                    "TOP": "5.10",
                    "Titel": "Radverkehrskonzept Innenstadt",
                    "Antrag": "Änderungsantrag DS0081/25/2",
                },
                "Ergebnis": {"Ja": 2, "Nein": 1, "Enthaltung": 1, "Ergebnistext": "abgelehnt"},
                "Einzelstimmen": [
                    {"Name": "Florian Bühnemann", "Fraktion": "SPD", "Stimme": "J"},
                    {"Name": "Jürgen Weiß", "Fraktion": "CDU/FDP", "Stimme": "N"},
                    {"Name": "Änne Öztürk", "Fraktion": "GRÜNE", "Stimme": "E"},
                    {"Name": "Zoë Schmidt", "Fraktion": "GRÜNE", "Stimme": "J"},
                    {"Name": "Karl Meier", "Fraktion": "AfD", "Stimme": "O"},
                ],
            }
        },
        {
            "Abstimmung": {
                "Gegenstand": {"TOP": "Ö 6.13.1.1", "Antrag": "Ergänzungsantrag"},
                "Einzelstimmen": [
                    {"Person": {"Vorname": "Florian", "Nachname": "Bühnemann"}, "Stimme": "N"},
                    {"Person": {"Vorname": "Jürgen", "Nachname": "Weiß"}, "Stimme": "J"},
                    {"Person": {"Vorname": "Karl", "Nachname": "Meier"}, "Stimme": "abwesend"},
                ],
            }
        },
    ],
}


def test_nested_voting_system_export_imports_directly() -> None:
    first, second = parse_records(
        json.dumps(NESTED_EXPORT, ensure_ascii=False).encode(), filename="export.json"
    )
    assert first.item_number == "5.10"
    assert first.item_title == "Radverkehrskonzept Innenstadt"
    assert first.motion == "Änderungsantrag DS0081/25/2"
    assert first.counts == VoteCounts(yes=2, no=1, abstain=1)
    assert first.named_votes == {
        "Florian Bühnemann": "ja",
        "Jürgen Weiß": "nein",
        "Änne Öztürk": "enthaltung",
        "Zoë Schmidt": "ja",
        "Karl Meier": "nicht abgestimmt",
    }
    # no "Ergebnis": the counts come from the individual votes; absent and not voted are not counted
    assert second.item_number == "Ö 6.13.1.1"
    assert second.counts == VoteCounts(yes=1, no=1, abstain=0)
    assert second.named_votes["Karl Meier"] == "abwesend"


def test_a_single_vote_object_and_the_number_inside_the_title() -> None:
    export = {
        "abstimmung": {
            "gegenstand": {"bezeichnung": "TOP 7: Haushaltssatzung 2026"},
            "ergebnis": {"ja": {"anzahl": 30}, "nein": {"anzahl": 4}, "enthaltung": {"anzahl": 0}},
        }
    }
    (record,) = parse_records(json.dumps(export).encode())
    assert record.item_number == "7"
    assert record.item_title == "Haushaltssatzung 2026"
    assert record.counts == VoteCounts(yes=30, no=4, abstain=0)


def test_excel_csv_with_one_individual_vote_per_row_in_windows_1252() -> None:
    data = (
        "TOP;Antrag;Name;Fraktion;Stimme\r\n"
        "5.10;Änderungsantrag DS0081/25/2;Florian Bühnemann;SPD;J\r\n"
        "5.10;Änderungsantrag DS0081/25/2;Jürgen Weiß;CDU;N\r\n"
        "5.10;Änderungsantrag DS0081/25/2;Karl Meier;AfD;O\r\n"
        "5.10;Beschlussvorschlag;Florian Bühnemann;SPD;J\r\n"
        "5.10;Beschlussvorschlag;Jürgen Weiß;CDU;J\r\n"
        "5.10;Beschlussvorschlag;Karl Meier;AfD;E\r\n"
    ).encode("cp1252")
    amendment, motion = parse_records(data, filename="abstimmung.csv")
    assert amendment.motion == "Änderungsantrag DS0081/25/2"
    assert amendment.named_votes == {
        "Florian Bühnemann": "ja",
        "Jürgen Weiß": "nein",
        "Karl Meier": "nicht abgestimmt",
    }
    assert amendment.counts == VoteCounts(yes=1, no=1, abstain=0)
    assert motion.counts == VoteCounts(yes=2, no=0, abstain=1)
    assert "\ufffd" not in repr([amendment, motion])


def test_named_column_takes_the_letters() -> None:
    data = (
        "TOP;Antrag;Ja;Nein;Enthaltung;Namentlich\n3;Vorlage;1;1;0;Anna Berends=J|Karl Cordes=N|Eva Dorn=O\n"
    )
    (record,) = parse_records(data.encode())
    assert record.named_votes == {"Anna Berends": "ja", "Karl Cordes": "nein", "Eva Dorn": "nicht abgestimmt"}


@pytest.mark.parametrize(
    ("value", "word"),
    [
        ("J", "ja"),
        ("n", "nein"),
        ("E", "enthaltung"),
        ("O", "nicht abgestimmt"),
        ("ohne Stimme", "nicht abgestimmt"),
        ("Nicht  abgestimmt", "nicht abgestimmt"),
        ("abwesend", "abwesend"),
        ("X", None),
    ],
)
def test_vote_words(value: str, word: str | None) -> None:
    assert vote_word(value) == word


def test_unknown_letter_and_undecidable_file_are_refused_in_german() -> None:
    with pytest.raises(VotingImportError, match=r"unbekannte Stimme „X“ für Anna.*O/nicht abgestimmt"):
        parse_records(b'[{"top": "2", "namentlich": {"Anna": "X"}}]')
    with pytest.raises(VotingImportError, match="keine Textdatei"):
        parse_records(b"\x00\x01\x02PK" * 40)


def test_numbered_amendments_match_their_own_item() -> None:
    records = parse_records(json.dumps(NESTED_EXPORT).encode())
    matched = match_records(records, ["5", "5.10", "5.10.1", "6.13.1.1"])
    assert [record.item_number for record in matched[1]] == ["5.10"]
    assert [record.item_number for record in matched[3]] == ["Ö 6.13.1.1"]


def test_english_keys_and_words() -> None:
    export = {
        "votes": [
            {
                "item": "3",
                "motion": "Main motion",
                "results": {"for": 20, "against": 3, "abstained": 1, "absent": 2, "didntvote": 0},
                "ballots": [
                    {"voter": "Anna Berends", "vote": "for"},
                    {"voter": "Karl Cordes", "vote": "did not vote"},
                ],
            }
        ]
    }
    (record,) = parse_records(json.dumps(export).encode())
    assert (record.item_number, record.motion) == ("3", "Main motion")
    assert record.counts == VoteCounts(yes=20, no=3, abstain=1)
    assert record.named_votes == {"Anna Berends": "ja", "Karl Cordes": "nicht abgestimmt"}
