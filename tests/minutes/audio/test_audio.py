"""Decode (every container type), voice activity detection and real Whisper on synthetic German speech."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest

from rathaus.minutes.audio.decode import AudioError, decode_recordings, probe, read_samples
from rathaus.minutes.audio.transcribe import Transcribe, _to_session, drop_repeats, vocabulary_hints
from rathaus.minutes.audio.vad import DetectSpeech, SpeechRegion, group_regions
from rathaus.minutes.schemas import Segment, Word
from tests.minutes.synthetic import SyntheticSession, build_session

pytestmark = pytest.mark.usefixtures("audio_tools")
CONTAINERS = {
    "wav": ["-c:a", "pcm_s16le"],
    "mp3": ["-c:a", "libmp3lame"],
    "m4a": ["-c:a", "aac"],
    "ogg": ["-c:a", "libvorbis"],
    "opus": ["-c:a", "libopus"],
    "mp4": ["-c:a", "aac", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
    "webm": ["-c:a", "libopus", "-c:v", "libvpx"],
}


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> SyntheticSession:
    return build_session(
        tmp_path_factory.mktemp("synthetic"), target_seconds=25, max_items=1, turns_per_item=2
    )


@pytest.fixture(scope="module")
def speech(session: SyntheticSession, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 6 seconds of the session (the chair calls the item)."""
    target = tmp_path_factory.mktemp("clip") / "clip.wav"
    ffmpeg("-i", str(session.audio), "-t", "6", str(target))
    return target


@pytest.mark.parametrize("extension", list(CONTAINERS))
def test_decode_every_container_to_16k_mono(extension: str, speech: Path, tmp_path: Path) -> None:
    source = tmp_path / f"aufnahme.{extension}"
    inputs = ["-i", str(speech)]
    if "-c:v" in CONTAINERS[extension]:  # a video file with a picture and a sound track
        inputs += ["-f", "lavfi", "-i", "color=c=navy:s=64x64:r=10:d=6", "-shortest"]
    ffmpeg(*inputs, *CONTAINERS[extension], str(source))
    decoded = decode_recordings([source], tmp_path / "work")
    assert decoded.sample_rate == 16_000
    assert decoded.duration == pytest.approx(6.0, abs=0.15)
    assert decoded.sources[0].offset == 0.0
    samples = read_samples(decoded)
    assert samples.ndim == 1
    assert abs(len(samples) / 16_000 - decoded.duration) < 1e-6
    assert float(abs(samples).max()) > 0.05  # the speech survived


def test_several_files_are_laid_end_to_end(speech: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "teil1.mp3", tmp_path / "teil2.ogg"
    ffmpeg("-i", str(speech), "-t", "2.5", str(first))
    ffmpeg("-i", str(speech), str(second))
    decoded = decode_recordings([first, second], tmp_path / "work")
    assert [Path(s.path).name for s in decoded.sources] == ["teil1.mp3", "teil2.ogg"]
    assert decoded.sources[1].offset == pytest.approx(decoded.sources[0].duration)
    assert decoded.duration == pytest.approx(8.5, abs=0.2)


def _error(paths: list[Path], tmp_path: Path, **options: float) -> AudioError:
    with pytest.raises(AudioError) as caught:
        decode_recordings(paths, tmp_path / "work", **options)
    assert caught.value.message_de  # a German message for the clerk
    return caught.value


def test_bad_recordings_give_clear_errors(speech: Path, tmp_path: Path) -> None:
    empty = tmp_path / "leer.mp3"
    empty.write_bytes(b"")
    assert _error([empty], tmp_path).code == "empty"

    corrupt = tmp_path / "kaputt.mp3"
    corrupt.write_bytes(b"ID3 this is not really an mp3 file" * 50)
    error = _error([corrupt], tmp_path)
    assert error.code == "corrupt"
    assert "kaputt.mp3" in str(error)
    assert "beschädigt" in error.message_de

    video_only = tmp_path / "nur-bild.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=red:s=64x64:r=5:d=2", "-c:v", "libx264", str(video_only))
    assert _error([video_only], tmp_path).code == "no_audio"

    silence = tmp_path / "stille.wav"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "5", str(silence))
    error = _error([silence], tmp_path)
    assert (error.code, error.message_de) == ("silence", "Die Aufnahme enthält nur Stille.")

    too_long = _error([speech], tmp_path, max_seconds=3)
    assert too_long.code == "too_long"
    assert "länger als erlaubt" in too_long.message_de

    assert _error([tmp_path / "fehlt.wav"], tmp_path).code == "missing"
    assert probe(speech) == pytest.approx(6.0, abs=0.1)


def test_vad_finds_the_turns_and_the_pauses(session: SyntheticSession, tmp_path: Path) -> None:
    decoded = decode_recordings([session.audio], tmp_path)
    regions = DetectSpeech().run(decoded)
    for turn in session.turns:  # every turn is (almost) entirely inside speech regions
        covered = sum(max(0.0, min(r.end, turn.end) - max(r.start, turn.start)) for r in regions)
        assert covered >= 0.8 * (turn.end - turn.start), turn
    for before, after in itertools.pairwise(session.turns):
        middle = (before.end + after.start) / 2  # the pause between two turns is no speech
        assert not any(r.start < middle < r.end for r in regions), (before, after)
    assert regions[0].start >= session.turns[0].start - 0.3


def test_vad_on_noise_finds_no_speech(tmp_path: Path) -> None:
    noise = tmp_path / "rauschen.wav"
    ffmpeg("-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.05:d=6", "-ar", "16000", str(noise))
    decoded = decode_recordings([noise], tmp_path / "work")
    with pytest.raises(AudioError) as caught:
        DetectSpeech().run(decoded)
    assert caught.value.code == "no_speech"


def test_speech_regions_are_grouped_into_whisper_windows() -> None:
    one, two, three, four = (
        SpeechRegion(0.5, 4.0),
        SpeechRegion(5.0, 9.0),
        SpeechRegion(10.0, 14.0),
        SpeechRegion(16.0, 19.0),
    )
    assert group_regions([one, two, three, four], chunk_seconds=9.0) == [[one, two], [three, four]]
    assert group_regions([one, two, three, four], chunk_seconds=100.0) == [[one, two, three, four]]
    long = SpeechRegion(1.0, 30.0)
    assert group_regions([long, two], chunk_seconds=9.0) == [[long], [two]]  # a long region stays whole


def test_times_in_a_collapsed_chunk_map_back_to_the_session() -> None:
    pieces = [(0.0, 10.0, 2.0), (2.3, 20.0, 3.0)]  # 2 s from 10 s on, a 0.3 s gap, 3 s from 20 s on
    assert _to_session(0.5, pieces) == pytest.approx(10.5)
    assert _to_session(2.2, pieces) == pytest.approx(12.0)  # inside the gap: the end of the piece before
    assert _to_session(3.3, pieces) == pytest.approx(21.0)
    assert _to_session(9.0, pieces) == pytest.approx(23.0)


def test_repetition_loops_are_dropped() -> None:
    def segment(text: str, start: float) -> Segment:
        words = tuple(Word(start + i, start + i + 0.5, " " + w) for i, w in enumerate(text.split()))
        return Segment(start, words[-1].end, text, words=words)

    looping = segment("Ich schließe mich an. Ich schließe mich an. Ich schließe mich an.", 0)
    again = segment("ich schließe mich an", 20)  # the loop goes on in the next segment
    short = segment("Ja. Ja.", 30)  # short answers stay
    later = segment("Ich schließe mich an.", 40)  # said again after something else: stays
    result = drop_repeats([looping, again, short, later])
    assert [s.text for s in result] == ["Ich schließe mich an.", "Ja. Ja.", "Ich schließe mich an."]
    assert (result[0].start, result[0].end) == (0.0, 3.5)
    redecoded = segment("Ich rufe Punkt neun auf.", 1.5)  # starts inside what was already kept
    assert [s.text for s in drop_repeats([looping, redecoded])] == [
        "Ich schließe mich an.",
        "Punkt neun auf.",
    ]


def test_squeezed_hallucinations_at_a_window_end_are_dropped() -> None:
    said = Segment(
        0.0,
        3.0,
        "Ich rufe Punkt eins auf.",
        words=tuple(
            Word(0.6 * i, 0.6 * i + 0.5, " " + w)
            for i, w in enumerate(["Ich", "rufe", "Punkt", "eins", "auf."])
        ),
    )
    # Whisper base with hints, seen on a real recording: 9 words in the last second, 8 of them 0 s long.
    made_up = ["Das", "ist", "einstimmig,", "ich", "eröffne", "die", "Sitzung", "des", "Gemeinderats."]
    tail = (Word(17.71, 18.71, " " + made_up[0]), *(Word(18.71, 18.71, " " + w) for w in made_up[1:]))
    fast_but_real = tuple(
        Word(20.0 + 0.2 * i, 20.15 + 0.2 * i, " " + w)
        for i, w in enumerate(["Ja,", "danke", "schön,", "weiter."])
    )
    result = drop_repeats(
        [
            said,
            Segment(17.71, 18.71, " ".join(made_up), words=tail),
            Segment(20.0, 20.75, "Ja, danke schön, weiter.", words=fast_but_real),
        ]
    )
    assert [s.text for s in result] == ["Ich rufe Punkt eins auf.", "Ja, danke schön, weiter."]


def test_vocabulary_hints_are_short_distinct_words() -> None:
    hints = vocabulary_hints(
        ["Bebauungsplan „Am Mühlbach“ – Satzungsbeschluss", "2023/0361", "Anna Berends", "Bebauungsplan Süd"]
    )
    assert hints == ["Bebauungsplan", "Mühlbach", "Satzungsbeschluss", "2023/0361", "Anna", "Berends"]
    assert len(" ".join(vocabulary_hints(["Wort" + str(i) for i in range(200)]))) <= 240


# --- real Whisper ---------------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.slow
def test_whisper_transcribes_german_with_word_times(
    transcriber: object, session: SyntheticSession, tmp_path: Path
) -> None:
    decoded = decode_recordings([session.audio], tmp_path)
    regions = DetectSpeech().run(decoded)
    stage = Transcribe(transcriber, chunk_seconds=12.0, single_call_seconds=0)  # type: ignore[arg-type]
    result = stage.run(decoded, regions=regions, hotwords=[e.title for e in session.agenda])
    assert result.language == "de"
    assert result.language_probability > 0.5
    text = " ".join(s.text for s in result.segments).lower()
    assert "tagesordnungspunkt" in text
    assert "abstimmung" in text
    words = [w for s in result.segments for w in s.words]
    assert len(words) > 15
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))  # chunks in order
    assert words[-1].end <= decoded.duration + 0.5
    call = next(w for w in words if "tagesordnungspunkt" in w.text.lower())
    assert session.turns[0].start - 0.5 <= call.start <= session.turns[0].end  # times are session times


@pytest.mark.model
@pytest.mark.slow
def test_another_language_is_refused(transcriber: object, tmp_path: Path) -> None:
    english = tmp_path / "english.wav"
    subprocess.run(
        [
            "espeak-ng",
            "-v",
            "en-us",
            "-s",
            "140",
            "-w",
            str(english),
            "Good morning everybody. The council meeting is now open, and we start with the budget "
            "for the new school building in the town centre.",
        ],
        check=True,
    )
    decoded = decode_recordings([english], tmp_path / "work")
    with pytest.raises(AudioError) as caught:
        Transcribe(transcriber).run(decoded, regions=DetectSpeech().run(decoded))  # type: ignore[arg-type]
    assert caught.value.code == "not_german"
    assert "nicht auf Deutsch" in caught.value.message_de
