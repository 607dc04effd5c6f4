"""Is what was recorded speech at all? The checks after decoding: music, noise, too few words.

Music is told apart from speech by two cheap, classic signal measures on the decoded audio
(Scheirer & Slaney 1997), taken on at most ``MAX_WINDOWS`` windows of 5 s spread over the recording
(or over the stretches the VAD called speech), so an eight-hour file costs no more than a short one:

* **low-energy ratio**: the share of 32 ms frames quieter than half the mean of their second.
  Speech pauses between syllables and words several times a second (0.15 … 0.45 on FLEURS and
  espeak-ng speech); music sounds on (below 0.05 for chords, melodies and sustained tones).
* **spectral flatness**: geometric over arithmetic mean of the power spectrum (94 Hz … 7.8 kHz).
  Tones and voices are harmonic (near 0); noise is flat (0.3 for pink noise), so steady noise is
  not called music.

Continuous and harmonic is music. That alone would also hit speech over background music, so a
recording is only *refused* as music where the recognizer agrees: the VAD found no speech, or the
transcript has fewer than ``MUSIC_WORDS_PER_SECOND`` words per second of "speech" (spoken German
has about two) or its words are unsure (mean probability below ``MUSIC_WORD_PROBABILITY``,
Whisper's hallucinated subtitles on music).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rathaus.minutes.audio.decode import AudioError, DecodedAudio, SpeechRegion, read_samples

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MAX_WINDOWS = 12
WINDOW_SECONDS = 5.0
MIN_SECONDS = 3.0  # less loud audio than this says nothing either way
LOW_ENERGY_MAX = 0.08  # music: below (speech ≥ 0.15)
FLATNESS_MAX = 0.1  # harmonic: below (pink noise ≈ 0.3)
LOUD_RMS = 10 ** (-45 / 20)  # a second quieter than -45 dBFS is left out (pauses, fade-outs)
MUSIC_WORDS_PER_SECOND = 1.0
MUSIC_WORD_PROBABILITY = 0.5
_FRAME = 512  # 32 ms at 16 kHz
_HOP = 256


@dataclass(frozen=True)
class MusicEvidence:
    """The signal measures of a recording (see the module docstring)."""

    seconds: float  # loud audio analysed
    low_energy_ratio: float
    flatness: float

    @property
    def music_like(self) -> bool:
        """Continuous, harmonic sound (music), measured on enough audio."""
        return (
            self.seconds >= MIN_SECONDS
            and self.low_energy_ratio < LOW_ENERGY_MAX
            and self.flatness < FLATNESS_MAX
        )


def _windows(audio: DecodedAudio, regions: Sequence[SpeechRegion]) -> list[tuple[float, float]]:
    """At most MAX_WINDOWS stretches of WINDOW_SECONDS, spread evenly over the audio or the regions."""
    spans = [(r.start, r.end) for r in regions if r.end - r.start >= 1.0] or [(0.0, audio.duration)]
    pieces: list[tuple[float, float]] = []
    for first, last in spans:
        start = first
        while last - start >= 1.0:
            pieces.append((start, min(last, start + WINDOW_SECONDS)))
            start += WINDOW_SECONDS
    if len(pieces) <= MAX_WINDOWS:
        return pieces
    step = len(pieces) / MAX_WINDOWS
    return [pieces[int(i * step)] for i in range(MAX_WINDOWS)]


def music_evidence(audio: DecodedAudio, regions: Sequence[SpeechRegion] = ()) -> MusicEvidence:
    """Low-energy ratio and spectral flatness of the recording (of the speech regions when given)."""
    import numpy as np  # noqa: PLC0415

    ratios: list[float] = []
    flatness: list[npt.NDArray[np.float64]] = []
    for start, end in _windows(audio, regions):
        samples = read_samples(audio, start, end).astype(np.float64)
        if len(samples) < _FRAME * 4:
            continue
        frames = np.lib.stride_tricks.sliding_window_view(samples, _FRAME)[::_HOP]
        rms = np.sqrt((frames**2).mean(axis=1))
        per_second = audio.sample_rate // _HOP
        for first in range(0, len(rms) - per_second + 1, per_second):
            second = rms[first : first + per_second]
            if second.mean() >= LOUD_RMS:
                ratios.append(float((second < 0.5 * second.mean()).mean()))
        loud = frames[rms >= max(LOUD_RMS, 0.1 * float(rms.max()))]
        if len(loud):
            power = np.abs(np.fft.rfft(loud * np.hanning(_FRAME), axis=1))[:, 3:250] ** 2 + 1e-12
            flatness.append(np.exp(np.log(power).mean(axis=1)) / power.mean(axis=1))
    if not ratios or not flatness:
        return MusicEvidence(seconds=0.0, low_energy_ratio=1.0, flatness=1.0)
    return MusicEvidence(
        seconds=float(len(ratios)),
        low_energy_ratio=float(np.mean(ratios)),
        flatness=float(np.median(np.concatenate(flatness))),
    )


def no_speech_error(audio: DecodedAudio, detail: str, regions: Sequence[SpeechRegion] = ()) -> AudioError:
    """The error for a recording without usable speech: ``music`` if it sounds so, else ``no_speech``."""
    evidence = music_evidence(audio, regions)
    if evidence.seconds < MIN_SECONDS and regions:  # too little "speech" to judge: the whole recording
        evidence = music_evidence(audio)
    if evidence.music_like:
        return AudioError(
            "music",
            f"{detail}; the audio sounds like music (low-energy ratio {evidence.low_energy_ratio:.2f}, "
            f"spectral flatness {evidence.flatness:.3f})",
        )
    return AudioError("no_speech", detail)


def check_words(
    audio: DecodedAudio,
    regions: Sequence[SpeechRegion],
    *,
    words: int,
    speech_seconds: float,
    mean_probability: float,
) -> None:
    """Raise ``no_speech``/``music`` when the transcript is too thin for the speech the VAD found."""
    if words < max(1.0, speech_seconds / 20):  # under 3 words a minute of "speech": music, noise
        detail = f"only {words} words in {speech_seconds:.0f} s of detected speech"
        raise no_speech_error(audio, detail, regions)
    thin = (
        words / max(speech_seconds, 1e-9) < MUSIC_WORDS_PER_SECOND
        or mean_probability < MUSIC_WORD_PROBABILITY
    )
    if thin and speech_seconds >= 2 * MIN_SECONDS:
        error = no_speech_error(audio, f"{words} words in {speech_seconds:.0f} s, unsure", regions)
        if error.code == "music":
            raise error
