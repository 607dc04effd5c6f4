"""Uploaded text never garbled: UTF-8 (with/without BOM), Windows-1252 from Excel, Latin-1, refusals."""

from __future__ import annotations

import pytest
from faker import Faker

from rathaus.core.text.encoding import (
    REPLACEMENT,
    UndecodableTextError,
    decode_best_effort,
    decode_upload,
    decode_upload_detail,
)

# What Excel on German Windows writes for "CSV (Trennzeichen-getrennt)": Windows-1252, CRLF, semicolons.
EXCEL_CSV = (
    "Name;Fraktion;Stimme\r\n"
    "Florian Bühnemann;SPD;J\r\n"
    "Jürgen Weiß;CDU;N\r\n"
    "Dr. Änne Müller-Lüdenscheidt;GRÜNE;E\r\n"
    "Zoë Öztürk;FDP;O\r\n"
).encode("cp1252")


def test_excel_csv_from_german_windows_is_read_as_windows_1252() -> None:
    decoded = decode_upload_detail(EXCEL_CSV, what="Die Abstimmungsdatei")
    assert decoded.encoding == "cp1252"
    assert "Florian Bühnemann;SPD;J" in decoded.text
    assert "Dr. Änne Müller-Lüdenscheidt;GRÜNE;E" in decoded.text
    assert REPLACEMENT not in decoded.text


def test_a_single_name_is_enough() -> None:
    assert decode_upload("Florian Bühnemann".encode("cp1252"), what="Die Datei") == "Florian Bühnemann"


def test_windows_1252_punctuation_is_not_read_as_latin_1_control_codes() -> None:
    data = "5.1;Zuschuss 5.000 € für das „Straßenfest“ – Änderung".encode("cp1252")
    assert b"\x80" in data  # the bytes where Latin-1 has control codes
    assert b"\x84" in data
    assert decode_upload(data, what="Die Datei") == "5.1;Zuschuss 5.000 € für das „Straßenfest“ – Änderung"


def test_latin_1_and_iso_8859_15() -> None:
    assert decode_upload("Größe: 3 m²; Gebühr".encode("latin-1"), what="Die Datei") == "Größe: 3 m²; Gebühr"
    decoded = decode_upload_detail("Gebühr 20 € je Stand".encode("iso8859_15"), what="Die Datei")
    assert decoded.text == "Gebühr 20 € je Stand"
    assert decoded.encoding == "iso8859_15"


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_unicode_files_with_and_without_byte_order_mark(codec: str) -> None:
    text = "Name\tFraktion\nFlorian Bühnemann\tSPD\nŁukasz Wiśniewski\tVolt\n"
    assert decode_upload(text.encode(codec), what="Die Datei") == text


def test_valid_utf_8_wins_and_double_encoding_is_repaired() -> None:
    assert decode_upload_detail("Bühnemann".encode(), what="Die Datei").encoding == "utf-8"
    twice = "Florian Bühnemann; Jürgen Weiß".encode().decode("cp1252").encode()  # "BÃ¼hnemann"
    decoded = decode_upload_detail(twice, what="Die Datei")
    assert decoded.text == "Florian Bühnemann; Jürgen Weiß"
    assert decoded.repaired
    assert "repariert" in decoded.label


def test_dos_export_is_read_as_cp850_not_as_garbage() -> None:
    data = "Florian Bühnemann;SPD\r\nJürgen Weiß;CDU\r\nMärz".encode("cp850")
    assert decode_upload(data, what="Die Datei") == "Florian Bühnemann;SPD\r\nJürgen Weiß;CDU\r\nMärz"


def test_binary_and_already_garbled_input_is_refused_in_german() -> None:
    with pytest.raises(UndecodableTextError, match="Die Abstimmungsdatei ist keine Textdatei"):
        decode_upload(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)), what="Die Abstimmungsdatei")
    with pytest.raises(UndecodableTextError, match=r"bereits unlesbare Zeichen.*B\ufffdhnemann"):
        decode_upload("Florian B\ufffdhnemann;SPD".encode(), what="Die Datei")


def test_undecidable_bytes_are_refused_rather_than_guessed() -> None:
    # every high byte inside a word: no code page makes German words of it
    data = b"".join(b"a" + bytes([byte]) for byte in range(0xA0, 0x100)) + b"a"
    with pytest.raises(UndecodableTextError, match=r"nicht sicher erkennen.*CSV UTF-8"):
        decode_upload(data, what="Die Datei")


def test_best_effort_never_produces_a_replacement_character() -> None:
    assert decode_best_effort("Grüße".encode("cp1252")) == "Grüße"
    garbled = decode_best_effort(b"Gr\x81\x00\x8d\xfc\xdfe" + REPLACEMENT.encode())
    assert REPLACEMENT not in garbled
    assert "\x00" not in garbled


CODECS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "iso8859_15", "cp850"]


@pytest.mark.parametrize("codec", CODECS)
def test_generated_council_lists_decode_exactly(codec: str) -> None:
    """German names (Faker's de_DE lists), one to twenty rows: every file decodes to exactly its text."""
    fake = Faker("de_DE")
    fake.seed_instance(7)
    groups = ["SPD", "CDU", "GRÜNE", "FDP", "Freie Wähler", "DIE LINKE"]
    for trial in range(60):
        rows = [f"{fake.name()};{groups[(trial + i) % 6]};{'JNEO'[i % 4]}" for i in range(1 + trial % 20)]
        text = "Name;Fraktion;Stimme\r\n" + "\r\n".join(rows)
        assert decode_upload(text.encode(codec), what="Die Datei") == text
