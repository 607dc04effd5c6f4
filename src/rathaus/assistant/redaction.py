"""Remove personal data from what citizens type before it is stored.

Rules and word lists, not a model: no open German NER model ships offline (see docs/models.md).
Found and replaced:

- e-mail addresses, IBANs (check digits), phone numbers;
- names where people introduce them ("ich heiße …", "mein Name ist …", "Herr/Frau …", a signature;
  "ich bin …" and "hier ist …" only before a listed first name or surname);
- names typed without a cue: a known first name (Faker's German, Austrian and Swiss first-name
  lists) followed by a surname that is on Faker's German surname lists or that the HanTa tagger
  takes for a proper name (``NE``) — "Hans Müller aus …", but not "Bürgerbüro Mitte";
- street addresses with a house number ("Lindenstraße 5", "Am Markt 3a");
- dates of birth after a cue ("geboren am 3.4.1985", "geb. 03.04.1985", "Geburtsdatum: …").

- surnames typed alone ("Müller fragt …", "mit Schmidt telefoniert"): a listed surname that HanTa
  tags as a proper name in its sentence and that is no everyday word as well.

Surnames that are also everyday words ("Koch", "Fischer", "Braun") are not found when typed alone,
and neither are surnames missing from the lists without a first name before them; the
conversation log is therefore also deleted after the retention period.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from rathaus.assistant.names import (
    is_common_word,
    is_first_name,
    is_surname,
    lone_surnames,
    looks_like_full_name,
    names_a_place,
)
from rathaus.core.text.pii import EMAIL, IBAN, PHONE, iban_valid, is_phone

PLACEHOLDERS = {
    "email": "[E-Mail]",
    "iban": "[IBAN]",
    "phone": "[Telefon]",
    "name": "[Name]",
    "address": "[Adresse]",
    "birthdate": "[Geburtsdatum]",
}

NAME_WORD = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
NAME = rf"{NAME_WORD}(?:\s+(?:von|van|de|zu|von der)\s+{NAME_WORD}|\s+{NAME_WORD}){{0,2}}"
NAME_CUES = re.compile(
    r"(?P<cue>\b(?i:ich\s+hei(?:ß|ss)e|mein\s+(?:vor|nach|familien)?name\s+(?:ist|lautet)|"
    r"name\s*:|(?:herrn?|frau)(?:\s+(?:dr|prof)\.)*|"
    r"(?:mit\s+)?(?:freundlichen\s+)?(?:grüßen|gruß|grüße)\s*,?)\s+)"
    rf"(?P<name>{NAME})"
)
# "Ich bin Svenja", "hier spricht Brandt": a name only when the word is a listed first name or surname,
# so that "ich bin Rentner" stays.
SELF_INTRODUCTION = re.compile(
    rf"(?P<cue>\b(?i:ich\s+bin|hier\s+(?:ist|spricht|schreibt))\s+)(?P<name>{NAME_WORD})(?![\w-])"
)
MONTHS = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
DATE = (
    r"(?:\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})"
    rf"|\d{{1,2}}\.\s?(?:{MONTHS})\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
)
BIRTHDATE = re.compile(
    r"(?P<cue>\b(?i:geboren(?:\s+am)?|geb\.(?:\s*am)?|geburtsdatum\s*:?|geburtstag\s*:?(?:\s+ist)?(?:\s+am)?)\s*"
    r"|(?<![\w*])\*\s?)"
    rf"(?P<date>{DATE})(?!\d)"
)
# A street name with a house number: "Lindenstraße 5", "Bahnhofstr. 12a", "Karl-Marx-Allee 3/1",
# "Alter Weg 7", "Am Markt 3". The number has at most three digits, so "Im Jahr 2019" is no address.
STREET_SUFFIX = (
    r"(?:stra(?:ß|ss)e|str\.|weg|gasse|allee|platz|ring|damm|ufer|steige?|pfad|chaussee|promenade|graben|hof)"
)
HOUSE_NUMBER = r"(?:Nr\.\s?)?\d{1,3}(?:\s?[a-h](?!\w))?(?:\s?[-/]\s?\d{1,3}(?:[a-h](?!\w))?)?(?![\w,.]?\d)"
STREET = re.compile(
    r"(?P<street>"
    rf"\b[A-ZÄÖÜ][\w-]*(?i:{STREET_SUFFIX})"
    rf"|\b[A-ZÄÖÜ][\w-]+\s+(?:Stra(?:ß|ss)e|Str\.|Weg|Gasse|Allee|Platz|Ring|Damm|Ufer|Steige?)"
    r"|\b(?i:am|im|an\s+der|auf\s+dem|auf\s+der|zum|zur|in\s+der|hinter\s+dem|unter\s+den)\s+[A-ZÄÖÜ][\w-]+"
    rf")\s+(?P<number>{HOUSE_NUMBER})"
    r"(?!\s*(?:Uhr|€|Euro|EUR|%|Prozent|Jahre|Jahren|Monate|Minuten|Stunden|Tage|m\b|km|qm|m²|Kinder|Personen|Stück))"
)
# "-platz"/"-weg"/… words that are no streets ("Stellplatz 3", "Spielplatz 2"), and words after
# "Am/Im/Zum …" that are no street ("im Zimmer 204", "am Montag 3 Termine").
NOT_STREETS = frozenset(
    [
        "parkplatz",
        "stellplatz",
        "standplatz",
        "spielplatz",
        "sportplatz",
        "arbeitsplatz",
        "sitzplatz",
        "kitaplatz",
        "betreuungsplatz",
        "kindergartenplatz",
        "krippenplatz",
        "liegeplatz",
        "grillplatz",
        "bolzplatz",
        "campingplatz",
        "ausbildungsplatz",
        "studienplatz",
        "schulplatz",
        "pflegeplatz",
        "heimplatz",
        "wohnmobilstellplatz",
        "platz",
        "rechtsweg",
        "schulweg",
        "rückweg",
        "umweg",
        "ausweg",
        "hof",
        "innenhof",
        "friedhof",
        "bahnhof",
        "schulhof",
        "hinterhof",
        "jahr",
        "monat",
        "tag",
        "woche",
        "wochenende",
        "zimmer",
        "raum",
        "stock",
        "stockwerk",
        "gebäude",
        "haus",
        "abschnitt",
        "absatz",
        "paragraph",
        "punkt",
        "kapitel",
        "schritt",
        "alter",
        "termin",
        "schalter",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
        "ziffer",
        "nummer",
        "seite",
        "zeile",
        "gruppe",
        "klasse",
        "reihe",
        "feld",
        "grab",
        "grabfeld",
        "abteilung",
        "teil",
        "anlage",
        "anhang",
        "artikel",
        "satz",
        "buchstabe",
        "gleis",
        "bus",
        "linie",
    ]
)
# Words that follow a cue but are no names ("Frau Bürgermeisterin" is a role, "Grüße aus …").
NOT_NAMES = frozenset({"Bürgermeister", "Bürgermeisterin", "Aus", "Und", "Vom", "Von", "Der", "Die", "Das"})


PLACEHOLDER = re.compile("|".join(re.escape(placeholder) for placeholder in PLACEHOLDERS.values()))


@dataclass(frozen=True)
class Redacted:
    """Text with personal data replaced by placeholders, and what was found."""

    text: str
    found: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.found)


def without_personal_data(question: str) -> str:
    """What retrieval and answering work from: the question with personal data left out.

    A phone number or a name says nothing about the service asked for but dilutes the match between
    question and sources. Street addresses stay, since they can be the point ("Müllabfuhr Lindenstraße 5").
    """
    text = PLACEHOLDER.sub(" ", redact(question, keep=("address",)).text)
    return re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()


def _looks_like_iban(candidate: str) -> bool:
    compact = re.sub(r"\s", "", candidate).upper()
    # German IBANs are redacted even with a typo in them; others must pass the check digits.
    return (compact.startswith("DE") and len(compact) == 22 and compact[2:].isdigit()) or iban_valid(compact)


def redact(text: str, *, keep: Collection[str] = ()) -> Redacted:
    """Replace e-mail addresses, IBANs, phone numbers, names, street addresses and birth dates.

    Kinds named in ``keep`` (keys of ``PLACEHOLDERS``) are found but left as typed.
    """
    found: Counter[str] = Counter()

    def replace(kind: str, typed: str = "") -> str:
        found[kind] += 1
        return typed if kind in keep else PLACEHOLDERS[kind]

    text = EMAIL.sub(lambda m: replace("email", m.group(0)), text)
    text = IBAN.sub(
        lambda m: replace("iban", m.group(0)) if _looks_like_iban(m.group(0)) else m.group(0), text
    )
    text = BIRTHDATE.sub(lambda m: m.group("cue") + replace("birthdate", m.group("date")), text)
    text = PHONE.sub(lambda m: replace("phone", m.group(0)) if is_phone(m.group(0)) else m.group(0), text)

    def street(match: re.Match[str]) -> str:
        last = match.group("street").split()[-1].lower()
        if last in NOT_STREETS:
            return match.group(0)
        return replace("address", match.group(0))

    text = STREET.sub(street, text)

    def name(match: re.Match[str]) -> str:
        words = match.group("name").split()
        if words[0] in NOT_NAMES:
            return match.group(0)
        return match.group("cue") + replace("name", match.group("name"))

    text = NAME_CUES.sub(name, text)

    def introduced(match: re.Match[str]) -> str:
        word = match.group("name")
        if is_first_name(word) or (is_surname(word) and not is_common_word(word)):
            return match.group("cue") + replace("name", match.group("name"))
        return match.group(0)

    text = SELF_INTRODUCTION.sub(introduced, text)
    text = _redact_full_names(text, replace)
    for start, end in reversed(lone_surnames(text)):
        text = text[:start] + replace("name", text[start:end]) + text[end:]
    return Redacted(text=text, found=dict(found))


FULL_NAME = re.compile(
    rf"(?<![\w\-.])(?<!St\. )(?<!Sankt )(?P<first>{NAME_WORD})"
    rf"(?P<rest>(?:\s+{NAME_WORD})?(?:\s+(?:von|van|de|zu|von der))?\s+{NAME_WORD})(?![\w-])"
)


def _redact_full_names(text: str, replace: Callable[[str, str], str]) -> str:
    """Replace "first name (second name) surname" typed without a cue."""
    pieces: list[str] = []
    position = search = 0
    while match := FULL_NAME.search(text, search):
        end = _full_name_end(text, match)
        if end is None:
            search = match.start() + len(match.group("first"))
            continue
        pieces.append(text[position : match.start()])
        pieces.append(replace("name", text[match.start() : end]))
        position = search = end
    pieces.append(text[position:])
    return "".join(pieces)


def _full_name_end(text: str, match: re.Match[str]) -> int | None:
    """Where the name found by ``match`` ends (longest reading first); None when it is no name."""
    first = match.group("first")
    if not is_first_name(first):
        return None
    words = list(re.finditer(r"\S+", match.group("rest")))
    offset = match.start("rest")
    for count in range(len(words), 0, -1):
        last = words[count - 1].group()
        middle = [word.group() for word in words[: count - 1] if word.group()[0].isupper()]
        if any(not is_first_name(word) and not is_surname(word) for word in middle):
            continue
        end = offset + words[count - 1].end()
        if looks_like_full_name(text, start=match.start(), first=first, last=last):
            return None if names_a_place(text, end) else end
    return None
