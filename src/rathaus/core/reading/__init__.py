"""Reading the text of a document (a letter, an attachment): PDF text layer, OCR for scans, text files.

File level, no database: ``read_document(path=…, media_type=…, limits=…, ocr=…, work_dir=…)`` returns
a :class:`ReadResult` with the status, a German message when it could not be read, the text per page
with its OCR confidence, and the searchable PDF/A that OCR wrote. Bad input (password, corrupt or
truncated files, too many pages, decompression bombs, unknown or mislabelled content) never raises: the
result says what is wrong. What a file is comes from its first bytes; the stated media type only
decides between "unsupported" and "mislabelled" when the content is nothing Rathaus reads.
``page_image(pdf_or_image=…, page=…, max_width=…)`` renders one page as PNG (shown beside the text).
Shared by the modules (Posteingang, Anträge); a module maps :class:`ReadStatus` onto its own status.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rathaus.core.reading.images import read_image
from rathaus.core.reading.pdf import read_pdf
from rathaus.core.reading.render import page_image
from rathaus.core.reading.result import (
    Limits,
    PageText,
    ReadResult,
    ReadStatus,
    mislabelled,
    unsupported,
)
from rathaus.core.text.encoding import UndecodableTextError, decode_upload

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import OcrEngine

__all__ = ["Limits", "PageText", "ReadResult", "ReadStatus", "page_image", "read_document", "sniff"]

READ_TYPES = ("application/pdf", "image/", "text/")
UNREAD_IMAGE_TYPES = {"image/svg+xml", "image/heic", "image/heif", "image/avif"}
_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"II*\x00",
    b"MM\x00*",
    b"GIF87a",
    b"GIF89a",
    b"BM",
)


def sniff(head: bytes) -> str | None:
    """What the first bytes say the file is: "pdf", "image", or None (anything else)."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    return None


def _other_format(head: bytes, media_type: str) -> bool:
    """A real file of a format Rathaus does not read (HEIC photos, SVG), not a mislabelled one."""
    return head[4:8] == b"ftyp" or media_type in UNREAD_IMAGE_TYPES


def read_document(
    *, path: Path, media_type: str, limits: Limits, ocr: OcrEngine | None, work_dir: Path
) -> ReadResult:
    """Read one stored file; never raises for bad input (the result says what is wrong)."""
    with path.open("rb") as handle:
        head = handle.read(2048)
    kind = sniff(head)
    if kind == "pdf":
        return read_pdf(path=path, limits=limits, ocr=ocr, work_dir=work_dir)
    if kind == "image":
        return read_image(path=path, limits=limits, ocr=ocr, work_dir=work_dir)
    if media_type.startswith("text/") and b"\x00" not in head:
        try:
            text = decode_upload(path.read_bytes(), what="Die Textdatei").strip()
        except UndecodableTextError as error:
            return ReadResult(status=ReadStatus.UNREADABLE, message=str(error))
        status = ReadStatus.READ if text else ReadStatus.NO_TEXT
        return ReadResult(status=status, text=text, method="text", pages=(PageText(1, text),))
    if media_type.startswith(READ_TYPES) and not _other_format(head, media_type):
        return ReadResult(status=ReadStatus.UNREADABLE, message=mislabelled(media_type))
    return ReadResult(status=ReadStatus.SKIPPED, message=unsupported(media_type))
