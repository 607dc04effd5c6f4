"""All planted-problem suites of the shipped types, by type key."""

from __future__ import annotations

import datetime as dt

from rathaus.applications.samples import dogs, kita, roads
from rathaus.applications.samples.cases import Case


def suites(today: dt.date) -> dict[str, list[Case]]:
    """The cases of every shipped type, written from its by-law; dates relative to ``today``."""
    return {dogs.KEY: dogs.cases(today), roads.KEY: roads.cases(today), kita.KEY: kita.cases(today)}
