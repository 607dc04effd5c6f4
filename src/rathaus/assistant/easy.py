"""Easy-to-read German (Leichte Sprache) without a model: short sentences, one statement per line.

The rules follow the Netzwerk Leichte Sprache guidance that can be applied mechanically: split
long sentences at clause boundaries, one sentence per line, replace common administrative words
with everyday ones, write out abbreviations, list facts line by line. Citations [n] stay at the
end of each line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rathaus.assistant.schemas import KeyFacts
from rathaus.core.text.sentences import sentences_and_items

MAX_WORDS = 12
LIST_LINE = "– "
CITATIONS = re.compile(r"\s*((?:\[\d{1,2}\])+)")
WORDS = {
    r"\bz\.\s?B\.": "zum Beispiel",
    r"\bbzw\.": "oder",
    r"\bggf\.": "vielleicht",
    r"\bu\.\s?a\.": "unter anderem",
    r"\bd\.\s?h\.": "das heißt",
    r"\bca\.": "ungefähr",
    r"\bin[ck]l\.": "mit",
    r"\bi\.\s?d\.\s?R\.": "meistens",
    r"\bFahrerlaubnis\b": "Führerschein",
    r"\bFahrerlaubnisbehörde\b": "Führerschein-Stelle",
    r"\bGebühren\b": "Kosten",
    r"\bGebühr\b": "Kosten",
    r"\berforderlich\b": "nötig",
    r"\bgemäß\b": "nach",
    r"\bunverzüglich\b": "sofort",
    r"\bausgestellt\b": "gemacht",
    r"\bvorzulegen\b": "zu zeigen",
}
# Split only before coordinating conjunctions: each part still reads as a whole sentence.
SPLIT_BEFORE = re.compile(r",\s+(?:und|sowie)\s+|,\s+(?=(?:oder|aber|denn)\b)")


def _plain(sentence: str) -> str:
    for pattern, replacement in WORDS.items():
        sentence = re.sub(pattern, replacement, sentence)
    return sentence


def _short(sentence: str) -> list[str]:
    """Split a long sentence at clause boundaries; each part becomes its own line."""
    if len(sentence.split()) <= MAX_WORDS:
        return [sentence]
    parts = [part.strip() for part in re.split(SPLIT_BEFORE, sentence) if part.strip()]
    if len(parts) == 1:
        parts = [part.strip() for part in re.split(r";\s+|:\s+(?=[A-ZÄÖÜ])", sentence) if part.strip()]
    lines = []
    for part in parts:
        capital = part[0].upper() + part[1:]
        lines.append(capital if capital.endswith((".", "!", "?", "…", ":")) else capital + ".")
    return lines


def simplify(text: str, facts: Sequence[KeyFacts] = ()) -> str:
    """``text`` as Leichte Sprache: one short statement per line, then the key facts as lines."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        refs = "".join(CITATIONS.findall(paragraph))
        body = CITATIONS.sub("", paragraph)
        if body.startswith("Mitbringen (") and facts:
            continue  # listed line by line below
        if body.startswith("Dauer ("):
            body = "So lange dauert es (" + body[len("Dauer (") :]
        if ":" in body[:80] and not body.startswith(("Gebühr", "Dauer", "So lange")):
            title, body = body.split(":", 1)
            lines.append(f"Das steht in: {title.strip()}.")
        if body.startswith(LIST_LINE):  # one item of a list or table ("– 2.4.2. Bronzetafel … – 550 €")
            lines.append(f"{_plain(body)} {refs}".strip())
            continue
        for sentence in sentences_and_items(_plain(body)):
            for short in _short(sentence):
                lines.append(f"{short} {refs}".strip() if refs else short)
    for fact in facts[:1]:
        ref = f" [{fact.citation}]" if fact.citation else ""
        if fact.documents:
            lines.append(f"Bringen Sie mit:{ref}")
            lines.extend(f"– {document}" for document in fact.documents)
        if fact.locations:
            lines.append(f"Hier bekommen Sie Hilfe: {', '.join(fact.locations[:2])}.{ref}")
    return "\n".join(_dedupe(lines))


def _dedupe(lines: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for line in lines:
        if line not in seen:
            seen.add(line)
            kept.append(line)
    return kept
