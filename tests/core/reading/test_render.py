"""page_image: a PNG of one page of a PDF or image, for the item page."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from rathaus.core.reading import page_image
from rathaus.core.reading.scans import render_digital_pdf, render_scan, scan_pages
from tests.core.reading.conftest import LETTER, SECOND_LETTER


def _size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def test_pdf_page_is_rendered_at_the_requested_width(tmp_path: Path) -> None:
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(render_digital_pdf(LETTER))

    width, height = _size(page_image(pdf_or_image=pdf, page=1, max_width=800))

    assert width == 800
    assert abs(height / width - 297 / 210) < 0.01  # A4


def test_second_page_of_a_pdf_and_its_content(tmp_path: Path) -> None:
    first, second, both = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "both.pdf"
    first.write_bytes(render_digital_pdf(LETTER))
    second.write_bytes(render_scan(SECOND_LETTER, seed=2))
    with pikepdf.open(first) as pdf, pikepdf.open(second) as other:
        pdf.pages.extend(other.pages)
        pdf.save(both)

    png = page_image(pdf_or_image=both, page=2, max_width=600)

    with Image.open(io.BytesIO(png)) as image:
        assert image.width == 600
        grey = image.convert("L")
        assert grey.getextrema()[1] < 250  # the scan's grey paper, not the white born-digital page


def test_small_image_is_not_enlarged_and_tiff_frames_are_pages(tmp_path: Path) -> None:
    frames = [Image.new("L", (300, 400), 255), Image.new("RGB", (500, 250), (200, 10, 10))]
    tiff = tmp_path / "fax.tif"
    frames[0].save(tiff, save_all=True, append_images=frames[1:])

    assert _size(page_image(pdf_or_image=tiff, page=1, max_width=1000)) == (300, 400)
    assert _size(page_image(pdf_or_image=tiff, page=2, max_width=100)) == (100, 50)


def test_large_scan_image_is_scaled_down(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    scan_pages(LETTER, seed=4)[0].save(path, "JPEG", dpi=(200, 200))

    width, height = _size(page_image(pdf_or_image=path, page=1, max_width=500))

    assert width == 500
    assert abs(height - round(500 * 2339 / 1654)) <= 2


@pytest.mark.parametrize("page", [0, 3])
def test_missing_page_raises_value_error(tmp_path: Path, page: int) -> None:
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(render_digital_pdf(LETTER))

    with pytest.raises(ValueError, match=r"pages?"):
        page_image(pdf_or_image=pdf, page=page, max_width=500)


def test_unrenderable_file_raises_value_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"no image at all")

    with pytest.raises(ValueError, match="cannot render"):
        page_image(pdf_or_image=junk, page=1, max_width=500)
