"""What a file is by its first bytes (never by its name), and the size of an image from its header.

Only the types the Posteingang takes in are recognised here: PDF, PNG, JPEG, TIFF, an Outlook .msg
(an OLE compound file) and an RFC 822 e-mail (a text that starts with mail headers).
"""

from __future__ import annotations

import re
import struct

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
EML = "message/rfc822"
MSG = "application/vnd.ms-outlook"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_TYPES = frozenset({PNG, JPEG, TIFF})

# Headers that only a mail has; one of them must appear among the first headers of an .eml file.
MAIL_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "subject",
        "date",
        "message-id",
        "received",
        "return-path",
        "mime-version",
        "delivered-to",
        "reply-to",
        "x-mailer",
        "sender",
        "in-reply-to",
        "references",
    }
)
HEADER_LINE = re.compile(rb"^([A-Za-z0-9][A-Za-z0-9_-]{0,75}):[ \t]?")
PDF_SEARCH_BYTES = 1024  # the PDF header may follow a little junk


SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)


def media_type_of(data: bytes) -> str | None:
    """The media type of ``data`` among PDF, PNG, JPEG, TIFF, .msg and .eml, or None."""
    found = next((media_type for magic, media_type in SIGNATURES if data.startswith(magic)), None)
    if found is None and b"%PDF-" in data[:PDF_SEARCH_BYTES]:
        found = PDF
    if found is None and data.startswith(OLE_MAGIC):
        return MSG if _looks_like_msg(data) else None
    if found is None and looks_like_mail(data):
        found = EML
    return found


def _looks_like_msg(data: bytes) -> bool:
    # Every Outlook item stores its properties in the stream "__properties_version1.0".
    return "__properties_version1.0".encode("utf-16-le") in data


def looks_like_mail(data: bytes) -> bool:
    """True when the text starts with mail headers ("From:", "Subject:" …) and one is a mail header."""
    head = data[:16384].lstrip(b"\r\n")
    if head.startswith(b"From "):  # an mbox separator line before the headers
        head = head.split(b"\n", 1)[-1]
    names: list[str] = []
    for line in head.splitlines():
        if not line.strip():
            break  # end of the header block
        if line[:1] in {b" ", b"\t"} and names:
            continue  # a folded header continues
        match = HEADER_LINE.match(line)
        if match is None:
            return False
        names.append(match.group(1).decode("ascii").lower())
    return len(names) >= 2 and any(name in MAIL_HEADERS for name in names)


def image_pixels(data: bytes, media_type: str) -> int | None:
    """Width × height from the image header (PNG, JPEG, first TIFF page); None when not found."""
    try:
        if media_type == PNG:
            width, height = struct.unpack(">II", data[16:24])
            return int(width) * int(height)
        if media_type == JPEG:
            return _jpeg_pixels(data)
        if media_type == TIFF:
            return _tiff_pixels(data)
    except struct.error:
        return None
    return None


SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def _jpeg_pixels(data: bytes) -> int | None:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in SOF_MARKERS:
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return int(width) * int(height)
        position += 2 + length
    return None


def _tiff_pixels(data: bytes) -> int | None:
    order = "<" if data[:2] == b"II" else ">"
    (offset,) = struct.unpack(order + "I", data[4:8])
    (count,) = struct.unpack(order + "H", data[offset : offset + 2])
    size: dict[int, int] = {}
    for index in range(count):
        entry = data[offset + 2 + 12 * index : offset + 14 + 12 * index]
        tag, kind = struct.unpack(order + "HH", entry[:4])
        if tag in {256, 257}:  # ImageWidth, ImageLength
            fmt = "H" if kind == 3 else "I"
            (size[tag],) = struct.unpack(order + fmt, entry[8 : 10 if fmt == "H" else 12])
    if 256 in size and 257 in size:
        return size[256] * size[257]
    return None
