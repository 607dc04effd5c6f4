"""German text helpers for the minutes stages: normalising, light stemming, number words, sentences.

The normaliser is deliberately forgiving, because the input is speech-to-text output: lower case,
``ß`` → ``ss``, hyphens and punctuation dropped, digits kept (``5.1`` stays one token).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

_WORD = re.compile(r"\d+(?:\.\d+)*|[a-zäöüß]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ\"„(])")

_STOPWORD_TEXT = """
aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei beim bin bis
bitte bzw da dabei damit dann das dass dem den denen denn der des deshalb die dies diese diesem diesen
dieser dieses doch dort du durch ein eine einem einen einer eines er es etwa euch für gegen gibt
hat hatte haben habe hier hin ich ihr ihre ihrem ihren im in ist ja jetzt kann kein keine können
man mehr mit muss nach nicht noch nun nur ob oder ohne schon sehr sein seine sich sie sind so
soll sollen sowie über um und uns unser unsere unter vom von vor war waren was weil wenn werden
wer wie wieder wir wird wo wurde wurden zu zum zur zwischen sehen herr frau herrn stadt karlsruhe
stadtrat stadträtin stadträte vorsitzende vorsitzender bürgermeister oberbürgermeister dr prof
gemeinderat gemeinderates verwaltung vorlage antrag anträge anfrage änderungsantrag ergänzungsantrag
stellungnahme fraktion gemeinderatsfraktion thema punkt
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_UNITS = {
    "null": 0,
    "ein": 1,
    "eins": 1,
    "eine": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
}
_TEENS = {
    "zehn": 10,
    "elf": 11,
    "zwölf": 12,
    "dreizehn": 13,
    "vierzehn": 14,
    "fünfzehn": 15,
    "sechzehn": 16,
    "siebzehn": 17,
    "achtzehn": 18,
    "neunzehn": 19,
}
_TENS = {
    "zwanzig": 20,
    "dreißig": 30,
    "dreissig": 30,
    "vierzig": 40,
    "fünfzig": 50,
    "sechzig": 60,
    "siebzig": 70,
    "achtzig": 80,
    "neunzig": 90,
}
_SUFFIXES = ("ungen", "ung", "ern", "en", "er", "es", "em", "e", "n", "s")


def normalize(text: str) -> str:
    """Lower case, ``ß`` → ``ss``, words joined across line-break hyphens, one space between tokens."""
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return " ".join(_WORD.findall(text.lower().replace("ß", "ss")))


def words(text: str) -> list[str]:
    """The normalised tokens of ``text``."""
    return _WORD.findall(text.lower().replace("ß", "ss"))


def stem(token: str) -> str:
    """A light German stem: strips one common inflection suffix from words longer than five letters."""
    if len(token) <= 5 or token.isdigit():
        return token
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 5:
            return token[: -len(suffix)]
    return token


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text`` (no stop words, no one- and two-letter words)."""
    return [stem(t) for t in words(text) if len(t) > 3 and t not in STOPWORDS and not t.isdigit()]


def number_word(token: str) -> int | None:
    """The value of a German number word from 0 to 99 (``"siebenundzwanzig"`` → 27), else None."""
    token = token.lower().replace("ß", "ss").replace("dreissig", "dreißig")
    if token.isdigit():
        return int(token)
    for table in (_UNITS, _TEENS, _TENS):
        if token in table:
            return table[token]
    match = re.fullmatch(r"(\w+?)und(\w+)", token)
    if match and match.group(1) in _UNITS and match.group(2) in _TENS:
        return _UNITS[match.group(1)] + _TENS[match.group(2)]
    return None


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences at ``.!?`` followed by a capital letter."""
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


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
