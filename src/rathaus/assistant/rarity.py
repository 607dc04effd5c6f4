"""How telling a noun of the question is: by how many of the installation's sources use it.

"Kind", "Wohnung" or "Gebühr" stand in a large share of a town's by-laws, "Kita" or "Ruhewald" in a
few. A by-law passage that shares only such common nouns with a question, while the question also
names a rare one the passage lacks ("Kita-Gebühr" against the shelter by-law's "Kindern"), is a
neighbouring rule found through the town's vocabulary, not the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass, field

RARE = 0.015  # a noun in at most this share of the sources names a topic (the titles' share, see Thresholds)
COMMON = 0.15  # a noun in at least this share of the sources says nothing about the topic


@dataclass
class _Corpus:
    texts: Sequence[str] | None = None
    shares: dict[str, float] = field(default_factory=dict)


_CORPORA: dict[Hashable, _Corpus] = {}  # per state of the sources: reading the texts takes time


def counter(
    key: Hashable, documents: Callable[[], Sequence[str]], found: Callable[[str, str], bool]
) -> Callable[[str], float]:
    """The share of ``documents`` (read on first use, lower case) in which a term is ``found``.

    ``key`` names the state of the sources (database, tenant, count, last change): the texts are
    read once per state, not per question.
    """
    corpus = _CORPORA.get(key)
    if corpus is None:
        if len(_CORPORA) >= 4:
            _CORPORA.pop(next(iter(_CORPORA)))
        corpus = _CORPORA[key] = _Corpus()

    def share(term: str) -> float:
        if term not in corpus.shares:
            if corpus.texts is None:
                corpus.texts = documents()
            read = corpus.texts
            corpus.shares[term] = sum(found(text, term) for text in read) / len(read) if read else 0.0
        return corpus.shares[term]

    return share


def only_common(nouns: Collection[str], present: Collection[str], share: Callable[[str], float]) -> bool:
    """True when the ``present`` nouns are all common while a rare noun of ``nouns`` is missing."""
    if not present:
        return False
    missing = [noun for noun in nouns if noun not in present]
    if not any(0.0 < share(noun) <= RARE for noun in missing):
        return False
    return all(share(noun) >= COMMON for noun in present)
