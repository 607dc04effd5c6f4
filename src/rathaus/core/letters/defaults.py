"""The default letter templates every tenant starts with, and the placeholders they use.

Written in plain administrative German after DIN 5008: the salutation is its own paragraph, the body
starts in lower case after it, a decision (Bescheid) names its reasons and ends with the
Rechtsbehelfsbelehrung. Tenants edit them on /admin/vorlagen; each edit is a new version that an
administrator approves before it is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from rathaus.core.letters.models import LetterKind

PLACEHOLDERS: dict[str, str] = {
    "anrede": "Anrede, z. B. „Sehr geehrte Frau Müller,“ (sonst „Sehr geehrte Damen und Herren,“)",
    "name": "Name der Antragstellerin oder des Antragstellers",
    "antragsart": "Art des Antrags, z. B. „Anmeldung zur Hundesteuer“",
    "aktenzeichen": "Aktenzeichen des Vorgangs, z. B. „HST-2026-00017“",
    "eingangsdatum": "Datum des Eingangs (TT.MM.JJJJ)",
    "datum": "Datum des Schreibens (TT.MM.JJJJ)",
    "frist": "Frist für die Antwort oder die Unterlagen (TT.MM.JJJJ)",
    "fehlende_unterlagen": "fehlende Unterlagen, je Zeile eine (wird zur Aufzählung)",
    "entscheidung": "Tenor der Entscheidung, z. B. „Die Steuerermäßigung wird gewährt.“",
    "begruendung": "Begründung der Entscheidung mit den maßgeblichen Vorschriften",
    "stelle": "Behörde oder Stelle, bei der Widerspruch einzulegen ist (mit Anschrift)",
    "betreff": "Betreff des Schreibens oder des Eingangs",
    "text": "der eigentliche Text eines Antwortschreibens",
}

RECHTSBEHELFSBELEHRUNG = (
    "Rechtsbehelfsbelehrung:\n\n"
    "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden. "
    "Der Widerspruch ist schriftlich oder zur Niederschrift bei {stelle} einzulegen."
)


@dataclass(frozen=True)
class DefaultTemplate:
    key: str
    kind: LetterKind
    title: str
    subject: str
    body: str


DEFAULTS: tuple[DefaultTemplate, ...] = (
    DefaultTemplate(
        key="eingangsbestaetigung",
        kind=LetterKind.EINGANGSBESTAETIGUNG,
        title="Eingangsbestätigung eines Antrags",
        subject="Eingangsbestätigung – {antragsart}, Aktenzeichen {aktenzeichen}",
        body=(
            "{anrede}\n\n"
            "vielen Dank für Ihren Antrag ({antragsart}). Er ist am {eingangsdatum} bei uns eingegangen "
            "und wird unter dem Aktenzeichen {aktenzeichen} bearbeitet.\n\n"
            "Wir prüfen Ihre Angaben und die beigefügten Unterlagen. Fehlt noch etwas, teilen wir Ihnen "
            "dies gesondert mit.\n\n"
            "Bitte geben Sie bei Rückfragen immer das Aktenzeichen an."
        ),
    ),
    DefaultTemplate(
        key="nachforderung",
        kind=LetterKind.NACHFORDERUNG,
        title="Anforderung fehlender Unterlagen",
        subject="Ihr Antrag ({antragsart}), Aktenzeichen {aktenzeichen} – fehlende Unterlagen",
        body=(
            "{anrede}\n\n"
            "vielen Dank für Ihren Antrag vom {eingangsdatum}. Bei der Prüfung haben wir festgestellt, "
            "dass noch Unterlagen fehlen. Damit wir über Ihren Antrag entscheiden können, benötigen wir:"
            "\n\n{fehlende_unterlagen}\n\n"
            "Bitte reichen Sie die fehlenden Unterlagen bis zum {frist} nach. Sie können sie per Post "
            "schicken oder persönlich bei uns abgeben; geben Sie dabei bitte das Aktenzeichen "
            "{aktenzeichen} an.\n\n"
            "Liegen die Unterlagen bis dahin nicht vor, müssen wir über Ihren Antrag nach den vorhandenen "
            "Unterlagen entscheiden. Wenn Sie die Frist nicht einhalten können, sprechen Sie uns bitte an."
        ),
    ),
    DefaultTemplate(
        key="bescheid-bewilligung",
        kind=LetterKind.BESCHEID,
        title="Bescheid: Bewilligung",
        subject="Bescheid über Ihren Antrag ({antragsart}), Aktenzeichen {aktenzeichen}",
        body=(
            "{anrede}\n\n"
            "auf Ihren Antrag vom {eingangsdatum} ergeht folgender Bescheid:\n\n"
            "{entscheidung}\n\n"
            "Begründung:\n\n"
            "{begruendung}\n\n" + RECHTSBEHELFSBELEHRUNG
        ),
    ),
    DefaultTemplate(
        key="bescheid-ablehnung",
        kind=LetterKind.BESCHEID,
        title="Bescheid: Ablehnung",
        subject="Ablehnung Ihres Antrags ({antragsart}), Aktenzeichen {aktenzeichen}",
        body=(
            "{anrede}\n\n"
            "auf Ihren Antrag vom {eingangsdatum} ergeht folgender Bescheid:\n\n"
            "{entscheidung}\n\n"
            "Begründung:\n\n"
            "{begruendung}\n\n"
            "Wir bedauern, Ihnen keine andere Entscheidung mitteilen zu können.\n\n" + RECHTSBEHELFSBELEHRUNG
        ),
    ),
    DefaultTemplate(
        key="antwort",
        kind=LetterKind.ANTWORT,
        title="Antwortschreiben (Posteingang)",
        subject="{betreff}",
        body="{anrede}\n\n{text}",
    ),
)

# Values for the preview of a template (nothing here is a real person).
SAMPLE_VALUES: dict[str, str] = {
    "anrede": "Sehr geehrte Frau Musterfrau,",
    "name": "Erika Musterfrau",
    "antragsart": "Anmeldung zur Hundesteuer",
    "aktenzeichen": "HST-2026-00017",
    "eingangsdatum": "01.12.2026",
    "datum": "06.12.2026",
    "frist": "20.12.2026",
    "fehlende_unterlagen": "Kopie des Personalausweises\nNachweis über die bestandene Rettungshundeprüfung",
    "entscheidung": "Für Ihren Hund „Bello“ wird die Steuerermäßigung ab dem 01.01.2027 gewährt.",
    "begruendung": "Die Voraussetzungen nach § 6 der Hundesteuersatzung sind erfüllt.",
    "stelle": "der Stadtverwaltung, Bürgeramt, Am Markt 1, 12345 Musterstadt",
    "betreff": "Ihre Anfrage vom 01.12.2026",
    "text": "vielen Dank für Ihre Anfrage. Gern beantworten wir Ihre Fragen.\n\nIhr Anliegen ist erledigt.",
}
SAMPLE_BY_KEY: dict[str, dict[str, str]] = {
    "bescheid-ablehnung": {
        "entscheidung": "Ihr Antrag auf Ermäßigung der Hundesteuer für Ihren Hund „Bello“ wird abgelehnt.",
        "begruendung": "Die Voraussetzungen nach § 6 der Hundesteuersatzung sind nicht erfüllt: Ein Nachweis "
        "über die bestandene Rettungshundeprüfung liegt nicht vor.",
    },
}
SAMPLE_RECIPIENT = ("Frau", "Erika Musterfrau", "Musterweg 1", "12345 Musterstadt")


def sample_values(key: str) -> dict[str, str]:
    """Example values for the preview of the template ``key``."""
    return {**SAMPLE_VALUES, **SAMPLE_BY_KEY.get(key, {})}
