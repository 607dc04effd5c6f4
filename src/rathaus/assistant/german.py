"""German text normalisation for the lexical index: stems, compound parts and stop words.

Index and query go through the same function, so "Hundesteuer" in a question meets "Steuer für
Hunde" and the "Hundesteuersatzung" in a document: every word becomes its Snowball stem, and a long
word that the HanTa morphology splits into nouns/verbs also yields the stems of its parts. Without
HanTa installed, compounds are not split (stems only).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

WORD = re.compile(r"[^\W_]+", re.UNICODE)
COMPOUND_MIN = 8  # shorter words are rarely compounds worth splitting
PART_MIN = 3
CONTENT_TAGS = ("NN", "NE", "VV", "ADJ")

_STOPWORD_TEXT = """
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch
auf aus bei beim bin bis bist da damit dann das dass dasselbe dazu dein deine deinem deinen deiner
dem demselben den denn denselben der derer derselbe derselben des desselben dessen dich die dies
diese dieselbe dieselben diesem diesen dieser dieses dir doch dort du durch ein eine einem einen
einer eines einig einige einigem einigen einiger einiges einmal er es etwas euch euer eure eurem
euren eurer eures für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn
ihnen ihr ihre ihrem ihren ihrer ihres im in indem ins ist jede jedem jeden jeder jedes jene jenem
jenen jener jenes jetzt kann kein keine keinem keinen keiner keines können könnte machen man manche
manchem manchen mancher manches mein meine meinem meinen meiner meines mich mir mit muss musste nach
nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines selbst sich sie
sind so solche solchem solchen solcher solches soll sollte sondern sonst um und uns unser unsere
unserem unseren unserer unseres unter viel vom von vor während war waren warst was weg weil weiter
welche welchem welchen welcher welches wenn werde werden wie wieder will wir wird wirst wo wollen
wollte würde würden zu zum zur zwar zwischen wer wem wen wieso warum wann wo woher wohin gibt geht
bitte ja
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_lock = threading.Lock()
_tagger: Any = None
_tagger_loaded = False


def _hanta() -> Any:
    """The HanTa tagger, loaded once; None when the package is absent."""
    global _tagger, _tagger_loaded  # noqa: PLW0603 - one lazily loaded model per process
    with _lock:
        if not _tagger_loaded:
            _tagger_loaded = True
            try:
                from HanTa import HanoverTagger  # type: ignore[import-untyped]  # noqa: PLC0415 - loaded on first use
            except ImportError:  # pragma: no cover - HanTa is a dependency; stems only without it
                _tagger = None
            else:
                _tagger = HanoverTagger.HanoverTagger("morphmodel_ger.pgz")
        return _tagger


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word, with umlauts folded (ä → a, ß → ss)."""
    import snowballstemmer  # type: ignore[import-untyped]  # noqa: PLC0415 - pure Python

    stemmer = _stemmer(snowballstemmer)
    return str(stemmer.stemWord(word)).replace("ä", "a").replace("ö", "o").replace("ü", "u")


@lru_cache(maxsize=1)
def _stemmer(module: Any) -> Any:
    return module.stemmer("german")


@lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The content parts of a compound (``"hundesteuer"`` → ``("hund", "steuer")``); () if none."""
    if len(word) < COMPOUND_MIN or word.isdigit():
        return ()
    tagger = _hanta()
    if tagger is None:
        return ()
    with _lock:
        try:
            _lemma, morphemes, _tag = tagger.analyze(word.capitalize(), taglevel=3)
        except Exception:
            return ()
    parts = tuple(
        part.lower()
        for part, tag in morphemes
        if tag.startswith(CONTENT_TAGS) and len(part) >= PART_MIN and part.isalpha()
    )
    return parts if len(parts) >= 2 else ()


def word_terms(word: str) -> list[str]:
    """The index terms of one lower-case word: its stem, then the stems of its compound parts."""
    if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
        return []
    terms = [stem(word)]
    for part in compound_parts(word):
        term = stem(part)
        if term not in terms and part not in STOPWORDS:
            terms.append(term)
    return terms


def terms(text: str) -> list[str]:
    """All index terms of ``text`` in order (duplicates kept, so frequencies count)."""
    found: list[str] = []
    for match in WORD.finditer(text.lower()):
        found.extend(word_terms(match.group()))
    return found


def normalise(text: str) -> str:
    """``text`` as a string of index terms, for FTS5 and PostgreSQL full-text search alike."""
    return " ".join(terms(text))


def query_terms(text: str) -> list[str]:
    """The distinct terms of a question, in order of appearance."""
    seen: dict[str, None] = {}
    for term in terms(text):
        seen.setdefault(term, None)
    return list(seen)


def pos_tags(words: list[str]) -> list[str] | None:
    """HanTa's STTS tags of a word sequence (``NE``: proper name); None without HanTa."""
    tagger = _hanta()
    if tagger is None or not words:
        return None
    with _lock:
        try:
            tagged = tagger.tag_sent(words, taglevel=1)
        except Exception:
            return None
    return [str(tag) for _word, _lemma, tag in tagged]


def word_tags(word: str) -> list[tuple[str, float]] | None:
    """HanTa's candidate tags of one word out of context, with log-probabilities; None without HanTa."""
    tagger = _hanta()
    if tagger is None:
        return None
    with _lock:
        try:
            candidates = tagger.tag_word(word)
        except Exception:
            return None
    return [(str(tag), float(score)) for tag, score in candidates]
