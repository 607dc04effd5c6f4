"""All planted-problem suites of the shipped types, and how one case is run through the check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from rathaus.applications.checking import evaluate
from rathaus.applications.checks import Hint
from rathaus.applications.definition import TypeDefinition
from rathaus.applications.reading import Reading
from rathaus.applications.samples import dogs, kita, roads
from rathaus.applications.samples.cases import Case

Reader = Callable[[bytes, str, str], Reading]  # (data, media type, file name) → what the check reads


def suites(today: dt.date) -> dict[str, list[Case]]:
    """The cases of every shipped type, written from its by-law; dates relative to ``today``."""
    return {dogs.KEY: dogs.cases(today), roads.KEY: roads.cases(today), kita.KEY: kita.cases(today)}


@dataclass(frozen=True)
class Outcome:
    """What the check raised on one case, against what was planted."""

    case: Case
    hints: tuple[Hint, ...]

    @property
    def found(self) -> frozenset[str]:
        """The rule ids of the findings."""
        return frozenset(hint.rule_id for hint in self.hints)

    @property
    def hits(self) -> int:
        """Planted problems found."""
        return len(self.found & self.case.expected)

    @property
    def false_alarms(self) -> int:
        """Findings nobody planted."""
        return len(self.found - self.case.expected)

    @property
    def missed(self) -> int:
        """Planted problems not found."""
        return len(self.case.expected - self.found)


def run_case(
    definition: TypeDefinition, case: Case, *, read: Reader, today: dt.date, seed: int = 0
) -> Outcome:
    """Render the case's attachments, read them with ``read`` and run the whole check (no database)."""
    readings: dict[str, list[Reading]] = {}
    for number, doc in enumerate(case.documents):
        data, media_type, filename = doc.render(seed + number)
        readings.setdefault(doc.requirement, []).append(read(data, media_type, filename))
    _computed, hints = evaluate(definition, case.values, readings, today=today)
    return Outcome(case, tuple(hints))
