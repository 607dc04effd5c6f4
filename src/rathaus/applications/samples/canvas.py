"""Drawing in millimetres on a greyscale page, and turning the page into a scan (JPEG or image-only PDF).

A :class:`Sheet` is a white page at a resolution (200 dpi for A4 forms, 300 dpi for cards) with the
installed DejaVu fonts (``fonts-dejavu-core``; Pillow's built-in font, scaled, where they are missing).
:func:`as_jpeg` and :func:`as_pdf` age the page like a scanner would (grey paper, tilt, blur, noise,
speckles; :func:`rathaus.core.reading.scans.age_page`) and store it with JPEG artefacts, so the same
seed gives the same bytes.
"""

from __future__ import annotations

import functools
import io
import random
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rathaus.core.reading.scans import age_page, available_fonts

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

A4_MM = (210.0, 297.0)
FONT_NAMES = {"sans": "dejavu-sans", "serif": "dejavu-serif", "mono": "dejavu-mono"}


@functools.cache
def _font(family: str, bold: bool, size_px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont  # noqa: PLC0415

    files: dict[str, tuple[Path, Path]] = available_fonts()
    found = files.get(FONT_NAMES.get(family, family))
    if found is None:  # no DejaVu installed: Pillow's own font, at the size asked for
        return ImageFont.load_default(size=size_px)
    return ImageFont.truetype(str(found[1] if bold else found[0]), size_px)


class Sheet:
    """A white greyscale page measured in millimetres (x to the right, y down from the top left)."""

    def __init__(self, width_mm: float, height_mm: float, *, dpi: int, background: int = 255) -> None:
        from PIL import Image, ImageDraw  # noqa: PLC0415

        self.dpi = dpi
        self.image: Image.Image = Image.new("L", (self.px(width_mm), self.px(height_mm)), background)
        self.draw: ImageDraw.ImageDraw = ImageDraw.Draw(self.image)

    def px(self, mm: float) -> int:
        return round(mm / 25.4 * self.dpi)

    def font(
        self, pt: float, *, bold: bool = False, family: str = "sans"
    ) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        return _font(family, bold, max(6, round(pt / 72 * self.dpi)))

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        pt: float = 10,
        bold: bool = False,
        family: str = "sans",
        fill: int = 0,
        align: str = "left",
    ) -> float:
        """Write ``text`` with its top at ``y`` (``align="right"``: ending at ``x``); its width in mm."""
        font = self.font(pt, bold=bold, family=family)
        width = font.getlength(text)
        left = self.px(x) - (width if align == "right" else width / 2 if align == "center" else 0)
        self.draw.text((round(left), self.px(y)), text, font=font, fill=fill)
        return width / self.dpi * 25.4

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        outline: int | None = 0,
        fill: int | None = None,
        line: float = 0.3,
    ) -> None:
        box = (self.px(x), self.px(y), self.px(x + w), self.px(y + h))
        self.draw.rectangle(box, outline=outline, fill=fill, width=max(1, self.px(line)))

    def line(self, points: Sequence[tuple[float, float]], *, fill: int = 0, width: float = 0.3) -> None:
        self.draw.line([(self.px(x), self.px(y)) for x, y in points], fill=fill, width=max(1, self.px(width)))

    def paste(self, image: Image.Image, x: float, y: float) -> None:
        self.image.paste(image, (self.px(x), self.px(y)))


def aged(
    image: Image.Image, seed: int, *, noise: float, tilt: float = 1.2, speckles: float = 1.0
) -> Image.Image:
    """The page as a scanner returns it, tilted by up to ``tilt`` degrees (seeded)."""
    rng = random.Random(seed)  # noqa: S311 - the look of a page, not a secret
    return age_page(image, rng, rotation=rng.uniform(-tilt, tilt), noise=noise, speckles=speckles)


def as_jpeg(
    image: Image.Image,
    *,
    seed: int,
    dpi: int,
    noise: float = 0.1,
    tilt: float = 1.2,
    speckles: float = 1.0,
    quality: int = 78,
) -> bytes:
    """A scanned-looking JPEG of the page (same seed, same bytes)."""
    out = io.BytesIO()
    aged(image, seed, noise=noise, tilt=tilt, speckles=speckles).save(
        out, "JPEG", quality=quality, dpi=(dpi, dpi)
    )
    return out.getvalue()


def as_pdf(
    pages: Sequence[Image.Image], *, seed: int, dpi: int, noise: float = 0.1, speckles: float = 0.5
) -> bytes:
    """An image-only PDF of the pages as a scanner writes it (JPEG pages, no text layer)."""
    import img2pdf  # noqa: PLC0415 - an ocrmypdf dependency

    jpegs = [
        as_jpeg(page, seed=seed + number, dpi=dpi, noise=noise, speckles=speckles)
        for number, page in enumerate(pages)
    ]
    # the internal engine writes no random /ID, so the bytes depend on the arguments alone
    return bytes(
        img2pdf.convert(jpegs, nodate=True, producer="Rathaus samples", engine=img2pdf.Engine.internal)
    )


def german_amount(value: object) -> str:
    """``45210`` → "45.210,00 €"."""
    from decimal import Decimal  # noqa: PLC0415

    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    whole, cents = f"{amount:,.2f}".split(".")
    return f"{whole.replace(',', '.')},{cents} €"
