from __future__ import annotations

import pytest

from rathaus.core.text.pii import EMAIL, IBAN, iban_valid, is_phone


@pytest.mark.parametrize(
    ("candidate", "valid"),
    [
        ("DE89370400440532013000", True),
        ("DE89 3704 0044 0532 0130 00", True),
        ("de89370400440532013000", True),
        ("GB82WEST12345698765432", True),
        ("DE89370400440532013001", False),
        ("DE8937040044", False),
    ],
)
def test_iban_check_digits(candidate: str, valid: bool) -> None:
    assert iban_valid(candidate) is valid


def test_patterns_find_iban_in_groups_and_email() -> None:
    text = "Konto DE89 3704 0044 0532 0130 00, Mail an bauamt@example-stadt.de."
    assert [m.group(0) for m in IBAN.finditer(text)] == ["DE89 3704 0044 0532 0130 00"]
    assert [m.group(0) for m in EMAIL.finditer(text)] == ["bauamt@example-stadt.de"]


def test_a_date_is_no_phone_number() -> None:
    assert is_phone("0721 133-6101")
    assert not is_phone("01.03.2025")
    assert not is_phone("0815")
