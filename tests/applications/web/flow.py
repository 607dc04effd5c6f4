"""Helpers of the citizen form tests: walking the form like a browser, sample values, tiny real files."""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

BASE = "/buerger/stadt-a/antraege"

HUNDESTEUER: dict[str, dict[str, Any]] = {
    "person": {
        "vorname": "Erika",
        "nachname": "Mustermann",
        "geburtsdatum": "12.08.1975",
        "strasse": "Marktstätte",
        "hausnummer": "5",
        "plz": "78462",
        "ort": "Konstanz",
        "email": "erika@example.org",
        "telefon": "",
    },
    "hund": {
        "hund_name": "Bello",
        "rasse": "Labrador-Mischling",
        "hund_geburtsdatum": "2024-03-01",
        "haltung_beginn": "2024-06-01",
        "weitere_hunde": "0",
    },
    "verguenstigung": {"verguenstigung": "befreiung_rettungshund", "pruefung_datum": "2025-05-10"},
    "abschluss": {"richtigkeit": "ja"},
}
SONDERNUTZUNG: dict[str, dict[str, Any]] = {
    "person": {
        "vorname": "Max",
        "nachname": "Bauer",
        "geburtsdatum": "01.01.1970",
        "strasse": "Hussenstraße",
        "hausnummer": "12",
        "plz": "78462",
        "ort": "Konstanz",
        "firma": "Bauer Bau GmbH",
    },
    "nutzung": {
        "art": "baustelle",
        "beschreibung": "Container für Bauschutt vor dem Haus",
        "nutzung_strasse": "Hussenstraße",
        "nutzung_hausnummer": "12",
        "flaeche_qm": "12,5",
        "beginn": "2026-09-01",
        "ende": "2026-09-14",
    },
    "abschluss": {"richtigkeit": "ja"},
}
KITA: dict[str, dict[str, Any]] = {
    "person": {
        "vorname": "Anna",
        "nachname": "Schmidt",
        "geburtsdatum": "03.04.1988",
        "strasse": "Seestraße",
        "hausnummer": "3a",
        "plz": "78464",
        "ort": "Konstanz",
    },
    "kind": {
        "kind_vorname": "Lena",
        "kind_nachname": "Schmidt",
        "kind_geburtsdatum": "2022-02-02",
        "aufnahmedatum": "2025-09-01",
        "betreuungsform": "ganztags",
        "kinder_unter_18": "1",
        "kinder_in_betreuung": "1",
    },
    "einkommen": {"sozialpass": "ja"},
    "abschluss": {"richtigkeit": "ja"},
}
SAMPLES = {"hundesteuer": HUNDESTEUER, "sondernutzung": SONDERNUTZUNG, "kita-ermaessigung": KITA}
UPLOADS = {
    "hundesteuer": "rettungshundepruefung",
    "sondernutzung": "lageplan",
    "kita-ermaessigung": "sozialpass",
}


def csrf(page: Response) -> str:
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def begin(client: TestClient, key: str) -> Response:
    """Open the start page and start a draft; returns the first step."""
    start = client.get(f"{BASE}/{key}")
    assert start.status_code == 200, start.text
    first = client.post(f"{BASE}/{key}/beginnen", data={"csrf_token": csrf(start)})
    assert first.status_code == 200, first.text
    return first


def step(
    client: TestClient,
    key: str,
    name: str,
    values: dict[str, Any],
    action: str = "weiter",
    *,
    script: bool = True,
) -> Response:
    """Post one step; ``script``: as the page's script does, naming the fields the citizen saw."""
    page = client.get(f"{BASE}/{key}/schritt/{name}")
    data: dict[str, Any] = {"csrf_token": csrf(page), "aktion": action, **values}
    if script:
        shown = re.findall(r'data-feld="([a-z0-9_]+)" id="feld-[a-z0-9_]+-block">', page.text)
        data["gesehen"] = sorted({*shown, *values})
    return client.post(f"{BASE}/{key}/schritt/{name}", data=data, follow_redirects=False)


def fill(client: TestClient, key: str, sample: dict[str, dict[str, Any]]) -> None:
    for name, values in sample.items():
        answer = step(client, key, name, values)
        assert answer.status_code == 303, answer.text


def upload(client: TestClient, key: str, requirement: str, name: str, data: bytes, kind: str) -> Response:
    page = client.get(f"{BASE}/{key}/anlagen")
    return client.post(
        f"{BASE}/{key}/anlagen",
        data={"csrf_token": csrf(page), "anlage": requirement},
        files={"datei": (name, data, kind)},
    )


def submit(client: TestClient, key: str, submission_key: str | None = None) -> Response:
    page = client.get(f"{BASE}/{key}/zusammenfassung")
    hidden = re.search(r'name="submission_key" value="([0-9a-f]+)"', page.text)
    assert hidden is not None, page.text
    data = {"csrf_token": csrf(page), "submission_key": submission_key or hidden.group(1)}
    return client.post(f"{BASE}/{key}/absenden", data=data, follow_redirects=False)


def tiny_png() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def tiny_pdf(text: str = "Nachweis") -> bytes:
    """A small valid one-page PDF with ``text``."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
