"""What a passage must state to answer what a question asks for: a sum, a time, a duration.

A passage can be about the right topic and still not hold the asked-for detail: a cemetery by-law's
"§ 2 Öffnungszeiten" says only that the cemetery may be entered "während der bekannt gegebenen
Öffnungszeiten", which answers no "Wann hat … geöffnet?"; a service's fee list is what a citizen pays,
not what they receive ("Wie viel Wohngeld bekomme ich?"). The answerability decision refuses a question
when none of its chosen passages states the kind of value asked for:

- a **sum** ("Was kostet …", "Wie hoch …"): an amount, a rate or "kostenlos" (``has_amount``); for
  "Wie hoch/groß/breit/tief …" also a measure ("höchstens 3 m über dem Boden");
  a sum the citizen **receives** ("Wie viel … bekomme ich", "Zuschuss", "Entschädigung") only in the
  passage's text: a service's fees are what the citizen pays;
- a **point in time** ("Wann …", "Bis wann", "Ab wann", "An welchen Tagen", "Öffnungszeiten"): a clock
  time, a weekday, a date, a month or a period ("innerhalb von zwei Wochen");
- a **duration** ("Wie lange …", "Wie schnell", "Dauer", "Wartezeit"): a number with its unit of time,
  "unbefristet" and the like, or a service's structured duration;
- a **permitted count** ("Wie viele Hunde darf ich halten?", "Wie viele Urnen dürfen in ein Grab?"): a
  sentence that states a number together with a permission or a limit ("dürfen … höchstens 4"). A rule
  that only counts the thing for another purpose ("für den zweiten Hund", "Zwingersteuer für 5 Hunde")
  sets no limit on it (a number in a tax or fee sentence is a tariff step).

Documents, offices and plain yes/no questions need nothing further: every service states its documents
and office, and a by-law's rule answers in its own words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rathaus.assistant.asked import APPOINTMENT
from rathaus.assistant.chunking import APPOINTMENT_LENGTH
from rathaus.assistant.schemas import PassageLike
from rathaus.core.text.morphology import compound_parts
from rathaus.core.text.stopwords import STOPWORDS

ASKS_WHEN = re.compile(
    r"\bwann\b|\ban welchen (?:tagen|wochentagen)\b|\bwelche[nm]? (?:tag|tagen|wochentag\w*|uhrzeit\w*)\b"
    r"|\b(?:um|bis|ab) wie ?viel uhr\b|\bwie spät\b|\buhrzeit\w*|\böffnungszeit\w*|\bgeöffnet\b"
    r"|\bsprechzeit\w*|\bsprechstunde\w*",
    re.IGNORECASE,
)
ASKS_DURATION = re.compile(
    r"\bwie lange?\b|\bwie schnell\b|\bdauert?\b|\bwartezeit\w*|\bbearbeitungszeit\w*|\bwie ?viel zeit\b",
    re.IGNORECASE,
)
# How long processing or waiting takes: "dauert es, bis …", "Wie lange dauert die Bearbeitung …",
# "Wie viele Monate dauert es …", "Bearbeitungszeit". Not a span that is no processing ("Wie viele Monate
# im Jahr …?", "Wie viele Tage vor der Sitzung …?") nor a citizen's deadline ("Wie schnell muss ich …?").
PROCESSING = re.compile(
    r"\bdauert\b[^?]*\b(?:bis|bearbeitung)\b|\bbearbeitung\b[^?]*\bdauer|\bbearbeitungszeit\w*"
    r"|\bwie ?viele (?:tage|wochen|monate|jahre)\b[^?]*\b(?:dauer|bearbeit|warte)\w*"
    r"|\b(?:dauer|bearbeit|warte)\w*[^?]*\bwie ?viele (?:tage|wochen|monate|jahre)\b"
    r"|\bwartezeit\w*|\bwie schnell\b(?![^?]*\bmuss)",
    re.IGNORECASE,
)
# The words of a question about the appointment itself (``asked.APPOINTMENT``), with their endings.
APPOINTMENT_WORDS = re.compile("|".join(rf"\b{word}\w*" for word in APPOINTMENT.split()), re.IGNORECASE)
# A question for a sum ("Was kostet …", "Wie hoch ist …") is answered only by a passage that has one;
# "Bis wie viel Uhr" asks for a time, "Wie viel Zeit habe ich?" for a period, not a sum.
ASKS_AMOUNT = re.compile(
    r"\b(?:was kostet|kostet|kosten|wie ?viel(?! uhr| zeit)|wie hoch|gebühr|gebühren|preis|betrag|beitrag)\b",
    re.IGNORECASE,
)
# "Wie hoch darf die Hausnummer hängen?" asks for a measure: a length, an area or a weight answers it too.
ASKS_EXTENT = re.compile(r"\bwie (?:hoch|groß|breit|tief|weit|schwer)\b", re.IGNORECASE)
# … unless it names a sum: "Wie hoch ist die Gebühr / die Miete / der Hebesatz?"
SUM_WORDS = re.compile(
    r"kost|zahl|gebühr|preis|teuer|steuer|abgabe|beitr|betrag|miet|satz|sätze|geld|lohn|zuschuss|euro",
    re.IGNORECASE,
)
MEASURE = re.compile(
    r"\b\d[\d.,]*\s*(?:m|cm|mm|km|m²|m2|qm|m³|kg|t|meter|zentimeter|kilometer|quadratmeter|kubikmeter"
    r"|kilogramm|tonnen)(?![\wäöüß])",
    re.IGNORECASE,
)
AMOUNT = re.compile(
    r"\d[\d.,]*-?\s*(?:€|euro\b|eur\b|dm\b|cent\b|prozent\b|%|v\.\s?h\.|vom hundert)"
    r"|kostenlos|kostenfrei|gebührenfrei|keine gebühr|keine kosten",
    re.IGNORECASE,
)
# "Die Beratung ist kostenlos", "Die Ausstellung kann kostenlos besucht werden": what is free (group 1).
FREE_THING = re.compile(
    r"\b(?:die|der|das)\s+([^.;:\n]{1,60}?)\s+(?:ist|sind|kann|können|wird|werden)\s+[^.;:\n]{0,30}?"
    r"(?:kostenlos|kostenfrei|gebührenfrei)",
    re.IGNORECASE,
)
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})
_ENDINGS = ("ungen", "ung", "en", "e")
# A sum the citizen receives: asked with "bekommen"/"erhalten" or for a benefit, not with paying words.
RECEIVES = re.compile(
    r"\b(?:bekomm\w*|bekommt|erhalt\w*|erhält|kriege?n?|zuschuss\w*|förderung\w*|entschädigung\w*"
    r"|erstattung\w*|zulage\w*|beihilfe\w*)",
    re.IGNORECASE,
)
PAYS = re.compile(
    r"\b(?:kost\w*|zahl\w*|bezahl\w*|gebühr\w*|preis\w*|teuer\w*|steuer\w*|abgabe\w*)", re.IGNORECASE
)

_NUMBER = (
    r"(?:\d+(?:[.,]\d+)?|ein\w*|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|vierzehn|zwanzig)"
)
# Days to years ("Werktage", "Monaten"), the calendar's units; a duration may also come in hours or minutes.
_DAYS_TO_YEARS = r"tage?n?|wochen?|monate?n?|jahre?n?"
_CALENDAR = rf"(?:werk|arbeits|kalender)?(?:{_DAYS_TO_YEARS})"
_UNIT = rf"(?:werk|arbeits|kalender)?(?:{_DAYS_TO_YEARS}|stunden?|minuten?)"
DURATION = re.compile(
    rf"\b{_NUMBER}\s*(?:bis\s*{_NUMBER}\s*)?{_UNIT}\b|\bunbefristet\b|\bunbegrenzt\b|\bsofort\b|\blebenslang\b"
    r"|\bam (?:selben|gleichen) tag\b",
    re.IGNORECASE,
)
_MONTHS = "januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember"
TIME = re.compile(
    r"\b\d{1,2}(?:[.:,]\d{2})?\s*uhr\b|\b\d{1,2}:\d{2}\b"  # clock times: "7.00 Uhr", "22:00", "3,00 Uhr"
    r"|\b(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag)s?\b"
    r"|\b(?:werk|sonn|feier|wochen)tag\w*|\bwochenende\w*|\btäglich\b"
    rf"|\b\d{{1,2}}\.\s?\d{{1,2}}\.|\b(?:{_MONTHS})\b"  # dates and months
    r"|\bfrist\w*|\bspätestens\b|\bunverzüglich\b|\binnerhalb\b|\bvor ablauf\b",
    re.IGNORECASE,
)


# "Wie viele … darf ich / dürfen …" asks for a permitted number ("viel" alone asks for a sum).
ASKS_COUNT = re.compile(r"\bwie viele[nm]?\b", re.IGNORECASE)
PERMISSION = re.compile(
    r"\b(?:darf|dürfen|darfst|erlaubt|zulässig|gestattet|höchstens|maximal)\b", re.IGNORECASE
)
LIMIT = re.compile(
    r"\b(?:darf|dürfen|zulässig|erlaubt|gestattet|höchstens|maximal|(?:nicht )?(?:mehr|länger) als)\b",
    re.IGNORECASE,
)
CARDINAL = re.compile(
    r"\b(?:\d+|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|fünfzig|hundert)\b"
    r"(?![.,]\d)(?!\.\s?\d)",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"(?<=[.;:!?])\s+|\n+")
# A number in a tax or fee rule is a tariff step ("mehr als 5 Hunde … erhöht sich die Steuer"), no limit.
TARIFF = re.compile(r"steuer|gebühr|beitr[aä]g|entgelt|\d\s*(?:€|euro\b)", re.IGNORECASE)
# Numbers that count nothing: paragraph and section references, clock times.
REFERENCE = re.compile(
    r"\(\d+\)|§+\s*\d+\w*|\b(?:abs(?:atz)?|nr|satz|ziff(?:er)?)\.?\s*\d+|\d{1,2}(?:[.:]\d{2})?\s*uhr\b",
    re.IGNORECASE,
)


def has_amount(passage: PassageLike, question: str = "") -> bool:
    """True when the passage (or its service's fees) states a sum, a rate or that it is free.

    With ``question``, "Die Beratung ist kostenlos" states a sum only for a question about the free
    thing or the passage's service (see :func:`_sums`): a counselling on childcare being free is no
    price of a Krippe place.
    """
    fees = str(passage.facts.get("fees") or "")
    if not question:
        return bool(fees) or AMOUNT.search(passage.text) is not None
    return _sums(f"{fees}\n{passage.text}", question, passage.title)


def _sums(text: str, question: str, title: str = "") -> bool:
    """True when ``text`` states a sum; a "free" naming what is free counts when the question names it."""
    asked = _folded(question)
    if _names_any(title, asked):  # the question is about the service itself: all it says is free is
        return AMOUNT.search(text) is not None
    foreign = [match.span() for match in FREE_THING.finditer(text) if not _names_any(match.group(1), asked)]
    return any(
        not any(start <= match.start() < end for start, end in foreign) for match in AMOUNT.finditer(text)
    )


def _folded(text: str) -> str:
    return text.lower().translate(_UMLAUTS)


def _names_any(phrase: str, asked: str) -> bool:
    """True when a word of ``phrase`` (stemmed, at least four letters) stands in ``asked`` (folded)."""
    words = [_folded(word) for word in re.findall(r"[a-zäöüß]+", phrase.lower()) if word not in STOPWORDS]
    for word in words:
        stem = next((word.removesuffix(end) for end in _ENDINGS if word.endswith(end)), word)
        if len(stem) >= 4 and stem in asked:
            return True
    return False


def states_sum(passage: PassageLike, *, received: bool, question: str = "") -> bool:
    """True when the passage states a sum; one ``received`` only in its text (fees are paid, not received)."""
    return AMOUNT.search(passage.text) is not None if received else has_amount(passage, question)


def states_measure(passage: PassageLike) -> bool:
    """True when the passage states a length, an area, a volume or a weight ("3 m", "100 cm")."""
    return MEASURE.search(passage.text) is not None


def asks_when(question: str) -> bool:
    """True when ``question`` asks for a point in time: "Wann …", "Bis wann", opening hours."""
    return ASKS_WHEN.search(question) is not None


def asks_duration(question: str) -> bool:
    """True when ``question`` asks how long something takes or lasts."""
    return ASKS_DURATION.search(question) is not None


def asks_processing_time(question: str) -> bool:
    """True when ``question`` asks how long processing or waiting takes, not the appointment ("Wie viele
    Monate dauert es, bis entschieden ist?", "Wie lange dauert es, bis mein Pass abholbereit ist?")."""
    return PROCESSING.search(question) is not None and APPOINTMENT_WORDS.search(question) is None


# A period a document is valid for is no processing time: "Dieser ist drei Monate gültig."
VALIDITY = re.compile(r"gültig|befristet", re.IGNORECASE)


def processing_time_missing(passages: Sequence[PassageLike], question: str) -> bool:
    """True when ``question`` asks how long processing takes and the source the passages lead with states
    no period other than its appointment's length or how long something stays valid.

    "Wie viele Monate dauert die Bearbeitung meines Einbürgerungsantrags?" is not answered by the 60
    minutes of the appointment, nor by the 90 days another service grants after entry.
    """
    if not passages or not asks_processing_time(question):
        return False
    lead = [p for p in passages if p.source_id == passages[0].source_id]
    lines = (line for p in lead for line in p.text.splitlines() if not line.startswith(APPOINTMENT_LENGTH))
    return not any(
        DURATION.search(sentence) and not VALIDITY.search(sentence)
        for line in lines
        for sentence in SENTENCE.split(line)
    )


def asks_received_sum(question: str) -> bool:
    """True when ``question`` asks for a sum the citizen receives ("Wie viel Wohngeld bekomme ich?")."""
    return RECEIVES.search(question) is not None and PAYS.search(question) is None


def states_time(passage: PassageLike) -> bool:
    """True when the passage states a clock time, weekday, date, month or period."""
    return TIME.search(passage.text) is not None or states_duration(passage, structured=False)


def states_duration(passage: PassageLike, *, structured: bool = True) -> bool:
    """True when the passage states a duration (with ``structured``, also its service's duration)."""
    if structured and any(passage.facts.get(key) for key in ("duration", "duration_minutes")):
        return True
    return DURATION.search(passage.text) is not None


def asks_permitted_count(question: str) -> bool:
    """True when ``question`` asks how many of something are allowed ("Wie viele … darf ich …?")."""
    return ASKS_COUNT.search(question) is not None and PERMISSION.search(question) is not None


def states_limit(passage: PassageLike) -> bool:
    """True when a sentence of the passage states a number with a permission or a limit."""
    sentences = (REFERENCE.sub(" ", sentence) for sentence in SENTENCE.split(passage.text))
    return any(
        CARDINAL.search(sentence) and LIMIT.search(sentence) and not TARIFF.search(sentence)
        for sentence in sentences
    )


def missing(passages: Sequence[PassageLike], question: str) -> str | None:
    """The kind of value ``question`` asks for that none of ``passages`` states; None when all are there."""
    if ASKS_AMOUNT.search(question):
        received = asks_received_sum(question)
        measure = ASKS_EXTENT.search(question) is not None and SUM_WORDS.search(question) is None
        if not any(
            states_sum(p, received=received, question=question) or (measure and states_measure(p))
            for p in passages
        ):
            return "sum"
    if asks_when(question) and not any(states_time(p) for p in passages):
        return "time"
    if asks_duration(question):
        # a service's stored duration is its appointment's length: no answer to how long processing takes
        structured = not asks_processing_time(question)
        if not any(states_duration(p, structured=structured) for p in passages):
            return "duration"
    if asks_permitted_count(question) and not any(states_limit(p) for p in passages):
        return "count"
    return None


# The heads of a sum's name: "Sitzungsgeld", "Aufwandsentschädigung", "Jagdsteuer", "Elternbeitrag".
SUM_HEADS = (
    "geld",
    "gebühr",
    "entschädigung",
    "steuer",
    "beitrag",
    "zuschuss",
    "buße",
    "pauschale",
    "zulage",
)
PRICE_HEADS = ("gebühr", "beitrag")  # any price the passage states is one
_QUESTION_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{6,}")


def _sum_names(question: str) -> list[tuple[str, ...]]:
    """The parts of each compound in ``question`` that names a sum ("Sitzungsgeld" → sitzung, geld)."""
    asking = [part for part in re.split(r"(?<=[.!])\s+", question) if part.rstrip().endswith("?")]
    found = []
    # in the sentence that asks: "Ich will keine Kirchensteuer mehr zahlen. Was kostet der Austritt?"
    for word in dict.fromkeys(_QUESTION_WORD.findall(" ".join(asking) or question)):
        parts = compound_parts(word)
        if parts and parts[-1].startswith(SUM_HEADS):
            found.append(parts)
    return found


def sum_name_missing(passages: Sequence[PassageLike], question: str) -> bool:
    """True when the question names the sum it asks for by a compound that no passage holds all parts of.

    "Wie viel Sitzungsgeld bekommt ein Mitglied der Verbandsversammlung?" is not answered by the
    association's by-law that speaks of its meetings but of no money for them; "Hundesteuer" is in a
    passage of the "Hundesteuersatzung" whose text says "Die Steuer beträgt …" (title and section count).
    A fee or contribution is any price the passage states: "Parkgebühr" needs "park" and a sum.
    """
    names = _sum_names(question)
    if not names:
        return False
    return not any(_holds(p, parts, question) for parts in names for p in passages)


def _holds(passage: PassageLike, parts: tuple[str, ...], question: str) -> bool:
    text = " ".join(
        [passage.title, passage.section or "", passage.text, *(str(v) for v in passage.facts.values())]
    ).lower()
    *modifiers, head = parts
    if not all(part in text for part in modifiers):
        return False
    return head in text or (
        head.startswith(PRICE_HEADS) and states_sum(passage, received=False, question=question)
    )


# A noun with the label that tells it from its siblings: "Grundsteuer C", "Zone 2", "Teil II".
_VARIANT = re.compile(r"\b([A-ZÄÖÜ][a-zäöüß]{3,})\s+([A-Z]|[IVX]{1,3}|\d{1,2})(?![\w.,])")


def variant_missing(passages: Sequence[PassageLike], question: str) -> bool:
    """True when the question asks for one variant that the passages list others of, but not this one.

    "Wie hoch ist der Hebesatz der Grundsteuer C?" is not answered by a by-law that sets the rates of
    Grundsteuer A and B only.
    """
    text = " ".join(f"{p.section or ''} {p.text}" for p in passages)
    for noun, label in _VARIANT.findall(question):
        labels = set(re.findall(rf"\b{noun}\s+([A-Z]|[IVX]{{1,3}}|\d{{1,2}})\b", text))
        if labels and label not in labels:
            return True
    return False


# "Wie viel Prozent …?", "Wie viele Wochen …?": the question names the dimension its value comes in;
# passages that state no quantity of it do not answer it ("50.000 €" is no share, "etwa 60 Minuten" no
# months). Units of one dimension answer each other: "10 Wochen im Jahr" answers "Wie viele Tage im Jahr?".
_UNITS_ASKED: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(asked, re.IGNORECASE), re.compile(stated, re.IGNORECASE))
    for asked, stated in (
        (
            r"\bwie ?viel(?:e)? prozent\b|\bin prozent\b|\bprozentsatz\b",
            r"%|\bprozent\b|\bv\.\s?h\.|\bvom hundert\b",
        ),
        (
            rf"\bwie ?viele {_CALENDAR}\b",
            rf"\b{_NUMBER}\s*{_CALENDAR}\b|\b(?:tag|woche|monat|jahr)\b|\w*(?:täglich|wöchentlich|monatlich|jährlich)",
        ),
        (r"\bwie ?viele stunden\b", rf"\b{_NUMBER}\s*(?:stunden?|std\.?|minuten?)(?!\w)"),
    )
)


def asked_unit(question: str) -> re.Pattern[str] | None:
    """What a value in the unit the question names looks like ("Wie viel Prozent …?": "80 v. H."), if any."""
    return next((stated for asked, stated in _UNITS_ASKED if asked.search(question)), None)


def unit_missing(passages: Sequence[PassageLike], question: str) -> bool:
    """True when the question asks for a value in a unit (Prozent; Tage, Wochen, Monate, Jahre; Stunden) that
    no passage states a quantity of the same dimension in."""
    text = " ".join(f"{p.section or ''} {p.text}" for p in passages)
    return any(asked.search(question) and not stated.search(text) for asked, stated in _UNITS_ASKED)
