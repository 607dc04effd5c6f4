"""Extraction for the Posteingang: Fristen, Aktenzeichen, Beträge and personal data in a letter.

Pure rules over the text, no database: ``extract(text=…, received=…, state="NI")`` returns one
``Extraction`` whose items carry their character spans, so the UI can mark them in the letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rathaus.inbox.extract.amounts import Amount, find_amounts
from rathaus.inbox.extract.deadlines import Deadline, find_deadlines
from rathaus.inbox.extract.personal import PersonalData, find_personal_data
from rathaus.inbox.extract.references import FileReference, find_references

__all__ = [
    "Amount",
    "Deadline",
    "Extraction",
    "FileReference",
    "PersonalData",
    "extract",
    "find_amounts",
    "find_deadlines",
    "find_personal_data",
    "find_references",
]


@dataclass(frozen=True)
class Extraction:
    """Everything found in one letter."""

    deadlines: list[Deadline]
    references: list[FileReference]
    amounts: list[Amount]
    personal_data: list[PersonalData]

    @property
    def earliest_deadline(self) -> Deadline | None:
        """The Frist that ends first, for the inbox list."""
        return min(self.deadlines, key=lambda deadline: deadline.due, default=None)


def extract(*, text: str, received: date, state: str) -> Extraction:
    """Find Fristen (resolved from ``received``), Aktenzeichen, Beträge and personal data in ``text``.

    ``state`` is the tenant's federal state code as ``holidays`` knows it ("NI", "BW", "BY", …).
    """
    references = find_references(text=text)
    amounts = find_amounts(text=text)
    deadlines = find_deadlines(text=text, received=received, state=state)
    taken = [(r.start, r.end) for r in references] + [(a.start, a.end) for a in amounts]
    taken += [(d.start, d.end) for d in deadlines]
    personal = [
        item
        for item in find_personal_data(text=text)
        if item.kind != "phone" or not any(item.start < end and start < item.end for start, end in taken)
    ]
    return Extraction(deadlines=deadlines, references=references, amounts=amounts, personal_data=personal)
