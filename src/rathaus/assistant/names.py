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

from rathaus.assistant.german import pos_tags

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


def looks_like_full_name(text: str, *, start: int, first: str, last: str) -> bool:
    """True when ``first`` (a listed first name) and ``last``, found at ``start`` of ``text``, are a name."""
    if last in NOT_SURNAMES or (is_first_name(last) and not is_surname(last)):
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
