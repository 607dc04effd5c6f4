"""Fristen in a letter: absolute ("bis zum 15.03.2026") and relative ("innerhalb von vier Wochen").

A relative period runs from the receipt date, which is not counted (BGB § 187); a period in weeks or
months ends on the day with the same weekday or day number (§ 188); a deadline on a Saturday, Sunday or
public holiday moves to the next working day (§ 193).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from rathaus.core.text.numbers import number_word
from rathaus.inbox.extract.legal_dates import (
    MONTHS,
    WEEKDAYS,
    add_months,
    add_working_days,
    end_of_month,
    german_date,
    is_working_day,
    next_working_day,
    why_not_working_day,
)

Unit = Literal["day", "week", "month", "working_day", "werktag"]

_MONTH = "|".join([*MONTHS, "Maerz"])
_WEEKDAY = "|".join(WEEKDAYS)
_DATE = (
    r"(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.(?:\s?(?P<year>\d{4}|\d{2}))?(?![\d.]*\d)"
    rf"|(?P<nday>\d{{1,2}})\.\s*(?P<nmonth>{_MONTH})(?:\s+(?P<nyear>\d{{4}}))?"
    rf"|Ende\s+(?:(?P<emonth>{_MONTH})(?:\s+(?P<eyear>\d{{4}}))?|(?P<this>des\s+Monats|dieses\s+Monats))"
    r"|(?P<monatsende>Monatsende)"
)
_CUE = (
    r"(?<![\w-])(?:"
    r"(?<!gültig )(?<!geöffnet )bis\s+(?:spätestens\s+)?(?:zum\s+|einschließlich\s+|am\s+)?"
    r"|spätestens\s+(?:am\s+|zum\s+|bis\s+(?:zum\s+)?)?"
    r"|(?:Abgabe|Zahlungs|Einreichungs|Rückmelde|Anmelde)?(?i:frist)(?:\s+zur\s+\w+)?\s*(?:endet\s+)?(?:am\s+)?(?:ist\s+der\s+)?:?\s*"
    r"|(?:Einsende|Anmelde|Bewerbungs)schluss(?:\s+ist)?(?:\s+der)?\s*:?\s*"
    r"|(?:fällig|zahlbar)\s+(?:am\s+|bis\s+(?:zum\s+)?)"
    r")"
)
ABSOLUTE = re.compile(rf"(?P<cue>{_CUE})(?:(?:{_WEEKDAY}),?\s+(?:den\s+)?)?(?:{_DATE})", re.IGNORECASE)
# "3. bis 5. März", "vom 1.3. bis 15.3.": the second date ends a range, not a Frist.
_RANGE_START = re.compile(rf"(?:\d\.|\d\.\s?(?:{_MONTH})|\d{{4}})\s*$", re.IGNORECASE)

_UNITS: dict[str, Unit] = {
    "tag": "day",
    "kalendertag": "day",
    "woche": "week",
    "monat": "month",
    "jahr": "month",
    "werktag": "werktag",  # Monday to Saturday
    "arbeitstag": "working_day",  # Monday to Friday
}
RELATIVE = re.compile(
    r"(?<![\w-])(?P<cue>innerhalb|binnen|spätestens|(?:eine[rn]?\s+)?\w*frist(?:\s+von|\s+beträgt|\s*:))\s+(?:von\s+|der\s+nächsten\s+)?"
    r"(?P<count>\d{1,3}|[a-zäöüß]+)\s+"
    r"(?P<unit>(?:kalender|werk|arbeits)?tag|woche|monat|jahr)(?:e|en|n|s|es)?(?!\w)(?!\s+vor\b)"
    r"(?P<after>\s+(?:nach|ab|seit)\s+(?:dem\s+)?(?:zugang|erhalt|zustellung|eingang|bekanntgabe|empfang)"
    r"(?:\s+(?:dieses|des|dieser|der|ihres|unseres)\s+\w+)?)?",
    re.IGNORECASE,
)
_ONE = {"ein", "eine", "einer", "eines", "einem", "einen"}
_UNIT_WORDS = {
    "day": ("Tag", "Tage"),
    "week": ("Woche", "Wochen"),
    "month": ("Monat", "Monate"),
    "working_day": ("Arbeitstag", "Arbeitstage"),
    "werktag": ("Werktag", "Werktage"),
}


@dataclass(frozen=True)
class Deadline:
    """A Frist found in the text, with its span, the date it names and the date it really ends."""

    due: date
    stated: date
    text: str
    start: int
    end: int
    kind: Literal["absolute", "relative"]
    description: str

    @property
    def moved(self) -> bool:
        """True when the stated day was no working day and the Frist moved on (BGB § 193)."""
        return self.due != self.stated


def find_deadlines(*, text: str, received: date, state: str) -> list[Deadline]:
    """Every Frist in ``text``, resolved against the receipt date and ``state``'s holidays, in text order.

    >>> [d.due for d in find_deadlines(text="binnen zwei Wochen", received=date(2026, 3, 2), state="NI")]
    [datetime.date(2026, 3, 16)]
    """
    found = [*_absolute(text, received, state), *_relative(text, received, state)]
    found.sort(key=lambda deadline: (deadline.start, -deadline.end))
    kept: list[Deadline] = []
    for deadline in found:
        if not kept or deadline.start >= kept[-1].end:
            kept.append(deadline)
    return kept


def _absolute(text: str, received: date, state: str) -> list[Deadline]:
    deadlines = []
    for match in ABSOLUTE.finditer(text):
        if match.group("cue").lower().startswith("bis") and _RANGE_START.search(text[: match.start()]):
            continue
        stated = _resolve(match, received)
        if stated is None:
            continue
        span_text = match.group(0)
        due = next_working_day(stated, state=state)
        description = f"Frist bis {german_date(due)} (genannt: „{span_text.strip()}“)"
        deadlines.append(
            Deadline(
                due=due,
                stated=stated,
                text=span_text,
                start=match.start(),
                end=match.end(),
                kind="absolute",
                description=description + _moved_note(stated, due, state),
            )
        )
    return deadlines


def _month_number(name: str) -> int:
    name = name.capitalize().replace("Maerz", "März")
    return MONTHS.index(name) + 1


def _resolve(match: re.Match[str], received: date) -> date | None:
    """The named day; a day without a year is the next one on or after the receipt date."""
    groups = match.groupdict()
    if groups["iso"]:
        return date.fromisoformat(groups["iso"]) if _valid_iso(groups["iso"]) else None
    if groups["this"] or groups["monatsende"]:
        return end_of_month(received.year, received.month)
    if groups["emonth"]:
        month = _month_number(groups["emonth"])
        given = int(groups["eyear"]) if groups["eyear"] else received.year + (month < received.month)
        return end_of_month(given, month)
    day = int(groups["day"] or groups["nday"])
    month = int(groups["month"]) if groups["day"] else _month_number(groups["nmonth"])
    year = groups["year"] or groups["nyear"]
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        candidate = date(received.year, month, day)
        return candidate if candidate >= received else date(received.year + 1, month, day)
    except ValueError:
        return None


def _valid_iso(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _relative(text: str, received: date, state: str) -> list[Deadline]:
    deadlines = []
    for match in RELATIVE.finditer(text):
        word = match.group("count").lower()
        count = 1 if word in _ONE else number_word(word)
        if not count:
            continue
        unit_word = match.group("unit").lower()
        unit = _UNITS[unit_word]
        if unit_word == "jahr":
            count *= 12
        stated = _add(received, count, unit, state)
        due = next_working_day(stated, state=state)
        singular, plural = _UNIT_WORDS[unit]
        period = f"{count} {singular if count == 1 else plural}"
        description = f"Frist bis {german_date(due)} ({period} ab Zugang am {received:%d.%m.%Y})"
        deadlines.append(
            Deadline(
                due=due,
                stated=stated,
                text=match.group(0),
                start=match.start(),
                end=match.end(),
                kind="relative",
                description=description + _moved_note(stated, due, state),
            )
        )
    return deadlines


def _add(received: date, count: int, unit: Unit, state: str) -> date:
    if unit == "day":
        return received + timedelta(days=count)
    if unit == "week":
        return received + timedelta(weeks=count)
    if unit == "month":
        return add_months(received, count)
    return add_working_days(received, count, state=state, saturdays=unit == "werktag")


def _moved_note(stated: date, due: date, state: str) -> str:
    if stated == due or is_working_day(stated, state=state):
        return ""
    reason = why_not_working_day(stated, state=state)
    return f"; der {stated:%d.%m.%Y} ist {reason}, daher nächster Werktag (§ 193 BGB)"
