"""The kinds of documents citizens attach to applications (Personalausweis, Einkommensnachweis, …)."""

from __future__ import annotations

import enum


class DocumentKind(enum.StrEnum):
    """What an attachment is expected to be."""

    PERSONALAUSWEIS = "personalausweis"
    EINKOMMENSNACHWEIS = "einkommensnachweis"
    LAGEPLAN = "lageplan"
    SCHWERBEHINDERTENAUSWEIS = "schwerbehindertenausweis"
    RETTUNGSHUNDEPRUEFUNG = "rettungshundepruefung"
    SOZIALPASS = "sozialpass"
    ZUCHTBUCH = "zuchtbuch"
    SONSTIGES = "sonstiges"


KIND_LABELS = {
    DocumentKind.PERSONALAUSWEIS: "Personalausweis",
    DocumentKind.EINKOMMENSNACHWEIS: "Einkommensnachweis",
    DocumentKind.LAGEPLAN: "Lageplan",
    DocumentKind.SCHWERBEHINDERTENAUSWEIS: "Schwerbehindertenausweis",
    DocumentKind.RETTUNGSHUNDEPRUEFUNG: "Nachweis der Rettungshundeprüfung",
    DocumentKind.SOZIALPASS: "Sozialpass",
    DocumentKind.ZUCHTBUCH: "Auszug aus dem Zuchtbuch",
    DocumentKind.SONSTIGES: "sonstiges Dokument",
}
