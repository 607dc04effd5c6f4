"""Dangerous attachments by name and by content; harmless ones pass. Nothing is opened or unpacked."""

from __future__ import annotations

import io
import zipfile

import pytest

from rathaus.inbox.intake.safety import danger_of
from tests.inbox.intake.conftest import EXE_BYTES


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, b"x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("setup.EXE", b"harmlos", "Programm- oder Skriptdatei (.exe)"),
        ("start.bat", b"echo", "Programm- oder Skriptdatei (.bat)"),
        ("verknuepfung.lnk", b"", "Programm- oder Skriptdatei (.lnk)"),
        ("skript.ps1", b"", "Programm- oder Skriptdatei (.ps1)"),
        ("seite.hta", b"", "Programm- oder Skriptdatei (.hta)"),
        ("tabelle.xlsm", b"", "Office-Dokument mit Makros (.xlsm)"),
        ("bild.jpg", EXE_BYTES, "Windows-Programm"),
        ("daten.bin.txt", b"\x7fELF\x02\x01\x01", "Linux-Programm"),
        ("notiz.txt", b"#!/bin/sh\nrm -rf /", "Skript"),
        ("text.txt", b'Set x = CreateObject("WScript.Shell")', "Windows-Skript"),
        ("alt.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Macros".encode("utf-16-le"), "Makros"),
        ("neu.docx", _zip("[Content_Types].xml", "word/vbaProject.bin"), "Makros"),
        ("paket.zip", _zip("liesmich.txt", "tools/start.exe"), "„tools/start.exe“"),
        ("app.zip", _zip("META-INF/MANIFEST.MF", "de/Main.class"), "Java-Programm"),
    ],
)
def test_dangerous_files_are_named_with_the_reason(filename: str, data: bytes, reason: str) -> None:
    message = danger_of(filename, data)
    assert message is not None
    assert reason in message
    assert message.endswith("Nicht geöffnet, in Quarantäne.")


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("antrag.pdf", b"%PDF-1.4\n"),
        ("foto.jpg", b"\xff\xd8\xff\xe0"),
        ("brief.docx", _zip("[Content_Types].xml", "word/document.xml")),
        ("kaputt.zip", b"PK\x03\x04 nicht wirklich"),
        ("alt.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
        ("ohne-endung", b"Hallo"),
    ],
)
def test_harmless_files_pass(filename: str, data: bytes) -> None:
    assert danger_of(filename, data) is None
