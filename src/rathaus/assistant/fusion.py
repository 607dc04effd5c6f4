"""Rank fusion of the keyword and the semantic ranking, with its own constants per kind of source.

Services and by-laws are asked about differently: a service question names the thing ("Reisepass"),
which keyword search finds; a by-law question describes a rule, which the embedding finds better. Each
chunk is scored by reciprocal rank fusion with the constants of its kind, divided by the score it would
have at rank 1 in both lists, so that scores of different kinds compare (1.0 = first in both; a
service found by several chunks may score above it, see below).

A service is ranked as a whole: a service description is cut into chunks (Beschreibung, Gebühren,
Unterlagen …) and a question about a citizen's situation matches the description in one chunk and the fee
in another, so the service whose chunks are spread over both rankings would lose to one whose single chunk
sits in both. When the chunks' sources are given, each ranking therefore scores a service by all of its
chunks found there: its best chunk counts fully, the next one ``SERVICE_DECAY`` times, the one after that
``SERVICE_DECAY²`` times … (each at the chunk's own rank), and the service's best fused chunk gets the sum
of both rankings' service scores. A service that the question matches in several places (its description,
its keywords, its documents) is the one the question is about more surely than one matched by a single
chunk that happens to rank high ("Fahrzeug abmelden" for every question on a Kennzeichen). The decay was
chosen leave-one-set-out over the seven citizen development sets (``bench/assistant_citizen.py``; grid
0, 0.1, 0.25, 0.5, 1; best chunk alone or all chunks): the right service first for 177 instead of 164
of 252 service questions, cross-validated; no set has fewer right services first, one question of
dev_refuse fell out of the top five.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Hit = tuple[int, float]  # (chunk id, score: higher is better)
OTHER = "*"  # the kind key of the constants for every kind not named
SERVICE = "service"  # SourceKind.SERVICE
# Services are fused on their own terms (AssistantSettings.service_rrf_k, bench/assistant_fusion.py).
SERVICE_RRF_K = 10
SERVICE_DENSE_WEIGHT = 2.0
SERVICE_DECAY = 0.5  # weight of a service's n-th chunk in a ranking: SERVICE_DECAY ** (n - 1)


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
    sources: Mapping[int, int] | None = None,
    service_lexical: Sequence[Hit] | None = None,
) -> list[Hit]:
    """Fuse the two rankings, each chunk with the constants of its kind (``params[OTHER]`` by default).

    ``sources`` (chunk id → source id) ranks services as a whole (see the module's docstring).
    ``service_lexical`` is the keyword ranking that services take their keyword rank from (default:
    ``lexical``).
    """

    def keyword_ranks() -> dict[int, int]:
        ranks = _ranks(lexical)
        if service_lexical is None:
            return ranks
        own = _ranks(service_lexical)
        return {chunk: rank for chunk, rank in ranks.items() if kinds.get(chunk) != SERVICE} | {
            chunk: rank for chunk, rank in own.items() if kinds.get(chunk) == SERVICE
        }

    scores = _fused(keyword_ranks(), _ranks(dense) if dense else {}, kinds, params)
    if sources:
        services = {chunk_id: sources[chunk_id] for chunk_id, kind in kinds.items() if kind == SERVICE}
        chosen = params.get(SERVICE) or params[OTHER]
        keyword = service_scores(
            service_lexical if service_lexical is not None else lexical, services, k=chosen.k
        )
        semantic = service_scores(dense, services, k=chosen.k, weight=chosen.dense_weight)
        best: dict[int, int] = {}  # source id → its best chunk by the chunks' own scores
        for chunk_id in sorted(scores, key=lambda chunk: (-scores[chunk], chunk)):
            if chunk_id in services:
                best.setdefault(services[chunk_id], chunk_id)
        top = chosen.best if dense else 1.0 / (chosen.k + 1)
        for source_id, chunk_id in best.items():
            whole = (keyword.get(source_id, 0.0) + semantic.get(source_id, 0.0)) / top
            scores[chunk_id] = max(scores[chunk_id], whole)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def service_scores(
    ranking: Sequence[Hit],
    services: Mapping[int, int],
    *,
    k: int,
    weight: float = 1.0,
    decay: float = SERVICE_DECAY,
) -> dict[int, float]:
    """Each service's reciprocal-rank score in ``ranking`` from all of its chunks (chunk → source).

    Every chunk keeps its own rank; the service's best chunk adds ``weight / (k + rank)``, its second
    ``decay`` times that of its own rank, its third ``decay²`` times …
    """
    found: dict[int, list[float]] = {}
    for rank, (chunk_id, _score) in enumerate(ranking, start=1):
        if chunk_id in services:
            found.setdefault(services[chunk_id], []).append(weight / (k + rank))
    return {
        source_id: sum(value * decay**place for place, value in enumerate(values))
        for source_id, values in found.items()
    }


def _ranks(ranking: Sequence[Hit]) -> dict[int, int]:
    """Each chunk's rank (1 = best)."""
    return {chunk_id: rank for rank, (chunk_id, _score) in enumerate(ranking, start=1)}


def _fused(
    lexical_rank: Mapping[int, int],
    dense_rank: Mapping[int, int],
    kinds: Mapping[int, str],
    params: Mapping[str, FusionParams],
) -> dict[int, float]:
    scores: dict[int, float] = {}
    for chunk_id in lexical_rank.keys() | dense_rank.keys():
        chosen = params.get(kinds.get(chunk_id, OTHER)) or params[OTHER]
        score = 0.0
        if chunk_id in lexical_rank:
            score += 1.0 / (chosen.k + lexical_rank[chunk_id])
        if chunk_id in dense_rank:
            score += chosen.dense_weight / (chosen.k + dense_rank[chunk_id])
        scores[chunk_id] = score / (chosen.best if dense_rank else 1.0 / (chosen.k + 1))
    return scores


# "Was kostet …", "Wie lange dauert …", "Welche Gebühr …": words that say which detail of a service is
# asked, not which service. Every service's fee chunk is titled "Kosten und Dauer", so these words match
# the fee chunk of every service alike and drown the words that name the service.
VALUE_WORD = re.compile(
    r"\b(?:kosten|kostet|koste|gebühr|gebühren|gebührt|preis|preise|dauer|dauert|dauern|teuer)\b",
    re.IGNORECASE,
)


def without_value_words(query: str) -> str:
    """``query`` without the words asking for a service's fee or duration, for matching services."""
    return " ".join(VALUE_WORD.sub(" ", query).split())
