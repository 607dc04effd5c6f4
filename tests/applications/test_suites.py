"""The planted-problem suites: every planted problem is found, and a complete application raises nothing.

Each case of ``rathaus.applications.samples`` (25 Hundesteuer, 22 Sondernutzung, 22 Kita cases, written
from the Konstanz by-laws) is run through the whole check with its attachments rendered as scans and read
by the real Tesseract OCR (``model``: Tesseract's recogniser is a trained model; run once, in the SQLite
pass). Identical attachments are read once. Precision and recall per type are measured by
``python -m bench applications``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path

import pytest

from rathaus.applications.definition import TypeDefinition, shipped_types
from rathaus.applications.reading import Reading, read_attachment
from rathaus.applications.samples.cases import Case
from rathaus.applications.samples.suites import run_case, suites
from rathaus.core.reading import Limits
from tests.requirements import require_module, require_tool

pytestmark = pytest.mark.model

TODAY = dt.date(2026, 12, 7)  # a Monday; every date of the cases is relative to it
SUITES = suites(TODAY)
CASES = [case for cases in SUITES.values() for case in cases]
TYPES = {definition.key: definition for definition in shipped_types()}
_READ: dict[str, Reading] = {}


def _read(data: bytes, media_type: str, filename: str) -> Reading:
    key = hashlib.sha256(data).hexdigest()
    if key not in _READ:
        require_module("ocrmypdf", install="pip install -e '.[ai]'")
        require_tool("tesseract", install="apt-get install tesseract-ocr tesseract-ocr-deu")
        from rathaus.core.ai.ocr import OcrmypdfEngine  # noqa: PLC0415 - only with the OCR extra

        with tempfile.TemporaryDirectory(prefix="rathaus-suite-") as work:
            path = Path(work) / filename
            path.write_bytes(data)
            _READ[key] = read_attachment(
                path=path,
                media_type=media_type,
                ocr=OcrmypdfEngine(language="deu", jobs=1),
                work_dir=Path(work),
                limits=Limits(),
            )
    return _READ[key]


def test_each_suite_has_at_least_twenty_cases_of_every_group() -> None:
    for key, cases in SUITES.items():
        assert len(cases) >= 20, key
        assert {case.group for case in cases} == {"vollständig", "unvollständig", "unplausibel"}, key
        assert all(case.expected for case in cases if case.group != "vollständig"), key
        assert not any(case.expected for case in cases if case.group == "vollständig"), key


def test_every_expected_finding_names_a_rule_of_its_type() -> None:
    for key, cases in SUITES.items():
        definition: TypeDefinition = TYPES[key]
        rules = {rule.id for rule in definition.rules} | {check.id for check in definition.consistency}
        generic = ("feld.", "anlage.")
        for case in cases:
            unknown = {rule for rule in case.expected if rule not in rules and not rule.startswith(generic)}
            assert not unknown, (case.name, unknown)


@pytest.mark.parametrize("case", CASES, ids=[f"{case.type_key}:{case.name}" for case in CASES])
def test_the_check_finds_exactly_the_planted_problems(case: Case) -> None:
    outcome = run_case(TYPES[case.type_key], case, read=_read, today=TODAY)
    messages = {hint.rule_id: hint.message for hint in outcome.hints}
    assert outcome.found == case.expected, messages
    for hint in outcome.hints:
        assert hint.paragraph, hint.rule_id  # every finding cites its legal basis
