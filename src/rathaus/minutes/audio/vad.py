"""Voice activity detection: the speech regions of the session audio (Silero VAD, in blocks).

``DetectSpeech().run(audio)`` uses the Silero VAD that faster-whisper bundles (ONNX, no torch), block
by block, so an eight-hour session never sits in memory as floats; ``group_regions`` packs the regions
into Whisper-sized chunks.
"""

from __future__ import annotations

from collections.abc import Sequence

from rathaus.minutes.audio.checks import no_speech_error
from rathaus.minutes.audio.decode import BLOCK_SECONDS, DecodedAudio, SpeechRegion, read_samples

__all__ = ["GAP_SECONDS", "DetectSpeech", "SpeechRegion", "group_regions"]


class DetectSpeech:
    """Voice activity detection with the Silero VAD bundled with faster-whisper."""

    def __init__(
        self,
        *,
        threshold: float = 0.5,
        min_silence_ms: int = 300,
        min_speech_ms: int = 250,
        speech_pad_ms: int = 100,
    ) -> None:
        self.threshold = threshold
        self.min_silence_ms = min_silence_ms
        self.min_speech_ms = min_speech_ms
        self.speech_pad_ms = speech_pad_ms

    def warm_up(self) -> None:
        """Load the ONNX model (once per process; faster-whisper caches it)."""
        from faster_whisper.vad import get_vad_model  # noqa: PLC0415 - heavy

        get_vad_model()

    def run(self, audio: DecodedAudio) -> list[SpeechRegion]:
        """Speech regions in seconds; AudioError ``no_speech`` (or ``music``) when there are none."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps  # noqa: PLC0415 - heavy

        options = VadOptions(
            threshold=self.threshold,
            min_silence_duration_ms=self.min_silence_ms,
            min_speech_duration_ms=self.min_speech_ms,
            speech_pad_ms=self.speech_pad_ms,
        )
        regions: list[SpeechRegion] = []
        for block_start in range(0, int(audio.duration) + 1, BLOCK_SECONDS):
            samples = read_samples(audio, block_start, block_start + BLOCK_SECONDS)
            if len(samples) < audio.sample_rate // 10:
                continue
            for stamp in get_speech_timestamps(samples, options, sampling_rate=audio.sample_rate):
                region = SpeechRegion(
                    block_start + stamp["start"] / audio.sample_rate,
                    block_start + stamp["end"] / audio.sample_rate,
                )
                if regions and region.start - regions[-1].end < self.min_silence_ms / 1000:
                    regions[-1] = SpeechRegion(regions[-1].start, region.end)  # joined across a block border
                else:
                    regions.append(region)
        if not regions:
            raise no_speech_error(audio, "voice activity detection found no speech")
        return regions


GAP_SECONDS = 0.3  # silence put between two speech regions inside one chunk


def group_regions(regions: Sequence[SpeechRegion], *, chunk_seconds: float) -> list[list[SpeechRegion]]:
    """Consecutive speech regions in groups whose speech (with short gaps) fits ``chunk_seconds``.

    A region longer than that is a group of its own (Whisper then windows it itself).
    """
    groups: list[list[SpeechRegion]] = []
    size = 0.0
    for region in regions:
        length = region.end - region.start
        if groups and size + GAP_SECONDS + length <= chunk_seconds:
            groups[-1].append(region)
            size += GAP_SECONDS + length
        else:
            groups.append([region])
            size = length
    return groups
