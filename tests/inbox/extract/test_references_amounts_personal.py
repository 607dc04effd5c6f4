from __future__ import annotations

from datetime import date
from decimal import Decimal

from rathaus.inbox.extract import extract, find_amounts, find_personal_data, find_references


def test_reference_parties_and_spans() -> None:
    text = "Ihr Zeichen: AB/12\nUnser Zeichen: BA-2025-00123\nAz. 61.2-123/2025."
    references = find_references(text=text)
    assert [(r.value, r.party) for r in references] == [
        ("AB/12", "recipient"),
        ("BA-2025-00123", "sender"),
        ("61.2-123/2025", "unknown"),
    ]
    assert all(text[r.start : r.end] == r.value for r in references)
    assert references[1].description == "Zeichen des Absenders (Unser Zeichen)"


def test_a_cue_without_digits_is_no_reference() -> None:
    assert find_references(text="Das Aktenzeichen teilen wir Ihnen noch mit.") == []


def test_amount_values_and_description() -> None:
    amounts = find_amounts(text="Gebühr 1.234,56 €, Auslagen EUR 50 und 50,- Euro")
    assert [a.value for a in amounts] == [Decimal("1234.56"), Decimal(50), Decimal(50)]
    assert amounts[0].description == "Betrag: 1.234,56 €"
    assert amounts[1].text == "EUR 50"


def test_only_valid_ibans_are_flagged() -> None:
    found = find_personal_data(text="DE89370400440532013000 und DE89370400440532013001")
    assert [(p.kind, p.text) for p in found] == [("iban", "DE89370400440532013000")]
    assert found[0].description == "IBAN (Bankverbindung, Prüfziffer gültig)"


def test_birth_date_email_and_phone() -> None:
    text = "Frau Beispiel, geboren am 12.03.1980, erreichbar unter 0721 133-4567 oder b@example.org"
    found = find_personal_data(text=text)
    assert [(p.kind, p.text) for p in found] == [
        ("birthdate", "12.03.1980"),
        ("phone", "0721 133-4567"),
        ("email", "b@example.org"),
    ]


def test_reference_digits_are_no_phone_number() -> None:
    found = extract(text="Kassenzeichen 0815/4711-2026", received=date(2026, 3, 2), state="NI")
    assert [r.value for r in found.references] == ["0815/4711-2026"]
    assert found.personal_data == []
