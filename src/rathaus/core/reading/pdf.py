"""PDFs: checked with pikepdf first (password, damage, length), then text layer per page, OCR for the rest.

Pages that carry a text layer keep it (confidence None); only the pages without one are recognised
(ocrmypdf's ``skip_text``), so a letter with a scanned enclosure is read completely.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rathaus.core.ai.errors import BackendResponseError
from rathaus.core.reading.result import (
    CORRUPT_PDF,
    LOCKED_PDF,
    NO_OCR,
    OCR_FAILED,
    Limits,
    PageText,
    ReadResult,
    ReadStatus,
    from_pages,
    too_many_pages,
    unreadable,
)

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import OcrEngine

EOF_WINDOW = 4096  # "%%EOF" must be this near the end, else the file was cut off


def read_pdf(*, path: Path, limits: Limits, ocr: OcrEngine | None, work_dir: Path) -> ReadResult:
    """Read a PDF: its text layer where there is one, OCR for scanned pages; never raises for bad input."""
    checked = _check(path, limits, work_dir)
    if isinstance(checked, ReadResult):
        return checked
    source, page_count = checked
    layer = _text_layer(source, page_count)
    if layer is None:
        return unreadable(CORRUPT_PDF)
    if all(text.strip() for text in layer):
        return from_pages([PageText(n, text) for n, text in enumerate(layer, start=1)], method="text_layer")
    if ocr is None:
        return _without_ocr(layer, NO_OCR)
    output = work_dir / f"{path.stem}-ocr.pdf"
    try:
        recognised = ocr.ocr_pdf(source, output)
    except BackendResponseError:  # e.g. a digitally signed PDF, which ocrmypdf will not change
        return _without_ocr(layer, OCR_FAILED) if any(layer) else unreadable(OCR_FAILED)
    confidences = recognised.page_confidences or (None,) * recognised.pages
    pages = []
    for index, own_text in enumerate(layer):
        if own_text.strip() or index >= len(recognised.page_texts):
            pages.append(PageText(index + 1, own_text))
        else:
            confidence = confidences[index] if index < len(confidences) else None
            pages.append(PageText(index + 1, recognised.page_texts[index].strip(), confidence))
    return from_pages(pages, method="ocr", pdfa_path=recognised.pdf_path)


def _without_ocr(layer: list[str], message: str) -> ReadResult:
    """The pages that have a text layer, and ``message`` saying that the scanned ones stay unread."""
    if not any(text.strip() for text in layer):
        return ReadResult(status=ReadStatus.SKIPPED, message=message)
    result = from_pages([PageText(n, text) for n, text in enumerate(layer, start=1)], method="text_layer")
    return ReadResult(
        status=result.status, text=result.text, method=result.method, pages=result.pages, message=message
    )


def _truncated(path: Path) -> bool:
    """True when "%%EOF" is missing near the end: the file was cut off in transfer."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - EOF_WINDOW))
        return b"%%EOF" not in handle.read()


def _check(path: Path, limits: Limits, work_dir: Path) -> ReadResult | tuple[Path, int]:
    """The PDF to read (a decrypted copy when only an owner password restricts it) and its page count."""
    import pikepdf  # noqa: PLC0415 - an ocrmypdf dependency

    if _truncated(path):
        return unreadable(CORRUPT_PDF)
    try:
        with pikepdf.open(path) as pdf:
            page_count = len(pdf.pages)
            if page_count > limits.max_pages or page_count == 0:
                return unreadable(too_many_pages(page_count, limits.max_pages) if page_count else CORRUPT_PDF)
            if not pdf.is_encrypted:
                return path, page_count
            # opened without a password: only printing/copying is restricted; OCR needs a plain copy
            decrypted = work_dir / "decrypted.pdf"
            pdf.save(decrypted)
            return decrypted, page_count
    except pikepdf.PasswordError:
        return unreadable(LOCKED_PDF)
    except (pikepdf.PdfError, RuntimeError, ValueError, OSError):
        return unreadable(CORRUPT_PDF)


def _text_layer(path: Path, page_count: int) -> list[str] | None:
    """Each page's own text (blank for scanned pages), or None when pdfminer cannot parse the file."""
    from pdfminer.high_level import extract_text  # noqa: PLC0415 - an ocrmypdf dependency
    from pdfminer.pdfparser import PDFSyntaxError  # noqa: PLC0415

    try:
        raw = str(extract_text(str(path)))
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AssertionError, OSError):
        return None
    parts = [part.strip() for part in raw.split("\f")]
    return (parts + [""] * page_count)[:page_count]
