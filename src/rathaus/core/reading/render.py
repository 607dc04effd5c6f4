"""One page of a stored PDF or image as a PNG, for the item page beside the recognised text.

PDFs are rendered with pypdfium2 (PDFium as a PyPI wheel, offline; already an ocrmypdf dependency),
images (every frame of a TIFF) with Pillow after the same size check as for reading.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from rathaus.core.reading.result import Limits

MAX_RENDER_PIXELS = 40_000_000  # a page with an odd shape gets smaller, never larger than this
MAX_SCALE = 300 / 72  # never above 300 dpi, however wide the requested image
_PDF_MAGIC = b"%PDF-"


def page_image(*, pdf_or_image: Path, page: int, max_width: int, limits: Limits | None = None) -> bytes:
    """PNG of page ``page`` (1-based), at most ``max_width`` pixels wide (never enlarged beyond 300 dpi).

    Raises ValueError for a page that does not exist or a file that cannot be rendered (the route
    answers 404), e.g. ``page_image(pdf_or_image=blob, page=2, max_width=1000)``.
    """
    if page < 1 or max_width < 1:
        raise ValueError(f"page {page} / max_width {max_width} out of range")
    with pdf_or_image.open("rb") as handle:
        head = handle.read(1024)
    if _PDF_MAGIC in head:
        return _pdf_page(pdf_or_image, page, max_width)
    return _image_page(pdf_or_image, page, max_width, limits or Limits())


def _png(image: object) -> bytes:
    from PIL import Image  # noqa: PLC0415

    assert isinstance(image, Image.Image)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def _pdf_page(path: Path, page: int, max_width: int) -> bytes:
    import pypdfium2 as pdfium  # noqa: PLC0415

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        raise ValueError(f"cannot open {path.name} for rendering: {error}") from None
    try:
        if page > len(document):
            raise ValueError(f"{path.name} has {len(document)} pages, not {page}")
        pdf_page = document[page - 1]
        width, height = pdf_page.get_size()
        scale = min(max_width / width, MAX_SCALE)
        if width * height * scale * scale > MAX_RENDER_PIXELS:
            scale = (MAX_RENDER_PIXELS / (width * height)) ** 0.5
        bitmap = pdf_page.render(scale=scale, grayscale=False)
        return _png(bitmap.to_pil())
    finally:
        document.close()


def _image_page(path: Path, page: int, max_width: int, limits: Limits) -> bytes:
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if page > int(getattr(image, "n_frames", 1)):
                    raise ValueError(f"{path.name} has fewer than {page} pages")
                image.seek(page - 1)
                if image.width * image.height > limits.max_image_pixels:
                    raise ValueError(f"{path.name} page {page} is larger than the pixel limit")
                if image.width > max_width:
                    image.draft("RGB", (max_width, max_width * image.height // image.width))  # JPEG only
                frame = image.convert("RGB") if image.mode not in ("1", "L", "RGB") else image.copy()
    except (UnidentifiedImageError, OSError, SyntaxError, EOFError, Image.DecompressionBombError) as error:
        raise ValueError(f"cannot render {path.name}: {error}") from None
    if frame.width > max_width:
        frame = frame.resize(
            (max_width, max(1, round(frame.height * max_width / frame.width))), Image.Resampling.LANCZOS
        )
    return _png(frame)
