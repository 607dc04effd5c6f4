"""Fusion per kind of source: each chunk is scored with its kind's constants, on one scale."""

from __future__ import annotations

from rathaus.assistant.fusion import OTHER, FusionParams, fuse_by_kind

SERVICE_ONLY_KEYWORDS = {OTHER: FusionParams(10, 3.0), "service": FusionParams(60, 0.0)}


def test_a_chunk_first_in_both_rankings_scores_one_whatever_its_kind() -> None:
    fused = fuse_by_kind(
        [(1, 9.0), (2, 5.0)],
        [(1, 0.9), (2, 0.8)],
        kinds={1: "bylaw", 2: "service"},
        params=SERVICE_ONLY_KEYWORDS,
    )
    assert fused[0] == (1, 1.0)


def test_each_kind_uses_its_own_constants() -> None:
    lexical = [(1, 9.0), (2, 8.0)]  # the service (1) leads by keywords
    dense = [(2, 0.9), (3, 0.8), (1, 0.7)]  # the by-law (2) leads semantically
    kinds = {1: "service", 2: "bylaw", 3: "bylaw"}
    fused = [chunk for chunk, _ in fuse_by_kind(lexical, dense, kinds=kinds, params=SERVICE_ONLY_KEYWORDS)]
    assert fused[0] == 1  # services ignore the dense ranking here: first by keywords scores 1.0
    assert fused.index(2) < fused.index(3)
    same = {OTHER: FusionParams(10, 3.0)}
    assert next(chunk for chunk, _ in fuse_by_kind(lexical, dense, kinds=kinds, params=same)) == 2


def test_without_a_dense_ranking_the_keyword_ranking_decides() -> None:
    fused = fuse_by_kind([(5, 2.0), (4, 1.0)], [], kinds={}, params={OTHER: FusionParams(10, 3.0)})
    assert [chunk for chunk, _ in fused] == [5, 4]
    assert fused[0][1] == 1.0
