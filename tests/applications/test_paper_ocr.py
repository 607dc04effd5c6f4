"""Real Tesseract on a printed and scanned Hundesteuer form: the type is recognised and the values read."""

from __future__ import annotations

from pathlib import Path

import pytest

from rathaus.applications import paper
from rathaus.applications.definition import shipped_types
from rathaus.applications.reading import read_attachment
from rathaus.core.ai.ocr import OcrmypdfEngine
from rathaus.core.reading import Limits
from tests.applications.paper_forms import HUNDESTEUER_FORM
from tests.requirements import require_module, require_tool

pytestmark = pytest.mark.slow


def test_a_scanned_paper_form_read_by_ocr_is_matched_and_its_values_read(tmp_path: Path) -> None:
    require_module("ocrmypdf", install="pip install -e '.[ai]'")
    require_tool("tesseract", install="apt-get install tesseract-ocr tesseract-ocr-deu")
    from rathaus.core.reading.scans import render_scan  # noqa: PLC0415 - Pillow

    scan = tmp_path / "antrag.pdf"
    scan.write_bytes(render_scan(HUNDESTEUER_FORM, seed=11, rotation=0.4, noise=0.2))
    work = tmp_path / "work"
    work.mkdir()
    reading = read_attachment(
        path=scan,
        media_type="application/pdf",
        ocr=OcrmypdfEngine(language="deu", jobs=2),
        work_dir=work,
        limits=Limits(),
    )
    assert reading.readable, reading.reason
    definitions = list(shipped_types())
    best = paper.match_types(definitions, reading.text)[0]
    assert best.key == "hundesteuer"
    assert best.score >= 0.55, best
    definition = next(item for item in definitions if item.key == "hundesteuer")
    posted = paper.read_paper(definition, reading.text)
    expected = {
        "vorname": "Erika",
        "nachname": "Musterfrau",
        "geburtsdatum": "01.05.1980",
        "strasse": "Lindenstraße",
        "hausnummer": "12",
        "plz": "78462",
        "hund_name": "Bello",
        "rasse": "Labrador-Mischling",  # the line below its label
        "haltung_beginn": "20.11.2026",  # read as "20. 11.2026"
        "verguenstigung": "keine",
    }
    assert {key: posted.get(key) for key in expected} == expected
