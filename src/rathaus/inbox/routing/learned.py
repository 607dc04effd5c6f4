"""The learned methods: a calibrated classifier over confirmed examples, and zero-shot similarity.

Both answer only with keys of the filing plan. The classifier knows only the positions it saw
confirmed examples for; zero-shot compares a document with each position's title and description.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rathaus.inbox.routing.plan import Decision, Document, Example, FilingPlan

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from rathaus.core.ai.protocols import Embedder

CALIBRATION_FOLDS = 3
EMBEDDING_WEIGHT = 2.0  # the dense e5 block against the sparse TF-IDF blocks (each row has norm 1)
SIMILARITY_TEMPERATURE = 0.02  # e5 cosines of unrelated German texts still sit around 0.75–0.85
MAX_EMBED_CHARS = 1500  # e5 reads 512 tokens at most; longer text only costs time


def embed_texts(
    embedder: Embedder, documents: Sequence[Document], *, max_chars: int = MAX_EMBED_CHARS
) -> npt.NDArray[np.float32]:
    """One query embedding per document: subject and body, cut to ``max_chars`` (e5 reads 512 tokens)."""
    return embedder.embed_queries([document.text[:max_chars] for document in documents])


@dataclass
class LearnedClassifier:
    """Logistic regression on TF-IDF words and character n-grams plus e5 embeddings, calibrated.

    Confidence comes from scikit-learn's ``CalibratedClassifierCV`` (sigmoid, 3 folds): the
    probabilities are fitted on held-out folds, so 0.9 means about nine in ten right. A position with
    fewer than three confirmed examples has them repeated to fill the folds (its confidence is
    then optimistic, which the threshold still guards).
    """

    plan: FilingPlan
    embedder: Embedder | None = None
    c: float = 10.0
    embed_chars: int = MAX_EMBED_CHARS
    _model: Any = None
    _vectorizers: tuple[Any, ...] = ()
    _counts: Counter[str] | None = None

    @property
    def fitted(self) -> bool:
        return self._model is not None

    @property
    def classes(self) -> tuple[str, ...]:
        """The positions the classifier can answer with: those it saw examples for."""
        return tuple(self._model.classes_) if self._model is not None else ()

    def fit(self, *, examples: Sequence[Example]) -> LearnedClassifier:
        """Train on confirmed ``examples`` only; needs at least two positions."""
        from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]  # noqa: PLC0415
        from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]  # noqa: PLC0415
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]  # noqa: PLC0415

        for example in examples:
            if example.key not in self.plan:
                raise ValueError(f"example filed under {example.key!r}, which is not in the filing plan")
        counts = Counter(example.key for example in examples)
        if len(counts) < 2:
            raise ValueError("the classifier needs confirmed examples for at least two positions")
        padded = list(examples)
        for key, count in counts.items():
            own = [example for example in examples if example.key == key]
            padded.extend(own[i % count] for i in range(max(0, CALIBRATION_FOLDS - count)))
        self._vectorizers = (
            TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1, max_features=200_000),
            TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(3, 5), max_features=200_000),
        )
        features = self._features([example.document for example in padded], fit=True)
        labels = [example.key for example in padded]
        base = LogisticRegression(C=self.c, max_iter=2000)
        self._model = CalibratedClassifierCV(base, method="sigmoid", cv=CALIBRATION_FOLDS).fit(
            features, labels
        )
        self._counts = counts
        return self

    def _features(self, documents: Sequence[Document], *, fit: bool) -> Any:
        from scipy import sparse  # type: ignore[import-untyped]  # noqa: PLC0415

        texts = [document.text for document in documents]
        blocks = [
            vectorizer.fit_transform(texts) if fit else vectorizer.transform(texts)
            for vectorizer in self._vectorizers
        ]
        if self.embedder is not None:
            blocks.append(
                sparse.csr_matrix(
                    embed_texts(self.embedder, documents, max_chars=self.embed_chars) * EMBEDDING_WEIGHT
                )
            )
        return sparse.hstack(blocks, format="csr")

    def probabilities(self, *, documents: Sequence[Document]) -> npt.NDArray[np.float64]:
        """Calibrated probabilities, one column per entry of :attr:`classes`."""
        if self._model is None:
            raise RuntimeError("fit the classifier first")
        import numpy as np  # noqa: PLC0415

        return np.asarray(self._model.predict_proba(self._features(documents, fit=False)), dtype=np.float64)

    def predict(self, *, documents: Sequence[Document]) -> list[Decision]:
        """The most probable position per document, with its calibrated confidence and reason."""
        assert self._counts is not None or not documents
        decisions = []
        for row in self.probabilities(documents=documents):
            best = int(row.argmax())
            key = self.classes[best]
            count = self._counts[key] if self._counts else 0
            cases = "bestätigten Fall" if count == 1 else "bestätigten Fällen"
            reason = f"ähnlich zu {count} {cases} in „{self.plan.title(key)}“"
            decisions.append(
                Decision(method="classifier", key=key, confidence=float(row[best]), reason=reason)
            )
        return decisions


@dataclass
class ZeroShot:
    """Cosine similarity of the document to each position's title and description (e5 passages).

    Confidence is a softmax over the cosines with a fixed temperature: it says how clearly one
    position wins, not how often it is right (there are no confirmed examples to calibrate on yet).
    """

    plan: FilingPlan
    embedder: Embedder
    temperature: float = SIMILARITY_TEMPERATURE
    embed_chars: int = MAX_EMBED_CHARS
    _positions: Any = None

    def warm_up(self) -> ZeroShot:
        """Embed the filing plan (once)."""
        if self._positions is None:
            texts = [
                f"{position.title}: {position.description}".strip(": ") for position in self.plan.positions
            ]
            self._positions = self.embedder.embed_passages(texts)
        return self

    def predict(self, *, documents: Sequence[Document]) -> list[Decision]:
        """The most similar position per document."""
        import numpy as np  # noqa: PLC0415

        if not documents:
            return []
        positions = self.warm_up()._positions
        similarities = embed_texts(self.embedder, documents, max_chars=self.embed_chars) @ positions.T
        decisions = []
        for row in np.atleast_2d(similarities):
            scaled = np.exp((row - row.max()) / self.temperature)
            probabilities = scaled / scaled.sum()
            best = int(row.argmax())
            position = self.plan.positions[best]
            reason = f"ähnlich zur Beschreibung von „{position.title}“ (Kosinus {float(row[best]):.2f})"
            decisions.append(
                Decision(
                    method="similarity",
                    key=position.key,
                    confidence=float(probabilities[best]),
                    reason=reason,
                )
            )
        return decisions
