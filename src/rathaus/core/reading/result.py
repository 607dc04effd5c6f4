"""What reading a document returns, the limits it works within, and the German messages it can give."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


class ReadStatus(enum.StrEnum):
    """Whether a file's text could be read (the values a module stores, e.g. the inbox's DocumentStatus)."""

    READ = "read"  # text layer or OCR text present
    NO_TEXT = "no_text"  # readable, but there is no text in it
    UNREADABLE = "unreadable"  # corrupt, encrypted, too large: the message says why
    SKIPPED = "skipped"  # a type Rathaus does not read (kept as a file), or no OCR engine for a scan


@dataclass(frozen=True)
class Limits:
    """What a document may be before it is kept unread: pages, pixels, and the low-confidence mark."""

    max_pages: int = 200
    max_image_pixels: int = 120_000_000
    low_confidence: float = 0.6


@dataclass(frozen=True)
class PageText:
    number: int  # 1-based
    text: str
    confidence: float | None = None  # mean OCR word confidence 0–1; None for a text layer


@dataclass(frozen=True)
class ReadResult:
    status: ReadStatus
    text: str = ""
    method: str | None = None  # "text_layer", "ocr" or "text"
    pages: tuple[PageText, ...] = field(default=())
    pdfa_path: Path | None = None
    message: str | None = None  # German, shown to people when status is not READ (or a page was not read)

    def low_confidence_pages(self, limits: Limits) -> list[int]:
        """Numbers of the OCR'd pages whose confidence is below ``limits.low_confidence``."""
        return [
            page.number
            for page in self.pages
            if page.confidence is not None and page.confidence < limits.low_confidence
        ]


def unreadable(message: str) -> ReadResult:
    return ReadResult(status=ReadStatus.UNREADABLE, message=message)


def from_pages(pages: Sequence[PageText], *, method: str, pdfa_path: Path | None = None) -> ReadResult:
    """READ when any page has text, else NO_TEXT; the text is the pages' texts, blank pages left out."""
    text = "\n\n".join(page.text for page in pages if page.text.strip())
    status = ReadStatus.READ if text.strip() else ReadStatus.NO_TEXT
    message = None if text.strip() else "Im Dokument wurde kein Text gefunden."
    return ReadResult(
        status=status, text=text, method=method, pages=tuple(pages), pdfa_path=pdfa_path, message=message
    )


LOCKED_PDF = (
    "Die PDF-Datei ist passwortgeschützt und kann nicht gelesen werden. "
    "Bitte den Absender um eine Fassung ohne Passwort bitten."
)
CORRUPT_PDF = "Die PDF-Datei ist beschädigt oder unvollständig und kann nicht gelesen werden."
CORRUPT_IMAGE = "Die Bilddatei ist beschädigt oder unvollständig und kann nicht gelesen werden."
NO_OCR = "Keine Texterkennung eingerichtet: gescannte Seiten bleiben ungelesen."
OCR_FAILED = (
    "Die Texterkennung ist für dieses Dokument fehlgeschlagen; gescannte Seiten blieben ungelesen. "
    "Bitte die Datei ansehen."
)


def too_many_pages(pages: int, limit: int) -> str:
    return (
        f"Das Dokument hat {pages} Seiten; gelesen werden höchstens {limit}. Es wurde gespeichert, "
        "aber nicht gelesen. Bitte in kleinere Dokumente aufteilen und erneut einreichen."
    )


def image_too_large(width: int, height: int, limit: int) -> str:
    megapixels = width * height / 1_000_000
    return (
        f"Das Bild ist mit {width} × {height} Pixeln ({megapixels:.0f} Megapixel) zu groß "
        f"(höchstens {limit / 1_000_000:.0f} Megapixel) und wurde nicht geöffnet."
    )


def unsupported(media_type: str) -> str:
    return f"Dateien dieses Typs ({media_type}) werden nicht gelesen; die Datei ist gespeichert."


def mislabelled(media_type: str) -> str:
    return (
        f"Der Inhalt der Datei passt nicht zu ihrem angegebenen Typ ({media_type}) "
        "und kann nicht gelesen werden."
    )
