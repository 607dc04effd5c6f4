"""Finding the chair's calls of agenda items in spoken text ("Ich rufe Tagesordnungspunkt 7 auf").

A call names one or more item numbers after a keyword (Tagesordnungspunkt, TOP, "Punkt 5 der
Tagesordnung"); numbers may be digits ("5.1"), words ("sieben", "fünf Punkt eins") or lists and
ranges ("16, 16.1 und 16.2", "12 bis 14"). A call with a calling verb nearby (rufen … auf, kommen
zu, behandeln, aufrufen) is *strong*; a bare mention ("wie unter TOP 3 besprochen") is *weak*.
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
    # "fünf Punkt eins" → 5.1
    if index + 2 < len(tokens) and tokens[index + 1] == "punkt":
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
        connector = tokens[index] if tokens[index] in _CONNECTORS | {"punkt"} else ""
        if not connector and not _NUMBER.fullmatch(tokens[index]):
            break
        following, after = _read_number(tokens, index + 1 if connector else index)
        if following is None:
            break
        if connector == "punkt":
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
    tokens = plain_words(text)
    strong = bool(_STRONG_CONTEXT.search(" ".join(tokens)))
    found: dict[str, float] = {}
    consumed = -1
    for index, token in enumerate(tokens):
        numbers: list[str] = []
        end = index + 1
        if index <= consumed:
            continue  # "fünf Punkt eins" was read as one number already
        if _is_keyword(token) or (token == _PUNKT and index > 0 and tokens[index - 1] == "tagesordnungs"):
            numbers, end = _read_list(tokens, index + 1)
        elif token in _PUNKTE:
            numbers, end = _read_list(tokens, index + 1)
            tail = tokens[end : end + 3]
            before = " ".join(tokens[max(0, index - 4) : index])
            if "tagesordnung" not in tail and not _STRONG_CONTEXT.search(before):
                numbers = []  # "Punkt 3" alone is too common ("Ziffer"/"Punkt" of a motion)
        strength = 1.0 if strong else 0.4
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
