"""Music is told from speech: synthesised chords and melodies (sox) against espeak-ng and FLEURS speech."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from rathaus.minutes.audio.checks import check_words, music_evidence
from rathaus.minutes.audio.decode import AudioError, DecodedAudio, decode_recordings
from rathaus.minutes.audio.transcribe import Transcribe
from rathaus.minutes.audio.vad import DetectSpeech, SpeechRegion
from tests.conftest import shared_data

pytestmark = pytest.mark.usefixtures("audio_tools")
SPEECH = (
    "Guten Abend, meine Damen und Herren. Ich eröffne die Sitzung des Gemeinderates und rufe den ersten "
    "Tagesordnungspunkt auf, die Haushaltssatzung. Gibt es Wortmeldungen? Herr Stadtrat Müller, bitte. "
    "Vielen Dank. Dann kommen wir zur Abstimmung. Das ist einstimmig beschlossen."
)


def sox(target: Path, *effects: str) -> Path:
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(target), *effects], check=True)
    return target


def decoded(path: Path, tmp_path: Path) -> DecodedAudio:
    return decode_recordings([path], tmp_path / f"work-{path.stem}")


def chord(tmp_path: Path) -> Path:
    return sox(tmp_path / "akkord.wav", "synth", "20", "pluck", "C4", "pluck", "E4", "pluck", "G4")


def melody(tmp_path: Path) -> Path:
    notes = [
        sox(tmp_path / f"note{i}.wav", "synth", "0.5", "pluck", n)
        for i, n in enumerate(["C4", "E4", "G4", "C5"] * 8)
    ]
    target = tmp_path / "melodie.wav"
    subprocess.run(["sox", *map(str, notes), "-b", "16", str(target)], check=True)
    return target


def speech(tmp_path: Path) -> Path:
    raw = tmp_path / "rede-roh.wav"
    subprocess.run(["espeak-ng", "-v", "de", "-s", "150", "-w", str(raw), SPEECH], check=True)
    target = tmp_path / "rede.wav"
    subprocess.run(["sox", str(raw), "-r", "16000", "-b", "16", str(target)], check=True)
    return target


def test_chords_melodies_and_tones_sound_like_music(tmp_path: Path) -> None:
    sustained = sox(
        tmp_path / "dreiklang.wav", "synth", "20", "sine", "C4", "sine", "E4", "sine", "G4", "vol", "0.3"
    )
    for path in (chord(tmp_path), melody(tmp_path), sustained):
        evidence = music_evidence(decoded(path, tmp_path))
        assert evidence.music_like, (path.name, evidence)
        assert evidence.low_energy_ratio < 0.05


def test_speech_and_noise_do_not_sound_like_music(tmp_path: Path) -> None:
    spoken = music_evidence(decoded(speech(tmp_path), tmp_path))
    assert not spoken.music_like
    assert spoken.low_energy_ratio > 0.15  # pauses between syllables and words
    noise = sox(tmp_path / "rauschen.wav", "synth", "10", "pinknoise", "vol", "0.1")
    hiss = music_evidence(decoded(noise, tmp_path))
    assert not hiss.music_like
    assert hiss.flatness > 0.2  # continuous, but not harmonic


def test_real_speech_is_never_music(tmp_path: Path) -> None:
    clips = sorted(shared_data("fleurs_de").glob("fleurs-de-*.ogg"))
    assert len(clips) >= 10
    for clip in clips:
        evidence = music_evidence(decoded(clip, tmp_path))
        assert not evidence.music_like, (clip.name, evidence)
        assert evidence.low_energy_ratio > 0.15


def test_music_without_speech_fails_with_a_clear_german_message(tmp_path: Path) -> None:
    with pytest.raises(AudioError) as caught:
        DetectSpeech().run(decoded(chord(tmp_path), tmp_path))
    assert caught.value.code == "music"
    assert "Musik statt gesprochener Sprache" in caught.value.message_de
    assert "erneut" in caught.value.message_de
    assert "sounds like music" in str(caught.value)


def test_thin_transcript_on_music_is_music_and_on_speech_is_no_speech(tmp_path: Path) -> None:
    music = decoded(melody(tmp_path), tmp_path)
    regions = [SpeechRegion(0.0, music.duration)]
    with pytest.raises(AudioError) as caught:
        check_words(music, regions, words=0, speech_seconds=music.duration, mean_probability=1.0)
    assert caught.value.code == "music"
    # Whisper's hallucinated subtitles: a few unsure words over the music
    with pytest.raises(AudioError) as caught:
        check_words(music, regions, words=6, speech_seconds=music.duration, mean_probability=0.3)
    assert caught.value.code == "music"
    spoken = decoded(speech(tmp_path), tmp_path)
    with pytest.raises(AudioError) as caught:
        check_words(spoken, [], words=0, speech_seconds=spoken.duration, mean_probability=1.0)
    assert caught.value.code == "no_speech"
    # a fluent transcript is speech even where music plays under it
    check_words(music, regions, words=40, speech_seconds=music.duration, mean_probability=0.9)


@pytest.mark.model
@pytest.mark.slow
def test_whisper_on_speech_over_music_and_on_a_chord_progression(transcriber: object, tmp_path: Path) -> None:
    voice = speech(tmp_path)
    under = tmp_path / "unterlegt.wav"
    subprocess.run(
        [
            "sox",
            "-m",
            "-v",
            "1",
            str(voice),
            "-v",
            "0.4",
            str(melody(tmp_path)),
            "-b",
            "16",
            str(under),
            "trim",
            "0",
            "15",
        ],
        check=True,
    )
    audio = decoded(under, tmp_path)
    assert music_evidence(audio).music_like  # the signal alone would say music …
    result = Transcribe(transcriber).run(audio, regions=DetectSpeech().run(audio))  # type: ignore[arg-type]
    assert "damen und herren" in " ".join(s.text for s in result.segments).lower()  # … the words say speech
    chords = [
        sox(tmp_path / f"saw{i}.wav", "synth", "2", "sawtooth", a, "sawtooth", b, "sawtooth", c, "vol", "0.3")
        for i, (a, b, c) in enumerate([("C3", "E3", "G3"), ("F3", "A3", "C4"), ("G3", "B3", "D4")] * 3)
    ]
    progression = tmp_path / "akkordfolge.wav"
    subprocess.run(["sox", *map(str, chords), "-b", "16", str(progression)], check=True)
    music = decoded(progression, tmp_path)
    with pytest.raises(AudioError) as caught:
        Transcribe(transcriber).run(music, regions=DetectSpeech().run(music))  # type: ignore[arg-type]
    assert caught.value.code == "music"
