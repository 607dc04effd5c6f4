"""The facts of a passage an answer is built around: sentences, lists with their lead-in, table rows.

A by-law's amount often stands in a list under a lead-in ("Die Steuer beträgt im Kalenderjahr:" /
"1. für den ersten Hund 120,00 Euro"), or in a table row; a unit keeps them together, so a fee list
stays a list. Markdown residue ("**(1)**", "|", "#") is removed first (``plain_markdown``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rathaus.assistant import tables
from rathaus.assistant.asked import DATE, LOWER_BOUND, QUANTITIES, UPPER_BOUND, VALUE_KINDS, Wanted, carries
from rathaus.core.text.sentences import plain_markdown, sentences_and_items

# "- ", "1. ", "a) ", "(a) " open a list item; "(1)" is a paragraph's number, not an item's.
LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)]|[a-z]{1,2}[.)]|\([a-z]{1,2}\))\s+(?=\S)")
PARAGRAPH_NUMBER = re.compile(r"^\(\d{1,2}[a-z]?\)\s*")
# Keywords, version notes and the signature under a by-law ("Neustadt, den 18.11.2019 gez. …"): no answer.
SKIPPED_LINE = re.compile(
    r"^(?:Stichworte:|\(Fassung\b|Fassung gemäß|gez\.\s"
    r"|(?-i:[A-ZÄÖÜ][\w.()/-]*(?: [\w.()/-]+){0,2}),\s+(?:den\s+)?\d{1,2}\.\s?"
    r"(?:\d{1,2}\.|[A-ZÄÖÜ][a-zä]+)\s?\d{4}\s*(?:$|gez\.))",
    re.IGNORECASE,
)
MAX_ITEMS = 8
MORE = "weitere Punkte siehe Quelle"
# A list longer than this shows only its items with the asked value (see ``focused``).
LONG_LIST = 4
# A lead-in that points back to the sentence before it ("Dabei gelten folgende Leihfristen:") is read with it.
REFERS_BACK = re.compile(r"(?:Da|Hier)(?:bei|für|zu|von|nach|unter|mit)\b|Dies(?:e[rsmn]?)?\b")
# Paragraph headings that announce a value: "§ 5 Steuersatz", "§ 4 Gebührenhöhe", "§ 3 Ruhezeiten".
VALUE_HEADINGS = {
    Wanted.FEE: re.compile(
        r"steuersatz|hebesatz|gebühr|höhe|beitr|tarif|entgelt|entschädigung|kosten|preis", re.I
    ),
    Wanted.PERIOD: re.compile(r"zeit|frist|dauer|beginn|ende", re.I),
    Wanted.HOURS: re.compile(r"zeit|öffnung|ruhe", re.I),
    Wanted.DAY: re.compile(r"zeit|tag|termin|datum", re.I),
}
VALUE_HEADINGS[Wanted.AMOUNT] = VALUE_HEADINGS[Wanted.FEE]


@dataclass(frozen=True)
class Unit:
    """A sentence, or a lead-in with its list items, as the answer shows it."""

    text: str
    items: tuple[str, ...] = ()
    row: bool = False  # a table row (its only item, when it has a heading)
    whole_list: tuple[str, ...] = ()  # all items, when only some are shown (see ``focused``)

    @property
    def whole(self) -> str:
        """Lead-in and items as one string (for matching)."""
        return " ".join((self.text, *self.items))

    def lines(self, *, limit: int = MAX_ITEMS) -> list[str]:
        """The lead-in, then each item as a list line."""
        shown = [f"– {item}" for item in self.items[:limit]]
        if self.whole_list or len(self.items) > limit:
            shown.append(f"– {MORE}")
        return [self.text, *shown] if self.text else shown


def tidy(sentence: str) -> str:
    """A sentence without its paragraph number "(1)" and stray list marks."""
    return PARAGRAPH_NUMBER.sub("", sentence.strip(" -•*–")).strip()


ROW, HEADS = "row", "heads"


def _lines(text: str) -> list[tuple[str, str]]:
    """The plain lines of a Markdown text, each with what it is: "" (text), a table's data ``ROW``, or a row
    that ``HEADS`` a group of rows (see ``tables``)."""
    found: list[tuple[str, str]] = []
    block: list[str] = []

    def end_table() -> None:
        found.extend((row, HEADS if heads else ROW) for row, heads in tables.rows(block) if row)
        block.clear()

    for raw in text.splitlines():
        if tables.is_row(raw):
            block.append(raw)
            continue
        if block:
            end_table()
        # The rest of a row a chunk boundary cut ("10-300 € (10-307 €) |") keeps no stray pipe.
        found.append((plain_markdown(raw).strip().strip("|").strip(), ""))
    if block:
        end_table()
    return found


# A sub-heading of a web text is a short line without closing punctuation: "Freiwilliges Soziales Jahr (FSJ)",
# "Gültigkeitsdauer".
HEADING_WORDS = 12
OPEN_END = re.compile(r"[^.!?:;,–-]$")


def is_heading(unit: Unit) -> bool:
    """True for a sub-heading ("Registrierung als Kriegsflüchtling"): a short line without closing
    punctuation, number or value, no statement to show in a sentence run ("… Kriegsflüchtling Um eine …")."""
    return (
        not unit.items
        and not unit.row
        and OPEN_END.search(unit.text) is not None
        and len(unit.text.split()) <= HEADING_WORDS
        and ":" not in unit.text  # "Gültigkeit: Drei Jahre" is a statement
        and not any(char.isdigit() for char in unit.text)
        and not any(carries(unit.text, kind) for kind in VALUE_KINDS)
    )


def _headed(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``lines`` with a sub-heading over a list made the list's lead-in ("… (FSJ):"): the items under
    "Freiwilliges Soziales Jahr (FSJ)" are that service's, not those of the "Bundesfreiwilligendienst" below.
    """
    found = list(lines)
    text = [index for index, (line, kind) in enumerate(found) if line and not kind]
    for index, after in itertools.pairwise(text):
        line = found[index][0]
        if (
            all(not found[i][0] for i in range(index + 1, after))
            and LIST_ITEM.match(found[after][0])
            and not LIST_ITEM.match(line)
            and OPEN_END.search(line)
            and len(line.split()) <= HEADING_WORDS
        ):
            found[index] = (f"{line}:", "")
    return found


def units(text: str) -> list[Unit]:
    """The units of a passage text in their order: sentences, and lead-ins ending in ":" with their items.

    A table row numbered under a line or group row above it ("2.1. als Erdgrab" under "2. Überlassung eines
    Urnenreihengrabs") is a unit of its own with that line as its lead-in; any row stays whole (no
    sentence split at "incl.").
    """
    found: list[Unit] = []
    open_list: tuple[str, list[str]] | None = None
    heading: str | None = None  # the last numbered line ("2. Überlassung eines Urnenreihengrabs")
    group: str | None = None  # a row heading a group of rows ("2 – Anträge" over "2.1 …")
    for line, kind in _headed(_lines(text)):
        if not line or SKIPPED_LINE.match(line):
            continue
        item = LIST_ITEM.match(line)
        if (item or kind) and open_list is not None:
            open_list[1].append(tidy(line[item.end() :] if item else line))
            continue
        if open_list is not None:
            found.append(Unit(open_list[0], tuple(open_list[1])))
            open_list = None
        if kind == HEADS:
            group = tidy(line)
            continue
        if kind == ROW:
            row = tidy(line)
            if group is not None and tables.under(group, row, numbered=False):
                lead: str | None = group
            else:
                lead = heading if heading is not None and tables.under(heading, row) else None
            found.append(Unit(_lead_in(lead), (row,), row=True) if lead else Unit(row, row=True))
            continue
        group = None
        if tables.ITEM_NUMBER.match(line):
            heading = tidy(line)
        pieces = [tidy(item) for piece in sentences_and_items(line) for item in _inline_items(piece)]
        pieces = [piece for piece in pieces if len(piece) > 2]
        if pieces and pieces[-1].endswith(":"):
            lead = pieces.pop()
            if pieces and REFERS_BACK.match(lead):  # "… entliehen werden. Dabei gelten folgende Leihfristen:"
                lead = f"{pieces.pop()} {lead}"
            open_list = (lead, [])
        found.extend(Unit(piece) for piece in pieces)
    if open_list is not None:
        found.append(Unit(open_list[0], tuple(open_list[1])))
    # A lead-in without items says nothing ("Bringen Sie mit:"), unless it states a value itself ("Der
    # Ausschuss besteht aus 17 stimmberechtigten Mitgliedern:").
    return [unit for unit in found if unit.items or not unit.text.endswith(":") or _states_a_value(unit.text)]


def _states_a_value(text: str) -> bool:
    return any(carries(text, kind) for kind in QUANTITIES)


# Items a chunk joined into one line: "1. die Bewirtschaftung … im Einzelfall; 2. die Zustimmung …; 3. …",
# "2.1 Die Bewirtschaftung …; - 2.2 die Zustimmung …".
INLINE_ITEM = re.compile(r"(?<=;)\s+(?:-\s+)?(?=\d{1,2}(?:\.\d{1,2})?\.?\s+[A-Za-zÄÖÜäöü])")
INLINE_ITEMS = 3


def _inline_items(piece: str) -> list[str]:
    """A piece holding a numbered list run together, as its items (each one a unit of its own: the one
    stating the asked power or amount is shown, not the whole catalogue); any other piece as it is."""
    items = INLINE_ITEM.split(piece)
    return items if len(items) >= INLINE_ITEMS else [piece]


IN_FORCE = re.compile(r"\b(?:in|außer)\s+kraft\b", re.IGNORECASE)
ANNOUNCED = 2.0  # a paragraph heading announcing the asked kind of value ("§ 5 Steuersatz")
# A table row whose label is only the asked-for words names the asked-for thing (see tables.label_share).
ROW_LABEL = 1.0


def _lead_in(heading: str) -> str:
    """A heading as the lead-in of its rows: "2. Überlassung eines Urnenreihengrabs (für 20 Jahre):"."""
    return heading if heading.endswith(":") else f"{heading}:"


Matcher = Callable[[str], int]
"""How many of the question's content words a text contains."""

_CLOCK = r"\b\d{1,2}(?:[.:]\s?\d{2})?\s*uhr\b"
CLOCK = re.compile(_CLOCK, re.I)
_DATE = r"\b\d{1,2}\.\s?\d{1,2}\.(?:\s?\d{2,4})?"
_COUNT = (
    r"(?:\d+(?:[.,]\d+)?|ein\w*|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig)"
)
_TIME_UNIT = r"(?:werk|arbeits|kalender)?(?:tage?[ns]?|wochen?|monate?[ns]?|jahre?[ns]?|stunden?|minuten?)\b"
# A value of each kind stated as a quantity ("sechs Monaten", "22.00 Uhr", "120,00 €"), not only named
# ("innerhalb einer angemessenen Frist", "die Gebühr"): the asked-for value is the quantity.
CONCRETE = {
    Wanted.PERIOD: re.compile(rf"\b{_COUNT}\s+{_TIME_UNIT}|{_CLOCK}|{_DATE}|{DATE.pattern}", re.I),
    Wanted.HOURS: re.compile(_CLOCK, re.I),
}


def concrete(text: str, kind: Wanted) -> bool:
    """True when ``text`` states a value of ``kind`` as a quantity (a number with its unit, a time, a date).

    Amounts and fees are quantities whenever they are carried at all (a number with €, %, m …).
    """
    pattern = CONCRETE.get(kind)
    return carries(text, kind) if pattern is None else pattern.search(text) is not None


def states(text: str, kind: Wanted) -> bool:
    """True when ``text`` carries a value of ``kind``; a clock time also answers a period question.

    "Wann darf ich kein Altglas einwerfen?" / "Ab wann muss es ruhig sein?" ask for a point in time:
    "von 12.30 Uhr bis 14.00 Uhr", "nach 22:00 Uhr" answer them as a duration would answer "Wie lange?".
    """
    return carries(text, kind) or (kind is Wanted.PERIOD and CLOCK.search(text) is not None)


def best_units(
    text: str,
    *,
    section: str,
    kind: Wanted,
    matches: Matcher,
    limit: int = 2,
    min_words: int = 0,
    also: re.Pattern[str] | None = None,
) -> list[tuple[float, Unit]]:
    """The units of ``text`` that carry a value of ``kind``, best first, with their scores.

    The score is the number of the question's words in the unit, plus half of those in the section
    heading, plus two when the heading announces such a value ("§ 5 Steuersatz"; one when neither the
    heading nor the unit names a word of the question), plus 0.75 when the
    unit states the value as a quantity ("innerhalb von sechs Monaten", not "innerhalb einer angemessenen
    Frist"); a unit must carry the value (an amount, a period …) and match ``also`` when given. A second
    unit is kept only when it scores at least half as well as the first (the other rate of the same
    paragraph, say).
    """
    named = matches(section)
    # Every by-law says when it comes into force ("tritt am 01.09.2024 in Kraft"): that date answers a
    # question about its coming into force, not one about a period, day or time it rules.
    into_force = matches("in Kraft treten") > 0
    # "Wie hoch ist die Gebühr mindestens?": the rule stating the asked bound states the asked value.
    bounds = [
        bound for probe, bound in (("mindestens", LOWER_BOUND), ("höchstens", UPPER_BOUND)) if matches(probe)
    ]
    announced = VALUE_HEADINGS.get(kind)
    announces = announced is not None and announced.search(section) is not None
    scored = []
    for position, unit in enumerate(units(text)):
        words = matches(unit.whole)
        if IN_FORCE.search(unit.whole) and not into_force:
            continue
        if also is not None and not also.search(unit.whole):
            continue
        if words >= min_words and states(unit.whole, kind):
            # "§ 8 Ruhezeit" announces a period, but not the asked one when neither it nor its sentence
            # names anything the question names ("Für wie lange werde ich als Steinmetz zugelassen?").
            heading = named * 0.5 + (ANNOUNCED if words or named else ANNOUNCED / 2) * announces
            quantity = concrete(unit.whole, kind)
            if not (words or heading or quantity):
                continue  # "Schäden sind unverzüglich mitzuteilen" names neither the asked thing nor a value
            score = words + heading + 0.5 + 0.75 * quantity
            score += ANNOUNCED * any(bound.search(unit.whole) for bound in bounds)
            if unit.row:
                score += ROW_LABEL * tables.label_share((*unit.items, unit.text)[0], matches)
            scored.append((score, -position, unit))
    scored.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
    if not scored:
        return []
    top = scored[0][0]
    kept = [(score, focused(unit, kind, matches)) for score, _pos, unit in scored[:limit] if score >= top / 2]
    return _merged(kept)


def focused(unit: Unit, kind: Wanted, matches: Matcher) -> Unit:
    """``unit`` with only the items of a long list that state a value of ``kind`` with the most of the
    question's words: of a Hauptsatzung's twelve powers of the mayor, "5. die Bewilligung von …
    Freigebigkeitsleistungen bis zu 2.500,-- im Einzelfall" for a question on a donation. A list whose items
    name none of the question's words stays whole."""
    if unit.row or len(unit.items) <= LONG_LIST:
        return unit
    valued = [states(item, kind) for item in unit.items]
    scores = [matches(item) if value else -1 for item, value in zip(unit.items, valued, strict=True)]
    best = max(scores)
    if best <= 0:
        return unit
    kept = [index for index, score in enumerate(scores) if score == best]
    # A sub-list's own lead-in ("für das Halten eines Gerätes nach Nr. 1 c)") stays above its kept items.
    leads = {_lead_of(unit.items, valued, index) for index in kept} - {None}
    shown = tuple(item for index, item in enumerate(unit.items) if index in kept or index in leads)
    return unit if len(shown) == len(unit.items) else Unit(unit.text, shown, whole_list=unit.items)


def _lead_of(items: Sequence[str], valued: Sequence[bool], index: int) -> int | None:
    """The index of the lead-in of the sub-list holding item ``index``, if any: the item above its run of
    items with values, when it ends with ":", opens the list or follows another run with values."""
    above = index - 1
    while above >= 0 and valued[above]:
        above -= 1
    if above < 0 or not (items[above].rstrip().endswith(":") or above == 0 or valued[above - 1]):
        return None
    return above


def _merged(found: list[tuple[float, Unit]]) -> list[tuple[float, Unit]]:
    """Rows under the same heading as one unit: the heading is shown once, its rows below it."""
    merged: list[tuple[float, Unit]] = []
    for score, unit in found:
        same = [i for i, (_s, u) in enumerate(merged) if u.row and u.items and u.text == unit.text]
        if not same or not unit.row or not unit.items:
            merged.append((score, unit))
        else:
            first = merged[same[0]]
            merged[same[0]] = (first[0], Unit(unit.text, (*first[1].items, *unit.items), row=True))
    return merged


def pick(
    passages: Sequence[tuple[str, str]],
    *,
    kind: Wanted,
    matches: Matcher,
    rank_penalty: float = 0.5,
    min_words: int = 0,
    also: re.Pattern[str] | None = None,
) -> tuple[int, list[Unit]] | None:
    """Over passages ``(text, section)`` in rank order: (index, units) of the best fact of ``kind``."""
    best: tuple[float, int, list[Unit]] | None = None
    for index, (text, section) in enumerate(passages):
        found = best_units(text, section=section, kind=kind, matches=matches, min_words=min_words, also=also)
        if not found:
            continue
        score = found[0][0] - rank_penalty * index
        if best is None or score > best[0]:
            best = (score, index, [unit for _score, unit in found])
    return None if best is None else (best[1], best[2])


def fee_lines(fees: str) -> list[str]:
    """A service's fee text as list lines ("56 Euro" / "12 Monate" apart), one line when it is one."""
    lines = [tidy(line) for line in fees.splitlines()]
    return [re.sub(r"\s+", " ", line) for line in lines if line]
