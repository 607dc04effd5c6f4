"""Markdown tables of by-laws as rows an answer can show: each row keeps its label, its value and its heading.

Fee schedules (Gebührenverzeichnisse) converted from PDF seldom have a real header row: the converter
makes the first data row the header ("| 2.1. als Erdgrab | 800 € |" over "|---|---|"). A header row that
states a value or starts with an item number is therefore data, and the other rows are not labelled with
its cells ("2.2. als Wiesenurnengrab: 800 €: 950 €" would put the wrong amount beside the grave).

A row's label often only qualifies the numbered heading above the table: "2.1. als Erdgrab" under
"2. Überlassung eines Urnenreihengrabs (für 20 Jahre)", "2.1 Bearbeitung …" under the group row "2 Anträge".
The row is matched and shown with that heading.

A chunk boundary may cut a table: a line that starts or ends with a pipe and holds a cell boundary is
still a row ("Urnengemeinschaftsgrab mit Grabkissen | 40 € |").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rathaus.core.text.sentences import plain_markdown

RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
# A cell that is data, not a column name: an amount with its unit, a decimal, or an item number ("2.1.").
DATA_CELL = re.compile(
    r"\d\s*(?:€|euro\b|eur\b|%|v\.\s?h\.|cent\b|ct\b)|\b\d+,\d{1,2}\b|^\d{1,2}(?:\.\d{1,2})+\.?(?:\s|$)",
    re.IGNORECASE,
)
EMPHASIS = re.compile(r"\*\*|__")
ITEM_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2})*\.?(?=\s|$)")
LABEL_END = re.compile(r" – |: ")  # a row's first cell ends here (see ``rows``)
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{4,}")


def is_row(line: str) -> bool:
    """True for a table row, a whole one ("| a | b |") or one a chunk boundary cut ("a | b |", "| a | b")."""
    stripped = line.strip()
    if "|" not in stripped:
        return False
    if stripped.startswith("|"):
        return len(stripped) > 1
    return stripped.endswith("|") and "|" in stripped[:-1]


def _whole(line: str) -> str:
    return f"| {line.strip().strip('|').strip()} |"


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


# A line break inside a cell ("4,00 € für die erste Stunde<br>3,00 € je weitere Stunde") separates two
# statements of the cell.
CELL_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)


def _cell(cell: str) -> str:
    """A cell as plain text; a line break in it reads as "; "."""
    return CELL_BREAK.sub("; ", plain_markdown(cell)).strip(" ;")


def header_is_data(line: str) -> bool:
    """True when a table's first row states values (its cells are not column names)."""
    return any(DATA_CELL.search(cell) for cell in _cells(line))


def _heads(cells: list[str]) -> bool:
    """A row that only names a group ("| 2 | **Anträge** | |"): its value cell is empty, no cell is data
    but its item number."""
    named = [cell for cell in cells[:-1] if cell]
    return (
        len(cells) >= 2
        and not cells[-1]
        and bool(named)
        and not any(DATA_CELL.search(cell) for cell in named if not ITEM_NUMBER.fullmatch(cell))
    )


def rows(block: list[str]) -> list[tuple[str, bool]]:
    """The data rows of a table block as plain lines, each with whether it heads the rows below it.

    A header row that is data stays a row; the rows of a table with a real header name their cells.
    """
    lines = [line for line in block if not RULE.match(line.strip())]
    if not lines:
        return []
    data = header_is_data(lines[0]) or len(lines) == 1
    named = plain_markdown("\n".join(_whole(line) for line in lines)).splitlines()
    found = []
    for index, line in enumerate(lines if data else lines[1:], start=0 if data else 1):
        cells = [_cell(cell) for cell in _cells(line)]
        heads = _heads(cells)
        if data or heads:
            found.append((" – ".join(cell for cell in cells if cell), heads))
        else:
            found.append((CELL_BREAK.sub("; ", EMPHASIS.sub("", named[index])).strip(), False))
    return found


def under(heading_line: str, row: str, *, numbered: bool = True) -> bool:
    """True when ``row`` is an item of the numbered heading or group row above it ("2.1" under "2. …").

    Only the numbering ties a row to a line above it: a caption without a number ("gemäß § 2 Nr. 3 …
    (nur Kindergarten am Riedbächle)") may name words the row does not qualify. A group row without a
    number (``numbered=False``) heads every row up to the next one.
    """
    number = ITEM_NUMBER.match(heading_line)
    if number is None:
        return not numbered
    return row.startswith(number.group(0).rstrip(".") + ".")


def label_share(row: str, matches: Callable[[str], int]) -> float:
    """The share of a row label's words that the question names (0 … 1).

    A row names one thing: the row whose label consists of the asked-for words ("als Erdgrab") names it;
    one that mentions them among many others ("Beilegung einer Urne in ein Erdgrab sowie …") names
    something else.
    """
    label = LABEL_END.split(row, maxsplit=1)[0]
    words = WORD.findall(label)
    if not words:
        return 0.0
    return sum(matches(word) > 0 for word in words) / len(words)
