"""The kinds of document an application type can ask for as an attachment, with their German labels."""

from __future__ import annotations

import enum


class DocumentKind(enum.StrEnum):
    """What an attachment is expected to be (``AttachmentDef.kind``) or was recognised as."""

    PERSONALAUSWEIS = "personalausweis"
    EINKOMMENSNACHWEIS = "einkommensnachweis"
    LAGEPLAN = "lageplan"
    SCHWERBEHINDERTENAUSWEIS = "schwerbehindertenausweis"
    RETTUNGSHUNDEPRUEFUNG = "rettungshundepruefung"
    SOZIALPASS = "sozialpass"
    ZUCHTBUCH = "zuchtbuch"
    SONSTIGES = "sonstiges"


KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.PERSONALAUSWEIS: "Personalausweis",
    DocumentKind.EINKOMMENSNACHWEIS: "Einkommensnachweis",
    DocumentKind.LAGEPLAN: "Lageplan",
    DocumentKind.SCHWERBEHINDERTENAUSWEIS: "Schwerbehindertenausweis",
    DocumentKind.RETTUNGSHUNDEPRUEFUNG: "Nachweis der Rettungshundeprüfung",
    DocumentKind.SOZIALPASS: "Sozialpass",
    DocumentKind.ZUCHTBUCH: "Zuchtbuchnachweis",
    DocumentKind.SONSTIGES: "Sonstiges Dokument",
}
