"""The audio stages of the minutes pipeline: decode → voice activity detection → speech-to-text.

One import place for the stages, which live in their own modules:

* ``audio_decode``: ``decode_recordings(paths, work_dir)`` turns the recordings of a session (any
  container ffmpeg reads) into one 16 kHz mono 16-bit WAV, laid end to end, with each file's offset;
  missing, empty, corrupt, too long or silent recordings raise ``AudioError``.
* ``audio_vad``: ``DetectSpeech().run(audio)`` finds the speech regions (Silero VAD, in blocks).
* ``audio_checks``: is what was heard speech at all? (music, noise: too few words for the speech found).
* ``audio_transcribe``: ``Transcribe(transcriber).run(audio, hotwords=…)`` runs the platform's
  Transcriber in chunks cut at pauses, with word times, and checks that the recording is German speech.

Failures raise ``AudioError``: ``str(error)`` is English for logs, ``error.message_de`` is for the UI.
"""

from __future__ import annotations

from rathaus.minutes.audio.decode import (
    DEFAULT_MAX_SECONDS,
    MESSAGES_DE,
    SAMPLE_RATE,
    SILENCE_DBFS,
    AudioError,
    DecodedAudio,
    SourceFile,
    decode_recordings,
    peak_level_dbfs,
    probe,
    read_samples,
)
from rathaus.minutes.audio.transcribe import Transcribe, TranscriptionResult, drop_repeats, vocabulary_hints
from rathaus.minutes.audio.vad import GAP_SECONDS, DetectSpeech, SpeechRegion, group_regions

__all__ = [
    "DEFAULT_MAX_SECONDS",
    "GAP_SECONDS",
    "MESSAGES_DE",
    "SAMPLE_RATE",
    "SILENCE_DBFS",
    "AudioError",
    "DecodedAudio",
    "DetectSpeech",
    "SourceFile",
    "SpeechRegion",
    "Transcribe",
    "TranscriptionResult",
    "decode_recordings",
    "drop_repeats",
    "group_regions",
    "peak_level_dbfs",
    "probe",
    "read_samples",
    "vocabulary_hints",
]
