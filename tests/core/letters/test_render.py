"""Letters rendered as PDF/A-3b and DOCX: the merged text, the layout blocks, the letterhead."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pikepdf
from docx import Document
from pdfminer.high_level import extract_text

from rathaus.core.letters.defaults import DEFAULTS, SAMPLE_VALUES
from rathaus.core.letters.render import Block, LetterContent, blocks, render_docx, render_html, render_pdf
from rathaus.core.letters.service import merge
from tests.core.security.test_uploads import png_bytes

NACHFORDERUNG = next(d for d in DEFAULTS if d.key == "nachforderung")


def _letter(**changes: object) -> LetterContent:
    values = {**SAMPLE_VALUES, "fehlende_unterlagen": "Kopie des Personalausweises\nLageplan (Maßstab 1:500)"}
    fields: dict[str, object] = {
        "tenant_name": "Stadt Konstanz",
        "subject": merge(NACHFORDERUNG.subject, values).text,
        "body": merge(NACHFORDERUNG.body, values).text,
        "recipient_lines": ("Frau", "Erika Musterfrau", "Musterweg 1", "78462 Konstanz"),
        "sender_line": "Stadt Konstanz · Bürgeramt · Untere Laube 24 · 78462 Konstanz",
        "reference": "HST-2026-00017",
        "date": date(2026, 12, 6),
        "signature": "Im Auftrag\nMax Mustermann",
    }
    fields.update(changes)
    return LetterContent(**fields)  # type: ignore[arg-type]


def _words(text: str) -> str:
    return " ".join(text.split())


def test_blocks_split_paragraphs_lists_and_headings() -> None:
    body = (
        "Sehr geehrte Frau A,\n\nEs fehlen:\n- Ausweis\n- Lageplan\nDanke.\n\nBegründung:\n\nZeile 1\nZeile 2"
    )
    assert blocks(body) == [
        Block("p", ("Sehr geehrte Frau A,",)),
        Block("p", ("Es fehlen:",)),
        Block("ul", ("Ausweis", "Lageplan")),
        Block("p", ("Danke.",)),
        Block("h", ("Begründung:",)),
        Block("p", ("Zeile 1", "Zeile 2")),
    ]


def test_the_pdf_is_pdf_a_3b_with_embedded_fonts_and_the_merged_text() -> None:
    pdf = render_pdf(_letter())
    assert pdf.startswith(b"%PDF")
    with pikepdf.open(io.BytesIO(pdf)) as document:
        metadata = document.open_metadata()
        assert metadata.get("pdfaid:part") == "3"
        assert metadata.get("pdfaid:conformance") == "B"
        fonts = [
            font
            for page in document.pages
            for font in page.Resources.Font.values()  # type: ignore[attr-defined]
        ]
        assert fonts
        for font in fonts:
            descriptor = (
                font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font else font.FontDescriptor
            )
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font
    text = _words(extract_text(io.BytesIO(pdf)))
    assert "Ihr Antrag (Anmeldung zur Hundesteuer), Aktenzeichen HST-2026-00017 – fehlende Unterlagen" in text
    assert "Sehr geehrte Frau Musterfrau," in text
    assert "Kopie des Personalausweises" in text
    assert "Lageplan (Maßstab 1:500)" in text
    assert "bis zum 20.12.2026 nach" in text
    assert "06.12.2026" in text
    assert "Stadt Konstanz · Bürgeramt" in text
    assert "Im Auftrag Max Mustermann" in text
    assert "{" not in text


def test_the_html_escapes_the_text_and_lists_the_items() -> None:
    html = render_html(_letter(body="Text mit <script>alert(1)</script>\n\n- eins\n- zwei"))
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert re.search(r"<ul><li>eins</li><li>zwei</li></ul>", html)


def test_the_letterhead_is_an_image_in_the_pdf_and_in_the_docx_header() -> None:
    image = png_bytes(40, 8)
    pdf = render_pdf(_letter(letterhead=(image, "image/png")))
    with pikepdf.open(io.BytesIO(pdf)) as document:
        xobjects = document.pages[0].Resources.get("/XObject", {})
        assert any(obj.get("/Subtype") == "/Image" for obj in xobjects.values())
    without = render_pdf(_letter())
    assert "Stadt Konstanz" in extract_text(io.BytesIO(without))  # the name stands in for a letterhead

    docx = render_docx(_letter(letterhead=(image, "image/png")))
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        headers = [name for name in archive.namelist() if name.startswith("word/header")]
        assert headers
        assert any("<pic:pic" in archive.read(name).decode() for name in headers if name.endswith(".xml"))
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
        assert [archive.read(name) for name in media] == [image]


def test_the_docx_carries_address_subject_body_and_list_items() -> None:
    document = Document(io.BytesIO(render_docx(_letter())))
    assert document.core_properties.language == "de-DE"
    address, info = document.tables[0].rows[0].cells
    assert "Erika Musterfrau\nMusterweg 1" in address.text
    assert "Stadt Konstanz · Bürgeramt" in address.text
    assert "Aktenzeichen: HST-2026-00017" in info.text
    assert "Datum: 06.12.2026" in info.text
    paragraphs = [(p.text, p.style.name if p.style else "") for p in document.paragraphs if p.text]
    subject = next(p for p in document.paragraphs if "fehlende Unterlagen" in p.text)
    assert subject.runs[0].bold
    assert ("Kopie des Personalausweises", "List Bullet") in paragraphs
    assert ("Lageplan (Maßstab 1:500)", "List Bullet") in paragraphs
    assert ("Mit freundlichen Grüßen", "Normal") in paragraphs
    assert any("bis zum 20.12.2026 nach" in text for text, _ in paragraphs)
