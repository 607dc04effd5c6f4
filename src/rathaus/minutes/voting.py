"""Records of an electronic voting system (CSV or JSON): parse them and match them to the agenda.

CSV: one vote per row, separated by ``;`` or ``,``, with a header naming the columns (German or
English): ``TOP;Antrag;Ja;Nein;Enthaltung;Namentlich`` where *Namentlich* holds named votes as
``Name=ja|Name=nein``. JSON: a list of objects ``{"item": "5.1", "motion": "…", "yes": 30, "no": 2,
"abstain": 1, "named_votes": {"Name": "ja"}}`` (German keys ``top``, ``antrag``, ``ja``, ``nein``,
``enthaltung``, ``namentlich`` work too).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from rathaus.minutes.schemas import VoteCounts, VotingRecord

COLUMNS = {
    "item": ("top", "tagesordnungspunkt", "item", "agenda_item", "nummer", "number"),
    "title": ("titel", "title", "name", "betreff"),
    "motion": ("antrag", "motion", "gegenstand", "beschlussvorschlag"),
    "yes": ("ja", "yes", "dafür", "ja-stimmen"),
    "no": ("nein", "no", "dagegen", "nein-stimmen"),
    "abstain": ("enthaltung", "enthaltungen", "abstain", "abstention"),
    "named": ("namentlich", "named_votes", "named", "stimmen"),
}
VOTE_WORDS = {
    "ja": "ja",
    "yes": "ja",
    "nein": "nein",
    "no": "nein",
    "enthaltung": "enthaltung",
    "abstain": "enthaltung",
    "enthalten": "enthaltung",
}


class VotingImportError(ValueError):
    """Voting records that cannot be used; the German message names every problem."""


def normalize_number(number: str) -> str:
    """``"TOP 5.1"``, ``"Ö 5.1"``, ``"5.1."`` → ``"5.1"`` (for matching, not for display)."""
    text = number.strip().lower()
    text = re.sub(r"^(top|tagesordnungspunkt|ö|n|nö)\s*", "", text)
    return text.strip().rstrip(".").strip()


def _key_map(keys: Iterable[str]) -> dict[str, str]:
    found = {}
    for key in keys:
        clean = key.strip().lower()
        for name, aliases in COLUMNS.items():
            if clean in aliases and name not in found:
                found[name] = key
    return found


def _count(value: Any, *, item: str, what: str) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
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
    pairs = (
        value.items()
        if isinstance(value, dict)
        else (part.split("=", 1) for part in re.split(r"[|\n]", str(value)) if "=" in part)
    )
    named = {}
    for name, vote in pairs:
        word = VOTE_WORDS.get(str(vote).strip().lower())
        if word is None:
            raise VotingImportError(
                f"TOP {item}: unbekannte Stimme „{vote}“ für {name} (ja, nein, enthaltung)."
            )
        named[str(name).strip()] = word
    return named


def _record(row: dict[str, Any], keys: dict[str, str], line: int) -> VotingRecord:
    if "item" not in keys:
        raise VotingImportError("Die Abstimmungsdaten haben keine Spalte für den Tagesordnungspunkt (TOP).")
    item = str(row.get(keys["item"]) or "").strip()
    title = str(row.get(keys.get("title", "")) or "").strip() or None
    if not item and not title:
        raise VotingImportError(f"Zeile {line}: der Tagesordnungspunkt fehlt (Nummer oder Titel).")
    counts = VoteCounts(
        yes=_count(row.get(keys.get("yes", "")), item=item, what="Ja"),
        no=_count(row.get(keys.get("no", "")), item=item, what="Nein"),
        abstain=_count(row.get(keys.get("abstain", "")), item=item, what="Enthaltung"),
    )
    return VotingRecord(
        item_number=item,
        motion=str(row.get(keys.get("motion", "")) or "").strip(),
        counts=counts,
        named_votes=_named(row.get(keys.get("named", "")), item=item),
        item_title=title,
    )


def parse_records(data: bytes, *, filename: str = "") -> list[VotingRecord]:
    """Read voting records from CSV or JSON bytes; raise VotingImportError with a German message."""
    text = data.decode("utf-8-sig", errors="replace").strip()
    if not text:
        raise VotingImportError("Die Datei mit den Abstimmungsdaten ist leer.")
    if filename.lower().endswith(".json") or text[0] in "[{":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise VotingImportError(f"Die Abstimmungsdaten sind kein gültiges JSON: {error}") from error
        rows = document.get("votes", document.get("abstimmungen")) if isinstance(document, dict) else document
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise VotingImportError(
                "Erwartet wird eine Liste von Abstimmungen (Objekte mit TOP und Stimmen)."
            )
        return [_record(row, _key_map(row), index) for index, row in enumerate(rows, start=1)]
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    keys = _key_map(reader.fieldnames or [])
    return [_record(row, keys, index) for index, row in enumerate(reader, start=2)]


def _title_key(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.lower()))


def match_records(
    records: list[VotingRecord], numbers: list[str], titles: list[str] | None = None
) -> dict[int, list[VotingRecord]]:
    """Map each record to the index of its agenda item; every record must match.

    A record with a title matches the item with that number and title (agendas repeat numbers for
    sub-items); without a title, the first item with that number. Raises VotingImportError listing
    the items that are not on the agenda.
    """
    by_number: dict[str, int] = {}
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
