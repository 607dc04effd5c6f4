"""Content terms of agenda titles and transcript segments, and how much two sets of them overlap.

Terms are light stems (:func:`rathaus.core.text.stems.light_stem`) of the plain words, without the
spoken-German stop words of core and without the council vocabulary that every agenda item shares
("Stadtrat", "Vorlage", "Antrag"): those words say nothing about which item is being discussed.
The names of the municipality and its body (``CouncilConventions.place_names``) are stop words of
the same kind: :func:`place_stopwords` turns them into words to leave out. No place is named here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from rathaus.core.text.stems import light_stem
from rathaus.core.text.stopwords import SPEECH_STOPWORDS
from rathaus.core.text.words import plain_words

_COUNCIL_TEXT = """
stadt stadtrat stadträtin stadträte vorsitzende vorsitzender bürgermeister oberbürgermeister
gemeinderat gemeinderates verwaltung vorlage antrag anträge anfrage änderungsantrag ergänzungsantrag
stellungnahme fraktion gemeinderatsfraktion thema punkt
"""
COUNCIL_STOPWORDS = SPEECH_STOPWORDS | frozenset(_COUNCIL_TEXT.split())


def place_stopwords(place_names: Iterable[str]) -> frozenset[str]:
    """The words of the place names with their common endings ("Musterstadt" → "musterstadt",
    "musterstadter", "musterstadts"), to be left out of the content terms."""
    words: set[str] = set()
    for name in place_names:
        for word in plain_words(name):
            if len(word) > 3:
                words.update({word, f"{word}s", f"{word}r", f"{word}er", f"{word}ern", f"{word}n"})
    return frozenset(words)


def content_stems(text: str, stopwords: frozenset[str] = COUNCIL_STOPWORDS) -> list[str]:
    """Stems of the content words of ``text`` (no stop words, no words of three letters or fewer)."""
    words = plain_words(text)
    return [light_stem(t) for t in words if len(t) > 3 and t not in stopwords and not t.isdigit()]


class TermWeights:
    """Inverse document frequencies over a set of texts (segments), for weighting overlaps."""

    def __init__(self, documents: Iterable[Iterable[str]]) -> None:
        self.counts: Counter[str] = Counter()
        self.total = 0
        for document in documents:
            self.counts.update(set(document))
            self.total += 1

    def weight(self, term: str) -> float:
        """log((N + 1) / (df + 0.5)): rare terms weigh more; unseen terms weigh most."""
        return math.log((self.total + 1) / (self.counts.get(term, 0) + 0.5))


def compound_match(term: str, tokens: set[str], joined: str) -> bool:
    """Whether ``term`` occurs in the tokens, also as a part of a compound ("energie" in "windenergie")."""
    if term in tokens:
        return True
    return len(term) >= 6 and term in joined


def overlap(terms: Sequence[str], tokens: Sequence[str], weights: TermWeights) -> float:
    """Share (weighted by rarity) of ``terms`` found in ``tokens``, compound-aware, 0 … 1."""
    unique = set(terms)
    if not unique:
        return 0.0
    token_set = set(tokens)
    joined = "|".join(token_set)
    total = sum(weights.weight(t) for t in unique)
    found = sum(weights.weight(t) for t in unique if compound_match(t, token_set, joined))
    return found / total if total else 0.0
