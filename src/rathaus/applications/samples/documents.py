"""Realistic attachments for tests, the demo and the benchmark: scanned-looking JPEGs and PDFs.

Each function returns the bytes a citizen would upload, the same bytes for the same arguments and seed::

    erika = Person("Erika", "Mustermann", date(1983, 8, 12), "Lindenstraße", "12", "78462", "Konstanz")
    id_card(erika)                                    # JPEG, front and back, marked "MUSTER"
    income_statement(erika, year=2025, gross_income=Decimal("45210"), kind="lohnsteuerbescheinigung")
    site_plan("Marktstätte 4, 78462 Konstanz", width_m=2.5, depth_m=6, use="Baustellencontainer")

Bad input: :func:`blank_scan` (a scanned empty page) and :func:`cat_photo` (a photo without any text).
"""

from __future__ import annotations

import io
import random
from typing import TYPE_CHECKING

from rathaus.applications.samples.canvas import A4_MM, Sheet, aged, as_pdf
from rathaus.applications.samples.cards import disability_card, id_card, social_pass
from rathaus.applications.samples.person import Person
from rathaus.applications.samples.sheets import (
    StatementKind,
    income_statement,
    pedigree,
    rescue_dog_certificate,
)
from rathaus.applications.samples.siteplan import site_plan

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "Person",
    "StatementKind",
    "blank_scan",
    "cat_photo",
    "disability_card",
    "id_card",
    "income_statement",
    "pedigree",
    "rescue_dog_certificate",
    "site_plan",
    "social_pass",
]


def blank_scan(*, seed: int = 0) -> bytes:
    """An empty A4 page as it comes out of a scanner (paper shade, noise, specks): a PDF without text."""
    return as_pdf([Sheet(*A4_MM, dpi=200).image], seed=seed, dpi=200, noise=0.2)


def cat_photo(*, seed: int = 0) -> bytes:
    """A photo-like picture of a cat on a sofa (shapes, shading, noise; no text at all): a JPEG."""
    from PIL import Image, ImageDraw, ImageFilter  # noqa: PLC0415

    rng = random.Random(seed)  # noqa: S311 - the look of a picture, not a secret
    width, height = 1200, 900
    photo = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(photo)
    for row in range(height):  # a wall fading into a sofa
        shade = 170 - row * 60 // height
        draw.line([(0, row), (width, row)], fill=(shade, shade - 20, shade - 45))
    draw.rounded_rectangle((60, 520, 1140, 880), radius=60, fill=(96, 62, 52))
    fur = (205 + rng.randrange(-20, 20), 130 + rng.randrange(-20, 20), 60)
    body = (330 + rng.randrange(-40, 40), 380, 860, 700)
    draw.ellipse(body, fill=fur)
    head = (body[2] - 170, 250, body[2] + 90, 500)
    draw.ellipse(head, fill=fur)
    for ear in (head[0] + 20, head[2] - 90):
        draw.polygon([(ear, head[1] + 60), (ear + 35, head[1] - 60), (ear + 75, head[1] + 40)], fill=fur)
    for eye in (head[0] + 70, head[2] - 100):
        draw.ellipse((eye, head[1] + 95, eye + 34, head[1] + 125), fill=(70, 150, 60))
        draw.ellipse((eye + 12, head[1] + 97, eye + 22, head[1] + 123), fill=(10, 10, 10))
    nose = (head[0] + head[2]) // 2
    draw.polygon(
        [(nose - 10, head[1] + 150), (nose + 10, head[1] + 150), (nose, head[1] + 163)], fill=(150, 70, 80)
    )
    for side in (-1, 1):
        for bend in (-14, 0, 14):
            draw.line(
                [(nose + side * 20, head[1] + 165), (nose + side * 150, head[1] + 150 + bend * 2)],
                fill=(240, 240, 230),
                width=2,
            )
    draw.arc((body[0] - 120, 560, body[0] + 80, 760), 90, 250, fill=fur, width=38)  # the tail
    photo = photo.filter(ImageFilter.GaussianBlur(radius=2.2))
    grey = aged(photo.convert("L"), seed, noise=0.1, tilt=0.0)  # grain of a phone camera
    colour = Image.merge("RGB", [Image.blend(channel, grey, 0.25) for channel in photo.split()])
    return _photo_jpeg(colour)


def _photo_jpeg(image: Image.Image) -> bytes:
    """A colour photo stored as a phone stores it (JPEG, 72 dpi)."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, dpi=(72, 72))
    return out.getvalue()
