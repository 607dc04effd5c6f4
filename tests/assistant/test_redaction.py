"""Personal data is removed from what citizens type, and ordinary facts stay."""

from __future__ import annotations

import pytest

from rathaus.assistant.redaction import iban_valid, redact, without_personal_data


@pytest.mark.parametrize(
    ("typed", "expected", "kind"),
    [
        ("Bitte an max.mustermann@example.org antworten", "Bitte an [E-Mail] antworten", "email"),
        ("Rufen Sie mich an: 089 233-96000", "Rufen Sie mich an: [Telefon]", "phone"),
        ("Handy +49 (0)170 1234567, danke", "Handy [Telefon], danke", "phone"),
        ("mobil 0170/1234567", "mobil [Telefon]", "phone"),
        ("IBAN DE89 3704 0044 0532 0130 00 für die Erstattung", "IBAN [IBAN] für die Erstattung", "iban"),
        ("Konto DE89370400440532013000", "Konto [IBAN]", "iban"),
        (
            "Ich heiße Max Mustermann und brauche einen Pass",
            "Ich heiße [Name] und brauche einen Pass",
            "name",
        ),
        ("mein Name ist Anna-Lena von Berg.", "mein Name ist [Name].", "name"),
        ("Frau Dr. Schmidt hat gesagt", "Frau Dr. [Name] hat gesagt", "name"),
        ("Mit freundlichen Grüßen Peter Meier", "Mit freundlichen Grüßen [Name]", "name"),
    ],
)
def test_personal_data_is_replaced(typed: str, expected: str, kind: str) -> None:
    result = redact(typed)
    assert result.text == expected
    assert result.found[kind] == 1


def test_several_kinds_in_one_question() -> None:
    result = redact("Ich heiße Eva Schulz, eva@schulz.de, Tel. 030 1234567 – wann ist mein Pass fertig?")
    assert "Eva" not in result.text
    assert "schulz" not in result.text.lower()
    assert "1234567" not in result.text
    assert result.text.endswith("wann ist mein Pass fertig?")
    assert result.found == {"email": 1, "phone": 1, "name": 1}


@pytest.mark.parametrize(
    "text",
    [
        "Was kostet ein Reisepass? 37,60 Euro oder 70 Euro?",
        "Ich wohne in 80331 München seit 2019",
        "Termin am 12.03.2025 um 10:30 Uhr, Dauer 30 Minuten",
        "Frau Bürgermeisterin hat die Satzung unterschrieben",
        "Die Frau am Schalter war freundlich",
        "§ 5 Abs. 2 der Hundesteuersatzung",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert not result.changed


def test_iban_check_digits() -> None:
    assert iban_valid("DE89 3704 0044 0532 0130 00")
    assert iban_valid("GB82WEST12345698765432")
    assert not iban_valid("DE89 3704 0044 0532 0130 01")
    # a foreign-looking code that fails the check is not taken for an IBAN
    assert redact("Aktenzeichen AB12 3456 7890 1234").text == "Aktenzeichen AB12 3456 7890 1234"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "Hans Müller aus der Lindenstraße 5 fragt, wann der Führerschein fertig ist.",
            "[Name] aus der [Adresse] fragt, wann der Führerschein fertig ist.",
        ),
        (
            "Kann Lea Wagner den Personalausweis für mich abholen?",
            "Kann [Name] den Personalausweis für mich abholen?",
        ),
        # a surname not on the lists: HanTa tags it as a proper name in its sentence
        (
            "Sabine Krzyzanowski braucht einen Termin im Bürgerbüro Mitte.",
            "[Name] braucht einen Termin im Bürgerbüro Mitte.",
        ),
        (
            "Anna Maria Schmidt wohnt Bahnhofstr. 12a und will sich ummelden",
            "[Name] wohnt [Adresse] und will sich ummelden",
        ),
        (
            "Ich, Jürgen von Berg, Hauptstr. 3, brauche einen Pass",
            "Ich, [Name], [Adresse], brauche einen Pass",
        ),
        ("Wir ziehen in die Karl-Marx-Straße 12/1 um", "Wir ziehen in die [Adresse] um"),
        ("Meine Adresse: Am Kirchberg 7, 73087 Bad Boll", "Meine Adresse: [Adresse], 73087 Bad Boll"),
        ("Ich wohne am Kirchberg 7 in Eschenbach", "Ich wohne [Adresse] in Eschenbach"),
        ("geboren am 03.04.1985 in Göppingen", "geboren am [Geburtsdatum] in Göppingen"),
        ("Mein Geburtsdatum: 3. April 1985", "Mein Geburtsdatum: [Geburtsdatum]"),
        ("Max Weber, geb. 1.2.1960", "[Name], geb. [Geburtsdatum]"),
        # surnames typed alone: listed, tagged as proper names in context, and no everyday word
        ("Müller fragt, wann der Ausweis fertig ist.", "[Name] fragt, wann der Ausweis fertig ist."),
        (
            "Ich habe mit Schmidt telefoniert, er sagte nein.",
            "Ich habe mit [Name] telefoniert, er sagte nein.",
        ),
        ("Schulz und Becker wohnen zusammen.", "[Name] und [Name] wohnen zusammen."),
        ("Hallo, ich bin Jana und brauche einen Termin.", "Hallo, ich bin [Name] und brauche einen Termin."),
        ("Guten Tag, hier spricht Lehmann.", "Guten Tag, hier spricht [Name]."),
    ],
)
def test_names_addresses_and_birth_dates_without_a_cue(typed: str, expected: str) -> None:
    result = redact(typed)
    assert result.text == expected


def test_what_was_found_is_counted() -> None:
    result = redact("Hans Müller, Lindenstraße 5, geboren am 12.03.1961, Tel. 07164 12345")
    assert result.text == "[Name], [Adresse], geboren am [Geburtsdatum], Tel. [Telefon]"
    assert result.found == {"name": 1, "address": 1, "birthdate": 1, "phone": 1}


@pytest.mark.parametrize(
    "text",
    [
        "Ist das Bürgerbüro Mitte am Samstag geöffnet?",
        "Was kostet der Führerschein beim Landratsamt Konstanz?",
        "Wo beantrage ich die Kfz-Zulassung in Bad Boll?",
        "Wie lange dauert ein Reisepass im Bürgeramt?",
        "Im August Urlaub: wann muss ich den Pass beantragen?",
        "Termin am 01.03.2025 um 10:30 Uhr im Zimmer 204",
        "Im Jahr 2019 habe ich den Stellplatz 3 gemietet",
        "Der Spielplatz 2 am Schulweg ist gesperrt",
        "Die Ruhezeit beträgt 20 Jahre, der Kindergartenplatz kostet 112 Euro",
        "Gilt das auch beim Sankt Martin Umzug?",
        "Was steht im Abschnitt 3 und in der Anlage 2 der Satzung?",
        "Fährt die Linie 9 am Montag 3 Mal zum Rathaus?",
        "Mein Sohn Lukas braucht einen Kinderreisepass",
        # surnames that are everyday words as well stay when typed alone
        "Baum umgestürzt, bitte beseitigen.",
        "Kann Koch das Formular abholen?",
        "Ich bin Rentner und brauche einen Parkausweis.",
        "Hier ist Platz für zwei Autos.",
        "Bürger können Anträge stellen.",
        # streets and buildings named after people, from real Konstanz reports
        "Beschriftung des Georg Elser Platz abgebrochen",
        "In der Gottfried Keller Strasse ist ein Fusswegzugang zugeparkt",
        "Vom Schleyerweg Richtung Geschwister Scholl Schule sind alle Abläufe verstopft",
        "Auf Seite des Erik Bloch Wegs liegt ein Fahrrad",
        "Zebrastreifen, Martin Schleyerstr. gegenüber der Bäckerei",
    ],
)
def test_offices_services_and_dates_stay(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert not result.changed


def test_kinds_to_keep_are_found_but_stay() -> None:
    result = redact("Hans Müller, Lindenstraße 5, Tel. 07164 12345", keep=("address",))
    assert result.text == "[Name], Lindenstraße 5, Tel. [Telefon]"
    assert result.found == {"name": 1, "address": 1, "phone": 1}


@pytest.mark.parametrize(
    ("typed", "worked_from"),
    [
        (
            "Was kostet ein Reisepass? Meine Nummer ist 0170 1234567.",
            "Was kostet ein Reisepass? Meine Nummer ist.",
        ),
        ("Müller hier, was kostet ein Reisepass?", "hier, was kostet ein Reisepass?"),
        (
            "Wann wird in der Lindenstraße 5 der Müll abgeholt? eva@example.org",
            "Wann wird in der Lindenstraße 5 der Müll abgeholt?",
        ),
    ],
)
def test_retrieval_and_answers_work_from_the_question_without_personal_data(
    typed: str, worked_from: str
) -> None:
    assert without_personal_data(typed) == worked_from
