"""The JSON exports of electronic voting systems, read tolerantly into flat rows.

Voting systems nest what the Protokollhilfe needs at different depths, e.g.::

    {"Abstimmungen": [{"Abstimmung": {
        "Gegenstand": {"TOP": "5.10", "Titel": "Radverkehrskonzept", "Antrag": "Änderungsantrag DS0081/25/2"},
        "Ergebnis": {"Ja": 30, "Nein": 12, "Enthaltung": 2},
        "Einzelstimmen": [{"Name": "Florian Bühnemann", "Fraktion": "SPD", "Stimme": "J"}, …]}}]}

Each vote object is searched breadth first for the agenda number, title, motion and counts under the
German or English names below, and for the list (or mapping) of individual votes. The result is one
flat row per vote with the keys ``item``, ``title``, ``motion``, ``yes``, ``no``, ``abstain`` and
``named`` (a list of ``(name, vote word)`` pairs); ``voting`` checks and converts them.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from typing import Any

FIELDS = {
    "item": (
        "top",
        "topnummer",
        "topnr",
        "tagesordnungspunkt",
        "tagesordnungspunktnummer",
        "item",
        "agendaitem",
        "agendanumber",
        "itemnumber",
    ),
    "title": ("titel", "title", "betreff", "bezeichnung", "toptitel", "name"),
    "motion": (
        "antrag",
        "motion",
        "beschlussvorschlag",
        "antragstext",
        "vorlage",
        "drucksache",
        "gegenstand",
        "subject",
    ),
    "yes": ("ja", "yes", "dafür", "dafuer", "jastimmen", "zustimmung", "pro", "for", "infavour", "infavor"),
    "no": ("nein", "no", "dagegen", "neinstimmen", "ablehnung", "contra", "against"),
    "abstain": (
        "enthaltung",
        "enthaltungen",
        "enthalten",
        "abstain",
        "abstention",
        "abstentions",
        "abstained",
    ),
}
LISTS = ("abstimmungen", "votes", "votings", "abstimmung", "data", "items", "ergebnisse", "results")
NAMED = (
    "einzelstimmen",
    "namentlich",
    "namentlichestimmen",
    "stimmen",
    "namedvotes",
    "named",
    "votes",
    "individualvotes",
    "ballots",
    "stimmabgaben",
    "abstimmungsverhalten",
    "teilnehmer",
)
NAME_KEYS = (
    "name",
    "person",
    "mitglied",
    "ratsmitglied",
    "abgeordneter",
    "delegierter",
    "teilnehmer",
    "stimmberechtigter",
    "member",
    "voter",
)
VOTE_KEYS = ("stimme", "vote", "votum", "stimmabgabe", "entscheidung", "abstimmung", "value", "wert")
FIRST, LAST = ("vorname", "firstname", "givenname"), ("nachname", "lastname", "familyname", "surname")
COUNT_KEYS = ("anzahl", "count", "wert", "value", "summe", "total")
WEAK_NUMBER = ("nummer", "number", "nr")  # at the vote's own level this is the vote's running number
NUMBER_IN_TITLE = re.compile(
    r"^\s*(?:TOP|Tagesordnungspunkt)?\s*(?:Ö|NÖ|N)?\s*(\d+(?:\.\d+)*)\.?(?:\s*[:\-–]\s*|\s+)"
)
NUMBER_IN_MOTION = re.compile(r"^\s*(?:TOP|Tagesordnungspunkt)\s*(?:Ö|NÖ|N)?\s*(\d+(?:\.\d+)*)")


def key_of(name: object) -> str:
    """``"Ja-Stimmen"`` → ``"jastimmen"``: keys compared without case, spaces, dashes and underscores."""
    return re.sub(r"[\s_\-.]+", "", str(name).strip().lower())


def vote_objects(document: Any) -> list[dict[str, Any]]:
    """The vote objects of a document: a list of them, a mapping holding such a list, or one vote."""
    if isinstance(document, list):
        return [_unwrap(entry) for entry in document if isinstance(entry, dict)]
    if not isinstance(document, dict):
        return []
    for key, value in document.items():
        if key_of(key) in LISTS and _objects(value) and not all(_is_ballot(entry) for entry in value):
            return [_unwrap(entry) for entry in value]
    return [_unwrap(document)]


def _objects(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(entry, dict) for entry in value)


def _is_ballot(entry: dict[str, Any]) -> bool:
    """An individual vote (a name and a vote, no agenda number), not a vote object."""
    keys = {key_of(key) for key in entry}
    return (
        bool(keys & set(VOTE_KEYS))
        and bool(keys & {*NAME_KEYS, *FIRST, *LAST})
        and not keys & set(FIELDS["item"])
    )


def _unwrap(entry: dict[str, Any]) -> dict[str, Any]:
    """``{"Abstimmung": {…}}`` → ``{…}``: a single key wrapping the vote."""
    while len(entry) == 1:
        (value,) = entry.values()
        if not isinstance(value, dict):
            break
        entry = value
    return entry


def flat_row(vote: dict[str, Any]) -> dict[str, Any]:
    """One vote object as a flat row (see the module docstring)."""
    row: dict[str, Any] = {name: _scalar(vote, aliases) for name, aliases in FIELDS.items()}
    if row["item"] is None:
        nested = (value for value in vote.values() if isinstance(value, dict))
        row["item"] = next(
            (found for inner in nested if (found := _scalar(inner, WEAK_NUMBER)) is not None), None
        )
    if row["item"] is None and row["title"]:
        match = NUMBER_IN_TITLE.match(str(row["title"]))
        if match:
            row["item"], row["title"] = match[1], str(row["title"])[match.end() :].strip() or None
    if row["item"] is None and row["motion"]:
        match = NUMBER_IN_MOTION.match(str(row["motion"]))
        row["item"] = match[1] if match else None
    row["named"] = _named(vote)
    return row


def _breadth_first(vote: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    queue: deque[dict[str, Any]] = deque([vote])
    while queue:
        current = queue.popleft()
        for key, value in current.items():
            yield key_of(key), value
            if isinstance(value, dict):
                queue.append(value)


def _scalar(vote: dict[str, Any], aliases: tuple[str, ...]) -> Any:
    """The value under the first of ``aliases`` found (shallowest first); a mapping under the alias is
    searched further (``"Gegenstand": {"Antrag": …}``, ``"Ja": {"Anzahl": 30}``).
    """
    for alias in aliases:
        for key, value in _breadth_first(vote):
            if key != alias:
                continue
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                return value
            if isinstance(value, dict):
                inner = _scalar(value, (*(a for a in aliases if a != alias), *COUNT_KEYS))
                if inner is not None:
                    return inner
    return None


def _named(vote: dict[str, Any]) -> list[tuple[str, str]]:
    for key, value in _breadth_first(vote):
        if key not in NAMED:
            continue
        if isinstance(value, dict) and all(isinstance(v, str | None) for v in value.values()):
            return [(str(name), str(word or "")) for name, word in value.items()]
        if _objects(value):
            pairs = [_pair(entry) for entry in value]
            return [pair for pair in pairs if pair is not None]
    return []


def _pair(entry: dict[str, Any]) -> tuple[str, str] | None:
    """``{"Name": "A", "Stimme": "J"}`` or ``{"Person": {"Vorname": …, "Nachname": …}, "Votum": "nein"}``."""
    name = _person_name(entry)
    word = next(
        (value for key, value in _breadth_first(entry) if key in VOTE_KEYS and not isinstance(value, dict)),
        None,
    )
    if not name:
        return None
    return name, str(word if word is not None else "")


def _person_name(entry: dict[str, Any]) -> str:
    first = _scalar(entry, FIRST)
    last = _scalar(entry, LAST)
    if last:
        return " ".join(str(part).strip() for part in (first, last) if part)
    for key, value in entry.items():
        if key_of(key) in NAME_KEYS:
            if isinstance(value, dict):
                return _person_name(value)
            if isinstance(value, str):
                return value.strip()
    return ""
