"""Real faster-whisper transcription of German speech with the Whisper base bundle."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rathaus.core.ai.bundles import locate_model
from rathaus.core.ai.whisper import FasterWhisperTranscriber
from tests.conftest import shared_data
from tests.core.ai.conftest import espeak_wav, needs_bundle

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def transcriber(models_dir: Path) -> FasterWhisperTranscriber:
    needs_bundle("whisper-base")
    pytest.importorskip("faster_whisper")
    backend = FasterWhisperTranscriber(locate_model("whisper-base", kind="asr", models_dir=models_dir))
    backend.warm_up()
    return backend


def words_of(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_transcribes_german_speech_with_word_times(
    transcriber: FasterWhisperTranscriber, german_wav: Path
) -> None:
    progress: list[float] = []
    transcript = transcriber.transcribe(german_wav, language="de", on_progress=progress.append)

    assert {"morgen", "bürgermeister", "eröffnet", "heute"} <= words_of(transcript.text)
    assert transcript.language == "de"
    words = [word for segment in transcript.segments for word in segment.words]
    assert "Bürgermeister" in [word.text.strip(" .,!?") for word in words]
    starts = [word.start for word in words]
    assert starts == sorted(starts)
    assert all(0 <= word.start <= word.end <= transcript.duration + 0.5 for word in words)
    assert progress[-1] == 1.0


def test_detects_german_without_a_language_hint(
    transcriber: FasterWhisperTranscriber, german_wav: Path
) -> None:
    transcript = transcriber.transcribe(german_wav, language=None, word_timestamps=False)

    assert transcript.language == "de"
    assert transcript.language_probability > 0.5
    assert {"bürgermeister", "sitzung", "schule"} <= words_of(transcript.text)
    assert all(segment.words == () for segment in transcript.segments)


def test_hotwords_bias_towards_expected_terms(transcriber: FasterWhisperTranscriber, tmp_path: Path) -> None:
    fast = espeak_wav("Guten Morgen. Der Bürgermeister eröffnet die Sitzung des Gemeinderats.",
                      tmp_path / "schnell.wav", speed=150)

    plain = words_of(transcriber.transcribe(fast).text)
    biased = words_of(transcriber.transcribe(fast, hotwords=["Gemeinderat", "Sitzung"]).text)

    assert "gemeinderats" not in plain  # espeak at this speed is misheard without the hint
    assert {"sitzung", "gemeinderats"} <= biased


def test_real_read_speech_from_fleurs(transcriber: FasterWhisperTranscriber) -> None:
    audio = shared_data("fleurs_de", "fleurs-de-000.ogg")
    reference = words_of(audio.with_suffix(".txt").read_text(encoding="utf-8"))

    hypothesis = words_of(transcriber.transcribe(audio).text)

    assert {"aussichten", "hongkong", "insel"} <= hypothesis
    assert len(reference & hypothesis) / len(reference) >= 0.7


def test_provenance_names_the_bundle(transcriber: FasterWhisperTranscriber) -> None:
    assert (transcriber.name, transcriber.model_name, transcriber.model_version) == (
        "faster-whisper", "whisper-base", "1.0.0")
