"""Which of the retrieved services answers: the one that names what the citizen asks about.

Services of one family score alike ("Taxi oder Mietwagen – Unterlagen nachreichen", "Mietwagengenehmigung
– Erstantrag"), and the answer takes its fee from the first. Two signs pick the right one among the
services close to the best:

- the **asked-for thing**: "Was kostet die Genehmigung?" asks about a Genehmigung, so a service whose
  title names it ("Mietwagengenehmigung") goes before one whose title does not; the thing may be the
  compound and the title its head ("Wiederanmeldung" → "Erneute Anmeldung eines Fahrzeugs");
- the **situation**: "Ich arbeite in der ambulanten Pflege und brauche einen Parkausweis" fits the
  service whose own text speaks of the Pflege ("Parkausweis für Soziale Dienste"), not the one that
  only shares the word Parkausweis; this sign decides only between services scoring nearly alike.

The limits were chosen on the tuning questions (``bench/data/citizen_tuning.json``). On top of ranking
services as a whole (``fusion``) they still help on the holdout set (the right service first for 55
instead of 52 of 82 questions) and change nothing on dev_service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TypeVar

from rathaus.assistant.answerability import contains, stem, terms
from rathaus.assistant.schemas import PassageLike

P = TypeVar("P", bound=PassageLike)

WINDOW = 5  # only services among this many passages compete
NAMED_SHARE = 0.8  # a service naming the asked-for thing may overtake one scoring up to 1/0.8 as much
SITUATION_SHARE = 0.9  # the situation decides only between services this close to the best
MIN_NOUN = 5
# "Was kostet die Genehmigung?", "Kostet der Widerspruch etwas?", "Wie lange dauert die Ummeldung?",
# "Was brauche ich für den Antrag?": the noun phrase after the verb names the thing asked about.
ASKED_THING = re.compile(
    r"\b(?:kostet|kosten|dauert|dauern|gilt|gelten|(?:brauche|benötige)\s+ich\s+(?:für|zur|zum))\s+"
    r"(?:(?:der|die|das|den|dem|ein|eine|einen|mein|meine|meinen|unser|unsere|unseren)\s+)?"
    r"(?P<thing>[^?.,;!]+)",
    re.IGNORECASE,
)
NOUN = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜa-zäöüß]+)*")
# Words that say what is asked (the value), not about what: they name no service.
VALUE_WORDS = frozenset({"kosten", "gebühr", "gebühren", "preis", "euro", "dauer", "unterlagen", "frist"})
# Words of the question that say what is asked, or nothing about the situation ("neue").
IGNORED_STEMS = frozenset(
    {"kost", "koste", "kostet", "zahl", "zahle", "zahlen", "etwa", "etwas", "neue", "neu"}
)
# A title's range of a count: "Beglaubigung von bis zu 20 Dokumenten", "… von mehr als 20 Dokumenten".
UP_TO = re.compile(r"\b(?:bis zu|bis|höchstens|maximal)\s+(\d{1,4})\b", re.IGNORECASE)
MORE_THAN = re.compile(r"\b(?:mehr als|über)\s+(\d{1,4})\b", re.IGNORECASE)
FROM = re.compile(r"\bab\s+(\d{1,4})\b(?!\s*(?:euro|€|uhr))", re.IGNORECASE)
UNDER = re.compile(r"\b(?:unter|weniger als)\s+(\d{1,4})\b", re.IGNORECASE)
COUNT = re.compile(r"(?<![\d.,:])\b(\d{1,4})\b(?![.,:]\d)")


def _stem(word: str) -> str:
    return stem(word.lower())


def asked_things(question: str) -> set[str]:
    """Stems of the nouns that name what ``question`` asks about ("Was kostet die Genehmigung?")."""
    found: set[str] = set()
    for match in ASKED_THING.finditer(question):
        for noun in NOUN.findall(match.group("thing"))[:3]:
            for part in noun.split("-"):
                if len(part) >= MIN_NOUN and part.lower() not in VALUE_WORDS:
                    found.add(_stem(part))
    return found


def names(title: str, things: set[str]) -> bool:
    """True when ``title`` names one of ``things``: inside a compound, or as the compound's head.

    "Mietwagengenehmigung" names a Genehmigung; "Erneute Anmeldung" names a Wiederanmeldung.
    """
    lowered = title.lower()
    heads = [_stem(word) for word in re.findall(r"[a-zäöüß]+", lowered) if len(word) >= MIN_NOUN]
    return any(contains(lowered, thing) or any(thing.endswith(head) for head in heads) for thing in things)


def situation_fit(question: str, text: str) -> int:
    """How many of the question's content words (what it asks aside) the service's text contains."""
    lowered = text.lower()
    return sum(contains(lowered, term) for term in terms(question) - IGNORED_STEMS)


def title_range(title: str) -> tuple[int, float] | None:
    """The count a title is for, as (lowest, highest): "bis zu 20 Dokumenten" is (0, 20); None: no range."""
    if found := UP_TO.search(title):
        return 0, int(found.group(1))
    if found := MORE_THAN.search(title):
        return int(found.group(1)) + 1, float("inf")
    if found := UNDER.search(title):
        return 0, int(found.group(1)) - 1
    if found := FROM.search(title):
        return int(found.group(1)), float("inf")
    return None


def in_range(title: str, question: str) -> bool | None:
    """Whether a count of ``question`` ("15 beglaubigte Kopien") lies in the title's range; None: no range."""
    bounds = title_range(title)
    counts = [int(number) for number in COUNT.findall(question)]
    if bounds is None or not counts:
        return None
    return any(bounds[0] <= count <= bounds[1] for count in counts)


def _promoted(passages: Sequence[P], source_id: int) -> list[P]:
    """``passages`` with those of ``source_id`` first, the others in their order."""
    own = [p for p in passages if p.source_id == source_id]
    return [*own, *(p for p in passages if p.source_id != source_id)]


def _rivals(passages: Sequence[P]) -> list[P]:
    """The other services among the first ``WINDOW`` passages, each once, in their order."""
    top = passages[0]
    rivals: list[P] = []
    for passage in passages[:WINDOW]:
        seen = passage.source_id == top.source_id or any(passage.source_id == r.source_id for r in rivals)
        if passage.kind == "service" and not seen:
            rivals.append(passage)
    return rivals


def _named_rival(top: P, rivals: Sequence[P], question: str) -> P | None:
    """A close service whose title fits the question's count or names the asked-for thing; the best's not."""
    near = [rival for rival in rivals if rival.score >= NAMED_SHARE * top.score]
    if in_range(top.title, question) is False:
        fitting = next((rival for rival in near if in_range(rival.title, question)), None)
        if fitting is not None:
            return fitting
    things = asked_things(question)
    if not things or names(top.title, things):
        return None
    return next((rival for rival in near if names(rival.title, things)), None)


def _situation_rival(top: P, rivals: Sequence[P], question: str, texts: Mapping[int, str]) -> P | None:
    """Among services scoring nearly as the best (naming the asked-for thing alike), one fitting better."""
    things = asked_things(question)
    top_named = names(top.title, things)

    def fit(passage: P) -> int:
        return situation_fit(question, f"{passage.title}\n{texts.get(passage.source_id, passage.text)}")

    best_fit = fit(top)
    chosen: P | None = None
    for rival in rivals:
        if rival.score < SITUATION_SHARE * top.score or names(rival.title, things) != top_named:
            continue
        score = fit(rival)
        if score > best_fit:
            best_fit, chosen = score, rival
    return chosen


def prefer_service(passages: Sequence[P], question: str, *, texts: Mapping[int, str]) -> list[P]:
    """``passages`` with the service that fits ``question`` best among those close to the best, first.

    ``texts`` are the services' whole texts (every chunk) by source id. Nothing moves when the best
    passage is no service, or no close service holds the question's count ("15 Kopien" in "bis zu 20
    Dokumenten"), names the asked-for thing or fits the situation better than the best one.
    """
    result = list(passages)
    if not result or result[0].kind != "service" or result[0].score <= 0:
        return result
    top = result[0]
    rivals = _rivals(result)
    chosen = _named_rival(top, rivals, question) or _situation_rival(top, rivals, question, texts)
    return result if chosen is None else _promoted(result, chosen.source_id)
