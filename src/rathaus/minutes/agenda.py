"""Typed input of the clerk: the agenda (one item per line) and the attendee list."""

from __future__ import annotations

import re
from collections import Counter

from rathaus.core.text.encoding import UndecodableTextError, check_text
from rathaus.minutes.schemas import AgendaEntry, Attendee

AGENDA_LINE = re.compile(
    r"^(?:(?P<flag>N|NÖ|Ö)\s+)?(?:TOP\s*)?(?P<number>\d+(?:\.\d+)*)\.?[:)]?(?:\s+(?P<title>\S.*))?$",
    re.IGNORECASE,
)
PAPER_IN_TITLE = re.compile(r"\s*\((?:Vorlage|Drucksache|Drs\.?)\s+(?P<ref>[\w/.-]+)\)\s*$", re.IGNORECASE)
# a paper reference at the end of a line, set off by a gap (PDF columns) or named: "DS0081/25", "2023/0597"
REFERENCE = r"(?:[A-Z]{1,4}[ -]?)?\d{1,5}/\d{2,5}(?:/\d{1,3})*"
PAPER_AT_END = re.compile(
    rf"(?:\s{{2,}}|\s*\b(?:Vorlage|Drucksache|Drs\.|Vorl\.)(?:\s*Nr\.)?\s*)(?P<ref>{REFERENCE})\s*$",
    re.IGNORECASE,
)
PAPER_CELL = re.compile(
    rf"^(?:(?:Vorlage|Drucksache|Drs\.)\s*(?:Nr\.)?\s*)?(?P<ref>{REFERENCE})$", re.IGNORECASE
)
SECTION = re.compile(
    r"^(?:[A-Z]\.|[IVX]+\.|Teil\s+[A-Z1-9]:?)?\s*(?P<non>nicht\s*-?\s*)?öffentliche?[rsn]?"
    r"(?:\s+(?:Teil|Sitzung|Sitzungsteil|Beratung)\b.{0,60})?:?$",
    re.IGNORECASE,
)
PAGE_MARK = re.compile(
    r"^(?:Seite\s+\d+(?:\s*(?:von|/)\s*\d+)?|-\s*\d+\s*-|\d+\s*/\s*\d+|Tagesordnung(?:\s*\(Fortsetzung\))?)$",
    re.IGNORECASE,
)
DATE_LIKE = re.compile(r"^\d{1,2}\.\d{2}\.(?:\d{2}|\d{4})$")
HEADER_WORDS = {"top": "number", "nr": "number", "nr.": "number", "nummer": "number", "lfd. nr.": "number"}
TITLE_WORDS = ("betreff", "titel", "gegenstand", "beratungsgegenstand", "bezeichnung", "tagesordnungspunkt")
PAPER_WORDS = ("vorlage", "drucksache", "ds", "drs.", "vorlagen-nr.", "vorlagennummer", "drucksachennummer")


class MinutesInputError(ValueError):
    """Input that cannot be taken (agenda, attendees, votes); the German message says why."""


def parse_agenda(text: str) -> list[AgendaEntry]:
    """Parse an agenda typed, pasted from a PDF or copied from a table, one item per line.

    ``5.1 Titel``, ``N 2 Titel`` (non-public), ``TOP 3: …``; a trailing ``(Vorlage 2023/0597)`` or a
    reference set off at the end (``… DS0081/25``) becomes the paper reference. From a PDF: a line
    without a number continues the title before it, the headings "Öffentlicher Teil" and
    "Nichtöffentlicher Teil" set public/non-public, page marks ("Seite 2 von 3") and lines repeated on
    every page are skipped, lines before the first item (the letterhead) too. Tab-separated rows
    (copied from a spreadsheet or a council information system) are read by their header (TOP, Betreff,
    Drucksache/Vorlage) or by their content.
    """
    text = _checked(text, what="Die Tagesordnung")
    lines = [raw.strip() for raw in text.replace("\r", "").split("\n")]
    repeated = {line for line, count in Counter(line for line in lines if line).items() if count > 2}
    columns: dict[str, int] | None = None
    public = True
    entries: list[_Entry] = []
    skipped: list[str] = []
    for line_number, raw in enumerate(text.replace("\r", "").split("\n"), start=1):
        line = raw.strip()
        if not line or line in repeated or PAGE_MARK.match(line):
            continue
        if "\t" in raw:
            cells = [cell.strip() for cell in raw.split("\t")]
            header = _header(cells) if columns is None else None
            if header is not None:
                columns = header
                continue
            entry = _from_cells(cells, columns, public)
            if entry is not None:
                entries.append(entry)
                continue
            line = " ".join(cell for cell in cells if cell)
        section = SECTION.match(line)
        if section:
            public = not section["non"]
            continue
        entry = _from_line(line, public)
        if entry is not None:
            entries.append(entry)
        elif entries:
            entries[-1].title = f"{entries[-1].title} {line}".strip()  # a wrapped title
        else:
            skipped.append(f"Zeile {line_number} („{line[:40]}“)")
    if not entries:
        if skipped:
            msg = (
                "Keine Zeile ist ein Tagesordnungspunkt: diese Zeilen beginnen nicht mit einer Nummer "
                f"(z. B. „5.1 Titel“ oder „N 2 Titel“ für nicht öffentlich): {', '.join(skipped[:5])}."
            )
            raise MinutesInputError(msg)
        raise MinutesInputError("Die Tagesordnung enthält keine Punkte. Bitte geben Sie mindestens einen an.")
    return [entry.done() for entry in entries]


class _Entry:
    """An agenda line while its title may still continue on the next line."""

    def __init__(self, *, number: str, title: str, public: bool, reference: str | None) -> None:
        self.number, self.title, self.public, self.reference = number, title, public, reference

    def done(self) -> AgendaEntry:
        title = " ".join(self.title.split())
        reference = self.reference
        for pattern in (PAPER_IN_TITLE, PAPER_AT_END):
            found = pattern.search(title) if reference is None else None
            if found:
                reference, title = found["ref"], title[: found.start()].strip(" –-")
        return AgendaEntry(number=self.number, title=title, public=self.public, paper_reference=reference)


def _checked(text: str, *, what: str) -> str:
    try:
        return check_text(text, what=what)
    except UndecodableTextError as error:
        raise MinutesInputError(str(error)) from error


def _from_line(line: str, public: bool) -> _Entry | None:
    match = AGENDA_LINE.match(line)
    if match is None or _not_a_number(match["number"]):
        return None
    flag = (match["flag"] or "").upper()
    title = match["title"] or ""
    reference = None
    found = PAPER_AT_END.search(title)
    if found:  # found before the title is joined with its continuation
        reference, title = found["ref"], title[: found.start()].strip(" –-")
    is_public = public if not flag else flag == "Ö"
    return _Entry(number=match["number"], title=title, public=is_public, reference=reference)


def _not_a_number(number: str) -> bool:
    """A date ("27.03.2025") or a year ("2026 …" in a wrapped title) is not an item number."""
    return bool(DATE_LIKE.match(number)) or any(len(part) > 3 for part in number.split("."))


def _header(cells: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        word = cell.lower().rstrip(":")
        if word in HEADER_WORDS:
            found.setdefault("number", index)
        elif word.startswith(TITLE_WORDS):
            found.setdefault("title", index)
        elif word in PAPER_WORDS or word.startswith(("vorlage", "drucksache")):
            found.setdefault("paper", index)
        elif word in {"ö/n", "öffentlich", "ö/nö"}:
            found.setdefault("flag", index)
    return found if "title" in found or ("number" in found and "paper" in found) else None


def _from_cells(cells: list[str], columns: dict[str, int] | None, public: bool) -> _Entry | None:
    """A table row: by the header's columns, else the number first, a reference cell, the rest the title."""

    def cell(name: str) -> str:
        index = columns.get(name) if columns else None
        return cells[index] if index is not None and index < len(cells) else ""

    flag = cell("flag").upper()
    if columns:
        number, title, reference = cell("number"), cell("title"), cell("paper")
    else:
        rest = [c for c in cells if c]
        if len(rest) < 2:
            return None
        number = rest.pop(0)
        if number.upper() in {"Ö", "N", "NÖ"} and rest:
            flag, number = number.upper(), rest.pop(0)
        papers = [c for c in rest if PAPER_CELL.match(c)]
        reference = papers[0] if papers else ""
        title = " ".join(c for c in rest if c != reference)
    head = AGENDA_LINE.match(f"{number} x") if number else None
    if head is None or _not_a_number(head["number"]) or not title:
        return None
    paper = PAPER_CELL.match(reference)
    if head["flag"]:
        flag = head["flag"].upper()
    is_public = public if not flag else flag == "Ö"
    return _Entry(
        number=head["number"],
        title=title,
        public=is_public,
        reference=paper["ref"] if paper else reference or None,
    )


def parse_attendees(text: str) -> list[Attendee]:
    """One person per line: ``Name``, ``Name; Rolle`` or ``Name; Rolle; abwesend``."""
    text = _checked(text, what="Die Anwesenheitsliste")
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
