"""Which attachments are dangerous: programs and scripts (by name and by content) and Office macros.

Nothing here runs or unpacks a file: the checks read magic bytes, the names in a ZIP directory and the
directory names of an OLE compound file. A dangerous file is stored as evidence and never opened.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

EXECUTABLE_EXTENSIONS = frozenset(
    {
        # Windows programs, libraries, installers, shortcuts
        "exe",
        "dll",
        "com",
        "scr",
        "pif",
        "cpl",
        "sys",
        "drv",
        "ocx",
        "msi",
        "msp",
        "mst",
        "msc",
        "lnk",
        "scf",
        "url",
        "application",
        "appx",
        "appxbundle",
        "msix",
        "gadget",
        "reg",
        "inf",
        "chm",
        "hlp",
        "iso",
        "img",
        "vhd",
        "vhdx",
        # scripts
        "bat",
        "cmd",
        "js",
        "jse",
        "vbs",
        "vbe",
        "wsf",
        "wsh",
        "wsc",
        "sct",
        "hta",
        "ps1",
        "psm1",
        "psd1",
        "sh",
        "bash",
        "csh",
        "ksh",
        "zsh",
        "py",
        "pyw",
        "pl",
        "rb",
        "php",
        # Java and other platforms' programs and packages
        "jar",
        "jnlp",
        "class",
        "apk",
        "dmg",
        "pkg",
        "deb",
        "rpm",
        "run",
        "elf",
        "bin",
        "app",
    }
)
MACRO_EXTENSIONS = frozenset(
    {"docm", "dotm", "xlsm", "xltm", "xlam", "xlsb", "pptm", "potm", "ppsm", "ppam", "sldm"}
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Word stores macros under Macros/VBA/_VBA_PROJECT, Excel under _VBA_PROJECT_CUR/VBA/_VBA_PROJECT;
# OLE directory entries are UTF-16LE names, so the name is searched in that encoding.
OLE_VBA_NAMES = ("_VBA_PROJECT".encode("utf-16-le"), "Macros".encode("utf-16-le"))
PROGRAM_SIGNATURES = (
    (b"MZ", "Windows-Programm"),
    (b"\x7fELF", "Linux-Programm"),
    (b"\xca\xfe\xba\xbe", "Java- oder macOS-Programm"),
    (b"\xfe\xed\xfa\xce", "macOS-Programm"),
    (b"\xfe\xed\xfa\xcf", "macOS-Programm"),
    (b"\xcf\xfa\xed\xfe", "macOS-Programm"),
    (b"\xce\xfa\xed\xfe", "macOS-Programm"),
    (b"L\x00\x00\x00\x01\x14\x02\x00", "Windows-Verknüpfung"),
    (b"#!", "Skript"),
)
SCRIPT_MARKERS = (b"<hta:application", b"<job", b"<package", b"wscript.", b"createobject(")
MAX_ZIP_ENTRIES = 10_000


def extension(filename: str) -> str:
    """The lower-case extension without the dot ("" when there is none)."""
    return PurePosixPath(filename.replace("\\", "/")).suffix.lower().lstrip(".")


def danger_of(filename: str, data: bytes) -> str | None:
    """Why the file must not be opened (German, for the item page), or None when it looks harmless."""
    shown = filename or "ohne Namen"
    reason = _by_name(shown, extension(filename)) or _by_content(shown, data)
    if reason is None and data.startswith(ZIP_MAGIC):
        reason = _zip_danger(shown, data)
    return None if reason is None else f"{reason} Nicht geöffnet, in Quarantäne."


def _by_name(shown: str, ext: str) -> str | None:
    if ext in EXECUTABLE_EXTENSIONS:
        return f"„{shown}“ ist eine Programm- oder Skriptdatei (.{ext})."
    if ext in MACRO_EXTENSIONS:
        return f"„{shown}“ ist ein Office-Dokument mit Makros (.{ext})."
    return None


def _by_content(shown: str, data: bytes) -> str | None:
    kind = next((kind for signature, kind in PROGRAM_SIGNATURES if data.startswith(signature)), None)
    if kind is not None:
        return f"„{shown}“ ist dem Inhalt nach ein {kind}."
    head = data[:4096].lower()
    if any(marker in head for marker in SCRIPT_MARKERS):
        return f"„{shown}“ enthält ein Windows-Skript."
    if data.startswith(OLE_MAGIC) and any(name in data for name in OLE_VBA_NAMES):
        return f"„{shown}“ ist ein Office-Dokument mit Makros."
    return None


def _zip_danger(shown: str, data: bytes) -> str | None:
    """Macros in an OOXML file, programs in a ZIP archive, or a Java archive (only names are read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [info.filename for info in archive.infolist()[:MAX_ZIP_ENTRIES]]
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a readable archive: the reading job reports it as unreadable
    lowered = [name.lower() for name in names]
    if any(name.endswith("vbaproject.bin") for name in lowered):
        return f"„{shown}“ ist ein Office-Dokument mit Makros."
    if "meta-inf/manifest.mf" in lowered and any(name.endswith(".class") for name in lowered):
        return f"„{shown}“ ist dem Inhalt nach ein Java-Programm."
    inner = next(
        (
            name
            for name in names
            if extension(name) in EXECUTABLE_EXTENSIONS or extension(name) in MACRO_EXTENSIONS
        ),
        None,
    )
    if inner is not None:
        return (
            f"Das Archiv „{shown}“ enthält die Programm- oder Makrodatei „{inner}“. Es wurde nicht geöffnet."
        )
    return None
