"""Scanned-looking letters and born-digital PDFs rendered from a known text."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from pdfminer.high_level import extract_text

from rathaus.core.reading.scans import available_fonts, letter_lines, render_digital_pdf, render_scan
from tests.core.reading.conftest import LETTER


def test_letter_layout_from_the_text() -> None:
    kinds = {line.text: line.kind for line in letter_lines(LETTER)}

    assert kinds["Lindenstraße 12"] == "sender"
    assert kinds["Konstanz, 12.03.2025"] == "date"
    assert kinds["Betreff: Defekte Straßenlaterne im Weinberg"] == "subject"
    assert kinds["Mit freundlichen Grüßen"] == "body"


def test_scan_is_deterministic_image_only_a4(tmp_path: Path) -> None:
    data = render_scan(LETTER, seed=7)

    assert data == render_scan(LETTER, seed=7)
    assert data != render_scan(LETTER, seed=8)
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    assert extract_text(str(path)).strip() == ""  # no text layer
    with pikepdf.open(io.BytesIO(data)) as pdf:
        (page,) = pdf.pages
        width, height = (float(value) for value in page.mediabox[2:])
        assert abs(width - 595.3) < 1
        assert abs(height - 841.9) < 1
        (image,) = page.get_images().values()
        assert image.Width == 1654
        assert image.Height == 2339


def test_long_text_flows_onto_more_pages() -> None:
    body = "\n\n".join(f"Absatz {number}: " + "Die Straße ist beschädigt. " * 12 for number in range(14))

    with pikepdf.open(io.BytesIO(render_scan(body, seed=1, noise=0.0))) as pdf:
        assert len(pdf.pages) >= 2


def test_unknown_font_is_refused() -> None:
    assert "dejavu-sans" in available_fonts()

    with pytest.raises(ValueError, match="comic-sans"):
        render_scan(LETTER, seed=1, font="comic-sans")


def test_digital_pdf_has_the_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "brief.pdf"
    path.write_bytes(render_digital_pdf(LETTER))

    text = extract_text(str(path))

    assert "Betreff: Defekte Straßenlaterne im Weinberg" in text
    assert "Konstanz, 12.03.2025" in text
