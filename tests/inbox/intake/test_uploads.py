"""One uploaded file: judged by its bytes (not its name), turned into ``Incoming`` or refused in German."""

from __future__ import annotations

import re
import struct
import zlib

import pytest

from rathaus.inbox.intake.sniff import image_pixels, looks_like_mail, media_type_of
from rathaus.inbox.intake.uploads import IntakeError, incoming_from_upload
from rathaus.inbox.models import DocumentRole, DocumentStatus, ItemSource
from tests.inbox.intake.conftest import EXE_BYTES, mail

LIMIT = 10_000_000


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def tiff(width: int, height: int) -> bytes:
    entries = [(256, 3, 1, width), (257, 4, 1, height)]
    body = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        body += struct.pack("<HHI", tag, kind, count) + (
            struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        )
    return b"II*\x00" + struct.pack("<I", 8) + body + b"\x00\x00\x00\x00"


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
        (png(10, 10), "image/png"),
        (jpeg(10, 10), "image/jpeg"),
        (tiff(10, 10), "image/tiff"),
    ],
)
def test_scans_become_one_pending_original_whatever_their_name(data: bytes, media_type: str) -> None:
    incoming = incoming_from_upload(filename="scan.txt", data=data, max_image_pixels=LIMIT)
    [original] = incoming.files
    assert (original.role, original.status, original.media_type, original.filename) == (
        DocumentRole.ORIGINAL,
        DocumentStatus.PENDING,
        media_type,
        "scan.txt",
    )
    assert incoming.source is ItemSource.UPLOAD
    assert (
        incoming_from_upload(filename="x", data=data, source=ItemSource.FOLDER, max_image_pixels=LIMIT).source
        is ItemSource.FOLDER
    )


def test_image_sizes_come_from_their_headers() -> None:
    assert image_pixels(png(300, 200), "image/png") == 60_000
    assert image_pixels(jpeg(300, 200), "image/jpeg") == 60_000
    assert image_pixels(tiff(300, 200), "image/tiff") == 60_000


def test_a_decompression_bomb_is_refused() -> None:
    with pytest.raises(IntakeError, match="zu groß"):
        incoming_from_upload(filename="riesig.png", data=png(20_000, 20_000), max_image_pixels=LIMIT)


def test_an_eml_is_parsed_as_mail_whatever_its_name() -> None:
    incoming = incoming_from_upload(filename="brief.pdf", data=mail(), max_image_pixels=LIMIT)
    assert incoming.source is ItemSource.EMAIL_UPLOAD
    assert incoming.subject == "Antrag auf Sondernutzung"
    assert [f.role for f in incoming.files] == [DocumentRole.ORIGINAL, DocumentRole.BODY]
    folder = incoming_from_upload(
        filename="brief.eml", data=mail(), source=ItemSource.FOLDER, max_image_pixels=LIMIT
    )
    assert folder.source is ItemSource.FOLDER


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "ist leer"),
        (EXE_BYTES, "Angenommen werden: PDF, PNG, JPEG, TIFF oder eine E-Mail (.eml oder Outlook .msg)."),
        (b"Liebe Frau Meier,\nanbei der Text.", "keinen Dateityp"),
        (b"PK\x03\x04 docx", "keinen Dateityp"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "keinen Dateityp"),  # a .doc, not a .msg
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "__properties_version1.0".encode("utf-16-le"),
            "Outlook-Datei",
        ),
        (b"\xff\xd8\xff\xe0 truncated", "kein lesbares Bild"),
    ],
)
def test_other_files_are_refused_in_german(data: bytes, message: str) -> None:
    with pytest.raises(IntakeError, match=re.escape(message)) as raised:
        incoming_from_upload(filename="datei.pdf", data=data, max_image_pixels=LIMIT)
    assert str(raised.value).startswith("„datei.pdf“")


def test_mail_detection_needs_mail_headers() -> None:
    assert looks_like_mail(b"From: a@b.de\r\nSubject: x\r\n\r\nText")
    assert looks_like_mail(b"From MAILER-DAEMON Mon Jun  2 10:00:00 2025\nFrom: a@b.de\nTo: c@d.de\n\nText")
    assert not looks_like_mail(b"Title: x\nAuthor: y\n\nText")  # headers, but none a mail has
    assert not looks_like_mail(b"Subject: x\nnur ein Satz")
    assert media_type_of(b"   %PDF-1.4") == "application/pdf"
