"""Fixtures for reading tests: a letter's text, rendered scans and born-digital PDFs, the real OCR engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from rathaus.core.ai.ocr import OcrmypdfEngine
from rathaus.core.reading import Limits
from tests.requirements import require_module, require_tool

LETTER = """Erika Mustermann
Lindenstraße 12
78462 Konstanz

Konstanz, 12.03.2025

Betreff: Defekte Straßenlaterne im Weinberg

Sehr geehrte Damen und Herren,

in der Straße Im Weinberg sind mehrere Straßenlaternen defekt: die Nummern 6, 7 und 8.
Bitte prüfen Sie die Beleuchtung, da der Fußweg abends völlig dunkel ist.

Mit freundlichen Grüßen
Erika Mustermann"""

SECOND_LETTER = """Bauamt der Stadt Musterstadt

Betreff: Baugenehmigung für eine Garage

Hiermit beantrage ich eine Baugenehmigung für eine Garage auf dem Grundstück Gartenweg 7."""

LIMITS = Limits(max_pages=5, max_image_pixels=20_000_000, low_confidence=0.6)


@pytest.fixture(scope="session")
def ocr() -> OcrmypdfEngine:
    require_module("ocrmypdf", install="pip install -e '.[ai]'")
    require_tool("tesseract", install="apt-get install tesseract-ocr tesseract-ocr-deu")
    return OcrmypdfEngine(language="deu", jobs=2)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder
