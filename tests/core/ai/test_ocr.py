"""Real OCR with ocrmypdf and Tesseract (deu) of a German letter rendered to an image."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from rathaus.core.ai.ocr import OcrmypdfEngine
from tests.requirements import require_file, require_module, require_tool

pytestmark = pytest.mark.slow

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LETTER = [
    "Stadtverwaltung Musterstadt – Bauamt",
    "Aktenzeichen: BA-2024/0815",
    "Sehr geehrte Damen und Herren,",
    "hiermit beantrage ich eine Baugenehmigung",
    "für eine Garage auf dem Grundstück Lindenstraße 12.",
    "Mit freundlichen Grüßen",
    "Erika Mustermann",
]


@pytest.fixture(scope="module")
def letter_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("tesseract", install="apt-get install tesseract-ocr tesseract-ocr-deu")
    require_file(FONT, "the DejaVu Sans font", "apt-get install fonts-dejavu-core")
    image = Image.new("L", (1654, 900), 255)  # A4 width at 200 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 34)
    for number, line in enumerate(LETTER):
        draw.text((120, 100 + number * 70), line, font=font, fill=0)
    path = tmp_path_factory.mktemp("ocr") / "brief.png"
    image.save(path, dpi=(200, 200))
    return path


@pytest.fixture(scope="module")
def engine() -> OcrmypdfEngine:
    require_module("ocrmypdf", install="pip install -e '.[ai]'")
    require_tool("tesseract", install="apt-get install tesseract-ocr tesseract-ocr-deu")
    return OcrmypdfEngine(language="deu")


def test_image_becomes_searchable_pdfa_with_text(
    engine: OcrmypdfEngine, letter_png: Path, tmp_path: Path
) -> None:
    result = engine.ocr_image(letter_png, tmp_path / "brief.pdf")

    for expected in ("Baugenehmigung", "Lindenstraße 12", "BA-2024/0815", "Grüßen", "Erika Mustermann"):
        assert expected in result.text
    assert result.pages == 1
    with pikepdf.open(result.pdf_path) as pdf:
        assert pdf.open_metadata().pdfa_status.startswith("2")


def test_image_with_alpha_channel_and_without_dpi(
    engine: OcrmypdfEngine, letter_png: Path, tmp_path: Path
) -> None:
    transparent = tmp_path / "brief-rgba.png"
    with Image.open(letter_png) as image:
        image.convert("RGBA").save(transparent)  # saved without a dpi entry

    result = engine.ocr_image(transparent, tmp_path / "brief.pdf")

    assert "Baugenehmigung" in result.text


def test_pdf_with_a_text_layer_keeps_its_text(
    engine: OcrmypdfEngine, letter_png: Path, tmp_path: Path
) -> None:
    first = engine.ocr_image(letter_png, tmp_path / "erst.pdf")

    again = engine.ocr_pdf(first.pdf_path, tmp_path / "nochmal.pdf")

    assert "Baugenehmigung" in again.text
    assert "Mustermann" in again.text
    assert "OCR skipped" not in again.text


def test_provenance_names_tesseract(engine: OcrmypdfEngine) -> None:
    assert engine.name == "ocrmypdf"
    assert engine.model_name == "tesseract-deu"
    assert engine.model_version.startswith("tesseract 5")


def test_a_phone_photo_stating_72_dpi_is_read(
    engine: OcrmypdfEngine, letter_png: Path, tmp_path: Path
) -> None:
    photo = tmp_path / "foto.jpg"
    with Image.open(letter_png) as image:
        image.convert("RGB").save(photo, "JPEG", quality=90, dpi=(72, 72))  # what phones write

    result = engine.ocr_image(photo, tmp_path / "foto.pdf")

    assert "Lindenstraße 12" in result.text
    assert "Erika Mustermann" in result.text


def test_each_ocr_page_has_its_mean_word_confidence(
    engine: OcrmypdfEngine, letter_png: Path, tmp_path: Path
) -> None:
    result = engine.ocr_image(letter_png, tmp_path / "brief.pdf")

    assert len(result.page_confidences) == result.pages == 1
    (confidence,) = result.page_confidences
    assert confidence is not None
    assert 0.8 < confidence <= 1.0


def test_pages_with_a_text_layer_have_no_confidence(
    engine: OcrmypdfEngine, letter_png: Path, tmp_path: Path
) -> None:
    first = engine.ocr_image(letter_png, tmp_path / "erst.pdf")

    again = engine.ocr_pdf(first.pdf_path, tmp_path / "nochmal.pdf")

    assert again.page_confidences == (None,)


def test_hocr_word_confidences_and_blank_pages() -> None:
    require_module("ocrmypdf", install="pip install -e '.[ai]'")
    from rathaus.core.ai.ocr_confidence import page_summary, word_confidences  # noqa: PLC0415

    hocr = (
        "<span class='ocr_line' title='bbox 1 2 3 4; x_size 30'>"
        "<span class='ocrx_word' id='word_1_1' title='bbox 1 2 3 4; x_wconf 96'>Antrag</span> "
        "<span class='ocrx_word' id='word_1_2' title='bbox 5 2 9 4; x_wconf 40'>a;:</span></span>"
    )

    assert word_confidences(hocr) == [0.96, 0.4]
    assert page_summary(hocr, ink_share=0.1) == {"words": 2, "confidence": 0.68, "ink_share": 0.1}
    assert page_summary("<div class='ocr_page'></div>", ink_share=0.0)["confidence"] is None  # blank
    assert page_summary("<div class='ocr_page'></div>", ink_share=0.05)["confidence"] == 0.0  # only noise
