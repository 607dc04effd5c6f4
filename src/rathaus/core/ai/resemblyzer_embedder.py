"""Voice embeddings with Resemblyzer's GE2E encoder (256 dimensions, weights shipped in the wheel).

Registered as the ``speaker`` backend ``resemblyzer``. Besides ``embed`` (one vector for a waveform) it
offers ``embed_windows``: one vector per 1.6 s window of a long stretch, computed in one batch, which
is what diarization needs. Needs ``resemblyzer`` (installed with ``--no-deps``), ``librosa``,
``webrtcvad-wheels`` and ``torch==2.13.0`` (CPU wheel; an unpinned torch pulls the CUDA packages).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Sequence
from importlib import metadata
from typing import TYPE_CHECKING, Any

from rathaus.core.ai.errors import BackendUnavailableError
from rathaus.core.ai.registry import BackendContext, register

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from rathaus.core.ai.protocols import SpeakerEmbedder

    Vector = npt.NDArray[np.float32]

SAMPLE_RATE = 16_000
WINDOW_FRAMES = 160  # 10 ms mel frames: 1.6 s, the encoder's training length
TARGET_DBFS = -30.0  # the encoder was trained on audio normalised to this level


class ResemblyzerEmbedder:
    """GE2E voice encoder on the CPU; loads on first use (``warm_up``)."""

    name = "resemblyzer"
    model_name = "resemblyzer-ge2e"

    def __init__(self, *, cpu_threads: int = 1) -> None:
        self.cpu_threads = cpu_threads
        self._encoder: Any = None
        self._lock = threading.Lock()

    @property
    def model_version(self) -> str:
        try:
            return metadata.version("resemblyzer")
        except metadata.PackageNotFoundError:
            return "unknown"

    def warm_up(self) -> Any:
        """Load the encoder (once)."""
        import numpy as np  # noqa: PLC0415

        with self._lock:
            if self._encoder is None:
                try:
                    import torch  # noqa: PLC0415 - heavy

                    with warnings.catch_warnings():  # resemblyzer imports a deprecated scipy path
                        warnings.simplefilter("ignore", DeprecationWarning)
                        from resemblyzer import VoiceEncoder  # type: ignore[import-untyped]  # noqa: PLC0415
                except ImportError as error:
                    raise BackendUnavailableError(
                        f"voice embeddings need resemblyzer and torch==2.13.0 ({error})"
                    ) from error
                if torch.get_num_threads() > self.cpu_threads:
                    torch.set_num_threads(self.cpu_threads)
                self._encoder = VoiceEncoder("cpu", verbose=False).eval()
                self.mel(np.zeros(SAMPLE_RATE, dtype=np.float32))  # compiles librosa's numba kernels now
                with torch.inference_mode():
                    self._encoder(torch.zeros((8, WINDOW_FRAMES, 40)))
            return self._encoder

    def embed(self, wave: Vector, sample_rate: int) -> Vector:
        """One L2-normalised vector for a mono waveform (the mean of its 1.6 s windows)."""
        import numpy as np  # noqa: PLC0415

        vectors = self.embed_windows(wave, sample_rate, hop_seconds=0.8)
        mean = vectors.mean(axis=0)
        return np.asarray(mean / max(float(np.linalg.norm(mean)), 1e-9), dtype=np.float32)

    def embed_many(self, waves: Sequence[Vector], sample_rate: int, *, batch_size: int = 64) -> Vector:
        """One L2-normalised vector per waveform (mean of its windows), all windows run in batches."""
        import numpy as np  # noqa: PLC0415
        import torch  # noqa: PLC0415

        encoder = self.warm_up()
        windows: list[Vector] = []
        owners: list[int] = []
        for index, wave in enumerate(waves):
            mel = self.mel(_resample(wave, sample_rate))
            for start in _window_starts(len(mel), hop=80):
                piece = mel[start : start + WINDOW_FRAMES]
                windows.append(np.pad(piece, ((0, WINDOW_FRAMES - len(piece)), (0, 0))))
                owners.append(index)
        if not windows:
            return np.zeros((0, 256), dtype=np.float32)
        outputs = []
        with torch.inference_mode():
            for first in range(0, len(windows), batch_size):
                outputs.append(
                    encoder(torch.from_numpy(np.stack(windows[first : first + batch_size]))).numpy()
                )
        vectors = np.concatenate(outputs)
        sums = np.zeros((len(waves), vectors.shape[1]), dtype=np.float32)
        np.add.at(sums, np.array(owners), vectors)
        norms = np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)
        return np.asarray(sums / norms, dtype=np.float32)

    def embed_windows(self, wave: Vector, sample_rate: int, *, hop_seconds: float = 0.8) -> Vector:
        """One L2-normalised vector per 1.6 s window, windows every ``hop_seconds`` (short audio: one)."""
        import numpy as np  # noqa: PLC0415
        import torch  # noqa: PLC0415

        encoder = self.warm_up()
        mel = self.mel(_resample(wave, sample_rate))
        if len(mel) < WINDOW_FRAMES:
            mel = np.pad(mel, ((0, WINDOW_FRAMES - len(mel)), (0, 0)))
        starts = _window_starts(len(mel), hop=max(1, round(hop_seconds * 100)))
        batch = np.stack([mel[s : s + WINDOW_FRAMES] for s in starts])
        with torch.inference_mode():
            vectors = encoder(torch.from_numpy(batch)).numpy()
        return np.asarray(vectors, dtype=np.float32)

    @staticmethod
    def mel(wave: Vector) -> Vector:
        """The encoder's 40-band mel spectrogram (10 ms frames) of 16 kHz audio, level-normalised."""
        import numpy as np  # noqa: PLC0415

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from resemblyzer.audio import wav_to_mel_spectrogram  # type: ignore[import-untyped]  # noqa: PLC0415

        rms = float(np.sqrt(np.mean(np.square(wave, dtype=np.float64)))) if len(wave) else 0.0
        if rms > 1e-6:
            wave = wave * (10 ** (TARGET_DBFS / 20) / rms)
        return np.asarray(wav_to_mel_spectrogram(wave.astype(np.float32)), dtype=np.float32)


def _window_starts(frames: int, *, hop: int) -> list[int]:
    """Start frames of the 1.6 s windows covering ``frames`` mel frames (one for shorter audio)."""
    if frames <= WINDOW_FRAMES:
        return [0]
    starts = list(range(0, frames - WINDOW_FRAMES + 1, hop))
    if starts[-1] + WINDOW_FRAMES < frames - hop // 2:
        starts.append(frames - WINDOW_FRAMES)  # cover the tail
    return starts


def _resample(wave: Vector, sample_rate: int) -> Vector:
    import numpy as np  # noqa: PLC0415

    if sample_rate == SAMPLE_RATE:
        return np.asarray(wave, dtype=np.float32)
    import librosa  # noqa: PLC0415 - heavy

    return np.asarray(
        librosa.resample(np.asarray(wave, dtype=np.float32), orig_sr=sample_rate, target_sr=SAMPLE_RATE),
        dtype=np.float32,
    )


@register("speaker", "resemblyzer")
def build(context: BackendContext) -> SpeakerEmbedder:
    """The Resemblyzer voice encoder (its weights ship in the resemblyzer wheel)."""
    # One thread: the small LSTM batches gain little from a second one and stall badly when the CPU
    # is shared (OpenMP spin waits); CTranslate2 keeps its own threads for Whisper.
    return ResemblyzerEmbedder(cpu_threads=1)
