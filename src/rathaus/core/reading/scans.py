"""Letters that look scanned, and born-digital PDFs, rendered from a known text (demo, tests, benchmark).

``render_scan(text, seed=…)`` lays the text out as a letter on A4 pages, renders it at 200 dpi with an
installed font on grey paper, rotates it slightly, blurs it and adds noise and speckles, and returns an
image-only PDF (no text layer), the same bytes for the same arguments. Layout from the text: the first
paragraph (up to the first blank line) is the sender block, a one-line paragraph that is a date
("Musterstadt, 12.03.2025") stands flush right, a line starting with "Betreff" is set in bold, the rest is
the body, wrapped to the page width. ``render_digital_pdf(text)`` makes the same letter with a text layer.
"""

from __future__ import annotations

import html
import io
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image, ImageFont

DPI = 200
A4_MM = (210, 297)
MARGIN_MM = (25, 20, 20, 25)  # left, top, right, bottom as in DIN 5008
FONT_PT = 11.5
SENDER_PT = 9.0
NOISE_SCALE = 0.45  # noise 1.0: Tesseract finds little or nothing (mean confidence far below 0.6)
_FONTS_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/opentype/urw-base35"))
#: name → (regular, bold) file names; fonts-dejavu-core is a runtime package, the URW fonts come with
#: Ghostscript (fonts-urw-base35). Only the installed ones are offered.
FONT_FILES = {
    "dejavu-sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "dejavu-serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "dejavu-mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
    "nimbus-roman": ("NimbusRoman-Regular.otf", "NimbusRoman-Bold.otf"),
    "nimbus-sans": ("NimbusSans-Regular.otf", "NimbusSans-Bold.otf"),
    "nimbus-mono": ("NimbusMonoPS-Regular.otf", "NimbusMonoPS-Bold.otf"),
}
_DATE_LINE = re.compile(r"^[\wÄÖÜäöüß .\-]*,?\s*\d{1,2}\.\s*(\d{1,2}\.|[A-Za-zäÄ]+)\s*\d{2,4}$")


def available_fonts() -> dict[str, tuple[Path, Path]]:
    """The fonts of :data:`FONT_FILES` installed on this machine: name → (regular, bold) paths."""
    found = {}
    for name, (regular, bold) in FONT_FILES.items():
        for folder in _FONTS_DIRS:
            if (folder / regular).exists() and (folder / bold).exists():
                found[name] = (folder / regular, folder / bold)
                break
    return found


@dataclass(frozen=True)
class _Line:
    text: str
    kind: str  # "sender", "date", "subject", "body", "blank"


def letter_lines(text: str) -> list[_Line]:
    """The letter's lines before wrapping: sender block, date, subject, body paragraphs."""
    paragraphs = [part.strip("\n") for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    lines: list[_Line] = []
    for index, paragraph in enumerate(paragraphs):
        rows = [row.strip() for row in paragraph.splitlines() if row.strip()]
        if index == 0 and len(paragraphs) > 1:
            kind = "sender"
        elif len(rows) == 1 and _DATE_LINE.match(rows[0]):
            kind = "date"
        else:
            kind = "body"
        for row in rows:
            row_kind = "subject" if kind == "body" and row.startswith("Betreff") else kind
            lines.append(_Line(row, row_kind))
        lines.append(_Line("", "blank"))
    return lines


def _mm(value: float) -> int:
    return round(value / 25.4 * DPI)


def _pt(value: float) -> int:
    return round(value / 72 * DPI)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    words, rows, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            rows.append(current)
            current = word
        else:
            current = candidate
    return [*rows, current] if current else rows


def _pages(text: str, regular: Path, bold: Path) -> list[Image.Image]:
    """Clean black-on-white A4 pages of the letter."""
    from PIL import Image, ImageDraw, ImageFont  # noqa: PLC0415

    size = (_mm(A4_MM[0]), _mm(A4_MM[1]))
    left, top, right, bottom = (_mm(value) for value in MARGIN_MM)
    fonts = {
        "body": ImageFont.truetype(str(regular), _pt(FONT_PT)),
        "subject": ImageFont.truetype(str(bold), _pt(FONT_PT)),
        "sender": ImageFont.truetype(str(regular), _pt(SENDER_PT)),
    }
    line_height = round(_pt(FONT_PT) * 1.45)
    pages: list[Image.Image] = []
    page, draw, y = None, None, size[1]
    for line in letter_lines(text):
        font = fonts.get(line.kind, fonts["body"])
        rows = _wrap(line.text, font, size[0] - left - right) if line.text else [""]
        for row in rows:
            if page is None or draw is None or y + line_height > size[1] - bottom:
                page = Image.new("L", size, 255)
                pages.append(page)
                draw, y = ImageDraw.Draw(page), top
                if not row:
                    continue
            x = size[0] - right - round(font.getlength(row)) if line.kind == "date" else left
            draw.text((x, y), row, font=font, fill=0)
            y += round(_pt(SENDER_PT) * 1.4) if line.kind == "sender" else line_height
    return pages or [Image.new("L", size, 255)]


def age_page(
    page: Image.Image, rng: random.Random, *, rotation: float, noise: float, speckles: float = 1.0
) -> Image.Image:
    """The clean page as a scanner would return it: grey paper, ink, tilt, blur, noise and speckles.

    ``speckles`` scales the number of dust specks (Tesseract takes specks next to small print for accents).
    """
    import numpy as np  # noqa: PLC0415
    from PIL import Image, ImageFilter  # noqa: PLC0415

    generator = np.random.default_rng(rng.randrange(2**32))
    noise *= NOISE_SCALE
    paper = rng.uniform(222, 242)
    ink = rng.uniform(15, 50)
    clean = np.asarray(page, dtype=np.float32) / 255.0  # 1 = paper, 0 = ink
    small = generator.normal(0, 4, (page.height // 64 + 1, page.width // 64 + 1)).astype(np.float32)
    shade = np.asarray(
        Image.fromarray(small, mode="F").resize(page.size, Image.Resampling.BICUBIC), dtype=np.float32
    )
    pixels = ink + (paper + shade - ink) * clean
    tilted = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L").rotate(
        rotation, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=round(paper)
    )
    blurred = tilted.filter(ImageFilter.GaussianBlur(radius=0.4 + 0.8 * noise))
    pixels = np.asarray(blurred, dtype=np.float32)
    pixels = pixels + generator.normal(0, 3 + 55 * noise, pixels.shape)
    count = int((80 + 12_000 * noise) * speckles)
    ys = generator.integers(0, pixels.shape[0] - 3, count)
    xs = generator.integers(0, pixels.shape[1] - 3, count)
    for dy in range(2):
        for dx in range(2):
            pixels[ys + dy, xs + dx] = ink
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def scan_pages(
    text: str,
    *,
    seed: int,
    font: str | None = None,
    rotation: float | None = None,
    noise: float | None = None,
) -> list[Image.Image]:
    """The pages of :func:`render_scan` as greyscale Pillow images (200 dpi), e.g. for a TIFF."""
    rng = random.Random(seed)  # noqa: S311 - the look of a page, not a secret
    fonts = available_fonts()
    if not fonts:
        raise RuntimeError("no font for rendering scans (apt-get install fonts-dejavu-core)")
    name = font or rng.choice(sorted(fonts))
    if name not in fonts:
        raise ValueError(f"font {name!r} is not installed; choose from {', '.join(sorted(fonts))}")
    tilt = rng.uniform(-1.5, 1.5) if rotation is None else rotation
    level = rng.uniform(0.1, 0.5) if noise is None else min(max(noise, 0.0), 1.0)
    pages = [age_page(page, rng, rotation=tilt, noise=level) for page in _pages(text, *fonts[name])]
    for page in pages:
        page.info["dpi"] = (DPI, DPI)
    return pages


def render_scan(
    text: str,
    *,
    seed: int,
    font: str | None = None,
    rotation: float | None = None,
    noise: float | None = None,
) -> bytes:
    """An image-only PDF of the letter as if printed and scanned at 200 dpi; same arguments, same bytes.

    ``font`` is a key of :func:`available_fonts` (chosen by ``seed`` when None), ``rotation`` the tilt in
    degrees (seeded within ±1.5° when None), ``noise`` 0 (clean) … 1 (barely legible; seeded within
    0.1–0.5 when None).
    """
    import img2pdf  # noqa: PLC0415 - an ocrmypdf dependency

    jpegs = []
    for page in scan_pages(text, seed=seed, font=font, rotation=rotation, noise=noise):
        out = io.BytesIO()
        page.save(out, "JPEG", quality=85, dpi=(DPI, DPI))  # as a scanner's PDF stores its pages
        jpegs.append(out.getvalue())
    # the internal engine writes no random /ID, so the bytes depend on the arguments alone
    return bytes(
        img2pdf.convert(jpegs, nodate=True, producer="Rathaus scans", engine=img2pdf.Engine.internal)
    )


def render_digital_pdf(text: str) -> bytes:
    """A born-digital PDF of the letter (same layout rules as :func:`render_scan`) with a text layer."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy

    parts = []
    for line in letter_lines(text):
        escaped = html.escape(line.text)
        parts.append(
            {
                "sender": f'<p class="sender">{escaped}</p>',
                "date": f'<p class="date">{escaped}</p>',
                "subject": f"<p><strong>{escaped}</strong></p>",
                "body": f"<p>{escaped}</p>",
                "blank": '<p class="gap"></p>',
            }[line.kind]
        )
    document = (
        '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Brief</title><style>'
        "@page { size: A4; margin: 20mm 20mm 25mm 25mm }"
        "body { font-family: 'DejaVu Sans', sans-serif; font-size: 11.5pt; line-height: 1.45 }"
        "p { margin: 0 } .sender { font-size: 9pt } .date { text-align: right } .gap { height: 1em }"
        f"</style></head><body>{''.join(parts)}</body></html>"
    )
    return bytes(HTML(string=document).write_pdf())
