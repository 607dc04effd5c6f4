"""What each kind of document says about itself: weighted phrases, the basis of ``reading.classify``.

A title that only this kind of document carries ("Lohnsteuerbescheinigung") weighs 3 and decides alone;
a phrase that is typical but not unique ("Merkzeichen", "Maßstab") weighs 1–2 and decides together
with another. Phrases are written as printed; matching folds case, umlauts and ß and forgives OCR errors.
"""

from __future__ import annotations

from rathaus.applications.kinds import DocumentKind

#: a kind is recognised from this sum of weights on (a title read with one wrong letter: 3 × 0.9)
ENOUGH = 2.5
#: a sum this high counts as certain (score 1.0)
CERTAIN = 6.0

PROFILES: dict[DocumentKind, tuple[tuple[str, float], ...]] = {
    DocumentKind.PERSONALAUSWEIS: (
        ("Personalausweis", 3.0),
        ("Identity card", 2.0),
        ("Carte d'identité", 2.0),
        ("Bundesrepublik Deutschland", 1.0),
        ("Federal Republic of Germany", 1.0),
        ("Staatsangehörigkeit", 1.0),
        ("Nationality", 0.5),
        ("Date of birth", 0.5),
        ("Given names", 0.5),
        ("Place of birth", 0.5),
        ("Ausweisnummer", 1.0),
    ),
    DocumentKind.EINKOMMENSNACHWEIS: (
        ("Lohnsteuerbescheinigung", 3.0),
        ("Einkommensteuerbescheid", 3.0),
        ("Bescheid über Einkommensteuer", 3.0),
        ("Gehaltsabrechnung", 3.0),
        ("Verdienstbescheinigung", 3.0),
        ("Entgeltabrechnung", 3.0),
        ("Bruttoarbeitslohn", 2.0),
        ("Summe der Einkünfte", 2.0),
        ("Gesamtbetrag der Einkünfte", 2.0),
        ("zu versteuerndes Einkommen", 2.0),
        ("Jahresbrutto", 2.0),
        ("Einbehaltene Lohnsteuer", 1.5),
        ("Finanzamt", 1.0),
        ("Identifikationsnummer", 0.5),
        ("Solidaritätszuschlag", 1.0),
    ),
    DocumentKind.LAGEPLAN: (
        ("Lageplan", 3.0),
        ("Maßstab", 2.0),
        ("Flurstück", 2.0),
        ("Gemarkung", 1.5),
        ("Nordpfeil", 1.0),
        ("Grundstücksgrenze", 1.0),
        ("Sondernutzungsfläche", 1.0),
    ),
    DocumentKind.SCHWERBEHINDERTENAUSWEIS: (
        ("Schwerbehindertenausweis", 3.0),
        ("Schwerbehinderung", 2.0),
        ("Merkzeichen", 2.0),
        ("Grad der Behinderung", 2.0),
        ("GdB", 1.0),
        ("Versorgungsamt", 1.0),
        ("Freifahrt", 0.5),
    ),
    DocumentKind.RETTUNGSHUNDEPRUEFUNG: (
        ("Rettungshundeprüfung", 3.0),
        ("Rettungshund", 2.0),
        ("Rettungshundestaffel", 2.0),
        ("Flächensuche", 1.5),
        ("Trümmersuche", 1.5),
        ("Mantrailing", 1.0),
        ("Hundeführer", 1.0),
        ("Prüfungsbescheinigung", 1.0),
        ("bestanden", 0.5),
    ),
    DocumentKind.SOZIALPASS: (
        ("Sozialpass", 3.0),
        ("Stadtpass", 2.0),
        ("Familienpass", 1.5),
        ("Bürgergeld", 1.0),
        ("Grundsicherung", 1.0),
        ("Wohngeld", 1.0),
        ("Ermäßigungsberechtigt", 1.0),
    ),
    DocumentKind.ZUCHTBUCH: (
        ("Zuchtbuch", 3.0),
        ("Ahnentafel", 3.0),
        ("Zuchtbuchnummer", 1.0),
        ("Zwinger", 1.5),
        ("Wurfdatum", 1.5),
        ("Züchter", 1.5),
        ("Zuchtverband", 1.5),
        ("VDH", 1.0),
    ),
}
