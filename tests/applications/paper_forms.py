"""Texts of paper forms as the Posteingang's OCR reads them: a filled-in Hundesteuer form, an incomplete
one, and letters that are not a form (one about a street lamp, one that only names the Hundesteuer)."""

from __future__ import annotations

HUNDESTEUER_FORM = """Stadt Konstanz
Kämmerei – Steueramt
Anmeldung zur Hundesteuer
nach der Satzung über die Erhebung der Hundesteuer (HStS)
Bitte in Druckbuchstaben ausfüllen und an die Stadt Konstanz zurücksenden.

Halterin oder Halter
Vorname: Erika
Nachname: Musterfrau
Geburtsdatum: 01.05.1980
Straße: Lindenstraße
Hausnummer: 12
Postleitzahl: 78462
Ort: Konstanz
E-Mail-Adresse: erika.musterfrau@example.org
Telefon:

Angaben zum Hund
Name des Hundes: Bello
Rasse oder Kreuzung:
Labrador-Mischling
Geburtsdatum des Hundes (geschätzt, falls unbekannt): 01.01.2022
Seit wann halten Sie den Hund?: 20.11.2026
[ ] Der Hund gehört zu einer Rasse nach § 1 Abs. 2 oder 3 der Polizeiverordnung über das Halten
gefährlicher Hunde (oder ist eine Kreuzung davon).
Wie viele andere Hunde werden in Ihrem Haushalt schon gehalten?: 0

Steuerbefreiung oder Zwingersteuer
Beantragen Sie eine Steuervergünstigung?: keine

Erklärung
[x] Ich versichere, dass meine Angaben richtig und vollständig sind.
Ort, Datum: Konstanz, 01.12.2026        Unterschrift: E. Musterfrau
"""

#: the same form, half filled in: no birth date, no address, no breed, the declaration not ticked,
#: and a postcode of four digits
INCOMPLETE_FORM = """Anmeldung zur Hundesteuer
Satzung über die Erhebung der Hundesteuer (HStS)
Halterin oder Halter
Vorname: Max
Nachname: Mustermann
Geburtsdatum:
Straße:
Hausnummer:
Postleitzahl: 7846
Ort: Konstanz
Angaben zum Hund
Name des Hundes: Rex
Rasse oder Kreuzung:
Geburtsdatum des Hundes (geschätzt, falls unbekannt): 15.03.2021
Seit wann halten Sie den Hund?: 01.11.2026
Wie viele andere Hunde werden in Ihrem Haushalt schon gehalten?: 0
Beantragen Sie eine Steuervergünstigung?: keine
Erklärung
[ ] Ich versichere, dass meine Angaben richtig und vollständig sind.
"""

STREET_LAMP_LETTER = """Erika Musterfrau
Lindenstraße 12
78462 Konstanz

Stadt Konstanz
Tiefbauamt

Konstanz, 01.12.2026

Defekte Straßenlaterne vor Lindenstraße 12

Sehr geehrte Damen und Herren,
seit drei Wochen ist die Straßenlaterne vor unserem Haus dunkel. Abends gehe ich mit meinem Hund
spazieren und sehe kaum etwas. Bitte lassen Sie die Laterne reparieren.

Mit freundlichen Grüßen
Erika Musterfrau
"""

#: a letter about the Hundesteuer that is not the registration form
DEREGISTRATION_LETTER = """Erika Musterfrau
Lindenstraße 12
78462 Konstanz

Stadt Konstanz, Steueramt

Abmeldung zur Hundesteuer, Steuernummer 4711

Sehr geehrte Damen und Herren,
unser Hund Bello ist am 02.11.2026 gestorben. Bitte melden Sie ihn ab und erstatten Sie
die zu viel gezahlte Steuer.

Mit freundlichen Grüßen
Erika Musterfrau
"""
