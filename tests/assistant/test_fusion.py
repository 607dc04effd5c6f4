"""Fusion per kind of source: each chunk is scored with its kind's constants, on one scale."""

from __future__ import annotations

import pytest

from rathaus.assistant.fusion import (
    OTHER,
    FusionParams,
    fuse_by_kind,
    service_scores,
    without_value_words,
)

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


SERVICES = {OTHER: FusionParams(10, 3.0), "service": FusionParams(10, 2.0)}


def test_a_service_is_ranked_as_a_whole() -> None:
    # "Ich ziehe nach Eschenbach, was kostet das?": service A's Beschreibung (10) leads by keywords, its
    # Kosten chunk (11) semantically; service B's one chunk (20) is second in both.
    lexical = [(10, 9.0), (20, 8.0), (30, 7.0)]
    dense = [(11, 0.9), (20, 0.8), (31, 0.7)]
    kinds = {10: "service", 11: "service", 20: "service", 30: "bylaw", 31: "bylaw"}
    by_chunk = fuse_by_kind(lexical, dense, kinds=kinds, params=SERVICES)
    assert by_chunk[0][0] == 20  # chunk by chunk, B wins: A's strength is split over two chunks
    whole = dict(fuse_by_kind(lexical, dense, kinds=kinds, params=SERVICES, sources={10: 1, 11: 1, 20: 2}))
    assert max(whole, key=lambda chunk: whole[chunk]) == 11  # A's best chunk scores as A: first in both
    assert whole[11] == 1.0
    assert whole[10] == dict(by_chunk)[10]  # A's other chunk keeps its own score
    assert whole[20] == dict(by_chunk)[20]  # B is second in both rankings either way
    assert whole[30] == dict(by_chunk)[30]  # by-laws are fused chunk by chunk


def test_a_service_scores_by_all_of_its_chunks_with_decaying_weight() -> None:
    ranking = [(10, 9.0), (20, 8.0), (11, 7.0), (12, 6.0), (30, 5.0)]
    scores = service_scores(ranking, {10: 1, 11: 1, 12: 1, 20: 2}, k=10, decay=0.5)
    assert scores[1] == pytest.approx(1 / 11 + 0.5 / 13 + 0.25 / 14)  # each chunk at its own rank
    assert scores[2] == pytest.approx(1 / 12)
    assert set(scores) == {1, 2}  # only services count
    assert service_scores(ranking, {10: 1, 11: 1}, k=10, weight=2.0, decay=0.0)[1] == pytest.approx(2 / 11)


def test_a_service_matched_by_several_chunks_overtakes_one_matched_by_a_single_chunk() -> None:
    # "Fahrzeug abmelden" (B) has one chunk first in both rankings; "Kurzzeitkennzeichen" (A) is
    # second with its Beschreibung, and its Stichworte and Kosten chunks follow in both rankings.
    lexical = [(20, 9.0), (10, 8.0), (11, 7.0), (12, 6.0)]
    dense = [(20, 0.9), (10, 0.8), (12, 0.7), (11, 0.6)]
    kinds = dict.fromkeys((10, 11, 12, 20), "service")
    sources = {10: 1, 11: 1, 12: 1, 20: 2}
    fused = fuse_by_kind(lexical, dense, kinds=kinds, params=SERVICES, sources=sources)
    assert fused[0][0] == 10  # A's best chunk carries A's score
    assert dict(fused)[20] == 1.0  # B: first in both, its single chunk
    assert fused[0][1] > 1.0


def test_services_take_their_keyword_rank_from_their_own_ranking() -> None:
    lexical = [(20, 9.0), (10, 8.0), (30, 7.0)]  # "kostet" matches B's Kosten chunk best
    service_lexical = [(10, 5.0), (20, 4.0)]  # without it, A's name decides
    kinds = {10: "service", 20: "service", 30: "bylaw"}
    fused = fuse_by_kind(lexical, [], kinds=kinds, params=SERVICES, service_lexical=service_lexical)
    assert [chunk for chunk, _ in fused][:2] == [10, 20]
    assert dict(fused)[30] == pytest.approx(11 / 13)  # the by-law keeps its rank in the whole query's ranking


def test_value_words_are_dropped_for_matching_services() -> None:
    assert without_value_words("Was kostet ein neuer Reisepass?") == "Was ein neuer Reisepass?"
    assert without_value_words("Wie lange dauert die Ummeldung und welche Gebühren fallen an?") == (
        "Wie lange die Ummeldung und welche fallen an?"
    )
    assert without_value_words("Gibt es eine Kostenerstattung?") == "Gibt es eine Kostenerstattung?"
