"""The reading fixtures of tests/core/reading (the real OCR engine, a work folder) for the inbox job."""

from __future__ import annotations

from tests.core.reading.conftest import ocr, work

__all__ = ["ocr", "work"]
