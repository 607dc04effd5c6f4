"""Rank fusion of the keyword and the semantic ranking, with its own constants per kind of source.

Services and by-laws are asked about differently: a service question names the thing ("Reisepass"),
which keyword search finds; a by-law question describes a rule, which the embedding finds better. Each
chunk is scored by reciprocal rank fusion with the constants of its kind, divided by the score it would
have at rank 1 in both lists, so that scores of different kinds compare (1.0 = first in both).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Hit = tuple[int, float]  # (chunk id, score: higher is better)
OTHER = "*"  # the kind key of the constants for every kind not named
SERVICE = "service"  # SourceKind.SERVICE
# Services are fused on their own terms (AssistantSettings.service_rrf_k, bench/assistant_fusion.py).
SERVICE_RRF_K = 10
SERVICE_DENSE_WEIGHT = 3.0


@dataclass(frozen=True)
class FusionParams:
    """RRF constant ``k`` and the weight of the semantic ranking (the keyword ranking weighs 1)."""

    k: int
    dense_weight: float

    @property
    def best(self) -> float:
        """The score of a chunk first in both rankings."""
        return (1.0 + self.dense_weight) / (self.k + 1)


def params_per_kind(
    *, rrf_k: int, dense_weight: float, service: FusionParams | None = None
) -> dict[str, FusionParams]:
    """The constants per kind: services apart, every other kind with ``rrf_k`` and ``dense_weight``."""
    return {
        OTHER: FusionParams(rrf_k, dense_weight),
        SERVICE: service or FusionParams(SERVICE_RRF_K, SERVICE_DENSE_WEIGHT),
    }


def fuse(
    rankings: Sequence[Sequence[Hit]], *, k: int = 60, weights: Sequence[float] | None = None
) -> list[Hit]:
    """Reciprocal rank fusion: each list adds weight/(k + rank) to a chunk's score."""
    scores: dict[int, float] = {}
    for index, ranking in enumerate(rankings):
        weight = weights[index] if weights else 1.0
        for rank, (chunk_id, _score) in enumerate(ranking, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def fuse_by_kind(
    lexical: Sequence[Hit],
    dense: Sequence[Hit],
    *,
    kinds: Mapping[int, str],
    params: Mapping[str, FusionParams],
) -> list[Hit]:
    """Fuse the two rankings, each chunk with the constants of its kind (``params[OTHER]`` by default)."""
    lexical_rank = {chunk_id: rank for rank, (chunk_id, _) in enumerate(lexical, start=1)}
    dense_rank = {chunk_id: rank for rank, (chunk_id, _) in enumerate(dense, start=1)}
    scores: dict[int, float] = {}
    for chunk_id in lexical_rank.keys() | dense_rank.keys():
        chosen = params.get(kinds.get(chunk_id, OTHER)) or params[OTHER]
        score = 0.0
        if chunk_id in lexical_rank:
            score += 1.0 / (chosen.k + lexical_rank[chunk_id])
        if chunk_id in dense_rank and dense:
            score += chosen.dense_weight / (chosen.k + dense_rank[chunk_id])
        scores[chunk_id] = score / (chosen.best if dense else 1.0 / (chosen.k + 1))
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
