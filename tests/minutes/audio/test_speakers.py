"""Speaker naming: enrolled voices name their clusters, unknown voices stay unnamed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from rathaus.minutes.audio.decode import AudioError, decode_recordings
from rathaus.minutes.audio.diarize import Diarize
from rathaus.minutes.audio.speakers import combine, enroll, match_speakers, name_speakers
from rathaus.minutes.audio.vad import DetectSpeech
from tests.minutes.audio.test_diarize import reference_segments
from tests.minutes.synthetic import VOICES, SyntheticSession, build_session
from tests.requirements import require_module, require_tool


def test_nearest_enrolled_voice_names_the_cluster() -> None:
    voices = {"S1": [1.0, 0.1, 0.0], "S2": [0.0, 1.0, 0.1], "S3": [0.1, 0.0, 1.0]}
    enrolled = {17: [0.9, 0.2, 0.0], 23: [0.1, 0.95, 0.0], 42: [-1.0, 0.0, 0.0]}
    assert name_speakers(voices, enrolled, threshold=0.8) == {"S1": 17, "S2": 23, "S3": None}
    scores = {m.label: m.similarity for m in match_speakers(voices, enrolled, threshold=0.8)}
    assert scores["S1"] > 0.95


def test_one_person_names_at_most_one_cluster() -> None:
    voices = {"S1": [1.0, 0.0], "S2": [0.97, 0.2]}
    assert name_speakers(voices, {"anna": [1.0, 0.05]}, threshold=0.7) == {"S1": "anna", "S2": None}
    assert name_speakers(voices, {}) == {"S1": None, "S2": None}
    assert name_speakers({}, {"anna": [1.0, 0.0]}) == {}


def test_combined_vectors_are_normalised() -> None:
    assert combine([[1.0, 0.0], [0.0, 1.0]]) == pytest.approx([0.707107, 0.707107])


# --- real voices ----------------------------------------------------------------------------------------

SAMPLE = (
    "Guten Tag, ich bin Mitglied des Gemeinderates und spreche diese Probe für die Erkennung meiner Stimme. "
    "Ich bin damit einverstanden, dass meine Stimme für das Protokoll erkannt wird."
)


def espeak_sample(voice: tuple[str, int, int], target: Path, text: str = SAMPLE) -> Path:
    require_tool("espeak-ng", install="apt-get install espeak-ng")
    name, pitch, speed = voice
    subprocess.run(
        ["espeak-ng", "-v", name, "-p", str(pitch), "-s", str(speed), "-w", str(target), text], check=True
    )
    return target


@pytest.fixture(scope="module")
def embedder() -> object:
    require_module("resemblyzer", install="make install-test (the speakers extra and resemblyzer)")
    from rathaus.core.ai.resemblyzer_embedder import ResemblyzerEmbedder  # noqa: PLC0415

    encoder = ResemblyzerEmbedder()
    encoder.warm_up()
    return encoder


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> SyntheticSession:
    require_tool("espeak-ng", "sox", install="apt-get install espeak-ng sox")
    return build_session(tmp_path_factory.mktemp("synthetic"), target_seconds=45, max_items=2, speakers=3)


@pytest.mark.model
@pytest.mark.slow
def test_enrolled_voices_name_their_speakers(
    embedder: object, session: SyntheticSession, tmp_path: Path
) -> None:
    chair_voice, member_voice, unknown_voice = VOICES[0], VOICES[1], VOICES[2]
    # consented samples with other words than in the session
    chair = enroll(embedder, espeak_sample(chair_voice, tmp_path / "vorsitz.wav"))  # type: ignore[arg-type]
    member = enroll(embedder, espeak_sample(member_voice, tmp_path / "mitglied.wav"))  # type: ignore[arg-type]
    assert chair.speech_seconds >= 5
    assert len(chair.vector) == 256
    assert chair.model.startswith("resemblyzer")

    decoded = decode_recordings([session.audio], tmp_path / "work")
    regions = DetectSpeech().run(decoded)
    result = Diarize(embedder).run(decoded, reference_segments(session.turns), regions=regions)  # type: ignore[arg-type]
    names = name_speakers(
        result.voices, {"Bürgermeister Albers": chair.vector, "Anna Berends": member.vector}
    )

    # which label carries which espeak voice, from the reference turns
    voice_of: dict[str, str] = {}
    for label in result.labels:
        spoken = [s for s in result.segments if s.speaker == label]
        overlap: dict[str, float] = {}
        for segment in spoken:
            for turn in session.turns:
                shared = min(segment.end, turn.end) - max(segment.start, turn.start)
                if shared > 0:
                    overlap[turn.voice] = overlap.get(turn.voice, 0.0) + shared
        voice_of[label] = max(overlap, key=overlap.__getitem__)
    expected = {
        chair_voice[0]: "Bürgermeister Albers",
        member_voice[0]: "Anna Berends",
        unknown_voice[0]: None,
    }
    assert {label: expected[voice] for label, voice in voice_of.items()} == names
    assert None in names.values()  # the voice nobody enrolled stays unnamed


@pytest.mark.model
@pytest.mark.slow
def test_a_too_short_sample_is_refused(embedder: object, tmp_path: Path) -> None:
    short = espeak_sample(VOICES[0], tmp_path / "kurz.wav", "Guten Tag.")
    with pytest.raises(AudioError) as caught:
        enroll(embedder, short)  # type: ignore[arg-type]
    assert caught.value.code == "too_short"
    assert "zu kurz" in caught.value.message_de


def test_the_registry_offers_the_voice_encoder_lazily(tmp_path: Path) -> None:
    from rathaus.core.ai.registry import AIRegistry, registered  # noqa: PLC0415
    from rathaus.core.config import AISettings  # noqa: PLC0415

    assert "resemblyzer" in registered("speaker")
    registry = AIRegistry(AISettings(), tmp_path)
    embedder = registry.speaker_embedder()
    assert embedder is registry.speaker_embedder()  # built once, shared
    assert (embedder.name, embedder.model_name) == ("resemblyzer", "resemblyzer-ge2e")
    assert embedder.model_version != ""
