"""Real Tesseract (through ocrmypdf) on rendered scans: words, per-page confidence, mixed PDFs, TIFFs."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from rathaus.core.ai.ocr import OcrmypdfEngine
from rathaus.core.reading import ReadStatus, read_document
from rathaus.core.reading.scans import render_digital_pdf, render_scan, scan_pages
from tests.core.reading.conftest import LETTER, LIMITS, SECOND_LETTER

pytestmark = pytest.mark.slow


def test_scanned_letter_is_recognised_with_a_confidence(
    ocr: OcrmypdfEngine, tmp_path: Path, work: Path
) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(render_scan(LETTER, seed=11, font="dejavu-serif", rotation=0.8, noise=0.2))

    result = read_document(path=scan, media_type="application/pdf", limits=LIMITS, ocr=ocr, work_dir=work)

    assert result.status is ReadStatus.READ
    assert result.method == "ocr"
    for word in ("Mustermann", "Straßenlaternen", "Weinberg", "Beleuchtung", "12.03.2025"):
        assert word in result.text
    (page,) = result.pages
    assert page.confidence is not None
    assert 0.75 < page.confidence <= 1.0
    assert result.low_confidence_pages(LIMITS) == []
    assert result.pdfa_path is not None
    with pikepdf.open(result.pdfa_path) as pdf:
        assert pdf.open_metadata().pdfa_status.startswith("2")


def test_very_noisy_page_gets_low_confidence_and_is_flagged(
    ocr: OcrmypdfEngine, tmp_path: Path, work: Path
) -> None:
    scan = tmp_path / "noisy.pdf"
    scan.write_bytes(render_scan(LETTER, seed=12, noise=1.0))

    result = read_document(path=scan, media_type="application/pdf", limits=LIMITS, ocr=ocr, work_dir=work)

    (page,) = result.pages
    assert page.confidence is not None
    assert page.confidence < LIMITS.low_confidence
    assert result.low_confidence_pages(LIMITS) == [1]


def test_mixed_pdf_keeps_its_text_layer_and_ocrs_the_scanned_page(
    ocr: OcrmypdfEngine, tmp_path: Path, work: Path
) -> None:
    digital, scanned, mixed = tmp_path / "d.pdf", tmp_path / "s.pdf", tmp_path / "mixed.pdf"
    digital.write_bytes(render_digital_pdf(LETTER))
    scanned.write_bytes(render_scan(SECOND_LETTER, seed=13, font="dejavu-sans", rotation=-0.5, noise=0.1))
    with pikepdf.open(digital) as pdf, pikepdf.open(scanned) as other:
        pdf.pages.extend(other.pages)
        pdf.save(mixed)

    result = read_document(path=mixed, media_type="application/pdf", limits=LIMITS, ocr=ocr, work_dir=work)

    assert result.status is ReadStatus.READ
    first, second = result.pages
    assert first.confidence is None
    assert "Sehr geehrte Damen und Herren" in first.text
    assert second.confidence is not None
    assert second.confidence > 0.75
    assert "Baugenehmigung" in second.text
    assert "Gartenweg 7" in second.text
    assert result.text.index("Weinberg") < result.text.index("Baugenehmigung")
    assert result.pdfa_path is not None
    with pikepdf.open(result.pdfa_path) as pdf:
        assert len(pdf.pages) == 2


def test_multi_page_tiff_is_read_page_by_page(ocr: OcrmypdfEngine, tmp_path: Path, work: Path) -> None:
    first = scan_pages(LETTER, seed=14, font="nimbus-sans", rotation=0.3, noise=0.1)[0]
    second = scan_pages(SECOND_LETTER, seed=15, font="dejavu-sans", rotation=-0.3, noise=0.1)[0]
    tiff = tmp_path / "fax.tif"
    first.save(tiff, save_all=True, append_images=[second], compression="tiff_lzw", dpi=(200, 200))

    result = read_document(path=tiff, media_type="image/tiff", limits=LIMITS, ocr=ocr, work_dir=work)

    assert result.status is ReadStatus.READ
    assert [page.number for page in result.pages] == [1, 2]
    assert "Weinberg" in result.pages[0].text
    assert "Baugenehmigung" in result.pages[1].text
    assert all(page.confidence is not None and page.confidence > 0.75 for page in result.pages)


def test_png_labelled_as_pdf_is_read_as_an_image(ocr: OcrmypdfEngine, tmp_path: Path, work: Path) -> None:
    path = tmp_path / "upload.pdf"
    scan_pages(SECOND_LETTER, seed=16, noise=0.1)[0].save(path, "PNG", dpi=(200, 200))

    result = read_document(path=path, media_type="application/pdf", limits=LIMITS, ocr=ocr, work_dir=work)

    assert result.status is ReadStatus.READ
    assert "Baugenehmigung" in result.text
