"""Reading attachments without OCR: readability and its German reasons, kinds, names, addresses, amounts.

The texts are written as Tesseract returns them (upper case on cards, umlauts spelt out, "rn" for "m",
stray punctuation); the same functions on real scans are tested in ``test_reading_ocr.py``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from rathaus.applications.kinds import KIND_LABELS, DocumentKind
from rathaus.applications.reading import (
    EMPTY,
    NOT_A_DOCUMENT,
    Reading,
    classify,
    find_amount,
    find_text,
    read_attachment,
    reading_of,
)
from rathaus.core.reading import Limits, PageText, ReadResult, ReadStatus

ID_CARD = """BUNDESREPUBLIK DEUTSCHLAND
PERSONALAUSWEIS
IDENTITY CARD / CARTE D'IDENTITE
Name / Surname / Nom
MUSTERRNANN
Vornamen / Given names / Prenoms
ERIKA
Geburtsdatum / Date of birth
12.08.1983"""

ID_BACK = """Anschrift / Address / Adresse
78462 KONSTANZ
LINDENSTR. 12
Staatsangehörigkeit: DEUTSCH"""

WAGES = """Muster Bau GmbH · Hafenstraße 3 · 78462 Konstanz
Erika Müller
Lindenstrasse 12
78462 Konstanz
Ausdruck der elektronischen Lohnsteuerbescheinigung für 2025
1. Dauer des Dienstverhältnisses 01.01. - 31.12.2025
3. Bruttoarbeitslohn einschl. Sachbezüge ohne 9. und 10. 45.210,00 €
4. Einbehaltene Lohnsteuer von 3. 6.419,82 €"""

ASSESSMENT = """Finanzamt Konstanz
Bescheid für 2025 über Einkommensteuer
Einkünfte aus nichtselbständiger Arbeit 38.420,50 €
Summe der
Einkünfte
38.420,50 €
Gesamtbetrag der Einkünfte 38.420.50"""


def reading(*pages: str, confidence: float | None = None) -> Reading:
    result = ReadResult(
        status=ReadStatus.READ,
        text="\n\n".join(pages),
        method="ocr",
        pages=tuple(PageText(number, text, confidence) for number, text in enumerate(pages, start=1)),
    )
    return reading_of(result, Limits())


def test_lines_are_numbered_per_page_counting_only_lines_with_text() -> None:
    read = reading("Erste Zeile\n\n  Zweite Zeile  \n", "Seite zwei")

    assert read.readable
    assert [page.lines for page in read.pages] == [("Erste Zeile", "Zweite Zeile"), ("Seite zwei",)]
    assert read.text == "Erste Zeile\n\n  Zweite Zeile  \n\n\nSeite zwei"


def test_a_reading_kept_as_json_comes_back_the_same() -> None:
    read = reading(WAGES, ID_BACK, confidence=0.91)

    again = Reading.from_json(json.loads(json.dumps(read.as_json())))

    assert again == read
    assert find_text(again, "Lindenstraße 12, 78462 Konstanz") == find_text(
        read, "Lindenstraße 12, 78462 Konstanz"
    )


def test_a_page_without_words_is_not_a_document() -> None:
    read = reading(". ‚ i\n—= 4 ;; ~")

    assert not read.readable
    assert read.reason == NOT_A_DOCUMENT


def test_low_ocr_confidence_makes_a_scan_unreadable_with_the_mean_named() -> None:
    read = reading(WAGES, confidence=0.42)

    assert not read.readable
    assert read.reason is not None
    assert "zu unsicher (im Mittel 42 %)" in read.reason
    assert read.pages[0].lines[1] == "Erika Müller"  # the text is kept for the caseworker


def test_no_text_and_damage_give_german_reasons() -> None:
    empty = reading_of(ReadResult(status=ReadStatus.NO_TEXT, pages=(PageText(1, ""),)), Limits())
    locked = reading_of(
        ReadResult(status=ReadStatus.UNREADABLE, message="Die PDF-Datei ist geschützt."), Limits()
    )

    assert (empty.readable, empty.reason) == (False, EMPTY)
    assert (locked.readable, locked.reason) == (False, "Die PDF-Datei ist geschützt.")


def test_a_password_protected_pdf_is_not_readable(tmp_path: Path) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    path = tmp_path / "geschuetzt.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(path, encryption=pikepdf.Encryption(owner="o", user="geheim"))

    read = read_attachment(
        path=path, media_type="application/pdf", ocr=None, work_dir=tmp_path, limits=Limits()
    )

    assert not read.readable
    assert read.reason is not None
    assert "passwortgeschützt" in read.reason


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (ID_CARD, DocumentKind.PERSONALAUSWEIS),
        (WAGES, DocumentKind.EINKOMMENSNACHWEIS),
        (ASSESSMENT, DocumentKind.EINKOMMENSNACHWEIS),
        ("Lageplan\nMaßstab 1:200\nGemarkung Konstanz, Flurstück 1234/5", DocumentKind.LAGEPLAN),
        ("Schwerbehindertenausweis\nGdB 80\nMerkzeichen G B", DocumentKind.SCHWERBEHINDERTENAUSWEIS),
        (
            "Prüfungsbescheinigung über die bestandene Rettungshundeprufung",
            DocumentKind.RETTUNGSHUNDEPRUEFUNG,
        ),
        ("Stadt Konstanz\nS0ZIALPASS\nGültig bis 31.12.2026", DocumentKind.SOZIALPASS),
        ("Ahnentafel\nZuchtbuchnummer VDH 12345\nZüchter: Zwinger vom Seerhein", DocumentKind.ZUCHTBUCH),
    ],
)
def test_each_kind_is_recognised_from_its_phrases_despite_ocr_errors(text: str, kind: DocumentKind) -> None:
    guess = classify(reading(text))

    assert guess.kind is kind
    assert guess.score >= 0.5
    assert guess.reason.startswith(f"Erkannt als {KIND_LABELS[kind]} an: „")
    assert guess.evidence[0].page == 1


def test_a_letter_of_no_known_kind_is_sonstiges_with_a_low_score() -> None:
    guess = classify(
        reading("Sehr geehrte Damen und Herren,\nanbei sende ich die Unterlagen.\nBundesrepublik Deutschland")
    )

    assert guess.kind is DocumentKind.SONSTIGES
    assert guess.score < 0.5
    assert "schwache Hinweise: „Bundesrepublik Deutschland“ (S. 1, Z. 3)" in guess.reason


def test_the_evidence_names_page_and_line() -> None:
    guess = classify(reading("Deckblatt der Unterlagen", "Anlage\nLageplan zum Antrag\nMaßstab 1:100"))

    assert guess.kind is DocumentKind.LAGEPLAN
    assert (guess.evidence[0].page, guess.evidence[0].line) == (2, 2)
    assert guess.evidence[0].snippet == "Lageplan zum Antrag"


def test_a_name_is_found_across_lines_and_despite_an_ocr_error() -> None:
    found = find_text(reading(ID_CARD, ID_BACK), "Erika Mustermann")

    assert found is not None
    assert (found.page, found.line) == (1, 5)
    assert found.snippet == "MUSTERRNANN / Vornamen / Given names / Prenoms / ERIKA"
    assert found.score == 1.0  # "rn" for "m" is the same shape


@pytest.mark.parametrize(
    ("line", "score"),
    [
        ("ERIKA MUSTERMAN", 0.933),
        ("Erlka Mustermann", 0.933),
        ("Mustermann, Eri ka", 1.0),
    ],
)
def test_one_wrong_missing_or_split_letter_is_forgiven(line: str, score: float) -> None:
    found = find_text(reading(f"Bescheinigung\n{line}\nKonstanz"), "Erika Mustermann")

    assert found is not None
    assert (found.line, found.snippet, found.score) == (2, line, score)


def test_two_wrong_letters_in_a_short_name_are_not_forgiven() -> None:
    assert find_text(reading("Bescheinigung\nEnko Mustermann"), "Erika Mustermann") is None


def test_an_address_is_found_with_street_abbreviated_and_city_first() -> None:
    found = find_text(reading(ID_CARD, ID_BACK), "Lindenstraße 12, 78462 Konstanz")

    assert found is not None
    assert (found.page, found.line, found.score) == (2, 2, 1.0)
    assert found.snippet == "78462 KONSTANZ / LINDENSTR. 12"


def test_umlauts_spelt_out_match_either_way() -> None:
    read = reading(WAGES)

    assert find_text(read, "Erika Mueller") is not None
    line_of_street = find_text(read, "Lindenstraße 12")
    assert line_of_street is not None
    assert (line_of_street.line, line_of_street.snippet) == (3, "Lindenstrasse 12")


@pytest.mark.parametrize(
    "needle",
    [
        "Max Schneider",  # someone else
        "Erika Musterfrau",  # same given name, another family
        "Lindenstraße 14, 78462 Konstanz",  # another house number
        "Lindenstraße 12, 78467 Konstanz",  # another postcode
    ],
)
def test_another_person_or_address_is_not_found(needle: str) -> None:
    assert find_text(reading(ID_CARD, ID_BACK, WAGES), needle) is None


def test_the_amount_beside_its_label() -> None:
    found = find_amount(reading(WAGES), ["Bruttoarbeitslohn", "Jahresbrutto"])

    assert found is not None
    assert found.amount == Decimal("45210.00")
    assert found.label == "Bruttoarbeitslohn"
    assert (found.evidence.page, found.evidence.line) == (1, 7)
    assert "ohne 9. und 10." in found.evidence.snippet  # the numbered list is not taken for the amount


def test_the_amount_under_a_label_and_an_amount_with_an_ocr_dot_for_the_comma() -> None:
    read = reading(ASSESSMENT)

    summe = find_amount(read, ["Summe der Einkünfte"])
    gesamt = find_amount(read, ["Gesamtbetrag der Einkünfte"])

    assert gesamt is not None
    assert gesamt.amount == Decimal("38420.50")
    assert summe is not None  # the label broken over two lines, the amount on the next
    assert (summe.amount, summe.evidence.line, summe.evidence.snippet) == (
        Decimal("38420.50"),
        4,
        "Summe der / Einkünfte",
    )
    assert find_amount(read, ["Jahresbrutto"]) is None
