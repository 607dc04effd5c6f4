"""Is a pair of words a person's name? First and surname lists (from Faker) and HanTa's tags.

Faker's ``de_DE``, ``de_AT`` and ``de_CH`` person providers carry about 3,000 first names and
1,500 surnames common in German-speaking countries (MIT licence, imported lazily, no network).
A first name followed by a listed surname is a name; a first name followed by a capitalised word
that HanTa tags as a proper name (``NE``) in its sentence is one too. First names that are also
everyday words ("August", "Mark", "Silvester") only count before a listed surname.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rathaus.core.text.morphology import pos_tags, word_tags

# First names that are also German words or months; these need a listed surname after them.
AMBIGUOUS_FIRST_NAMES = frozenset(
    [
        "August",
        "Mark",
        "Kai",
        "Roman",
        "Silvester",
        "Urban",
        "Solange",
        "Flora",
        "Harm",
        "Marine",
        "Mentor",
        "Gloria",
        "Ernst",
        "Rose",
        "Norma",
        "Neo",
        "Finn",
        "Will",
        "Engel",
        "Christ",
        "Fee",
        "Gottlob",
        "Eitel",
        "Traugott",
        "Wanda",
        "Maya",
        "Frank",
    ]
)
# Capitalised words that HanTa may tag NE but that follow a first name without being a surname
# in the questions citizens type (places and offices are not personal data here).
NOT_SURNAMES = frozenset(
    ["Straße", "Strasse", "Platz", "Weg", "Allee", "Kirche", "Schule", "Halle", "Haus", "Mitte", "Amt"]
)
TOKEN = re.compile(r"[\w-]+|[^\w\s]", re.UNICODE)
SURNAME_WORD = re.compile(r"(?<![\w-])[A-ZÄÖÜ][a-zäöüß]+(?![\w-])")
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
# Words after a surname that make it part of a place ("Gottfried Keller Strasse", "Scholl Schule").
PLACE_WORDS = frozenset(
    [
        "straße",
        "strasse",
        "str",
        "weg",
        "wegs",
        "platz",
        "allee",
        "gasse",
        "ring",
        "schule",
        "gymnasium",
        "realschule",
        "grundschule",
        "gms",
        "halle",
        "haus",
        "kirche",
        "park",
        "brücke",
        "bruecke",
        "brunnen",
        "zentrum",
        "hof",
        "denkmal",
    ]
)
# A word that is itself a street ("Schleyerstr", "Lindenweg") is no surname.
PLACE_SUFFIX = re.compile(r"(?:stra(?:ß|ss)e|str|weg|platz|allee|gasse)$")
NEXT_WORD = re.compile(r"[\s-]*(\w+)")
# HanTa scores words in its lexicon above this log-probability and guesses unknown ones below it.
LEXICON_SCORE = -16.0


@lru_cache(maxsize=1)
def _lists() -> tuple[frozenset[str], frozenset[str]]:
    """The first names and surnames of Faker's German-language person providers; empty without Faker."""
    try:
        from faker.providers.person import de_AT, de_CH, de_DE  # noqa: PLC0415 - loaded on first use
    except ImportError:  # pragma: no cover - Faker is a dependency; cue-based names only without it
        return frozenset(), frozenset()
    first: set[str] = set()
    last: set[str] = set()
    for module in (de_DE, de_AT, de_CH):
        provider = module.Provider
        first.update(name for name in provider.first_names if " " not in name and "." not in name)
        last.update(name for name in provider.last_names if " " not in name)
    return frozenset(first), frozenset(last)


def is_first_name(word: str) -> bool:
    """True when ``word`` is a listed first name."""
    return word in _lists()[0]


def is_surname(word: str) -> bool:
    """True when ``word`` is a listed surname."""
    return word in _lists()[1]


def lone_surnames(text: str) -> list[tuple[int, int]]:
    """Spans of listed surnames typed without a first name ("Müller fragt …", "mit Schmidt telefoniert").

    A surname counts when HanTa tags it as a proper name (``NE``) in its sentence, it is no everyday
    word as well ("Koch", "Baum", "Braun" are left), and no street or building follows it
    ("Gottfried Keller Strasse", "Geschwister Scholl Schule").
    """
    candidates = [match for match in SURNAME_WORD.finditer(text) if _lone_surname_candidate(match.group())]
    if not candidates:
        return []
    spans: list[tuple[int, int]] = []
    for sentence in SENTENCE.finditer(text):
        inside = [match for match in candidates if sentence.start() <= match.start() < sentence.end()]
        if not inside:
            continue
        tokens = list(TOKEN.finditer(sentence.group()))
        tags = pos_tags([token.group() for token in tokens])
        if tags is None:
            return []
        for token, tag in zip(tokens, tags, strict=True):
            start = sentence.start() + token.start()
            if tag != "NE" or not any(match.start() == start for match in inside):
                continue
            end = start + len(token.group())
            if not names_a_place(text, end):
                spans.append((start, end))
    return spans


def names_a_place(text: str, end: int) -> bool:
    """True when the name ending at ``end`` is part of a street or building ("Georg Elser Platz")."""
    following = NEXT_WORD.match(text, end)
    return following is not None and following.group(1).lower() in PLACE_WORDS


def _lone_surname_candidate(word: str) -> bool:
    return (
        is_surname(word) and not is_first_name(word) and word not in NOT_SURNAMES and not is_common_word(word)
    )


@lru_cache(maxsize=4096)
def is_common_word(word: str) -> bool:
    """True when HanTa's lexicon knows ``word`` as something other than a name ("Koch", "Baum")."""
    candidates = word_tags(word)
    if candidates is None:
        return True  # without the tagger no lone surname is taken for a name
    return any(tag != "NE" and score > LEXICON_SCORE for tag, score in candidates)


def looks_like_full_name(text: str, *, start: int, first: str, last: str) -> bool:
    """True when ``first`` (a listed first name) and ``last``, found at ``start`` of ``text``, are a name."""
    if last in NOT_SURNAMES or PLACE_SUFFIX.search(last) or (is_first_name(last) and not is_surname(last)):
        return False
    if is_surname(last):
        return True
    if first in AMBIGUOUS_FIRST_NAMES:
        return False
    sentence_start = max(text.rfind(".", 0, start), text.rfind("?", 0, start), text.rfind("!", 0, start)) + 1
    sentence_end = min((i for i in (text.find(c, start) for c in ".?!") if i != -1), default=len(text))
    words = TOKEN.findall(text[sentence_start : sentence_end + 1])
    tags = pos_tags(words)
    if tags is None:
        return False
    return any(word == last and tag == "NE" for word, tag in zip(words, tags, strict=True))
