"""An ocrmypdf plugin: Tesseract as usual, and each page's mean word confidence taken from its hOCR.

ocrmypdf's default renderer already has Tesseract write hOCR (``x_wconf`` per word) for every page it
OCRs; this plugin reads that file right after Tesseract wrote it, so nothing is recognised twice. The
figures go as small JSON files into the folder of the run's sidecar text (``page-000001.json``), which
:mod:`rathaus.core.ai.ocr` reads back. Loaded by ocrmypdf (``plugins=[__name__]``), never imported at
start-up: it imports ocrmypdf at module level.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

CONFIDENCE_FILE = "page-{number:06d}.json"
_WORD = re.compile(r"<span[^>]*class=['\"]ocrx_word['\"][^>]*>", re.IGNORECASE)
_WCONF = re.compile(r"x_wconf\s+(\d+)")
_PAGE_PREFIX = re.compile(r"^(\d{6})_")
BLANK_INK_SHARE = 0.002  # below this share of dark pixels a page counts as blank


def word_confidences(hocr: str) -> list[float]:
    """The confidence 0–1 of every recognised word in an hOCR document."""
    found = (_WCONF.search(tag) for tag in _WORD.findall(hocr))
    return [int(match.group(1)) / 100 for match in found if match]


def page_summary(hocr: str, *, ink_share: float) -> dict[str, Any]:
    """Word count and mean word confidence of one page's hOCR.

    A page without words is 0.0 when its image has ink (noise or a photo where text was expected:
    a person should look) and None when it is blank (the empty back of a sheet).
    """
    confidences = word_confidences(hocr)
    if confidences:
        mean: float | None = round(sum(confidences) / len(confidences), 4)
    else:
        mean = 0.0 if ink_share >= BLANK_INK_SHARE else None
    return {"words": len(confidences), "confidence": mean, "ink_share": round(ink_share, 5)}


def ink_share(image_path: Path) -> float:
    """The share of dark pixels in the page image that Tesseract read (0 for a blank page)."""
    from PIL import Image  # noqa: PLC0415

    with Image.open(image_path) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    total = sum(histogram)
    return sum(histogram[:128]) / total if total else 0.0


class ConfidenceTesseract(TesseractOcrEngine):
    """Tesseract through ocrmypdf, writing each page's word confidence next to the sidecar."""

    @staticmethod
    def generate_hocr(input_file: Path, output_hocr: Path, output_text: Path, options: Any) -> None:
        TesseractOcrEngine.generate_hocr(input_file, output_hocr, output_text, options)  # type: ignore[no-untyped-call]
        sidecar = getattr(options, "sidecar", None)
        page = _PAGE_PREFIX.match(Path(input_file).name)
        if not isinstance(sidecar, str | Path) or page is None or not Path(output_hocr).exists():
            return
        hocr = Path(output_hocr).read_text(encoding="utf-8", errors="replace")
        summary = page_summary(hocr, ink_share=0.0 if word_confidences(hocr) else ink_share(Path(input_file)))
        target = Path(sidecar).parent / CONFIDENCE_FILE.format(number=int(page.group(1)))
        target.write_text(json.dumps(summary), encoding="utf-8")


@hookimpl
def get_ocr_engine(options: Any) -> ConfidenceTesseract | None:
    """This engine in place of the builtin Tesseract (plugins given to ``ocr()`` are asked first)."""
    if options is not None and getattr(options, "ocr_engine", "auto") not in ("auto", "tesseract"):
        return None
    return ConfidenceTesseract()
