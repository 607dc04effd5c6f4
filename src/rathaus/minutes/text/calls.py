"""Finding the chair's calls of agenda items in spoken text ("Ich rufe Tagesordnungspunkt 7 auf").

A call names one or more item numbers after a keyword (Tagesordnungspunkt, TOP, "Punkt 5 der
Tagesordnung"); numbers may be digits ("5.1"), words ("sieben", "fünf Punkt eins") or lists and
ranges ("16, 16.1 und 16.2", "12 bis 14"), and levels may be spoken with "Komma" ("Punkt fünf
Komma zehn" → 5.10) or written with a comma ("5,10"). A call with a calling verb nearby (rufen …
auf, kommen zu, behandeln, aufrufen) is *strong*; a bare mention ("wie unter TOP 3 besprochen") is
*weak*. Items are also called by their paper: "Drucksache 441 aus 25", "Vorlage 2025 Schrägstrich
441" (:func:`find_papers`), which match the written references "0441/25", "DS0441/25", "2025/0441"
(:func:`paper_key`).
"""

from __future__ import annotations

import re

from rathaus.core.text.numbers import number_word
from rathaus.core.text.words import plain_words

_KEYWORDS = frozenset({"tagesordnungspunkt", "tagesordnungspunkte", "tagesordnungspunkten", "top", "tops"})
_STRONG_CONTEXT = re.compile(
    r"\b(rufe|ruft|rufen|aufrufen|aufgerufen|aufruf|kommen|komme|kommt|behandeln|behandlung|weiter mit)\b"
)
_CONNECTORS = frozenset({"und", "sowie", "bis", "mit", "auch"})
_PUNKT = "punkt"
_PUNKTE = frozenset({"punkt", "punkte", "punkten"})
_LEVEL = frozenset({"punkt", "komma"})  # "fünf Punkt eins", "fünf Komma zehn"
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
# "beim nächsten Tagesordnungspunkt kommt mein Kollege …": a reference to another item, no call
_REFERENCE = frozenset({"beim", "im", "unter", "bei", "in"})
_ATTRIBUTES = frozenset({"nächsten", "vorigen", "vorherigen", "letzten", "folgenden", "späteren", "anderen"})


def _read_number(tokens: list[str], index: int) -> tuple[str | None, int]:
    """The item number starting at ``tokens[index]`` and the index after it."""
    if index >= len(tokens):
        return None, index
    token = tokens[index]
    if _NUMBER.fullmatch(token):
        return token, index + 1
    value = number_word(token)
    if value is None or token in {"ein", "eine"}:
        return None, index
    # "fünf Punkt eins" → 5.1, "fünf Komma zehn" → 5.10
    if index + 2 < len(tokens) and tokens[index + 1] in _LEVEL:
        sub = number_word(tokens[index + 2])
        if sub is not None:
            return f"{value}.{sub}", index + 3
    return str(value), index + 1


def _read_list(tokens: list[str], index: int) -> tuple[list[str], int]:
    """A list of numbers ("16 16.1 und 16.2", "12 bis 14") and the index after it."""
    numbers: list[str] = []
    first, index = _read_number(tokens, index)
    if first is None:
        return numbers, index
    numbers.append(first)
    while index < len(tokens):
        connector = tokens[index] if tokens[index] in _CONNECTORS | _LEVEL else ""
        if not connector and not _NUMBER.fullmatch(tokens[index]):
            break
        following, after = _read_number(tokens, index + 1 if connector else index)
        if following is None:
            break
        if connector in _LEVEL:
            numbers[-1] = f"{numbers[-1]}.{following}"
        elif connector == "bis" and numbers[-1].isdigit() and following.isdigit():
            numbers.extend(str(n) for n in range(int(numbers[-1]) + 1, int(following) + 1))
        else:
            numbers.append(following)
        index = after
    return numbers, index


def find_calls(text: str) -> dict[str, float]:
    """Item numbers called or mentioned in ``text`` with a strength (1.0 strong call, 0.4 mention).

    The key ``"?"`` stands for a call whose number was lost ("ruft Tagesordnungspunkt zur Behandlung auf").
    """
    tokens = plain_words(_DECIMAL_COMMA.sub(".", text))
    strong = bool(_STRONG_CONTEXT.search(" ".join(tokens)))
    found: dict[str, float] = {}
    consumed = -1
    for index, token in enumerate(tokens):
        numbers: list[str] = []
        end = index + 1
        strong_here = True
        if index <= consumed:
            continue  # "fünf Punkt eins" was read as one number already
        if _is_keyword(token) or (token == _PUNKT and index > 0 and tokens[index - 1] == "tagesordnungs"):
            numbers, end = _read_list(tokens, index + 1)
        elif token in _PUNKTE:
            numbers, end = _read_list(tokens, index + 1)
            tail = tokens[end : end + 3]
            before = " ".join(tokens[max(0, index - 4) : index])
            called = "tagesordnung" in tail or _STRONG_CONTEXT.search(before)
            if not called and not (index == 0 and len(numbers) == 1 and "." in numbers[0]):
                numbers = []  # "Punkt 3" alone is too common ("Ziffer"/"Punkt" of a motion)
            elif not called:
                strong_here = False  # "Punkt fünf Komma zehn, …" opening a segment: a weak call
        strength = 1.0 if strong and strong_here else 0.4
        if not numbers and strong and _is_keyword(token) and not _is_reference(tokens, index):
            numbers = ["?"]  # "ruft Tagesordnungspunkt zur Behandlung auf": a call, number lost
        for number in numbers:
            found[number] = max(found.get(number, 0.0), strength)
        if numbers:
            consumed = end - 1
    return found


def _is_reference(tokens: list[str], index: int) -> bool:
    """Whether the keyword at ``index`` follows "beim", "im", "unter" (+ "nächsten"): named, not called."""
    before = index - 1
    if before >= 0 and tokens[before] in _ATTRIBUTES:
        before -= 1
    return before >= 0 and tokens[before] in _REFERENCE


def _is_keyword(token: str) -> bool:
    """ "Tagesordnungspunkt" and its misspellings or mishearings ("Tagesordnungspunk", "Tag in
    Ordnungspunkt" → "ordnungspunkt"), "TOP"."""
    return (
        token in _KEYWORDS
        or (token.startswith("tagesordnungsp") and len(token) <= 21)
        or token in {"ordnungspunkt", "ordnungspunkte"}
    )


_PAPER_WORDS = frozenset(
    {"drucksache", "drucksachen", "drucksachennummer", "ds", "vorlage", "vorlagen", "vorlagennummer"}
)
_PAPER_JOINERS = frozenset({"aus", "von", "vom", "schrägstrich", "strich", "nummer", "nr"})
_SPOKEN_NUMBER = re.compile(r"(?:(\w*?)tausend)?(?:(\w*?)hundert)?(\w*)")


def spoken_number(token: str) -> int | None:
    """Digits or a German number word up to the thousands ("vierhunderteinundvierzig" → 441)."""
    if token.isdigit():
        return int(token)
    simple = number_word(token)
    if simple is not None:
        return simple
    match = _SPOKEN_NUMBER.fullmatch(token)
    if not match or not (match.group(1) is not None or match.group(2) is not None):
        return None
    total = 0
    for part, factor in ((match.group(1), 1000), (match.group(2), 100)):
        if part is not None:
            value = number_word(part) if part not in {"", "ein", "eins"} else 1
            if value is None:
                return None
            total += value * factor
    rest = match.group(3)
    if rest:
        value = number_word(rest)
        if value is None:
            return None
        total += value
    return total


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits[:2] in {"19", "20"}


def paper_key(reference: str) -> tuple[int, int] | None:
    """(number, two-digit year) of a written paper reference: "0441/25", "DS0441/25", "2025/0441"."""
    groups = re.findall(r"\d+", reference)
    if len(groups) < 2:
        return None
    first, second = groups[0], groups[1]
    if _is_year(first):
        return int(second), int(first) % 100
    return int(first), int(second) % 100


def find_papers(text: str) -> dict[tuple[int, int], float]:
    """Papers named in ``text`` ("Drucksache 441 aus 25"), as :func:`paper_key` keys with a strength.

    1.0 with a calling verb nearby ("wir kommen zur Drucksache …"), else 0.4.
    """
    tokens = plain_words(text)
    strength = 1.0 if _STRONG_CONTEXT.search(" ".join(tokens)) else 0.4
    found: dict[tuple[int, int], float] = {}
    for index, token in enumerate(tokens):
        if token not in _PAPER_WORDS:
            continue
        values: list[tuple[str, int]] = []
        cursor = index + 1
        while cursor < len(tokens) and len(values) < 2:
            word = tokens[cursor]
            value = spoken_number(word)
            if value is not None:
                values.append((word, value))
            elif word not in _PAPER_JOINERS or not values:
                break
            cursor += 1
        if len(values) < 2:
            continue
        (first_word, first), (second_word, second) = values
        year_first = _is_year(first_word) or (not first_word.isdigit() and 1990 <= first <= 2099)
        if year_first:
            key = (second, first % 100)
        elif second <= 99 or _is_year(second_word):
            key = (first, second % 100)
        else:
            continue
        found[key] = max(found.get(key, 0.0), strength)
    return found
