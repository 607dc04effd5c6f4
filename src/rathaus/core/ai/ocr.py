"""OCR with ocrmypdf and Tesseract: a scan or image in, a searchable PDF/A, its text and confidences out.

Each OCR'd page also gets its mean word confidence, read from the hOCR that Tesseract writes anyway
(the plugin :mod:`rathaus.core.ai.ocr_confidence`), so no page is recognised twice.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
from functools import cached_property
from pathlib import Path

from rathaus.core.ai.errors import BackendResponseError, BackendUnavailableError
from rathaus.core.ai.protocols import OcrEngine, OcrResult
from rathaus.core.ai.registry import BackendContext, register

SKIPPED_MARKER = "[OCR skipped on page"
CONFIDENCE_PLUGIN = "rathaus.core.ai.ocr_confidence"
log = logging.getLogger(__name__)
DEFAULT_IMAGE_DPI = 300
MIN_CREDIBLE_DPI = 96  # ocrmypdf refuses images that state this or less


class OcrmypdfEngine:
    """Tesseract through ocrmypdf; ``language`` is Tesseract's code (``deu``, ``deu+frk``)."""

    name = "ocrmypdf"

    def __init__(self, *, language: str = "deu", jobs: int = 2) -> None:
        self.language = language
        self.jobs = jobs

    @property
    def model_name(self) -> str:
        return f"tesseract-{self.language}"

    @cached_property
    def model_version(self) -> str:
        import ocrmypdf  # noqa: PLC0415 - heavy

        return f"tesseract {_tesseract_version()}, ocrmypdf {ocrmypdf.__version__}"

    def ocr_pdf(self, pdf_path: Path, output_pdf: Path) -> OcrResult:
        """OCR a PDF; pages that already carry text are kept and their text extracted."""
        return self._run(pdf_path, output_pdf, image_dpi=None)

    def ocr_image(self, image_path: Path, output_pdf: Path) -> OcrResult:
        """OCR an image into a one-page PDF/A (300 dpi assumed when it states none, or 96 and less)."""
        from PIL import Image  # noqa: PLC0415 - only for images

        with Image.open(image_path) as image, tempfile.TemporaryDirectory(prefix="rathaus-ocr-") as tmp:
            dpi = image.info.get("dpi")
            # phones write 72 dpi, which ocrmypdf refuses as "not credible" (<= 96): treat it as unknown
            if dpi and min(float(value) for value in dpi) <= MIN_CREDIBLE_DPI:
                dpi = None
            source = image_path
            if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
                # ocrmypdf refuses alpha channels; scans from phones and screenshots often have one
                source = Path(tmp) / "flat.png"
                image.convert("RGB").save(source, dpi=dpi or (DEFAULT_IMAGE_DPI, DEFAULT_IMAGE_DPI))
            return self._run(source, output_pdf, image_dpi=None if dpi else DEFAULT_IMAGE_DPI)

    def _run(self, source: Path, output_pdf: Path, *, image_dpi: int | None) -> OcrResult:
        import ocrmypdf  # noqa: PLC0415 - heavy

        if shutil.which("tesseract") is None:
            raise BackendUnavailableError(
                "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-deu)"
            )
        output_pdf.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="rathaus-ocr-") as tmp:
            sidecar = Path(tmp) / "text.txt"
            try:
                try:
                    code = self._ocrmypdf(source, output_pdf, sidecar, image_dpi, output_type="pdfa")
                except ocrmypdf.exceptions.PdfaConversionFailedError:
                    # born-digital pages (patterns, shadings) that pikepdf cannot confirm as PDF/A:
                    # a searchable plain PDF instead; costs a second run, only for such files
                    log.warning("PDF/A conversion of %s failed; writing a plain searchable PDF", source.name)
                    code = self._ocrmypdf(source, output_pdf, sidecar, image_dpi, output_type="pdf")
            except ocrmypdf.exceptions.ExitCodeException as error:
                raise BackendResponseError(
                    f"OCR of {source.name} failed: {type(error).__name__}: {error}"
                ) from None
            if int(code) != 0:
                raise BackendResponseError(f"OCR of {source.name} failed with ocrmypdf exit code {int(code)}")
            raw = sidecar.read_text(encoding="utf-8") if sidecar.exists() else ""
            count = _page_count(output_pdf)
            pages = (raw.split("\f") + [""] * count)[:count]  # one part per page, blank pages included
            confidences = tuple(_page_confidence(Path(tmp), number) for number in range(1, len(pages) + 1))
        texts = tuple(_page_text(output_pdf, number, text) for number, text in enumerate(pages))
        return OcrResult(
            text="\f".join(texts),
            pdf_path=output_pdf,
            pages=len(texts),
            page_texts=texts,
            page_confidences=confidences,
        )

    def _ocrmypdf(
        self, source: Path, output_pdf: Path, sidecar: Path, image_dpi: int | None, *, output_type: str
    ) -> int:
        import ocrmypdf  # noqa: PLC0415 - heavy

        return int(
            ocrmypdf.ocr(
                source,
                output_pdf,
                language=self.language.split("+"),
                output_type=output_type,
                sidecar=sidecar,
                skip_text=True,
                image_dpi=image_dpi,
                jobs=self.jobs,
                # pikepdf makes the PDF/A: Debian 12's Ghostscript 10.0 refuses pages with text
                pdfa_backend="internal",
                use_threads=True,
                progress_bar=False,
                # fpdf2 renders from Tesseract's hOCR, whose word confidences the plugin keeps
                pdf_renderer="fpdf2",
                plugins=[CONFIDENCE_PLUGIN],
            )
        )


def _page_count(pdf: Path) -> int:
    import pikepdf  # noqa: PLC0415 - an ocrmypdf dependency

    with pikepdf.open(pdf) as document:
        return len(document.pages)


def _page_confidence(folder: Path, number: int) -> float | None:
    """The mean word confidence the plugin wrote for page ``number`` (None: skipped page or no words)."""
    from rathaus.core.ai.ocr_confidence import CONFIDENCE_FILE  # noqa: PLC0415 - imports ocrmypdf

    path = folder / CONFIDENCE_FILE.format(number=number)
    if not path.exists():
        return None
    value = json.loads(path.read_text(encoding="utf-8")).get("confidence")
    return None if value is None else float(value)


def _page_text(pdf: Path, index: int, sidecar_text: str) -> str:
    """The sidecar's text, or the PDF's own text layer for pages ocrmypdf skipped."""
    if SKIPPED_MARKER not in sidecar_text:
        return sidecar_text.strip()
    from pdfminer.high_level import extract_text  # noqa: PLC0415 - an ocrmypdf dependency

    return str(extract_text(str(pdf), page_numbers=[index])).strip()


def _tesseract_version() -> str:
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return "missing"
    result = subprocess.run([tesseract, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    first = (result.stdout or result.stderr).splitlines()
    return first[0].removeprefix("tesseract ").strip() if first else "unknown"


@register("ocr", "ocrmypdf")
def build(context: BackendContext) -> OcrEngine:
    """The ocrmypdf backend with the configured Tesseract language."""
    return OcrmypdfEngine(language=context.ai.ocr_language, jobs=context.ai.cpu_threads)
