"""Records of an electronic voting system (CSV or JSON): parse them and match them to the agenda.

CSV: one vote per row, separated by ``;``, ``,`` or tabs, with a header naming the columns (German or
English): ``TOP;Antrag;Ja;Nein;Enthaltung;Namentlich`` where *Namentlich* holds named votes as
``Name=J|Name=N``. Or one individual vote per row (``TOP;Antrag;Name;Fraktion;Stimme``): the rows of
one TOP and motion form one vote, counted from the individual votes. JSON: a list of objects
``{"item": "5.1", "motion": "…", "yes": 30, "no": 2, "abstain": 1, "named_votes": {"Name": "ja"}}``
or a voting system's export with the agenda number nested in the voting subject and a list of
individual votes (read by ``voting_json``).

Individual votes take the voting systems' letters J/N/E/O as well as words: ``ja``, ``nein``,
``enthaltung``, ``nicht abgestimmt`` (O = ohne Stimme) and ``abwesend``. Missing counts are counted
from the individual votes. Files are decoded by ``core.text.encoding`` (never a garbled name).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from rathaus.core.text.encoding import UndecodableTextError, decode_upload
from rathaus.minutes.schemas import VoteCounts, VotingRecord
from rathaus.minutes.voting_json import flat_row, key_of, vote_objects

COLUMNS = {
    "item": ("top", "topnr", "topnummer", "tagesordnungspunkt", "item", "agendaitem", "nummer", "number"),
    "title": ("titel", "title", "betreff", "toptitel"),
    "motion": ("antrag", "motion", "gegenstand", "beschlussvorschlag"),
    "yes": ("ja", "yes", "dafür", "jastimmen"),
    "no": ("nein", "no", "dagegen", "neinstimmen"),
    "abstain": ("enthaltung", "enthaltungen", "abstain", "abstention"),
    "named": ("namentlich", "namedvotes", "named", "einzelstimmen"),
    "person": ("name", "person", "mitglied", "ratsmitglied"),
    "vote": ("stimme", "vote", "votum", "stimmabgabe"),
}
YES, NO, ABSTAIN, NOT_VOTED, ABSENT = "ja", "nein", "enthaltung", "nicht abgestimmt", "abwesend"
VOTE_WORDS = {
    **dict.fromkeys(("j", "ja", "yes", "y", "dafür", "dafuer", "zustimmung", "for", "+"), YES),
    **dict.fromkeys(("n", "nein", "no", "dagegen", "ablehnung", "against", "-"), NO),
    **dict.fromkeys(("e", "enthaltung", "enthalten", "abstain", "abstention", "abstained"), ABSTAIN),
    **dict.fromkeys(
        (
            "o",
            "ohne stimme",
            "ohne",
            "nicht abgestimmt",
            "keine stimme",
            "keine stimmabgabe",
            "not voted",
            "did not vote",
            "didntvote",
            "",
        ),
        NOT_VOTED,
    ),
    **dict.fromkeys(("abwesend", "absent", "nicht anwesend", "entschuldigt", "fehlt"), ABSENT),
}
PRESENT_WORDS = frozenset({YES, NO, ABSTAIN})  # who cast one of these was in the room


class VotingImportError(ValueError):
    """Voting records that cannot be used; the German message names every problem."""


def normalize_number(number: str) -> str:
    """``"TOP 5.1"``, ``"Ö 5.1"``, ``"5.1."`` → ``"5.1"`` (for matching, not for display)."""
    text = number.strip().lower()
    text = re.sub(r"^(top|tagesordnungspunkt|ö|n|nö)\s*", "", text)
    return text.strip().rstrip(".").strip()


def vote_word(value: object) -> str | None:
    """``"J"`` → ``"ja"``, ``"O"`` → ``"nicht abgestimmt"``; None for a word no voting system uses."""
    return VOTE_WORDS.get(" ".join(str(value if value is not None else "").strip().lower().split()))


def _key_map(keys: Iterable[str]) -> dict[str, str]:
    found = {}
    for key in keys:
        clean = key_of(key)
        for name, aliases in COLUMNS.items():
            if clean in aliases and name not in found:
                found[name] = key
    return found


def _count(value: Any, *, item: str, what: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError as error:
        raise VotingImportError(f"TOP {item}: „{value}“ ist keine Zahl ({what}).") from error
    if number < 0:
        raise VotingImportError(f"TOP {item}: negative Stimmenzahl ({what}).")
    return number


def _named(value: Any, *, item: str) -> dict[str, str]:
    if not value:
        return {}
    pairs: Iterable[tuple[Any, Any]]
    if isinstance(value, dict):
        pairs = value.items()
    elif isinstance(value, list):
        pairs = value
    else:
        pairs = (tuple(part.split("=", 1)) for part in re.split(r"[|\n]", str(value)) if "=" in part)
    named = {}
    for name, vote in pairs:
        word = vote_word(vote)
        if word is None:
            raise VotingImportError(
                f"TOP {item}: unbekannte Stimme „{vote}“ für {name} (J/ja, N/nein, E/Enthaltung, "
                "O/nicht abgestimmt, abwesend)."
            )
        named[str(name).strip()] = word
    return named


def _record(row: dict[str, Any], keys: dict[str, str], line: int) -> VotingRecord:
    if "item" not in keys and "title" not in keys:
        raise VotingImportError("Die Abstimmungsdaten haben keine Spalte für den Tagesordnungspunkt (TOP).")
    item = str(row.get(keys.get("item", "")) or "").strip()
    title = str(row.get(keys.get("title", "")) or "").strip() or None
    if not item and not title:
        raise VotingImportError(f"Abstimmung {line}: der Tagesordnungspunkt fehlt (Nummer oder Titel).")
    named = _named(row.get(keys.get("named", "")), item=item)
    stated = {
        what: _count(row.get(keys.get(what, "")), item=item, what=label)
        for what, label in (("yes", "Ja"), ("no", "Nein"), ("abstain", "Enthaltung"))
    }
    counted = {"yes": YES, "no": NO, "abstain": ABSTAIN}
    counts = {
        what: number if number is not None else sum(word == counted[what] for word in named.values())
        for what, number in stated.items()
    }
    return VotingRecord(
        item_number=item,
        motion=str(row.get(keys.get("motion", "")) or "").strip(),
        counts=VoteCounts(yes=counts["yes"], no=counts["no"], abstain=counts["abstain"]),
        named_votes=named,
        item_title=title,
    )


def parse_records(data: bytes, *, filename: str = "") -> list[VotingRecord]:
    """Read voting records from CSV or JSON bytes; raise VotingImportError with a German message."""
    try:
        text = decode_upload(data, what="Die Datei mit den Abstimmungsdaten").strip()
    except UndecodableTextError as error:
        raise VotingImportError(str(error)) from error
    if not text:
        raise VotingImportError("Die Datei mit den Abstimmungsdaten ist leer.")
    if filename.lower().endswith(".json") or text[0] in "[{":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise VotingImportError(f"Die Abstimmungsdaten sind kein gültiges JSON: {error}") from error
        rows = [flat_row(vote) for vote in vote_objects(document)]
        if not rows:
            raise VotingImportError(
                "Erwartet wird eine Liste von Abstimmungen (Objekte mit TOP und Stimmen)."
            )
        keys = {name: name for name in ("item", "title", "motion", "yes", "no", "abstain", "named")}
        present = [row for row in rows if row["item"] is not None or row["title"]]
        if not present:
            raise VotingImportError("Die Abstimmungsdaten nennen keinen Tagesordnungspunkt (TOP).")
        return [_record(row, keys, index) for index, row in enumerate(rows, start=1)]
    return _csv_records(text)


def _csv_records(text: str) -> list[VotingRecord]:
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    keys = _key_map(reader.fieldnames or [])
    rows = list(reader)
    if "person" in keys and "vote" in keys and not {"yes", "no", "named"} & keys.keys():
        return _ballot_records(rows, keys)
    return [_record(row, keys, index) for index, row in enumerate(rows, start=2)]


def _ballot_records(rows: list[dict[str, Any]], keys: dict[str, str]) -> list[VotingRecord]:
    """One individual vote per row: the rows of one TOP and motion are one vote."""
    grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        item, title, motion = (
            str(row.get(keys.get(what, "")) or "").strip() for what in ("item", "title", "motion")
        )
        name = str(row.get(keys["person"]) or "").strip()
        if not name:
            continue
        entry = grouped.setdefault(
            (item, title, motion), {"item": item, "title": title, "motion": motion, "named": []}
        )
        entry["named"].append((name, row.get(keys["vote"])))
    flat = {name: name for name in ("item", "title", "motion", "named")}
    return [_record(entry, flat, index) for index, entry in enumerate(grouped.values(), start=1)]


def _title_key(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.lower()))


def match_records(
    records: list[VotingRecord], numbers: list[str], titles: list[str] | None = None
) -> dict[int, list[VotingRecord]]:
    """Map each record to the index of its agenda item; every record must match.

    A record with a title matches the item with that number and title (agendas repeat numbers for
    sub-items), or the only item with that number; without a title, the first item with that
    number. Raises VotingImportError listing
    the items that are not on the agenda.
    """
    by_number: dict[str, int] = {}
    repeated = Counter(normalize_number(number) for number in numbers)
    by_pair: dict[tuple[str, str], int] = {}
    for position, number in enumerate(numbers):
        by_number.setdefault(normalize_number(number), position)
        if titles is not None:
            by_pair.setdefault((normalize_number(number), _title_key(titles[position])), position)
    matched: dict[int, list[VotingRecord]] = {}
    unknown: list[str] = []
    for record in records:
        number = normalize_number(record.item_number)
        found: int | None
        if record.item_title and titles is not None:
            found = by_pair.get((number, _title_key(record.item_title)))
            if found is None and number and repeated[number] == 1:
                found = by_number[number]  # the voting system shortened or reworded the title
        else:
            found = by_number.get(number) if number else None
        if found is None:
            unknown.append(" ".join(part for part in (record.item_number, record.item_title) if part))
            continue
        matched.setdefault(found, []).append(record)
    if unknown:
        listed = ", ".join(f"„{number}“" for number in dict.fromkeys(unknown))
        msg = (
            f"Diese Tagesordnungspunkte der Abstimmungsdaten stehen nicht auf der Tagesordnung: {listed}. "
            "Bitte prüfen Sie Nummer und Titel; es wurde nichts übernommen."
        )
        raise VotingImportError(msg)
    return matched
