"""Reading the text of an incoming document: a PDF's text layer, OCR for scans, e-mail bodies.

File level, no database: ``read_document(path=…, media_type=…, limits=…, ocr=…, work_dir=…)`` returns
a :class:`ReadResult` with the status, a German message when it could not be read, the text per page
with its OCR confidence, and the searchable PDF/A that OCR wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rathaus.inbox.models import DocumentStatus

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import OcrEngine


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
    status: DocumentStatus
    text: str = ""
    method: str | None = None  # "text_layer", "ocr" or "text"
    pages: tuple[PageText, ...] = field(default=())
    pdfa_path: Path | None = None
    message: str | None = None  # German, shown to people when status is not READ


def read_document(
    *, path: Path, media_type: str, limits: Limits, ocr: OcrEngine | None, work_dir: Path
) -> ReadResult:
    """Read one stored file; never raises for bad input (the result says what is wrong)."""
    if media_type.startswith("text/"):
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        status = DocumentStatus.READ if text else DocumentStatus.NO_TEXT
        return ReadResult(status=status, text=text, method="text", pages=(PageText(1, text),))
    if media_type == "application/pdf":
        from pdfminer.high_level import extract_text  # noqa: PLC0415

        text = str(extract_text(str(path))).strip()
        if text:
            pages = tuple(
                PageText(n, t.strip()) for n, t in enumerate(text.split("\f"), start=1) if t.strip()
            )
            return ReadResult(status=DocumentStatus.READ, text=text, method="text_layer", pages=pages)
    if ocr is None:
        return ReadResult(status=DocumentStatus.SKIPPED, message="Keine Texterkennung eingerichtet.")
    output = work_dir / f"{path.name}.pdf"
    result = ocr.ocr_pdf(path, output) if media_type == "application/pdf" else ocr.ocr_image(path, output)
    pages = tuple(PageText(n, t) for n, t in enumerate(result.page_texts, start=1))
    status = DocumentStatus.READ if result.text.strip() else DocumentStatus.NO_TEXT
    return ReadResult(status=status, text=result.text, method="ocr", pages=pages, pdfa_path=output)
