"""Reading a citizen's attachment: its text (OCR where needed), is it usable, what is it, what does it say.

File level, no database. ``read_attachment(...)`` returns a :class:`Reading` (pages with numbered lines,
``readable`` and a German reason when not); ``classify(reading)`` names the kind of document from weighted
phrases with the lines that gave it away; ``find_text`` finds a name or an address despite umlaut
spellings, line breaks and OCR errors; ``find_amount`` reads the amount next to a label. Every finding
carries its evidence: page and line (1-based, counting the lines that have text) and the line itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rathaus.applications.kind_profiles import CERTAIN, ENOUGH, PROFILES
from rathaus.applications.kinds import KIND_LABELS, DocumentKind
from rathaus.applications.textmatch import amounts, fold, phrase_score, shape, tokens, window_match
from rathaus.core.reading import Limits, ReadResult, ReadStatus, read_document

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import OcrEngine

__all__ = [
    "AmountEvidence",
    "Evidence",
    "KindGuess",
    "Page",
    "Reading",
    "classify",
    "find_amount",
    "find_text",
    "read_attachment",
]

MIN_WORDS = 5  # fewer words of three letters or more: a photo or a blank page, not a document
MAX_WINDOW = 3  # a name or an address may spread over this many consecutive lines
AMOUNT_LOOKAHEAD = 2  # an amount may stand this many lines below its label

EMPTY = (
    "Im Dokument wurde kein Text gefunden: die Seiten sind leer oder die Aufnahme zeigt kein Schriftstück. "
    "Bitte das Dokument erneut scannen oder fotografieren."
)
NOT_A_DOCUMENT = (
    "Auf der Datei wurde kaum Text erkannt; sie scheint kein Schriftstück zu sein (zum Beispiel ein Foto). "
    "Bitte das verlangte Dokument einreichen."
)
NOT_READ = "Die Datei konnte nicht gelesen werden."


def low_confidence(percent: int) -> str:
    """The reason for a scan whose recognised text is too unsure to rely on."""
    return (
        f"Die Texterkennung ist zu unsicher (im Mittel {percent} %): die Aufnahme ist unscharf, zu dunkel "
        "oder verrauscht. Bitte eine bessere Aufnahme einreichen."
    )


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    text: str
    lines: tuple[str, ...]  # the lines that have text, stripped; line n of the page is lines[n - 1]
    confidence: float | None = None  # mean OCR word confidence 0–1; None for a text layer


@dataclass(frozen=True)
class Reading:
    pages: tuple[Page, ...]
    readable: bool
    reason: str | None = None  # German, set when not readable
    method: str | None = None  # "text_layer", "ocr" or "text"
    pdfa_path: Path | None = None  # the searchable PDF/A that OCR wrote into ``work_dir``

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages if page.text)

    def as_json(self) -> dict[str, Any]:
        """What an attachment row keeps of the reading (JSON), so that a later check needs no new OCR."""
        pages = [{"number": p.number, "text": p.text, "confidence": p.confidence} for p in self.pages]
        return {"readable": self.readable, "reason": self.reason, "method": self.method, "pages": pages}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reading:
        """The reading that :meth:`as_json` kept (without the PDF/A, which is stored apart)."""
        pages = tuple(
            Page(
                number=int(page["number"]),
                text=str(page["text"]),
                lines=_lines(str(page["text"])),
                confidence=None if page.get("confidence") is None else float(page["confidence"]),
            )
            for page in data.get("pages", ())
        )
        return cls(
            pages, readable=bool(data["readable"]), reason=data.get("reason"), method=data.get("method")
        )


@dataclass(frozen=True)
class Evidence:
    page: int  # 1-based
    line: int  # 1-based, among the page's lines that have text
    snippet: str  # the matched line; lines joined by " / " when the match spans several
    score: float  # 0–1


@dataclass(frozen=True)
class AmountEvidence:
    amount: Decimal
    label: str  # the label as asked for
    evidence: Evidence


@dataclass(frozen=True)
class KindGuess:
    kind: DocumentKind
    score: float  # 0–1: 0 nothing recognised, from about 0.5 recognised, 1 certain
    evidence: tuple[Evidence, ...]  # the lines that gave the kind away, strongest first
    reason: str  # German, e.g. "Erkannt als Lageplan an: „Lageplan“ (S. 1, Z. 1), …"


def read_attachment(
    *, path: Path, media_type: str, ocr: OcrEngine | None, work_dir: Path, limits: Limits
) -> Reading:
    """Read one uploaded file (OCR for scans and photos); never raises for bad input."""
    result = read_document(path=path, media_type=media_type, limits=limits, ocr=ocr, work_dir=work_dir)
    return reading_of(result, limits)


def reading_of(result: ReadResult, limits: Limits) -> Reading:
    """A :class:`Reading` of the core reader's result: pages with lines, and whether the text is usable."""
    pages = tuple(
        Page(
            number=page.number,
            text=page.text,
            lines=_lines(page.text),
            confidence=page.confidence,
        )
        for page in result.pages
    )

    def refused(reason: str) -> Reading:
        return Reading(pages, readable=False, reason=reason, method=result.method, pdfa_path=result.pdfa_path)

    if result.status is ReadStatus.NO_TEXT:
        return refused(EMPTY)
    if result.status is not ReadStatus.READ:
        return refused(result.message or NOT_READ)
    words = [word for page in pages for word in re.findall(r"[^\W\d_]{3,}", page.text)]
    if len(words) < MIN_WORDS:
        return refused(NOT_A_DOCUMENT)
    confidences = [page.confidence for page in pages if page.confidence is not None and page.text]
    if confidences and sum(confidences) / len(confidences) < limits.low_confidence:
        return refused(low_confidence(round(100 * sum(confidences) / len(confidences))))
    return Reading(pages, readable=True, method=result.method, pdfa_path=result.pdfa_path)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def find_text(reading: Reading, needle: str, *, threshold: float = 0.85) -> Evidence | None:
    """Where a name or an address stands, e.g. ``find_text(r, "Lindenstraße 12, 12345 Musterstadt")``.

    Case, umlauts and ß ("Strasse", "Str."), line breaks (street and city on two lines, family and
    given name apart) and small OCR errors are forgiven; numbers (house number, postcode) must match
    exactly. The best match of at least ``threshold`` (0–1), the fewest lines first; None when absent.
    """
    wanted = tokens(needle)
    if not wanted:
        return None
    for size in range(1, MAX_WINDOW + 1):
        best: Evidence | None = None
        for page in reading.pages:
            for start in range(max(len(page.lines) - size + 1, 0)):
                window = page.lines[start : start + size]
                match = window_match(wanted, window)
                if match is None or match.score < threshold:
                    continue
                if best is not None and match.score <= best.score:
                    continue
                best = Evidence(page.number, start + 1, " / ".join(window), round(match.score, 3))
        if best is not None:
            return best
    return None


def find_amount(reading: Reading, labels: Sequence[str]) -> AmountEvidence | None:
    """The amount beside the first of ``labels`` found (German format "45.210,00 €"), with its evidence.

    The amount stands after the label on its line or on one of the next lines (tables read by OCR).
    """
    for label in labels:
        wanted = fold(label)
        for size in (1, 2):  # a label may be broken over two lines ("Summe der / Einkünfte")
            for page in reading.pages:
                for index in range(len(page.lines) - size + 1):
                    lines = page.lines[index : index + size]
                    joined = fold(" ".join(lines))
                    found = phrase_score(wanted, joined)
                    if found is None or (
                        size > 1 and any(phrase_score(wanted, fold(line)) for line in lines)
                    ):
                        continue
                    similarity, end = found
                    following = page.lines[index + size : index + size + AMOUNT_LOOKAHEAD]
                    value = _amount_after(joined[end:], following)
                    if value is not None:
                        evidence = Evidence(page.number, index + 1, " / ".join(lines), round(similarity, 3))
                        return AmountEvidence(amount=value, label=label, evidence=evidence)
    return None


def _amount_after(rest: str, following: Sequence[str]) -> Decimal | None:
    """The first surely-an-amount after the label, else the first number that may be one."""
    for text in (rest, *(fold(line) for line in following)):
        found = amounts(text)
        if found:
            return next((a.value for a in found if a.precise), found[0].value)
    return None


def classify(reading: Reading) -> KindGuess:
    """The kind of document, from the phrases it prints; SONSTIGES with a low score when none fit."""
    scored: list[tuple[float, DocumentKind, list[tuple[float, Evidence, str]]]] = []
    for kind, profile in PROFILES.items():
        found = (_phrase_hit(reading, phrase, weight) for phrase, weight in profile)
        hits = [hit for hit in found if hit is not None]
        scored.append((sum(weight for weight, _, _ in hits), kind, hits))
    total, kind, hits = max(scored, key=lambda entry: entry[0])
    hits.sort(key=lambda hit: -hit[0])
    evidence = tuple(found for _, found, _ in hits)
    named = ", ".join(f"„{phrase}“ (S. {found.page}, Z. {found.line})" for _, found, phrase in hits[:4])
    if total < ENOUGH:
        reason = "Keine bekannte Dokumentart erkannt" + (f"; schwache Hinweise: {named}" if hits else ".")
        return KindGuess(DocumentKind.SONSTIGES, round(min(total / CERTAIN, 0.49), 3), evidence, reason)
    reason = f"Erkannt als {KIND_LABELS[kind]} an: {named}"
    return KindGuess(kind, round(min(total / CERTAIN, 1.0), 3), evidence, reason)


def _phrase_hit(reading: Reading, phrase: str, weight: float) -> tuple[float, Evidence, str] | None:
    """The phrase's weight (times its similarity) and the line where it stands best, or None."""
    wanted = shape(fold(phrase))
    best: Evidence | None = None
    for page in reading.pages:
        for index, line in enumerate(page.lines):
            found = phrase_score(wanted, shape(fold(line)))
            if found is not None and (best is None or found[0] > best.score):
                best = Evidence(page.number, index + 1, line, round(found[0], 3))
    return None if best is None else (weight * best.score, best, phrase)
