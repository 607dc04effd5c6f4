"""Bad input never raises: status and a German message for every case (no OCR needed for these)."""

from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from rathaus.core.ai.errors import BackendResponseError
from rathaus.core.ai.protocols import OcrResult
from rathaus.core.reading import Limits, ReadStatus, read_document
from rathaus.core.reading.scans import render_digital_pdf, render_scan, scan_pages
from tests.core.reading.conftest import LETTER, LIMITS


def _read(path: Path, media_type: str, work: Path, limits: Limits = LIMITS):  # type: ignore[no-untyped-def]
    return read_document(path=path, media_type=media_type, limits=limits, ocr=None, work_dir=work)


@pytest.fixture(scope="module")
def digital(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("digital") / "brief.pdf"
    path.write_bytes(render_digital_pdf(LETTER))
    return path


def test_born_digital_pdf_is_read_from_its_text_layer(digital: Path, tmp_path: Path) -> None:
    result = _read(digital, "application/pdf", tmp_path)

    assert result.status is ReadStatus.READ
    assert result.method == "text_layer"
    assert "Straßenlaterne" in result.text
    assert "Erika Mustermann" in result.text
    assert [(page.number, page.confidence) for page in result.pages] == [(1, None)]
    assert result.pdfa_path is None
    assert result.message is None


def test_password_protected_pdf(digital: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(digital) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="geheim", owner="geheim"))

    result = _read(locked, "application/pdf", tmp_path)

    assert result.status is ReadStatus.UNREADABLE
    assert result.message is not None
    assert "passwortgeschützt" in result.message
    assert result.text == ""
    assert result.pages == ()


def test_pdf_restricted_only_by_an_owner_password_is_read(digital: Path, tmp_path: Path) -> None:
    restricted = tmp_path / "restricted.pdf"
    with pikepdf.open(digital) as pdf:
        no_rights = pikepdf.Permissions(extract=False, modify_other=False)
        pdf.save(restricted, encryption=pikepdf.Encryption(user="", owner="chef", allow=no_rights))

    result = _read(restricted, "application/pdf", tmp_path)

    assert result.status is ReadStatus.READ
    assert "Weinberg" in result.text


@pytest.mark.parametrize("cut", [0.3, 0.7, 0.95])
def test_truncated_pdf(digital: Path, tmp_path: Path, cut: float) -> None:
    data = digital.read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[: int(len(data) * cut)])

    result = _read(truncated, "application/pdf", tmp_path)

    assert result.status is ReadStatus.UNREADABLE
    assert result.message is not None
    assert "beschädigt oder unvollständig" in result.message


def test_corrupt_pdf_with_header_and_trailer(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\nendobj\nGARBAGE\n%%EOF\n")

    result = _read(corrupt, "application/pdf", tmp_path)

    assert result.status is ReadStatus.UNREADABLE
    assert result.message is not None
    assert "PDF-Datei ist beschädigt" in result.message


def test_pdf_longer_than_max_pages_is_kept_unread(tmp_path: Path) -> None:
    long = tmp_path / "long.pdf"
    pdf = pikepdf.new()
    for _ in range(LIMITS.max_pages + 1):
        pdf.add_blank_page()
    pdf.save(long)

    result = _read(long, "application/pdf", tmp_path)

    assert result.status is ReadStatus.UNREADABLE
    assert result.message is not None
    assert f"{LIMITS.max_pages + 1} Seiten" in result.message
    assert f"höchstens {LIMITS.max_pages}" in result.message
    assert "aufteilen" in result.message
    assert "gespeichert" in result.message
    assert result.pages == ()


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels but holds a few bytes: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header(100_000, 100_000))  # 10 gigapixels; decoding would need 10 GB

    started = time.perf_counter()
    result = _read(bomb, "image/png", tmp_path)

    assert time.perf_counter() - started < 2
    assert result.status is ReadStatus.UNREADABLE
    assert result.message is not None
    assert "zu groß" in result.message
    assert "nicht geöffnet" in result.message


def test_image_over_the_configured_pixel_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(_png_header(6000, 5000))  # 30 MP: under Pillow's own limit, over ours

    result = _read(big, "image/png", tmp_path)

    assert result.status is ReadStatus.UNREADABLE
    assert result.message is not None
    assert "6000 × 5000 Pixeln" in result.message
    assert "höchstens 20 Megapixel" in result.message


def test_truncated_image(tmp_path: Path) -> None:
    image = scan_pages(LETTER, seed=5)[0]
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])

    result = _read(truncated, "image/png", tmp_path)

    assert result.status is ReadStatus.UNREADABLE
    assert result.message is not None
    assert "Bilddatei ist beschädigt" in result.message


def test_tiff_with_more_frames_than_max_pages(tmp_path: Path) -> None:
    frames = [Image.new("L", (100, 100), 255) for _ in range(LIMITS.max_pages + 2)]
    tiff = tmp_path / "many.tif"
    frames[0].save(tiff, save_all=True, append_images=frames[1:])

    result = _read(tiff, "image/tiff", tmp_path)

    assert result.status is ReadStatus.UNREADABLE
    assert result.message is not None
    assert f"{LIMITS.max_pages + 2} Seiten" in result.message


def test_iphone_photo_is_an_unsupported_type_not_a_mislabelled_file(tmp_path: Path) -> None:
    photo = tmp_path / "IMG_0001.HEIC"
    photo.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\0" * 64)

    result = _read(photo, "image/heic", tmp_path)

    assert result.status is ReadStatus.SKIPPED
    assert result.message is not None
    assert "(image/heic) werden nicht gelesen" in result.message


def test_unsupported_type_is_skipped(tmp_path: Path) -> None:
    archive = tmp_path / "daten.zip"
    archive.write_bytes(b"PK\x03\x04" + b"\0" * 100)

    result = _read(archive, "application/zip", tmp_path)

    assert result.status is ReadStatus.SKIPPED
    assert result.message == (
        "Dateien dieses Typs (application/zip) werden nicht gelesen; die Datei ist gespeichert."
    )


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (b"\x00\x01binary garbage" * 20, "application/pdf"),
        (b"MZ\x90\x00" + b"\0" * 64, "image/jpeg"),
        (b"text\x00with NUL", "text/plain"),
    ],
)
def test_mislabelled_content(tmp_path: Path, content: bytes, media_type: str) -> None:
    path = tmp_path / "datei"
    path.write_bytes(content)

    result = _read(path, media_type, tmp_path)

    assert result.status is ReadStatus.UNREADABLE
    assert result.message is not None
    assert "passt nicht zu ihrem angegebenen Typ" in result.message
    assert media_type in result.message


def test_pdf_labelled_as_image_is_read_as_pdf(digital: Path, tmp_path: Path) -> None:
    result = _read(digital, "image/png", tmp_path)

    assert result.status is ReadStatus.READ
    assert "Straßenlaterne" in result.text


def test_scan_without_ocr_engine_is_skipped_with_a_message(tmp_path: Path) -> None:
    page = scan_pages(LETTER, seed=3)[0]
    path = tmp_path / "scan.png"
    page.save(path, dpi=(200, 200))

    result = _read(path, "image/png", tmp_path)

    assert result.status is ReadStatus.SKIPPED
    assert result.message is not None
    assert "Keine Texterkennung" in result.message


def test_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "mail.txt"
    path.write_text("Sehr geehrte Damen und Herren,\nbitte um Rückruf.", encoding="utf-8")

    result = _read(path, "text/plain", tmp_path)

    assert result.status is ReadStatus.READ
    assert result.method == "text"
    assert result.text.endswith("bitte um Rückruf.")


class FailingOcr:
    """An OCR engine that refuses every file, as ocrmypdf does with a digitally signed PDF."""

    name = model_name = model_version = "failing"

    def ocr_pdf(self, pdf_path: Path, output_pdf: Path) -> OcrResult:
        raise BackendResponseError(f"OCR of {pdf_path.name} failed: DigitalSignatureError")

    def ocr_image(self, image_path: Path, output_pdf: Path) -> OcrResult:
        raise BackendResponseError(f"OCR of {image_path.name} failed")


def test_failed_ocr_keeps_the_text_layer_pages(digital: Path, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.pdf"
    with pikepdf.open(digital) as pdf:
        pdf.add_blank_page()
        pdf.save(mixed)

    result = read_document(
        path=mixed, media_type="application/pdf", limits=LIMITS, ocr=FailingOcr(), work_dir=tmp_path
    )

    assert result.status is ReadStatus.READ
    assert [page.number for page in result.pages] == [1, 2]
    assert "Weinberg" in result.pages[0].text
    assert result.message is not None
    assert "Texterkennung" in result.message
    assert "fehlgeschlagen" in result.message


def test_failed_ocr_of_a_scan_is_unreadable(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(render_scan(LETTER, seed=9))

    result = read_document(
        path=scan, media_type="application/pdf", limits=LIMITS, ocr=FailingOcr(), work_dir=tmp_path
    )

    assert result.status is ReadStatus.UNREADABLE
    assert result.message is not None
    assert "fehlgeschlagen" in result.message


def test_text_files_are_decoded_never_garbled(tmp_path: Path) -> None:
    windows = tmp_path / "notiz.txt"
    windows.write_bytes("Antrag von Florian Bühnemann, Gebühr 20 €".encode("cp1252"))
    garbled = tmp_path / "kaputt.txt"
    garbled.write_bytes("Florian B\ufffdhnemann".encode())

    read = _read(windows, "text/plain", tmp_path)
    refused = _read(garbled, "text/plain", tmp_path)

    assert read.status is ReadStatus.READ
    assert read.text == "Antrag von Florian Bühnemann, Gebühr 20 €"
    assert refused.status is ReadStatus.UNREADABLE
    assert "bereits unlesbare Zeichen" in (refused.message or "")
