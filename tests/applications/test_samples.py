"""The generated attachments: the files citizens upload (JPEG photos, image-only PDFs), same seed same bytes.

What OCR reads from them is tested in ``test_reading_ocr.py``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageStat

from rathaus.applications.samples.canvas import german_amount
from rathaus.applications.samples.documents import (
    Person,
    blank_scan,
    cat_photo,
    disability_card,
    id_card,
    income_statement,
    pedigree,
    rescue_dog_certificate,
    site_plan,
    social_pass,
)
from rathaus.core.reading import sniff

ERIKA = Person("Erika", "Mustermann", dt.date(1983, 8, 12), "Lindenstraße", "12", "78462", "Konstanz")

JPEGS: dict[str, Callable[[int], bytes]] = {
    "id_card": lambda seed: id_card(ERIKA, seed=seed),
    "disability_card": lambda seed: disability_card(ERIKA, ["aG", "B"], degree=100, seed=seed),
    "social_pass": lambda seed: social_pass(ERIKA, dt.date(2026, 12, 31), seed=seed),
}
PDFS: dict[str, Callable[[int], bytes]] = {
    "lohnsteuerbescheinigung": lambda seed: income_statement(
        ERIKA, year=2025, gross_income=Decimal("45210"), kind="lohnsteuerbescheinigung", seed=seed
    ),
    "einkommensteuerbescheid": lambda seed: income_statement(
        ERIKA, year=2025, gross_income=Decimal("45210"), kind="einkommensteuerbescheid", seed=seed
    ),
    "site_plan": lambda seed: site_plan(
        "Marktstätte 4, 78462 Konstanz", width_m=4, depth_m=2.5, use="Cafétische", seed=seed
    ),
    "pedigree": lambda seed: pedigree(ERIKA, dog_name="Bello", litter_date=dt.date(2023, 4, 2), seed=seed),
    "rescue_dog_certificate": lambda seed: rescue_dog_certificate(
        ERIKA, dog_name="Bello", exam_date=dt.date(2025, 5, 3), seed=seed
    ),
}


def _pages(pdf_bytes: bytes) -> list[Image.Image]:
    """The page images stored in an image-only PDF."""
    images = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            for _, raw in page.get_images().items():
                images.append(pikepdf.PdfImage(raw).as_pil_image())
    return images


def test_the_person_writes_name_and_address_as_on_a_form() -> None:
    assert ERIKA.full_name == "Erika Mustermann"
    assert ERIKA.address == "Lindenstraße 12, 78462 Konstanz"


def test_amounts_are_written_the_german_way() -> None:
    assert german_amount(Decimal("45210")) == "45.210,00 €"
    assert german_amount(Decimal("768.5")) == "768,50 €"
    assert german_amount(1234567.891) == "1.234.567,89 €"


@pytest.mark.parametrize("name", sorted(JPEGS))
def test_cards_are_scanned_jpegs_at_300_dpi(name: str) -> None:
    data = JPEGS[name](1)

    assert sniff(data[:16]) == "image"
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert tuple(round(value) for value in image.info["dpi"]) == (300, 300)
        # both sides of the card (85.6 × 54 mm) one under the other on the scanner bed
        assert 1150 < image.width < 1300
        assert image.height > 2 * 54 / 25.4 * 300
        assert 0 < ImageStat.Stat(image.convert("L")).mean[0] < 250  # grey paper, not a white page


@pytest.mark.parametrize("name", sorted(PDFS))
def test_documents_are_image_only_a4_pdfs_at_200_dpi(name: str, tmp_path: Path) -> None:
    data = PDFS[name](1)

    assert sniff(data[:1024]) == "pdf"
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1
        width, height = (float(value) for value in pdf.pages[0].mediabox[2:])
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
        assert "/Font" not in str(pdf.pages[0].Resources)  # no text layer: it must be read by OCR
    (page,) = _pages(data)
    assert page.size == (1654, 2339)  # A4 at 200 dpi
    dark = sum(page.convert("L").histogram()[:100])
    assert dark > 10_000  # there is ink on the page


@pytest.mark.parametrize("render", [*JPEGS.values(), *PDFS.values()])
def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(
    render: Callable[[int], bytes],
) -> None:
    first = render(3)

    assert render(3) == first
    assert render(4) != first


def test_another_person_gives_another_card() -> None:
    other = Person("Max", "Schneider", dt.date(1990, 1, 2), "Seestraße", "5", "78464", "Konstanz")

    assert id_card(other, seed=1) != id_card(ERIKA, seed=1)


def test_the_site_plan_takes_a_scale_that_fits_the_area() -> None:
    small, large = (
        _pages(site_plan("Marktstätte 4, 78462 Konstanz", width_m=width, depth_m=3, use="Gerüst", seed=1))[0]
        for width in (3, 60)
    )

    assert small.size == large.size
    assert small.tobytes() != large.tobytes()


def test_a_blank_scan_has_no_ink_and_a_cat_photo_is_a_colour_photo() -> None:
    (blank,) = _pages(blank_scan(seed=1))
    with Image.open(io.BytesIO(cat_photo(seed=1))) as photo:
        assert photo.mode == "RGB"
        assert photo.info["dpi"] == (72, 72)
        red, _, blue = ImageStat.Stat(photo).mean
        assert red > blue + 20  # a ginger cat on a brown sofa

    assert sum(blank.convert("L").histogram()[:100]) < 0.002 * blank.width * blank.height  # specks only
    assert cat_photo(seed=1) != cat_photo(seed=2)
