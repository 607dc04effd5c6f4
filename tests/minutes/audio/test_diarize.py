"""Diarization: the logic on fixed vectors, and the real voice encoder on a synthetic 3-speaker session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bench.minutes_audio import der, join_turns

from rathaus.minutes.audio.decode import decode_recordings
from rathaus.minutes.audio.diarize import Diarize, Unit, assign_speakers, make_units, smooth
from rathaus.minutes.audio.vad import DetectSpeech, SpeechRegion
from rathaus.minutes.schemas import Segment, Word
from tests.minutes.synthetic import SyntheticSession, Turn, build_session
from tests.requirements import require_module, require_tool


def reference_segments(turns: list[Turn]) -> list[Segment]:
    """Segments with evenly spread word times from the reference turns (a stand-in for Whisper)."""
    segments = []
    for turn in turns:
        words = turn.text.split()
        step = (turn.end - turn.start) / len(words)
        timed = tuple(
            Word(turn.start + i * step, turn.start + (i + 1) * step - 0.04, " " + word)
            for i, word in enumerate(words)
        )
        segments.append(Segment(turn.start, turn.end, turn.text, words=timed))
    return segments


def test_units_are_cut_at_word_gaps() -> None:
    words = [Word(0.0, 0.9, " a"), Word(1.0, 1.9, " b"), Word(2.3, 3.4, " c"), Word(3.5, 4.6, " d")]
    units = make_units([SpeechRegion(0.0, 4.6)], words, max_seconds=3.0)
    assert [(u.start, u.end) for u in units] == [(0.0, pytest.approx(2.1)), (pytest.approx(2.1), 4.6)]
    long = make_units([SpeechRegion(10.0, 17.0)], [], max_seconds=3.0)  # no words: even cuts
    assert [(u.start, u.end) for u in long] == [(10.0, 13.0), (13.0, 16.0), (16.0, 17.0)]


def test_smoothing_removes_short_flips_only() -> None:
    units = [Unit(0, 3), Unit(3, 4), Unit(4, 7), Unit(7, 10), Unit(10, 13), Unit(13, 16)]
    assert smooth(units, [0, 1, 0, 1, 1, 0], max_seconds=1.5) == [0, 0, 0, 1, 1, 0]


def test_words_take_their_units_speaker_and_segments_split() -> None:
    segment = Segment(
        0.0,
        4.0,
        "Guten Tag. Danke sehr.",
        words=(
            Word(0.0, 0.5, " Guten"),
            Word(0.6, 1.2, " Tag."),
            Word(2.2, 2.8, " Danke"),
            Word(2.9, 3.5, " sehr."),
        ),
    )
    result = assign_speakers([segment], [Unit(0.0, 1.5), Unit(2.0, 4.0)], [3, 1])
    assert [(s.speaker, s.text, s.start, s.end) for s in result] == [
        ("3", "Guten Tag.", 0.0, 1.2),
        ("1", "Danke sehr.", 2.2, 3.5),
    ]


def test_der_with_optimal_mapping_and_collar() -> None:
    reference = [("a", 0.0, 10.0), ("b", 10.0, 20.0)]
    assert der(reference, [("x", 0.0, 10.0), ("y", 10.0, 20.0)])["der"] == 0.0
    swapped = der(reference, [("y", 0.0, 10.0), ("x", 10.0, 20.0)])
    assert swapped["der"] == 0.0  # labels are arbitrary
    half = der(reference, [("x", 0.0, 20.0)])
    assert half["confusion"] == pytest.approx(0.5, abs=0.02)
    missed = der(reference, [("x", 0.0, 10.0)])
    assert missed["missed"] == pytest.approx(0.5, abs=0.02)
    assert join_turns([("x", 0.0, 1.0), ("x", 1.2, 2.0), ("y", 2.1, 3.0)]) == [
        ("x", 0.0, 2.0),
        ("y", 2.1, 3.0),
    ]


# --- real voice encoder ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedder() -> object:
    require_module("resemblyzer", install="make install-test (the speakers extra and resemblyzer)")
    require_module("sklearn", install="make install-test (the speakers extra and resemblyzer)")
    from rathaus.core.ai.resemblyzer_embedder import ResemblyzerEmbedder  # noqa: PLC0415

    encoder = ResemblyzerEmbedder()
    encoder.warm_up()
    return encoder


@pytest.fixture(scope="module")
def three_speakers(tmp_path_factory: pytest.TempPathFactory) -> SyntheticSession:
    require_tool("espeak-ng", "sox", install="apt-get install espeak-ng sox")
    return build_session(tmp_path_factory.mktemp("synthetic"), target_seconds=60, max_items=3, speakers=3)


@pytest.mark.model
@pytest.mark.slow
def test_diarization_of_a_three_speaker_session(
    embedder: object, three_speakers: SyntheticSession, tmp_path: Path
) -> None:
    session = three_speakers
    assert len({t.voice for t in session.turns}) == 3
    decoded = decode_recordings([session.audio], tmp_path)
    regions = DetectSpeech().run(decoded)
    result = Diarize(embedder).run(decoded, reference_segments(session.turns), regions=regions)  # type: ignore[arg-type]
    assert result.labels == ["S1", "S2", "S3"]  # three voices found, named in order of appearance
    assert result.segments[0].speaker == "S1"
    hypothesis = join_turns([(s.speaker or "?", s.start, s.end) for s in result.segments])
    score = der([(t.voice, t.start, t.end) for t in session.turns], hypothesis)
    assert score["der"] <= 0.15, score
    for label, vector in result.voices.items():
        assert len(vector) == 256
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-3)
        assert result.seconds[label] > 3
    # the chair's voice is one cluster: every call of an agenda item carries the same label
    calls = {s.speaker for s in result.segments if s.text.startswith("Ich rufe")}
    assert calls == {"S1"}


@pytest.mark.model
@pytest.mark.slow
def test_a_fixed_speaker_count_is_respected(
    embedder: object, three_speakers: SyntheticSession, tmp_path: Path
) -> None:
    decoded = decode_recordings([three_speakers.audio], tmp_path)
    result = Diarize(embedder).run(decoded, reference_segments(three_speakers.turns), num_speakers=2)  # type: ignore[arg-type]
    assert len(result.labels) == 2


def test_a_clear_pause_after_a_sentence_starts_a_new_segment() -> None:
    words = (
        Word(0.0, 0.5, " So"),
        Word(0.6, 1.2, " beschlossen."),
        Word(2.0, 2.3, " Ich"),
        Word(2.4, 2.9, " rufe"),
        Word(3.3, 3.6, " auf"),
    )
    result = assign_speakers([Segment(0.0, 3.6, "", words=words)], [Unit(0.0, 4.0)], [0])
    assert [s.text for s in result] == [
        "So beschlossen.",
        "Ich rufe auf",
    ]  # 0.4 s without a sentence end: one
    assert {s.speaker for s in result} == {"0"}


def _said(text: str, start: float = 0.0) -> tuple[Word, ...]:
    return tuple(
        Word(start + 0.3 * i, start + 0.3 * i + 0.25, " " + w) for i, w in enumerate(text.split(" "))
    )


@pytest.mark.parametrize(
    ("spoken", "first"),
    [
        ("Das ist einstimmig beschlossen Ich rufe Tagesordnungspunkt 16 auf Weiterentwicklung", "Ich rufe"),
        ("Damit ist das angenommen. Wir kommen zu TOP 5, Haushalt.", "Wir kommen"),
        ("Das ist so beschlossen und ich rufe Tag in Ordnungspunkt 10 auf", "und ich rufe"),
        ("Danke. Dann rufe ich Punkt 3 der Tagesordnung auf", "Dann rufe"),
    ],
)
def test_the_chairs_call_starts_a_new_segment(spoken: str, first: str) -> None:
    words = _said(spoken)
    result = assign_speakers([Segment(0.0, words[-1].end, spoken, words=words)], [Unit(0.0, 60.0)], [0])
    assert len(result) == 2
    assert result[1].text.startswith(first)
    assert " ".join(s.text for s in result) == " ".join(w.text.strip() for w in words)


@pytest.mark.parametrize(
    "spoken",
    [
        "Dann kommen wir zur Abstimmung. Das ist einstimmig beschlossen.",
        "Beim nächsten Tagesordnungspunkt kommt mein Kollege dazu.",
        "Ich rufe Tagesordnungspunkt 7 auf und bitte um Wortmeldungen zum Tagesordnungspunkt.",
    ],
)
def test_other_sentences_are_not_split(spoken: str) -> None:
    words = _said(spoken)
    result = assign_speakers([Segment(0.0, words[-1].end, spoken, words=words)], [Unit(0.0, 60.0)], [0])
    assert len(result) == 1
