"""Images (PNG, JPEG, TIFF incl. multi-page, GIF, BMP, WebP): size checked before decoding, then OCR.

Pillow reads only the header when it opens a file, so every frame's dimensions are checked against
``Limits.max_image_pixels`` before a single pixel is decoded: a decompression bomb is refused unopened.
One PNG or JPEG goes to the OCR engine as it is; other formats and multi-page TIFFs become one PDF
(losslessly, with img2pdf) that is OCR'd page by page.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rathaus.core.ai.errors import BackendResponseError
from rathaus.core.reading.result import (
    CORRUPT_IMAGE,
    NO_OCR,
    OCR_FAILED,
    Limits,
    PageText,
    ReadResult,
    ReadStatus,
    from_pages,
    image_too_large,
    too_many_pages,
    unreadable,
)

if TYPE_CHECKING:
    from PIL import Image

    from rathaus.core.ai.protocols import OcrEngine, OcrResult

DEFAULT_DPI = 300  # what a scan without a resolution entry most likely had
DIRECT_FORMATS = {"PNG", "JPEG"}
BOMB = (
    "Das Bild ist zu groß (mehr Bildpunkte, als entpackt werden dürfen) und wurde nicht geöffnet: "
    "möglicherweise eine absichtlich aufgeblähte Datei."
)


def check_image(path: Path, limits: Limits) -> ReadResult | tuple[str, int]:
    """The image's format and frame count, or UNREADABLE when a frame is too large or the file is damaged."""
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the limit below decides
            with Image.open(path) as image:
                frames = int(getattr(image, "n_frames", 1))
                if frames > limits.max_pages:
                    return unreadable(too_many_pages(frames, limits.max_pages))
                for frame in range(frames):
                    image.seek(frame)
                    width, height = image.size
                    if width * height > limits.max_image_pixels:
                        return unreadable(image_too_large(width, height, limits.max_image_pixels))
                return str(image.format), frames
    except Image.DecompressionBombError:
        return unreadable(BOMB)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return unreadable(CORRUPT_IMAGE)


def read_image(*, path: Path, limits: Limits, ocr: OcrEngine | None, work_dir: Path) -> ReadResult:
    """OCR an image file (every frame of a TIFF); never raises for bad input."""
    checked = check_image(path, limits)
    if isinstance(checked, ReadResult):
        return checked
    image_format, frames = checked
    direct = frames == 1 and image_format in DIRECT_FORMATS
    try:
        pages = _decode_frames(path, None if direct else work_dir)
    except (OSError, SyntaxError, ValueError, EOFError):  # truncated or damaged pixel data
        return unreadable(CORRUPT_IMAGE)
    if ocr is None:
        return ReadResult(status=ReadStatus.SKIPPED, message=NO_OCR)
    output = work_dir / f"{path.stem}-ocr.pdf"
    try:
        result = ocr.ocr_image(path, output) if direct else ocr.ocr_pdf(_as_pdf(pages, work_dir), output)
    except BackendResponseError:
        return unreadable(OCR_FAILED)
    return from_pages(_pages_of(result), method="ocr", pdfa_path=result.pdf_path)


def _pages_of(result: OcrResult) -> list[PageText]:
    confidences = result.page_confidences or (None,) * len(result.page_texts)
    return [
        PageText(number, text.strip(), confidences[number - 1] if number <= len(confidences) else None)
        for number, text in enumerate(result.page_texts, start=1)
    ]


def _decode_frames(path: Path, work_dir: Path | None) -> list[Path]:
    """Decode every frame (which finds damaged pixel data); with ``work_dir``, save each as a PNG."""
    from PIL import Image, ImageSequence  # noqa: PLC0415

    files = []
    with warnings.catch_warnings(), _strict_decoding():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # sizes were checked
        with Image.open(path) as image:
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                frame.load()
                if work_dir is None:
                    continue
                target = work_dir / f"frame-{number:04d}.png"
                _flat(frame).save(target, dpi=_dpi(frame))
                files.append(target)
    return files


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Truncated pixel data raises while decoding (WeasyPrint's import lets Pillow pad it silently)."""
    from PIL import ImageFile  # noqa: PLC0415

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _flat(frame: Image.Image) -> Image.Image:
    """The frame without alpha or palette (ocrmypdf and img2pdf refuse alpha channels)."""
    if frame.mode in ("1", "L", "RGB"):
        return frame
    if frame.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return frame.point(lambda value: value / 256).convert("L")
    return frame.convert("RGB")


def _dpi(frame: Image.Image) -> tuple[int, int]:
    dpi = frame.info.get("dpi")
    if not dpi or not all(float(value) >= 50 for value in dpi):
        return DEFAULT_DPI, DEFAULT_DPI
    return round(float(dpi[0])), round(float(dpi[1]))


def _as_pdf(pages: list[Path], work_dir: Path) -> Path:
    import img2pdf  # noqa: PLC0415 - an ocrmypdf dependency

    target = work_dir / "frames.pdf"
    target.write_bytes(img2pdf.convert([str(page) for page in pages], nodate=True))
    return target
