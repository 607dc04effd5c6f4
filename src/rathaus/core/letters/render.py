"""Letters out: one ``LetterContent`` rendered as PDF/A-3b (WeasyPrint) or DOCX (python-docx).

The layout follows DIN 5008 (form B) loosely: the letterhead on top, the address window with the
return line on the left and the information block (Aktenzeichen, Datum) on the right, the subject in
bold, the body, the closing and the signature. The body is plain text: paragraphs are separated by
blank lines, lines starting with ``- `` are list items, and a short single line ending in a colon
(``Begründung:``) is a heading.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from rathaus.core.db import utcnow
from rathaus.core.documents import DOCX_TYPE, data_uri, letterhead, pdf_bytes

LOCAL = ZoneInfo("Europe/Berlin")  # letters are dated in the municipality's time

__all__ = [
    "DOCX_TYPE",
    "Block",
    "LetterContent",
    "blocks",
    "german_date",
    "letterhead",
    "render_docx",
    "render_html",
    "render_pdf",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"
HEADING_MAX = 40
LIST_PREFIX = "- "
PAGE_WIDTH_CM = 16.5


@dataclass(frozen=True)
class LetterContent:
    """Everything on one letter; ``body`` is the merged text of an approved template."""

    tenant_name: str
    subject: str
    body: str
    recipient_lines: tuple[str, ...] = ()
    sender_line: str = ""
    reference: str = ""
    date: datetime.date | None = None
    closing: str = "Mit freundlichen Grüßen"
    signature: str = ""
    letterhead: tuple[bytes, str] | None = None
    info: tuple[tuple[str, str], ...] = ()  # more rows of the information block, e.g. ("Telefon", …)

    @property
    def date_text(self) -> str:
        return german_date(self.date or utcnow().astimezone(LOCAL).date())

    @property
    def info_rows(self) -> list[tuple[str, str]]:
        """The information block: Aktenzeichen, the extra rows, Datum."""
        rows = [("Aktenzeichen", self.reference)] if self.reference else []
        return [*rows, *self.info, ("Datum", self.date_text)]


@dataclass(frozen=True)
class Block:
    """A paragraph (lines kept), a bulleted list, or a heading of the body."""

    kind: Literal["p", "ul", "h"]
    lines: tuple[str, ...]


def german_date(value: datetime.date) -> str:
    return value.strftime("%d.%m.%Y")


def blocks(body: str) -> list[Block]:
    """The body as blocks: paragraphs split at blank lines, ``- `` lines as lists, short ``…:`` headings."""
    result: list[Block] = []
    for paragraph in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in paragraph.split("\n") if line.strip()]
        if len(lines) == 1 and lines[0].endswith(":") and len(lines[0]) <= HEADING_MAX:
            result.append(Block("h", (lines[0],)))
            continue
        run: list[str] = []
        is_list = False
        for line in lines:
            item = line.lstrip().startswith(LIST_PREFIX)
            if run and item != is_list:
                result.append(Block("ul" if is_list else "p", tuple(run)))
                run = []
            is_list = item
            run.append(line.lstrip()[len(LIST_PREFIX) :].strip() if item else line.strip())
        if run:
            result.append(Block("ul" if is_list else "p", tuple(run)))
    return result


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True), auto_reload=False
    )


def render_html(content: LetterContent) -> str:
    """The letter as print HTML (the source of the PDF)."""
    template = _environment().get_template("letters/letter.html")
    return template.render(
        letter=content, blocks=blocks(content.body), letterhead=data_uri(content.letterhead)
    )


def render_pdf(content: LetterContent) -> bytes:
    """The letter as PDF/A-3b with embedded fonts; nothing is fetched from the network."""
    return pdf_bytes(render_html(content))


def render_docx(content: LetterContent) -> bytes:
    """The letter as a Word document, with the letterhead image in the page header."""
    from docx import Document  # noqa: PLC0415 - only letters need it
    from docx.shared import Cm, Pt  # noqa: PLC0415

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    doc.core_properties.title = content.subject
    doc.core_properties.author = content.tenant_name
    doc.core_properties.language = "de-DE"
    if content.letterhead is not None:
        header = section.header.paragraphs[0]
        header.add_run().add_picture(io.BytesIO(content.letterhead[0]), width=Cm(PAGE_WIDTH_CM))
    table = doc.add_table(rows=1, cols=2)
    address, info = table.rows[0].cells
    address.width, info.width = Cm(8.5), Cm(8.0)
    first = address.paragraphs[0]
    if content.sender_line:
        run = first.add_run(content.sender_line)
        run.font.size, run.underline = Pt(7), True
        first = address.add_paragraph()
    first.add_run("\n".join(content.recipient_lines))
    info.paragraphs[0].add_run("\n".join(f"{label}: {value}" for label, value in content.info_rows))
    doc.add_paragraph()
    doc.add_paragraph().add_run(content.subject).bold = True
    for block in blocks(content.body):
        if block.kind == "ul":
            for line in block.lines:
                doc.add_paragraph(line, style="List Bullet")
        elif block.kind == "h":
            doc.add_paragraph().add_run(block.lines[0]).bold = True
        else:
            doc.add_paragraph("\n".join(block.lines))
    if content.closing:
        doc.add_paragraph(content.closing)
    if content.signature:
        doc.add_paragraph("\n".join(content.signature.splitlines()))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
