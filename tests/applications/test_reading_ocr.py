"""Real Tesseract on the generated attachments: kind, name, address and amount found after OCR.

Every sample is rendered and read once for the module (about 1–3 s of OCR per page on 2 cores).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from rathaus.applications.kinds import DocumentKind
from rathaus.applications.reading import EMPTY, Reading, classify, find_amount, find_text, read_attachment
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
from rathaus.applications.textmatch import fold
from rathaus.core.ai.ocr import OcrmypdfEngine
from rathaus.core.reading import Limits
from tests.requirements import require_module, require_tool

pytestmark = pytest.mark.slow

ERIKA = Person("Erika", "Mustermann", dt.date(1983, 8, 12), "Lindenstraße", "12", "78462", "Konstanz")
SAMPLES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "personalausweis": ("image/jpeg", lambda: id_card(ERIKA, seed=1)),
    "lohnsteuerbescheinigung": (
        "application/pdf",
        lambda: income_statement(
            ERIKA, year=2025, gross_income=Decimal("45210"), kind="lohnsteuerbescheinigung", seed=2
        ),
    ),
    "einkommensteuerbescheid": (
        "application/pdf",
        lambda: income_statement(
            ERIKA, year=2025, gross_income=Decimal("38420.50"), kind="einkommensteuerbescheid", seed=3
        ),
    ),
    "lageplan": (
        "application/pdf",
        lambda: site_plan(
            "Marktstätte 4, 78462 Konstanz", width_m=2.5, depth_m=6, use="Baustellencontainer", seed=4
        ),
    ),
    "schwerbehindertenausweis": ("image/jpeg", lambda: disability_card(ERIKA, ["G", "B"], seed=5)),
    "rettungshundepruefung": (
        "application/pdf",
        lambda: rescue_dog_certificate(ERIKA, dog_name="Bello", exam_date=dt.date(2025, 5, 3), seed=6),
    ),
    "sozialpass": ("image/jpeg", lambda: social_pass(ERIKA, dt.date(2026, 12, 31), seed=7)),
    "zuchtbuch": (
        "application/pdf",
        lambda: pedigree(ERIKA, dog_name="Bello", litter_date=dt.date(2023, 4, 2), seed=10),
    ),
    "leer": ("application/pdf", lambda: blank_scan(seed=8)),
    "katze": ("image/jpeg", lambda: cat_photo(seed=9)),
}
EXPECTED_KIND = {
    "personalausweis": DocumentKind.PERSONALAUSWEIS,
    "lohnsteuerbescheinigung": DocumentKind.EINKOMMENSNACHWEIS,
    "einkommensteuerbescheid": DocumentKind.EINKOMMENSNACHWEIS,
    "lageplan": DocumentKind.LAGEPLAN,
    "schwerbehindertenausweis": DocumentKind.SCHWERBEHINDERTENAUSWEIS,
    "rettungshundepruefung": DocumentKind.RETTUNGSHUNDEPRUEFUNG,
    "sozialpass": DocumentKind.SOZIALPASS,
    "zuchtbuch": DocumentKind.ZUCHTBUCH,
}
WITH_NAME = sorted(set(EXPECTED_KIND) - {"lageplan"})
WITH_ADDRESS = [
    "personalausweis",
    "lohnsteuerbescheinigung",
    "einkommensteuerbescheid",
    "rettungshundepruefung",
    "sozialpass",
    "zuchtbuch",
]


@pytest.fixture(scope="module")
def readings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Reading]:
    require_module("ocrmypdf", install="pip install -e '.[ai]'")
    require_tool("tesseract", install="apt-get install tesseract-ocr tesseract-ocr-deu")
    ocr = OcrmypdfEngine(language="deu", jobs=2)
    folder = tmp_path_factory.mktemp("anlagen")
    read = {}
    for name, (media_type, render) in SAMPLES.items():
        path = folder / f"{name}{'.pdf' if media_type == 'application/pdf' else '.jpg'}"
        path.write_bytes(render())
        work = folder / f"work-{name}"
        work.mkdir()
        read[name] = read_attachment(
            path=path, media_type=media_type, ocr=ocr, work_dir=work, limits=Limits()
        )
    return read


def _line(reading: Reading, page: int, line: int) -> str:
    return fold(reading.pages[page - 1].lines[line - 1])


@pytest.mark.parametrize("name", sorted(EXPECTED_KIND))
def test_every_sample_is_readable_and_classified_as_its_kind(readings: dict[str, Reading], name: str) -> None:
    reading = readings[name]
    guess = classify(reading)

    assert reading.readable, reading.reason
    assert reading.method == "ocr"
    assert guess.kind is EXPECTED_KIND[name], guess.reason
    assert guess.score >= 0.5
    first = guess.evidence[0]
    assert first.snippet == reading.pages[first.page - 1].lines[first.line - 1]


@pytest.mark.parametrize("name", WITH_NAME)
def test_the_name_is_found_on_its_line_also_with_one_wrong_letter(
    readings: dict[str, Reading], name: str
) -> None:
    reading = readings[name]

    found = find_text(reading, "Erika Mustermann")
    misread = find_text(reading, "Erika Mustermamn")  # as if OCR had read one letter wrong

    assert found is not None
    assert "mustermann" in _line(reading, found.page, found.line).replace(" ", "")
    assert misread is not None
    assert (misread.page, misread.line) == (found.page, found.line)
    assert misread.score < found.score


@pytest.mark.parametrize("name", WITH_ADDRESS)
def test_the_address_is_found_where_it_stands(readings: dict[str, Reading], name: str) -> None:
    reading = readings[name]

    found = find_text(reading, ERIKA.address)

    assert found is not None
    assert "lindenstr" in fold(found.snippet) or "konstanz" in _line(reading, found.page, found.line)
    assert found.score >= 0.85


def test_the_site_plan_names_the_place_of_the_special_use(readings: dict[str, Reading]) -> None:
    found = find_text(readings["lageplan"], "Marktstätte 4, 78462 Konstanz")

    assert found is not None
    assert "marktstaette 4" in fold(found.snippet)


@pytest.mark.parametrize("needle", ["Max Schneider", "Erika Musterfrau", "Lindenstraße 21, 78462 Konstanz"])
def test_another_person_is_found_on_no_sample(readings: dict[str, Reading], needle: str) -> None:
    assert [name for name, reading in readings.items() if find_text(reading, needle) is not None] == []


def test_the_income_is_read_from_both_statements(readings: dict[str, Reading]) -> None:
    labels = ["Bruttoarbeitslohn", "Summe der Einkünfte", "Gesamtbetrag der Einkünfte", "Jahresbrutto"]

    wages = find_amount(readings["lohnsteuerbescheinigung"], labels)
    assessment = find_amount(readings["einkommensteuerbescheid"], labels)
    total = find_amount(readings["einkommensteuerbescheid"], ["Gesamtbetrag der Einkünfte"])

    assert wages is not None
    assert (wages.amount, wages.label) == (Decimal("45210.00"), "Bruttoarbeitslohn")
    assert "bruttoarbeitslohn" in fold(wages.evidence.snippet)
    assert assessment is not None
    assert (assessment.amount, assessment.label) == (Decimal("38420.50"), "Summe der Einkünfte")
    assert total is not None
    assert total.amount == Decimal("38420.50")
    assert total.evidence.line != assessment.evidence.line


def test_the_id_card_is_marked_as_a_specimen(readings: dict[str, Reading]) -> None:
    assert "MUSTER" in readings["personalausweis"].text.replace(" ", "")


def test_a_blank_scan_is_not_readable_with_a_german_reason(readings: dict[str, Reading]) -> None:
    reading = readings["leer"]

    assert not reading.readable
    assert reading.reason == EMPTY
    assert classify(reading).kind is DocumentKind.SONSTIGES


def test_a_cat_photo_is_no_document(readings: dict[str, Reading]) -> None:
    reading = readings["katze"]
    guess = classify(reading)

    assert not reading.readable
    assert reading.reason is not None
    assert guess.kind is DocumentKind.SONSTIGES
    assert guess.score < 0.5


def test_the_ocr_writes_a_searchable_pdf(readings: dict[str, Reading]) -> None:
    pdfa = readings["lageplan"].pdfa_path

    assert pdfa is not None
    assert isinstance(pdfa, Path)
    assert pdfa.read_bytes().startswith(b"%PDF-")
