"""Typed input of the clerk: the agenda (one item per line) and the attendee list."""

from __future__ import annotations

import re

from rathaus.minutes.schemas import AgendaEntry, Attendee

AGENDA_LINE = re.compile(
    r"^(?:(?P<flag>N|NÖ|Ö)\s+)?(?:TOP\s*)?(?P<number>\d+(?:\.\d+)*)\.?[:)]?\s+(?P<title>\S.*)$", re.IGNORECASE
)
PAPER_IN_TITLE = re.compile(r"\s*\((?:Vorlage|Drucksache|Drs\.?)\s+(?P<ref>[\w/.-]+)\)\s*$", re.IGNORECASE)


class MinutesInputError(ValueError):
    """Input that cannot be taken (agenda, attendees, votes); the German message says why."""


def parse_agenda(text: str) -> list[AgendaEntry]:
    """Parse a typed agenda, one item per line: ``5.1 Titel``, ``N 2 Titel`` (non-public), ``TOP 3: …``.

    A trailing ``(Vorlage 2023/0597)`` becomes the paper reference.
    """
    entries: list[AgendaEntry] = []
    bad: list[str] = []
    for line_number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = AGENDA_LINE.match(line)
        if match is None:
            bad.append(f"Zeile {line_number} („{line[:40]}“)")
            continue
        title = match["title"].strip()
        paper = PAPER_IN_TITLE.search(title)
        reference = paper["ref"] if paper else None
        if paper:
            title = title[: paper.start()].strip()
        flag = (match["flag"] or "").upper()
        entries.append(
            AgendaEntry(
                number=match["number"], title=title, public=flag not in {"N", "NÖ"}, paper_reference=reference
            )
        )
    if bad:
        msg = (
            "Diese Zeilen der Tagesordnung beginnen nicht mit einer Nummer (z. B. „5.1 Titel“ oder "
            f"„N 2 Titel“ für nicht öffentlich): {', '.join(bad)}."
        )
        raise MinutesInputError(msg)
    if not entries:
        raise MinutesInputError("Die Tagesordnung enthält keine Punkte. Bitte geben Sie mindestens einen an.")
    return entries


def parse_attendees(text: str) -> list[Attendee]:
    """One person per line: ``Name``, ``Name; Rolle`` or ``Name; Rolle; abwesend``."""
    attendees = []
    for raw in text.splitlines():
        parts = [part.strip() for part in raw.split(";")]
        if not parts[0]:
            continue
        absent = any(part.lower() in {"abwesend", "entschuldigt", "fehlt"} for part in parts[1:])
        roles = [
            part
            for part in parts[1:]
            if part and part.lower() not in {"abwesend", "entschuldigt", "fehlt", "anwesend"}
        ]
        attendees.append(Attendee(name=parts[0], role=roles[0] if roles else None, present=not absent))
    return attendees
