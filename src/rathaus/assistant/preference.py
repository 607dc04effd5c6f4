"""What a question names of the service it is about: the asked-for thing, and a count in a title's range.

Services of one family score alike ("Taxi oder Mietwagen – Unterlagen nachreichen", "Mietwagengenehmigung
– Erstantrag"). Two signs of the question point at one of them, and the learned ranking of candidate
services (``rerank``) weighs them with the others:

- the **asked-for thing**: "Was kostet die Genehmigung?" asks about a Genehmigung, so a service whose
  title names it ("Mietwagengenehmigung") fits better than one whose title does not; the thing may be the
  compound and the title its head ("Wiederanmeldung" → "Erneute Anmeldung eines Fahrzeugs");
- a **count**: "15 beglaubigte Kopien" lies in "Beglaubigung von bis zu 20 Dokumenten", not in "… von
  mehr als 20 Dokumenten".
"""

from __future__ import annotations

import re

from rathaus.assistant.answerability import contains, stem

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
