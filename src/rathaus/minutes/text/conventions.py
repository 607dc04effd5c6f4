"""The customs of one council body, as data: who chairs, which groups sit in it, how items are numbered.

Councils differ: in one the Oberbürgermeister chairs, in another the council elects its own chair
and the mayor speaks as head of the administration; one numbers sub-items 7.1, 7.2, another
numbers amendments under their motion (5.10.1, 6.13.1.1); joint factions ("CDU/FDP") file motions
together. None of this belongs in product code. The text stages (alignment, decisions, amendments)
read a ``CouncilConventions``; the Protokollhilfe stores one per tenant and body, edited by the
clerk and seeded from OParl and the attendees' factions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from rathaus.minutes.schemas import VoteCounts
from rathaus.minutes.text.outcomes import outcome_class


@dataclass(frozen=True)
class Faction:
    """A group in the council: its name as written, and the other ways it is written or spoken.

    A joint faction ("CDU/FDP") lists its parts as ``members`` ("CDU", "FDP"): a motion "der CDU"
    is then a motion of the joint faction.
    """

    name: str
    aliases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class CouncilConventions:
    """How one body works; every field has a default that suits most German councils."""

    # speaker names (as in the attendee list) of the chair and the deputies
    chairs: tuple[str, ...] = ()
    # speaker labels that mean the chair ("Vorsitz", "Der Vorsitzende")
    chair_labels: tuple[str, ...] = ("Vorsitz", "Vorsitzende", "Vorsitzender")
    # whether the (Ober)Bürgermeister(in) chairs this body (Gemeinderat in Baden-Württemberg: yes;
    # a Stadtrat that elects its own chair: no, the mayor then speaks as head of the administration)
    mayor_chairs: bool = True
    # whether this body records a vote with abstentions as "mehrheitlich" (not "einstimmig"); where
    # it does, a chair's "einstimmig" that says nothing about abstentions is only "zugestimmt"
    # (the transcript cannot tell whether anyone abstained), and so is "einstimmig bei 2
    # Enthaltungen" (the chair's word against the custom); "einstimmig ohne Enthaltungen" stays
    abstentions_break_unanimity: bool = False
    factions: tuple[Faction, ...] = ()
    # names of the municipality and the body: said everywhere, they say nothing about an item
    place_names: tuple[str, ...] = ()
    # "sub_items": 7.1 is an item of its own under 7; "amendments": a number below a voted item
    # whose title names an amendment (5.10.1 "Änderungsantrag …") is an amendment of that item
    numbering: str = "sub_items"
    # how this body writes its results, by outcome class (outcomes.outcome_class), for display
    result_wording: dict[str, str] = field(default_factory=dict)

    def is_chair(self, speaker: str | None) -> bool:
        """Whether ``speaker`` (a name or label as in the transcript) speaks as the chair of this body.

        A speaker named in ``chairs``, or whose label holds one of ``chair_labels``; the
        (Ober)Bürgermeister(in) only when ``mayor_chairs`` – where the council elects its own chair,
        the mayor speaks as head of the administration, and her "… bitte ich um Zustimmung" is no result.
        """
        if not speaker or not speaker.strip():
            return False
        said = _words(speaker)
        if any(_contains(said, _words(name)) for name in self.chairs if name.strip()):
            return True
        if any(_contains(said, _words(label)) for label in self.chair_labels if label.strip()):
            return True
        return self.mayor_chairs and bool(_MAYOR.search(speaker))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (stored per tenant and body)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CouncilConventions:
        """The conventions from ``to_json`` output; unknown keys are ignored, missing ones defaulted."""
        known = set(cls.__dataclass_fields__)
        values = {key: value for key, value in data.items() if key in known}
        if "factions" in values:
            values["factions"] = tuple(
                Faction(
                    name=str(item["name"]),
                    aliases=tuple(item.get("aliases", ())),
                    members=tuple(item.get("members", ())),
                )
                for item in values["factions"]
            )
        for key in ("chairs", "chair_labels", "place_names"):
            if key in values:
                values[key] = tuple(values[key])
        return cls(**values)


def abstention_custom(results: Iterable[tuple[str, VoteCounts]], *, recent: int = 10) -> bool | None:
    """Whether a body records "adopted, nobody against, some abstained" as "mehrheitlich".

    Learned from the body's earlier results with their counts (oldest first): of its last ``recent``
    such votes recorded "einstimmig …" or "mehrheitlich …", the more frequent word wins; None below
    three (too few to tell). Customs change with the clerks (one council wrote "mehrheitlich zugestimmt
    (43 Ja, 1 Enthaltung)" for years, then "Einstimmige Zustimmung (43 Ja, 1 Enthaltung)"), so only
    the recent ones count.
    """
    words = [
        outcome_class(result)
        for result, counts in results
        if counts.yes > 0 and counts.no == 0 and counts.abstain > 0
    ]
    said = [word for word in words if word in {"einstimmig", "mehrheitlich"}][-recent:]
    if len(said) < 3:
        return None
    return said.count("mehrheitlich") > len(said) / 2


_MAYOR = re.compile(r"\b(?:ober)?bürgermeister(?:in)?\b", re.IGNORECASE)


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.casefold()))


def _contains(said: tuple[str, ...], name: tuple[str, ...]) -> bool:
    """Whether the words of ``name`` stand together in ``said`` ("Dr. Anna Berg" holds "Anna Berg")."""
    if not name or len(name) > len(said):
        return False
    return any(said[start : start + len(name)] == name for start in range(len(said) - len(name) + 1))


@cache
def common_parties() -> tuple[Faction, ...]:
    """The parties found in councils across Germany, with their spellings (data, not code)."""
    text = resources.files("rathaus.minutes.text").joinpath("parties.json").read_text(encoding="utf-8")
    return tuple(
        Faction(name=item["name"], aliases=tuple(item.get("aliases", ()))) for item in json.loads(text)
    )
