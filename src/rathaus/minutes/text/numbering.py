"""How agenda entries hang together: which entry amends which motion, which is an Anfrage.

An entry with the number of an entry above it is an amendment of that motion ("4", then
"Änderungsantrag SPD" also numbered "4"); so is an unnumbered motion right below a numbered item.
Some bodies number amendments under their motion (5.10.1 under 5.10, 6.13.1.1 under 6.13.1):
such an entry amends the item above when its title names an amendment — at its start, or anywhere
in its head where the body's ``CouncilConventions.numbering`` is "amendments".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rathaus.minutes.schemas import AgendaEntry
from rathaus.minutes.text.align import attached_number
from rathaus.minutes.text.conventions import CouncilConventions

# the title of an amendment entry ("Änderungsantrag SPD: …", "Gem. Ergänzungsantrag …")
_AMENDMENT_TITLE = re.compile(
    r"^\W*(?:gem\w*\.?\s+|interfraktionelle[rn]?\s+|gemeinsamer\s+)?(änderungs|ergänzungs|zusatz|gegen)antrag",
    re.IGNORECASE,
)
_AMENDMENT_NAMED = re.compile(r"\b\w*(änderungs|ergänzungs|zusatz|gegen)antr[aä]g\w*", re.IGNORECASE)


def main_numbers(
    agenda: Sequence[AgendaEntry], conventions: CouncilConventions | None = None
) -> list[str | None]:
    """Per agenda entry, the number of the motion it amends; None for an entry that is a motion itself.

    An entry with the number of an entry above it amends that entry's motion ("4", "Änderungsantrag
    SPD" also numbered "4"). An entry numbered under a voted item (5.10.1 under 5.10, 6.13.1.1 under
    6.13.1) amends that item's motion when its title names an amendment: at the start of the title,
    or anywhere in its head where the body numbers amendments under their motion.
    """
    conventions = conventions or CouncilConventions()
    root: dict[str, str] = {}
    found: list[str | None] = []
    for index, entry in enumerate(agenda):
        number = entry.number.strip() or attached_number(agenda, index)
        if not number:
            found.append(None)
            continue
        if number in root:
            found.append(root[number])
            continue
        parent = _parent(number, root) if _names_amendment(entry.title, conventions) else None
        root[number] = root[parent] if parent is not None else number
        found.append(root[parent] if parent is not None else None)
    return found


def _names_amendment(title: str, conventions: CouncilConventions) -> bool:
    if _AMENDMENT_TITLE.match(title):
        return True
    return conventions.numbering == "amendments" and bool(_AMENDMENT_NAMED.search(title.split(":", 1)[0]))


def _parent(number: str, root: dict[str, str]) -> str | None:
    """The nearest listed item above a number ("6.13.1.1" → "6.13.1" or "6.13")."""
    parts = number.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:cut])
        if candidate in root:
            return candidate
    return None


def numbers_of(agenda: Sequence[AgendaEntry]) -> list[str | None]:
    """Per entry, its number, or the number of the item an unnumbered motion belongs to."""
    return [entry.number.strip() or attached_number(agenda, index) for index, entry in enumerate(agenda)]


def is_question(agenda: Sequence[AgendaEntry], index: int) -> bool:
    """Whether an entry is an Anfrage: its title says so, or it stands under a heading "Anfragen"."""
    if re.match(r"^\W*anfrage\b", agenda[index].title, re.IGNORECASE):
        return True
    for entry in reversed(agenda[:index]):
        if not entry.number.strip():
            return entry.title.strip().lower().startswith("anfragen")
    return False
