"""The terms of the lexical search index: Snowball stems, compound parts, no stop words.

Index and query go through the same function, so "Hundesteuer" in a question meets "Steuer für
Hunde" and the "Hundesteuersatzung" in a document: every word becomes its Snowball stem, and a long
word that the HanTa morphology splits into nouns/verbs also yields the stems of its parts. Without
HanTa installed, compounds are not split (stems only). The index stores these terms (SQLite FTS5,
PostgreSQL tsvector), so a change here needs a reindex.
"""

from __future__ import annotations

import re

from rathaus.core.text.morphology import compound_parts
from rathaus.core.text.stems import snowball_stem
from rathaus.core.text.stopwords import STOPWORDS

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _word_terms(word: str) -> list[str]:
    """The index terms of one lower-case word: its stem, then the stems of its compound parts."""
    if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
        return []
    terms = [snowball_stem(word)]
    for part in compound_parts(word):
        term = snowball_stem(part)
        if term not in terms and part not in STOPWORDS:
            terms.append(term)
    return terms


def search_terms(text: str) -> list[str]:
    """All index terms of ``text`` in order (duplicates kept, so frequencies count)."""
    found: list[str] = []
    for match in _WORD.finditer(text.lower()):
        found.extend(_word_terms(match.group()))
    return found


def search_text(text: str) -> str:
    """``text`` as a string of index terms, for FTS5 and PostgreSQL full-text search alike."""
    return " ".join(search_terms(text))


def query_terms(text: str) -> list[str]:
    """The distinct index terms of a question, in order of appearance."""
    seen: dict[str, None] = {}
    for term in search_terms(text):
        seen.setdefault(term, None)
    return list(seen)
