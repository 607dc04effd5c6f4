"""Finding words in OCR text: spelling folded (case, umlauts, ß, "Str."), small recognition errors forgiven.

The pieces under :mod:`rathaus.applications.reading`: :func:`fold` makes "Lindenstr. 12" and
"LINDENSTRASSE 12" the same text, :func:`window_match` scores a name or an address against a few
consecutive lines token by token (numbers must match exactly, words may differ by an OCR error),
:func:`phrase_score` finds a fixed phrase in a line, and :func:`amounts` reads German amounts.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

#: how many letters a word of the needle may differ by (substituted, missing, extra), by its length:
#: none up to 3 letters, one up to 10, two from 11 on ("Musterfrau" is not "Mustermann")
EDITS = ((3, 0), (10, 1))
LONG_EDITS = 2
#: phrases shorter than this must occur as whole words; longer ones may carry an OCR error
FUZZY_PHRASE_MIN_LENGTH = 8
PHRASE_MIN = 0.87

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_STREET = re.compile(r"(?<=[a-z])str\b\.?|\bstr\b\.?")
_TOKEN = re.compile(r"[a-z0-9]+")
_SHAPES = ((re.compile(r"rn"), "m"), (re.compile(r"vv"), "w"), (re.compile(r"(?<=[a-z])0|0(?=[a-z])"), "o"))
_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.\s]\d{3})+|\d+)(?:[,.](\d{2}))?(?!\d)(\s*(?:€|eur))?")


def fold(text: str) -> str:
    """Lower case, umlauts and ß spelt out, accents dropped, "Str." written as "strasse"."""
    folded = text.casefold().translate(_UMLAUTS)  # casefold already turns ß into ss
    decomposed = unicodedata.normalize("NFKD", folded)
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _STREET.sub("strasse", folded)


def shape(folded: str) -> str:
    """Folded text with the letters OCR confuses by their shape made one ("rn" → "m", "0" in words → "o")."""
    for pattern, replacement in _SHAPES:
        folded = pattern.sub(replacement, folded)
    return folded


def tokens(text: str) -> list[str]:
    """The folded and shape-folded words and numbers of ``text``."""
    return _TOKEN.findall(shape(fold(text)))


def allowed_edits(token: str) -> int:
    return next((edits for longest, edits in EDITS if len(token) <= longest), LONG_EDITS)


def _candidates(lines: Sequence[str]) -> list[str]:
    """The tokens of the lines, and each pair of neighbours written together ("Linden straße" → one)."""
    found: list[str] = []
    for line in lines:
        words = tokens(line)
        found.extend(words)
        found.extend(first + second for first, second in itertools.pairwise(words))
    return found


def _has_digit(token: str) -> bool:
    return any(char.isdigit() for char in token)


@dataclass(frozen=True)
class WindowMatch:
    score: float  # 0–1, the needle's words weighted by their length
    anchor: int  # index (in the window) of the line holding the needle's longest word


def window_match(needle_tokens: Sequence[str], lines: Sequence[str]) -> WindowMatch | None:
    """How well the needle's words occur in these lines; None when a number or a word is missing."""
    per_line = [_candidates([line]) for line in lines]
    everything = [token for line in per_line for token in line]
    if not everything or not needle_tokens:
        return None
    total = weight = 0.0
    anchor, longest = 0, -1
    for token in needle_tokens:
        if _has_digit(token):
            if token not in everything:
                return None
            similarity = 1.0
        else:
            limit = allowed_edits(token)
            edits = min(Levenshtein.distance(token, word, score_cutoff=limit + 1) for word in everything)
            if edits > limit:
                return None
            similarity = 1 - edits / len(token)
        total += similarity * len(token)
        weight += len(token)
        if len(token) > longest:
            longest = len(token)
            anchor = _line_of(token, per_line)
    return WindowMatch(score=total / weight, anchor=anchor)


def _line_of(token: str, per_line: Sequence[Sequence[str]]) -> int:
    """The window line with the word closest to ``token``."""
    distances = [
        min((Levenshtein.distance(token, word) for word in words), default=len(token)) for words in per_line
    ]
    return min(range(len(distances)), key=distances.__getitem__)


def phrase_score(phrase: str, line: str) -> tuple[float, int] | None:
    """Similarity 0–1 of ``phrase`` found in ``line`` (both folded) and where it ends there, or None."""
    if len(phrase) < FUZZY_PHRASE_MIN_LENGTH:
        found = re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", line)
        return None if found is None else (1.0, found.end())
    if phrase in line:
        return 1.0, line.index(phrase) + len(phrase)
    if len(line) < len(phrase) * 0.8:
        return None
    alignment = fuzz.partial_ratio_alignment(phrase, line)
    if alignment is None or alignment.score / 100 < PHRASE_MIN:
        return None
    return alignment.score / 100, alignment.dest_end


@dataclass(frozen=True)
class Amount:
    value: Decimal
    start: int
    precise: bool  # with cents, thousands separators or a currency: surely an amount, not a number


def amounts(text: str) -> list[Amount]:
    """The amounts written the German way ("45.210,00 €", "1.230", "870,50 EUR") in folded ``text``."""
    found = []
    for match in _AMOUNT.finditer(text):
        whole, cents, currency = match.group(1), match.group(2), match.group(3)
        grouped = not whole.isdigit()
        digits = re.sub(r"[.\s]", "", whole)
        if not (cents or grouped or currency or len(digits) >= 4):
            continue  # "3." or "10." of a numbered list
        value = Decimal(f"{digits}.{cents or '00'}")
        found.append(Amount(value=value, start=match.start(), precise=bool(cents or grouped or currency)))
    return found
