"""Upload checks: safe file names, content sniffing, the request-size guard."""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from rathaus.core.security.uploads import (
    IMAGE_TYPES,
    RequestSizeLimitMiddleware,
    TextCheck,
    UploadRejectedError,
    check_type,
    format_size,
    name_with_extension,
    sanitize_filename,
    sniff,
)

# An 8×8 JPEG written by ffmpeg (`-f lavfi -i color=c=0x0b4f8a:s=8x8 -frames:v 1`).
JPEG_BYTES = base64.b64decode(
    "/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgUFBcUFxsbGxsbGyAeICEhISAgICAhISEkJCQqKiokJCQh"
    "ISQkKCgqKi4vLisrKisvLzIyMjw8OTlGRkhWVmf/xABLAAEBAAAAAAAAAAAAAAAAAAAABgEBAAAAAAAAAAAAAAAAAAAABhABAAAAAAAA"
    "AAAAAAAAAAAAABEBAAAAAAAAAAAAAAAAAAAAAP/AABEIAAgACAMBIgACEQADEQD/2gAMAwEAAhEDEQA/AIAApGH/2Q=="
)
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def png_bytes(width: int = 4, height: int = 2, *, padding: int = 0) -> bytes:
    """A valid RGB PNG; ``padding`` adds a private ancillary chunk to make the file larger."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([11, 79, 138]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    extra = chunk(b"raTh", b"\x00" * padding) if padding else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + extra
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\System32\\cmd.exe", "cmd.exe"),
        ("/var/lib/rathaus/files/../x.pdf", "x.pdf"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("LPT1.png", "_LPT1.png"),
        ("nul.tar.gz", "_nul.tar.gz"),
        ("Brief\x00.png", "Brief.png"),
        ("Bericht\r\nX-Header: 1.pdf", "BerichtX-Header_ 1.pdf"),
        ("Übersicht Straßenbau – März.pdf", "Übersicht Straßenbau – März.pdf"),
        ("U\u0308bersicht.pdf", "Übersicht.pdf"),  # decomposed umlaut (macOS) becomes one character
        ("rechnung\u202egnp.exe", "rechnunggnp.exe"),  # a bidi override cannot disguise the extension
        ('a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"),
        ("  .versteckt. ", "versteckt"),
        ("", "datei"),
        ("../..", "datei"),
        (None, "datei"),
    ],
)
def test_sanitize_filename(raw: str | None, expected: str) -> None:
    assert sanitize_filename(raw) == expected


def test_sanitize_filename_limits_length_and_keeps_the_extension() -> None:
    name = sanitize_filename("ä" * 500 + ".png")
    assert len(name) == 180
    assert name.endswith("ä.png")
    assert name.startswith("äää")


@pytest.mark.parametrize(
    ("size", "text"),
    [(10, "10 Bytes"), (2048, "2 KB"), (2 * 1024**2, "2 MB"), (1536 * 1024, "1,5 MB"), (3 * 1024**3, "3 GB")],
)
def test_format_size_is_german(size: int, text: str) -> None:
    assert format_size(size) == text


def test_sniff_recognises_real_content() -> None:
    assert sniff(png_bytes()) == "image/png"
    assert sniff(JPEG_BYTES) == "image/jpeg"
    assert sniff(PDF_BYTES) == "application/pdf"
    assert sniff(b"Sehr geehrte Damen und Herren,\n") is None


def test_a_pdf_named_png_is_refused_naming_what_was_expected() -> None:
    with pytest.raises(UploadRejectedError) as caught:
        check_type(filename="briefkopf.png", detected=sniff(PDF_BYTES), allowed=set(IMAGE_TYPES))
    assert caught.value.status_code == 415
    assert caught.value.message == "„briefkopf.png“ ist ein PDF-Dokument. Erlaubt sind: JPEG-Bild, PNG-Bild."


def test_an_allowed_type_under_the_wrong_extension_is_refused() -> None:
    with pytest.raises(UploadRejectedError) as caught:
        check_type(filename="logo.jpg", detected="image/png", allowed=set(IMAGE_TYPES))
    assert caught.value.status_code == 415
    assert "„logo.jpg“ ist ein PNG-Bild, trägt aber die Endung .jpg." in caught.value.message


def test_matching_or_meaningless_extensions_pass() -> None:
    assert check_type(filename="logo.JPEG", detected="image/jpeg", allowed=set(IMAGE_TYPES)) == "image/jpeg"
    assert check_type(filename="logo", detected="image/png", allowed=set(IMAGE_TYPES)) == "image/png"
    assert check_type(filename="logo.2024", detected="image/png", allowed=set(IMAGE_TYPES)) == "image/png"
    assert name_with_extension("logo.2024", "image/png") == "logo.2024.png"
    assert name_with_extension("logo.png", "image/png") == "logo.png"


def test_unknown_content_is_refused() -> None:
    with pytest.raises(UploadRejectedError) as caught:
        check_type(filename="daten.bin", detected=None, allowed={"application/pdf"})
    assert caught.value.status_code == 415
    assert "unbekanntes Format" in caught.value.message
    assert "PDF-Dokument" in caught.value.message


def test_text_check_accepts_utf8_and_windows_1252_but_not_binary() -> None:
    utf8 = TextCheck()
    encoded = "Grüße aus Celle\n".encode()
    utf8.feed(encoded[:3])  # a chunk boundary inside "ü" is fine
    utf8.feed(encoded[3:], final=True)
    assert utf8.is_text
    assert utf8.is_utf8

    legacy = TextCheck()
    legacy.feed("Grüße aus Celle\r\n".encode("cp1252"), final=True)
    assert legacy.is_text
    assert not legacy.is_utf8

    binary = TextCheck()
    binary.feed(b"abc\x00def", final=True)
    assert not binary.is_text


@pytest.fixture
def guarded() -> Iterator[tuple[TestClient, list[int]]]:
    """A tiny app behind the size guard (limit 1000 bytes) that records how much body it read."""
    seen: list[int] = []

    async def echo(request: Request) -> PlainTextResponse:
        body = await request.body()
        seen.append(len(body))
        return PlainTextResponse(f"{len(body)} Bytes gelesen")

    routes = [
        Route("/hochladen", echo, methods=["POST"]),
        Route("/api/x", echo, methods=["POST"]),
        Route("/buerger/{tenant}/antraege/x", echo, methods=["POST"]),
        Route("/buerger/{tenant}/termine", echo, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    limits = {"/api/": 5000, "/buerger/*/antraege/": 3000}
    guarded_app = RequestSizeLimitMiddleware(app, max_body_bytes=1000, path_limits=limits)
    with TestClient(guarded_app) as client:
        yield client, seen


def test_size_guard_refuses_a_declared_large_body_before_the_app_reads_it(
    guarded: tuple[TestClient, list[int]],
) -> None:
    client, seen = guarded
    response = client.post("/hochladen", content=b"x" * 1001)
    assert response.status_code == 413
    assert "Die Anfrage ist zu groß. Erlaubt sind höchstens 1000 Bytes." in response.text
    assert '<html lang="de">' in response.text
    assert seen == []


def test_size_guard_counts_chunked_bodies(guarded: tuple[TestClient, list[int]]) -> None:
    client, seen = guarded

    def chunks() -> Iterator[bytes]:
        for _ in range(5):
            yield b"y" * 300

    response = client.post("/hochladen", content=chunks())
    assert response.status_code == 413
    assert seen == []


def test_size_guard_lets_small_bodies_and_larger_path_limits_through(
    guarded: tuple[TestClient, list[int]],
) -> None:
    client, seen = guarded
    assert client.post("/hochladen", content=b"x" * 1000).text == "1000 Bytes gelesen"
    assert client.post("/api/x", content=b"x" * 4000).text == "4000 Bytes gelesen"
    refused = client.post("/api/x", content=b"x" * 5001, headers={"accept": "application/json"})
    assert refused.status_code == 413
    assert refused.json() == {"detail": "Die Anfrage ist zu groß. Erlaubt sind höchstens 4,9 KB."}
    assert seen == [1000, 4000]


def test_a_star_in_a_path_limit_stands_for_one_segment(guarded: tuple[TestClient, list[int]]) -> None:
    client, seen = guarded
    assert client.post("/buerger/celle/antraege/x", content=b"x" * 2500).text == "2500 Bytes gelesen"
    assert client.post("/buerger/celle/termine", content=b"x" * 2500).status_code == 413
    assert client.post("/buerger/a/b/antraege/x", content=b"x" * 2500).status_code == 413
    assert seen == [2500]
