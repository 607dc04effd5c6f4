"""Asked-for facts in answer text, and the municipality of a source (``bench/assistant_citizen.py``).

A fact ("56,00 €", "07.00 Uhr", "270 v. H.", "Versicherungsamt") is in an answer when its normalised form
appears in the normalised answer as whole words. Normalising makes the usual spellings of one value equal:
"56,00 €" = "56 Euro" = "56,- €"; "1.000,00 €" = "1000 Euro"; "07.00 Uhr" = "7:00 Uhr" = "7 Uhr";
"270 v. H." = "270 vom Hundert" = "270 %"; "600 - 1000 Euro" = "600 bis 1000 Euro"; case and Markdown
emphasis are ignored. "150,50 €" does not match "150 Euro".
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{2,4})\b")
TIME_END = r"(?=\s*(?:uhr\b|(?:-|–|bis|und)\s*\d{1,2}[.:,]\d{2}\s*uhr\b))"
TIME = re.compile(r"(?<![\d,.])(\d{1,2})[.:,](\d{2})" + TIME_END)
HOUR = re.compile(r"(?<![\d:,.])(\d{1,2})\s*uhr\b")
UNITS = (
    (re.compile(r"€|\beuro\b|\beur\b"), " euro "),
    (re.compile(r"\bv\.\s?h\.?|\bvom hundert\b|\bprozent\b|%"), " % "),
)
NUMBER = re.compile(r"(?<![\d:/])\d{1,3}(?:\.\d{3})+(?:,\d+)?|(?<![\d:/])\d+(?:,\d+)?(?:,-|\.-)?(?![\d:/])")
RANGE_DASH = re.compile(r"\s*[-–—]\s*(?=\d)")
OTHER = re.compile(r"[^\w%:./ ]")
LOOSE_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
MUNICH = "München"


def _number(match: re.Match[str]) -> str:
    text = match.group(0).replace(",-", "").replace(".-", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        text = text.replace(".", "")
    whole, _, fraction = text.replace(",", ".").partition(".")
    fraction = fraction.rstrip("0")
    return f" {int(whole)}{'.' + fraction if fraction else ''} "


def normalise(text: str) -> str:
    """Lower case, one spelling per number, time, unit and range; punctuation dropped."""
    value = text.lower().replace("\u00a0", " ").replace("\u200b", "")
    value = re.sub(r"\*+|_+|`", " ", value)
    value = DATE.sub(lambda m: f"{int(m.group(1))}/{int(m.group(2))}/{m.group(3)}", value)
    value = TIME.sub(lambda m: f"{int(m.group(1))}:{m.group(2)}", value)
    value = HOUR.sub(lambda m: f"{int(m.group(1))}:00 uhr", value)
    for pattern, replacement in UNITS:
        value = pattern.sub(replacement, value)
    value = NUMBER.sub(_number, value)
    value = RANGE_DASH.sub(" bis ", value)
    value = LOOSE_DOT.sub(" ", OTHER.sub(" ", value))
    return " ".join(value.split())


def has_fact(text: str, fact: str) -> bool:
    """True when ``fact`` (normalised) appears in ``text`` (normalised) as whole words."""
    wanted = normalise(fact)
    return bool(wanted) and f" {wanted} " in f" {normalise(text)} "


def has_all(text: str, facts: list[str]) -> bool:
    return bool(facts) and all(has_fact(text, fact) for fact in facts)


@cache
def bylaw_place(bylaws_dir: Path, name: str) -> tuple[str, str]:
    """(municipality from the front matter ``gemeinde`` or "", district folder such as "Lkr_GP")."""
    path = bylaws_dir / name
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    found = re.search(r'^gemeinde:\s*"?([^"\n]*?)"?\s*$', text[:4000], re.MULTILINE)
    return (found.group(1).strip() if found else "", name.split("/", 1)[0])


def source_place(bylaws_dir: Path, external_id: str) -> tuple[str, str]:
    """(municipality, district) of a source: Munich services are München's; by-laws by front matter."""
    if external_id.startswith("file:"):
        return bylaw_place(bylaws_dir, external_id.removeprefix("file:"))
    return (MUNICH, MUNICH)


def foreign(place: tuple[str, str], expected: tuple[str, str]) -> bool:
    """True when a source of ``place`` belongs to another municipality than ``expected``.

    A district-wide source (Kreis or Verband: no ``gemeinde``) is foreign only to another district.
    """
    municipality, district = place
    if municipality:
        return municipality != expected[0]
    return district != expected[1]
