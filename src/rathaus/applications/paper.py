"""Paper forms: which application type a scanned form is, and the values written on it.

File level, no database. :func:`match_types` scores each type by what a printed form of it shows: its
title ("Anmeldung zur Hundesteuer"), the short names of its by-laws ("HStS") and the labels of the
fields only this type has ("Name des Hundes"); the score comes with the words that were found, so a
person sees why. :func:`read_paper` reads what stands beside a label ("Name des Hundes: Bello", or the
value on the next line) and ticked boxes ("[x] Ich versichere, …") into the strings a browser form
would post, ready for ``forms.read_form``. OCR errors of a letter or two are forgiven.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from rathaus.applications.definition import FieldDef, FieldKind, Option, TypeDefinition
from rathaus.applications.textmatch import fold, phrase_score, shape, tokens
from rathaus.core.ports import TypeMatch

#: the requirement key of the scanned paper form kept with an application from the Posteingang
PAPER_FORM = "papierformular"
PAPER_FORM_LABEL = "Papierformular (Scan aus dem Posteingang)"

TITLE_WEIGHT = 0.5
SOURCE_WEIGHT = 0.1
LABELS_WEIGHT = 0.4
LABEL_SIMILARITY = 88  # rapidfuzz ratio (0–100) for a label or an option read by OCR
WRAPPED_MIN = 20  # a ticked box's text this long may be the start of a label broken over lines
#: labels every form has: they tell nothing about the type
GENERIC_LABELS = frozenset(
    {
        "vorname",
        "nachname",
        "name",
        "geburtsdatum",
        "strasse",
        "hausnummer",
        "postleitzahl",
        "ort",
        "telefon",
        "e mail adresse",
        "e mail",
        "datum",
        "unterschrift",
        "anschrift",
    }
)
_CHECKED = re.compile(r"^(?:\[\s*[xX✓✔]\s*\]|\(\s*[xX]\s*\)|[☒☑⊠✓✔]|[xX](?=\s))\s*")
_UNCHECKED = re.compile(r"^(?:\[\s*\]|\(\s*\)|[☐□○])\s*")
_FILLER = " \t:;–—-_.…|\"'‘’‚„“”"  # blanks, dots and the specks OCR reads around handwriting
_SPACED = {FieldKind.DATE, FieldKind.POSTCODE, FieldKind.INTEGER, FieldKind.IBAN}
_YES = {"ja", "x", "ja x", "zutreffend"}
_NO = {"nein"}


def requirement_label(definition: TypeDefinition, key: str) -> str:
    """The German label of an attachment requirement of ``definition``, the paper form included."""
    if key == PAPER_FORM:
        return PAPER_FORM_LABEL
    spec = definition.attachment(key)
    return spec.label if spec is not None else key


def _key(text: str) -> str:
    """Text as labels are compared: folded words (case, umlauts, OCR shapes) joined by one space."""
    return " ".join(tokens(text))


def _lines(text: str) -> list[str]:
    """The lines with text, without the specks OCR reads before a line ("- Vorname", "‘Name")."""
    lines = (line.strip().lstrip(_FILLER) for line in text.splitlines())
    return [line for line in lines if line]


def _phrase_in(lines: Sequence[str], phrase: str) -> float:
    """The best similarity (0–1) of ``phrase`` within one of the lines; 0 when absent."""
    wanted = shape(fold(phrase))
    best = 0.0
    for line in lines:
        found = phrase_score(wanted, shape(fold(line)))
        if found is not None:
            best = max(best, found[0])
    return best


def _telling_labels(definition: TypeDefinition, others: Sequence[TypeDefinition]) -> list[str]:
    """The labels of ``definition`` that no other type has and that are not on every form."""
    elsewhere = {_key(spec.label) for other in others for spec in other.fields}
    telling: dict[str, str] = {}
    for spec in definition.fields:
        key = _key(spec.label)
        if key and key not in elsewhere and key not in GENERIC_LABELS:
            telling.setdefault(key, spec.label)
    return list(telling.values())


def match_types(definitions: Sequence[TypeDefinition], text: str) -> list[TypeMatch]:
    """The types ``text`` (a scanned form's OCR text) looks like, best first; types with no sign left out.

    Score 0–1: the title counts 0.5, a by-law short name 0.1, the labels only this type has 0.4
    (by the share found). Example: a filled-in Hundesteuer form scores about 0.9, a letter about
    something else 0.
    """
    lines = _lines(text)
    matches = []
    for definition in definitions:
        others = [other for other in definitions if other.key != definition.key]
        evidence: list[str] = []
        title = _phrase_in(lines, definition.title)
        if title:
            evidence.append(f"Titel „{definition.title}“")
        sources = [source.short for source in definition.legal_sources if _phrase_in(lines, source.short)]
        evidence.extend(f"Satzung „{short}“" for short in sources)
        labels = _telling_labels(definition, others)
        found = [(label, similarity) for label in labels if (similarity := _phrase_in(lines, label))]
        evidence.extend(f"Feld „{label}“" for label, _ in found)
        share = sum(similarity for _, similarity in found) / len(labels) if labels else 0.0
        score = TITLE_WEIGHT * title + (SOURCE_WEIGHT if sources else 0.0) + LABELS_WEIGHT * share
        if score > 0:
            rounded = round(min(score, 1.0), 3)
            matches.append(TypeMatch(definition.key, definition.title, rounded, tuple(evidence)))
    return sorted(matches, key=lambda match: (-match.score, match.title))


# -- reading the values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Box:
    ticked: bool | None  # None: the line has no box
    body: str


def _box(line: str) -> _Box:
    if found := _CHECKED.match(line):
        return _Box(True, line[found.end() :])
    if found := _UNCHECKED.match(line):
        return _Box(False, line[found.end() :])
    return _Box(None, line)


def _similar(written: str, label: str) -> bool:
    """Whether the text ``written`` (from the scan) is ``label``, or its start when broken over lines."""
    seen, wanted = _key(written), _key(label)
    if not seen or not wanted:
        return False
    if fuzz.ratio(seen, wanted) >= LABEL_SIMILARITY:
        return True
    wrapped = WRAPPED_MIN <= len(seen) < len(wanted)
    return wrapped and fuzz.ratio(seen, wanted[: len(seen)]) >= LABEL_SIMILARITY


def _label_at_start(line: str, fields: Sequence[FieldDef]) -> tuple[FieldDef, str] | None:
    """The field whose label starts the line (the longest one) and the rest of the line."""
    words = line.split()
    best: tuple[FieldDef, str] | None = None
    best_words = 0
    for spec in fields:
        count = len(spec.label.split())
        if count > len(words) or count <= best_words:
            continue
        head = " ".join(words[:count])
        rest = " ".join(words[count:])
        if fuzz.ratio(_key(head), _key(spec.label)) < LABEL_SIMILARITY:
            continue
        if count == 1 and rest and not head.endswith(":") and not rest.startswith(":"):
            continue  # "Ort und Datum": a one-word label needs its colon before a value
        best, best_words = (spec, rest.strip(_FILLER)), count
    return best


def _option(spec: FieldDef, written: str) -> Option | None:
    """The option of a code list that ``written`` names (by its label or its value)."""
    for option in spec.options:
        if _key(written) == _key(option.value) or _similar(written, option.label):
            return option
    return None


def _choice_value(spec: FieldDef, written: str) -> str | list[str]:
    if spec.kind == FieldKind.MULTI_CHOICE:
        parts = [part for part in re.split(r"[,;/]|\s+", written) if part]
        return [option.value for part in parts if (option := _option(spec, part)) is not None]
    option = _option(spec, written)
    return option.value if option is not None else written


def _value(spec: FieldDef, written: str) -> str | list[str]:
    """What a browser form would post for ``written`` beside the label of ``spec``."""
    if spec.kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
        return _choice_value(spec, written)
    if spec.kind in _SPACED:
        return re.sub(r"\s+", "", written)  # "20. 11.2026": OCR spaces in a date or a number
    if spec.kind == FieldKind.BOOLEAN:
        folded = _key(written)
        if folded in _YES or _box(written).ticked:
            return "ja"
        return "" if folded in _NO or not folded else written
    return written


def _ticked(box: _Box, definition: TypeDefinition, posted: dict[str, str | list[str]]) -> None:
    """A box: a yes/no field, or an option of a code list, ticked (or left empty)."""
    for spec in definition.fields:
        if spec.kind == FieldKind.BOOLEAN and _similar(box.body, spec.label):
            posted[spec.key] = "ja" if box.ticked else ""
            return
    if not box.ticked:
        return
    for spec in definition.fields:
        if spec.kind not in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
            continue
        option = next((option for option in spec.options if _similar(box.body, option.label)), None)
        if option is None:
            continue
        if spec.kind == FieldKind.MULTI_CHOICE:
            chosen = posted.get(spec.key)
            posted[spec.key] = [*(chosen if isinstance(chosen, list) else []), option.value]
        else:
            posted.setdefault(spec.key, option.value)
        return


def read_paper(definition: TypeDefinition, text: str) -> dict[str, str | list[str]]:
    """The values written on a paper form of ``definition``, as the strings a browser form would post.

    ``Name des Hundes: Bello`` → ``{"hund_name": "Bello"}``; a value may also stand on the next line;
    ``[x] Ich versichere, …`` ticks a yes/no field or an option. A field the scan does not show is absent.
    """
    lines = _lines(text)
    headings = {_key(section.title) for section in definition.sections} | {_key(definition.title)}
    posted: dict[str, str | list[str]] = {}
    used: set[int] = set()
    for index, line in enumerate(lines):
        if index in used:
            continue
        box = _box(line)
        if box.ticked is not None:
            _ticked(box, definition, posted)
            continue
        found = _label_at_start(line, definition.fields)
        if found is None:
            continue
        spec, written = found
        if not written and index + 1 < len(lines):
            following = lines[index + 1]
            label_next = _label_at_start(following, definition.fields) is not None
            heading = any(fuzz.ratio(_key(following), title) >= LABEL_SIMILARITY for title in headings)
            if not label_next and not heading and _box(following).ticked is None:
                written = following.strip(_FILLER)
                used.add(index + 1)
        if written and spec.key not in posted:
            posted[spec.key] = _value(spec, written)
    return posted
