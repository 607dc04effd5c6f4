"""What a question asks for: a fee, a period, documents, the responsible office, opening hours, an amount.

Citizens describe their situation ("Ich werde nächstes Jahr 67 …") and ask for a value in everyday words
("Was muss ich zahlen?", "Bis wann?", "Was brauche ich?"). The answer puts the passage's matching fact
first; a question can ask for several ("Was kostet das und was muss ich mitbringen?").
"""

from __future__ import annotations

import re
from enum import StrEnum


class Wanted(StrEnum):
    """A kind of fact a question asks for."""

    FEE = "gebühr"
    PERIOD = "frist"
    DOCUMENTS = "unterlagen"
    OFFICE = "zuständigkeit"
    HOURS = "öffnungszeiten"
    AMOUNT = "betrag"


_PATTERNS: dict[Wanted, re.Pattern[str]] = {
    Wanted.FEE: re.compile(
        r"\b(?:was|wie ?viel)\b[^?]*\b(?:kost\w*|zahl\w*|bezahl\w*)|\bkost\w*|\bgebühr\w*|\bteuer\w*"
        r"|\bpreis\w*|\bentgelt\w*|\bumsonst\b|\bgratis\b|\bbezahl\w*|\bzahle\b|\bzahlen\b|\bauslagen\b"
    ),
    Wanted.PERIOD: re.compile(
        r"\bwie lange?\b|\bdauer\w*|\bfrist\w*|\bbis wann\b|\bwann\b|\binnerhalb\b|\bspätestens\b"
        r"|\bgültig\w*|\bwie schnell\b|\bwartezeit\w*|\bbearbeitungszeit\w*|\bab wann\b|\brechtzeitig\b"
    ),
    Wanted.DOCUMENTS: re.compile(
        r"\bunterlagen\b|\bmitbring\w*|\bmitnehm\w*|\bdokument\w*|\bnachweis\w*|\bvorleg\w*|\bformular\w*"
        r"|\bwas (?:brauch|benötig)\w*|\b(?:brauche|benötige) ich\b|\bbelege?\b|\bpapiere\b|\bantrag\w*"
    ),
    Wanted.OFFICE: re.compile(
        r"\bzuständig\w*|\bwohin\b|\bwo (?:kann|muss|bekomme|beantrag|melde|gibt)\w*|\bwelche[snmr]? "
        r"(?:amt|stelle|behörde|büro)\b|\ban wen\b|\bansprechp\w*|\bwer (?:hilft|macht|ist)\b|\bwo\b"
    ),
    Wanted.HOURS: re.compile(
        r"\böffnungszeit\w*|\bgeöffnet\b|\bsprechzeit\w*|\bsprechstunde\w*"
        r"|\bwann (?:ist|hat)\b[^?]*\b(?:offen|auf)\b"
        r"|\buhrzeit\w*"
    ),
    Wanted.AMOUNT: re.compile(
        r"\bsteuersatz\w*|\bhebesatz\w*|\bsatz\b|\bbetrag\w*|\bbeträgt\b|\bwie hoch\b|\bhöhe\b|\bprozent\w*"
        r"|\bbeitr[aä]g\w*|\bsteuer\b|\bsteuern\b|\bwie viel\b|\bwieviel\b|\babgabe\w*|\bzuschuss\w*"
        r"|\bförder\w*|\bhöchst\w*|\bmindest\w*|\bmaximal\w*|\bgrenze\w*|\bmeter\b|\buhr\b|\bgrad\b"
    ),
}


def wanted(question: str) -> tuple[Wanted, ...]:
    """The kinds of fact ``question`` asks for, in a fixed order (empty: a general question)."""
    text = question.lower()
    found = [kind for kind, pattern in _PATTERNS.items() if pattern.search(text)]
    if Wanted.HOURS in found and Wanted.PERIOD in found and not re.search(r"\bwie lange?\b|\bfrist", text):
        found.remove(Wanted.PERIOD)  # "Wann hat das Bürgerbüro geöffnet?" asks for hours, not a period
    return tuple(found)


# Words that show a passage sentence carries the value of each kind.
VALUE = {
    Wanted.FEE: re.compile(
        r"\d[\d.,]*-{0,2}\s*(?:€|euro\b|eur\b|cent\b)|\bgebührenfrei\b|\bkostenlos\b|\bkostenfrei\b", re.I
    ),
    Wanted.AMOUNT: re.compile(
        r"\d[\d.,]*-{0,2}\s*(?:€|euro\b|eur\b|cent\b|%|prozent\b|v\.\s?h\.|vom hundert\b|m\b|meter\b|km\b|"
        r"uhr\b|"
        r"m²|m2\b|qm\b|kg\b|t\b|db\b|jahre?n?\b|monate?n?\b|wochen\b|tage?n?\b|stunden\b|minuten\b)",
        re.I,
    ),
    Wanted.PERIOD: re.compile(
        r"\b(?:\d+|ein\w*|zwei|drei|vier|fünf|sechs|acht|zehn|zwölf|vierzehn)\s+(?:werk|arbeits|kalender)?"
        r"(?:tage?n?|wochen?|monate?n?|jahre?n?|stunden|minuten)\b|\bfrist\w*|\bspätestens\b|\bunverzüglich\b"
        r"|\binnerhalb\b|\bbis zum\b|\bvor ablauf\b|\bab dem\b",
        re.I,
    ),
    Wanted.DOCUMENTS: re.compile(
        r"\bunterlagen\b|\bvorzulegen\b|\bnachweis\w*|\bausweis\w*|\bbescheinigung\w*|\bantrag\b|\bbeizufügen\b"
        r"|\bformular\w*|\bmitzubringen\b",
        re.I,
    ),
    Wanted.OFFICE: re.compile(
        r"\bzuständig\w*|\bamt\b|\bbehörde\b|\bbürgermeister\w*|\bgemeinde(?:verwaltung)?\b|\bstelle\b|\bbüro\b",
        re.I,
    ),
    Wanted.HOURS: re.compile(
        r"\b\d{1,2}(?:[.:]\d{2})?\s*(?:uhr|–|-|bis)\b|\böffnungszeit\w*|\bgeöffnet\b", re.I
    ),
}


def carries(text: str, kind: Wanted) -> bool:
    """True when ``text`` contains a value of ``kind`` (an amount, a period, a document …)."""
    return VALUE[kind].search(text) is not None
