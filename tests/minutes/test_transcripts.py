"""Reading reviewed transcripts and subtitles (WebVTT, SRT, JSON), with the patterns real files have:
a BOM, cue settings, NOTE blocks, voice tags with classes, several voices in one cue, "Name: text"
prefixes, speakers named only where the turn changes, HTML entities, SRT written with dots; and broken
files refused with the cue and line named."""

from __future__ import annotations

import json

import pytest

from rathaus.minutes.export import srt, webvtt
from rathaus.minutes.transcripts import (
    TranscriptImportError,
    looks_like_speaker,
    parse_clock,
    parse_transcript,
    split_speaker,
)

# The shape of a live-stream subtitle file after review: BOM, a header line, a NOTE, numbered and
# unnumbered cues, cue settings, a sentence split over two cues, a cue with two voices, an empty cue.
VTT = """\ufeffWEBVTT - Sitzung des Rates

NOTE
Geprüft von der Schriftführung am 18.04.2025

1
00:00:01.000 --> 00:00:04.200 line:90% align:center
<v Bürgermeister Albers>Ich eröffne die Sitzung und rufe

2
00:00:04.400 --> 00:00:07.000
Tagesordnungspunkt eins auf.

00:07.500 --> 00:12.000
<v.fraktion Anna Berends (SPD)>Wir stimmen dem Bebauungsplan &bdquo;Am Mühlbach&ldquo; zu.</v>

00:00:12.000 --> 00:00:14.000
<v Karl Cordes>Ja.</v> <v Anna Berends>Nein, <i>so</i> war es nicht.

00:00:14.000 --> 00:00:15.000


00:00:15.000 --> 00:00:18.000
Das war gut beraten.
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
Bürgermeister Albers: Ich rufe Tagesordnungspunkt zwei auf,

2
00:00:04,100 --> 00:00:06,500
den Bebauungsplan am Mühlbach.

3
00:00:07,000 --> 00:00:09,000
<i>Stadträtin Dr. Anna von Berends (SPD):</i>
Beschluss: So nicht.

4
00:00:09.500 --> 00:00:11.000
{\\an8}Wer stimmt zu?
"""


def test_webvtt_of_a_reviewed_session() -> None:
    transcript = parse_transcript(VTT.encode("utf-8"), filename="sitzung.vtt")
    assert (transcript.format, transcript.cues, transcript.skipped_empty) == ("webvtt", 6, 1)
    assert [(s.start, s.end, s.speaker, s.text) for s in transcript.segments] == [
        (1.0, 7.0, "Bürgermeister Albers", "Ich eröffne die Sitzung und rufe Tagesordnungspunkt eins auf."),
        (7.5, 12.0, "Anna Berends (SPD)", "Wir stimmen dem Bebauungsplan „Am Mühlbach“ zu."),
        (12.0, pytest.approx(12.24), "Karl Cordes", "Ja."),
        (pytest.approx(12.24), 14.0, "Anna Berends", "Nein, so war es nicht."),
        (15.0, 18.0, "Anna Berends", "Das war gut beraten."),  # no voice tag: the turn goes on
    ]
    assert transcript.speakers == (
        "Bürgermeister Albers",
        "Anna Berends (SPD)",
        "Karl Cordes",
        "Anna Berends",
    )


def test_srt_with_prefixes_tags_and_dots() -> None:
    transcript = parse_transcript(SRT.encode("utf-8"), filename="untertitel.srt")
    assert transcript.format == "srt"
    assert [(s.start, s.speaker, s.text) for s in transcript.segments] == [
        (1.0, "Bürgermeister Albers", "Ich rufe Tagesordnungspunkt zwei auf, den Bebauungsplan am Mühlbach."),
        (7.0, "Stadträtin Dr. Anna von Berends (SPD)", "Beschluss: So nicht."),
        (9.5, "Stadträtin Dr. Anna von Berends (SPD)", "Wer stimmt zu?"),
    ]


def test_json_list_and_segments_wrapper() -> None:
    rows = [
        {"speaker": "Bürgermeister Albers", "start": 0, "end": 4.5, "text": "Ich eröffne die Sitzung."},
        {"speaker": None, "start": "00:00:05.000", "end": "00:00:09.250", "text": "Anna Berends: Danke."},
        {"speaker": "Karl Cordes", "start": 10, "end": 10, "text": "  "},
    ]
    listed = parse_transcript(json.dumps(rows).encode(), filename="wortlaut.json")
    wrapped = parse_transcript(json.dumps({"language": "de", "segments": rows}).encode())
    assert listed == wrapped
    assert (listed.format, listed.cues, listed.skipped_empty) == ("json", 3, 1)
    assert [(s.start, s.end, s.speaker, s.text) for s in listed.segments] == [
        (0.0, 4.5, "Bürgermeister Albers", "Ich eröffne die Sitzung."),
        (5.0, 9.25, "Anna Berends", "Danke."),
    ]


def test_rathaus_exports_read_back() -> None:
    lines = [
        (0.0, 4.0, "Bürgermeister Albers", "Ich eröffne die Sitzung."),
        (4.5, 9.0, "Anna Berends", "Wir stimmen zu."),
        (3723.5, 3725.0, "", "Beifall."),
    ]
    for text, name in ((webvtt(lines), "a.vtt"), (srt(lines), "a.srt")):
        transcript = parse_transcript(text.encode(), filename=name)
        assert [(s.start, s.end, s.speaker, s.text) for s in transcript.segments] == [
            (0.0, 4.0, "Bürgermeister Albers", "Ich eröffne die Sitzung."),
            (4.5, 9.0, "Anna Berends", "Wir stimmen zu."),
            (3723.5, 3725.0, "Anna Berends", "Beifall."),
        ]


@pytest.mark.parametrize(
    ("label", "speaker"),
    [
        ("Bürgermeister Albers", True),
        ("Die Vorsitzende", True),
        ("Stadtrat Hock (FW)", True),
        ("Frau Dr. von der Leyen", True),
        ("Sprecher 2", True),
        ("SPEAKER_00", True),
        ("Beschluss", False),
        ("Abstimmungsergebnis", False),
        ("Ich sage Ihnen", False),
        ("Der Gemeinderat beschließt", False),
        ("Um 18", False),
        ("Tagesordnungspunkt 5 Drucksache 0441/25", False),
    ],
)
def test_what_reads_as_a_speaker(label: str, speaker: bool) -> None:
    assert looks_like_speaker(label) is speaker


def test_prefix_only_with_a_speaker_label() -> None:
    assert split_speaker("Stadtrat Hock (FW): Wir lehnen ab.") == ("Stadtrat Hock (FW)", "Wir lehnen ab.")
    assert split_speaker("Der Gemeinderat beschließt: Die Satzung.") == (
        None,
        "Der Gemeinderat beschließt: Die Satzung.",
    )
    assert split_speaker("Es ist 18:30 Uhr.") == (None, "Es ist 18:30 Uhr.")


def test_clock_forms() -> None:
    assert parse_clock("01:02:03.500") == 3723.5
    assert parse_clock("02:03.5") == 123.5
    assert parse_clock("00:00:01,250") == 1.25
    assert parse_clock("00:61:00.000") is None
    assert parse_clock("1.5") is None


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            "Untertitel\n\n00:00:01.000 --> 00:00:02.000\nHallo\n",
            "a.vtt",
            "Zeile 1: Eine WebVTT-Datei beginnt",
        ),
        (
            "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nEins.\n\n00:00:04.000 --> 00:00:07.000\nZwei.\n",
            "a.vtt",
            "Eintrag 2 (Zeile 6): beginnt (00:00:04.000) vor dem vorherigen Eintrag (00:00:05.000)",
        ),
        (
            "1\n00:00:03,000 --> 00:00:02,000\nEins.\n",
            "a.srt",
            "Eintrag 1 (Zeile 2): endet (00:00:02.000) vor seinem Beginn (00:00:03.000)",
        ),
        (
            "WEBVTT\n\nNOTE x\n\n00:00:01.000 --> 00:00:02.000\nEins.\n\nZwei ohne Zeit\n",
            "a.vtt",
            "Eintrag 2 (Zeile 8): Die Zeitangabe fehlt",
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nEins.\n\n2\n00:00:3,000 --> 00:00:04,000\nZwei.\n",
            "a.srt",
            "Eintrag 2 (Zeile 6): Die Zeitangabe „00:00:3,000 --> 00:00:04,000“ ist ungültig",
        ),
        (
            '[{"start": -1, "end": 2, "text": "a"}]',
            "a.json",
            "Eintrag 1: Zeitangaben dürfen nicht negativ sein",
        ),
        ('[{"start": 1, "text": "a"}]', "a.json", "Eintrag 1: „end“ fehlt oder ist keine Zeitangabe"),
        ('[{"start": 1, "end": NaN, "text": "a"}]', "a.json", "Eintrag 1: „end“ fehlt"),
        ('[{"start": 1, "end": 2, "text": 5}]', "a.json", "Eintrag 1: „text“ muss Text sein"),
        ('[{"start": 1, "end": 2, "text": "a"},]', "a.json", "nicht lesbar (Zeile 1, Spalte 38"),
        ('{"cues": []}', "a.json", "oder ein Objekt mit einer solchen Liste unter „segments“"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A></v>\n", "a.vtt", "enthält keinen Text"),
        ("Nur ein Text ohne Zeiten.", "notizen.txt", "Das Format der Datei ist nicht erkennbar"),
        ("   \n", "a.vtt", "Die Datei ist leer"),
    ],
)
def test_broken_files_are_refused_with_cue_and_line(content: str, filename: str, message: str) -> None:
    with pytest.raises(TranscriptImportError) as refused:
        parse_transcript(content.encode("utf-8"), filename=filename)
    assert message in str(refused.value)


def test_a_cp1252_file_keeps_its_umlauts() -> None:
    data = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Florian Böhnemann>Guten Abend.\n".encode("cp1252")
    transcript = parse_transcript(data, filename="a.vtt")
    assert transcript.speakers == ("Florian Böhnemann",)


def test_a_binary_file_is_refused_not_garbled() -> None:
    data = b"WEBVTT\n\n\x00\x01\x02\xff\xfe\x00" * 20
    with pytest.raises(TranscriptImportError) as refused:
        parse_transcript(data, filename="a.vtt")
    assert "Transkriptdatei" in str(refused.value)
