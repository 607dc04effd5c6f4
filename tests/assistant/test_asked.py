"""What a question asks for, and whether a text carries such a value."""

from __future__ import annotations

import pytest

from rathaus.assistant.asked import Wanted, carries, wanted


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Ich ziehe um. Was muss ich dafür zahlen?", {Wanted.FEE}),
        ("Wie lange dauert die Herstellung eines Reisepasses?", {Wanted.PERIOD}),
        ("Was muss ich mitbringen?", {Wanted.DOCUMENTS}),
        ("Wer ist für Baugenehmigungen zuständig?", {Wanted.OFFICE}),
        ("Wann hat das Bürgerbüro geöffnet?", {Wanted.HOURS}),
        ("Wie hoch ist der Hebesatz der Grundsteuer B?", {Wanted.AMOUNT}),
        # The rate as the head of a compound.
        ("Welchen Gewerbesteuerhebesatz hat Hattenhofen?", {Wanted.AMOUNT}),
        ("Wie sind die Grundsteuerhebesätze?", {Wanted.AMOUNT}),
        ("Was kostet das und was muss ich mitbringen?", {Wanted.FEE, Wanted.DOCUMENTS}),
        ("Erzählen Sie mir etwas über den Stadtrat.", set()),
        # A count of time units, an age, "wie früh": a period, not an amount.
        ("Für wie viele Jahre bekomme ich die Erlaubnis, und kostet sie etwas?", {Wanted.PERIOD, Wanted.FEE}),
        ("Ab welchem Alter muss die Katze kastriert sein?", {Wanted.PERIOD}),
        ("Wie früh vor dem Fest dürfen die Plakate hängen?", {Wanted.PERIOD}),
        # A day or date.
        ("An welchen Tagen ist Jahrmarkt?", {Wanted.DAY}),
        ("An welchem Wochentag kann ich die Fundräder ansehen?", {Wanted.DAY}),
        # The office in other words; a leaflet, a paper, a form to fill in.
        ("Wer erteilt mir die Erlaubnis dafür?", {Wanted.OFFICE}),
        ("Wer bei der Stadt hilft mir dabei?", {Wanted.OFFICE}),
        ("An welchen Schalter muss ich, um eine neue PIN zu setzen?", {Wanted.OFFICE}),
        ("Gibt es vorher etwas zum Lesen, ein Merkblatt oder so?", {Wanted.DOCUMENTS}),
        ("Welches Papier braucht er dann?", {Wanted.DOCUMENTS}),
        ("Welche Erklärung muss mein Arbeitgeber ausfüllen?", {Wanted.DOCUMENTS}),
        ("Was kostet die Bescheinigung auf Papier?", {Wanted.FEE}),
        # A rule: yes/no, how, how often, how many – only when no value is asked.
        ("Ich ziehe nach Hamburg. Muss ich mich hier abmelden?", {Wanted.RULE}),
        ("Kann ich die Zweitwohnung online anmelden?", {Wanted.RULE}),
        ("Darf ich damit nach Österreich fahren?", {Wanted.RULE}),
        ("Wie muss ich das Gewehr im Auto transportieren?", {Wanted.RULE}),
        ("Muss ich dafür Gebühren zahlen?", {Wanted.FEE}),
        ("Wer darf den Gemeinderat wählen?", {Wanted.RULE}),
        # How often: a period ("alle zwei Monate"); how much time or until what time.
        ("Wie oft gibt es eine Fragestunde?", {Wanted.PERIOD}),
        ("Wie viel Zeit muss ich für den Termin einplanen?", {Wanted.PERIOD}),
        ("Bis wie viel Uhr dürfen die Kinder dort spielen?", {Wanted.HOURS}),
        ("Zu welcher Zeit darf ich mit dem Lieferwagen reinfahren?", {Wanted.HOURS}),
        ("Zu welchen Stichtagen werden die Daten weitergegeben?", {Wanted.DAY}),
        ("Nach wie vielen Jahren kann ich eine unbefristete Erlaubnis bekommen?", {Wanted.PERIOD}),
        # A fee or sum as a compound or in other words.
        ("Welche Schmutzwassergebühr wird je Kubikmeter berechnet?", {Wanted.FEE}),
        ("Was verlangt die Gemeinde für die Erlaubnis?", {Wanted.FEE}),
        ("Welche Entschädigung steht mir zu?", {Wanted.AMOUNT}),
        ("Welche monatliche Aufwandsentschädigung bekommt der Vorsitzende?", {Wanted.AMOUNT}),
        ("Mit welchem Stammkapital arbeitet das Wasserwerk?", {Wanted.AMOUNT}),
        ("Welches Sitzungsgeld bekomme ich?", {Wanted.AMOUNT}),
        ("Wo beantrage ich Elterngeld?", {Wanted.OFFICE}),
        ("Ab welchem Streitwert entscheidet der Ausschuss?", {Wanted.AMOUNT}),
        ("Welche Mehrheit braucht es, um die Satzung zu ändern?", {Wanted.AMOUNT}),
        # A length: how deep, how wide, which width, up to which distance.
        ("Wie tief wird ein Grundstück ohne Bebauungsplan gerechnet?", {Wanted.AMOUNT}),
        ("Wie breit ist der Streifen am Fahrbahnrand, den ich räumen muss?", {Wanted.AMOUNT}),
        ("Welche Straßenbreite muss beim Abstellen frei bleiben?", {Wanted.AMOUNT}),
        ("Bis zu welchem Abstand bin ich räumpflichtig?", {Wanted.AMOUNT}),
        # A count of people or things.
        ("Wie viele Mitglieder hat der Aufsichtsrat?", {Wanted.COUNT}),
        ("Aus wie vielen Gemeinderäten besteht der Ausschuss?", {Wanted.COUNT}),
        # A certificate, an office as a compound, a building.
        ("Welche Bescheinigung vom Augenarzt gehört dazu?", {Wanted.DOCUMENTS}),
        ("Was muss mir mein Arzt ausstellen?", {Wanted.DOCUMENTS}),
        ("In welchem Bürgerbüro geht das?", {Wanted.OFFICE}),
        ("In welchem Gebäude ist das Forum?", {Wanted.OFFICE}),
    ],
)
def test_what_is_asked(question: str, kinds: set[Wanted]) -> None:
    assert set(wanted(question)) == kinds


def test_a_value_of_each_kind() -> None:
    assert carries("Die Steuer beträgt 120,00 €.", Wanted.FEE)
    assert carries("Die Gebühr beträgt 140.- €.", Wanted.FEE)
    assert carries("Der Hebesatz beträgt 410 v. H.", Wanted.AMOUNT)
    assert carries("Die Herstellung dauert etwa vier Wochen.", Wanted.PERIOD)
    assert carries("Nachtruhe ist von 22:00 Uhr bis 6:00 Uhr.", Wanted.HOURS)
    assert not carries("Die Gemeinde erhebt eine Hundesteuer.", Wanted.FEE)
    assert not carries("Nach § 5 Abs. 2 gilt das.", Wanted.AMOUNT)
    # Euro written as older by-laws do, a length of text
    assert carries("Freigebigkeitsleistungen bis zu 2.500,-- im Einzelfall", Wanted.AMOUNT)
    assert carries("Die Gebühr beträgt 10,- je Stunde.", Wanted.FEE)
    assert carries("Der Beitrag darf höchstens 1.800 Zeichen lang sein.", Wanted.AMOUNT)
    assert carries("die Grundstücksfläche bis zu einer Tiefe von 35 Metern", Wanted.AMOUNT)
    assert carries("Eine Breite von 3,50 m muss frei bleiben.", Wanted.AMOUNT)
    assert not carries("Die Satzung vom 12.03.2024 gilt.", Wanted.AMOUNT)
    # a share, Deutsche Mark, a count of what is counted (not a paragraph's number or a date)
    assert carries("Es braucht ein Viertel aller Mitglieder.", Wanted.AMOUNT)
    assert carries("Die Änderung bedarf ¾ der Stimmen.", Wanted.AMOUNT)
    assert carries("Der Beschluss bedarf einer Mehrheit von drei Vierteln.", Wanted.AMOUNT)
    assert carries("Die Stadt bringt 195.000,- DM ein.", Wanted.FEE)
    assert carries("Der Ausschuss besteht aus 17 stimmberechtigten Mitgliedern.", Wanted.COUNT)
    assert carries("Der Aufsichtsrat hat neun Mitglieder.", Wanted.COUNT)
    assert carries("Die Zahl der Gemeinderäte beträgt 10.", Wanted.COUNT)
    assert not carries("Nach § 5 Abs. 2 Satz 3 gilt das.", Wanted.COUNT)
    assert not carries("Die Satzung gilt ab 1. Januar 2024.", Wanted.COUNT)
    # how often
    assert carries("Der Beirat tagt alle zwei Monate.", Wanted.PERIOD)
    assert carries("Er trifft sich dreimal jährlich.", Wanted.PERIOD)
    assert carries("Hinweise werden maximal zweimal veröffentlicht.", Wanted.PERIOD)


def test_a_rule_and_a_count_of_months_in_words() -> None:
    assert carries("Bei einem Umzug innerhalb Deutschlands müssen Sie sich nicht abmelden.", Wanted.RULE)
    assert carries("Überführungsfahrten (nur innerhalb Deutschland)", Wanted.RULE)
    assert carries("Die Gewerbeabmeldung bei einem Umzug entfällt.", Wanted.RULE)
    assert carries("Die Fragestunde findet jedes dritten Monats statt.", Wanted.RULE)
    assert not carries("Die Gemeinde erhebt eine Hundesteuer.", Wanted.RULE)
    assert carries("Dieser Zeitraum kann zwischen zwei und elf Monaten betragen.", Wanted.PERIOD)


def test_fee_free_in_any_inflection_and_a_day_or_date() -> None:
    assert carries("Es ist ein kostenfreies Angebot.", Wanted.FEE)
    assert carries("Für die Ausstellung fallen keine Gebühren an.", Wanted.FEE)
    assert not carries("Die Gebühren richten sich nach der Satzung.", Wanted.FEE)
    assert carries("Der Markt ist am 15. Juli und am 20. November.", Wanted.DAY)
    assert carries("Besichtigung ist dienstags von 9 bis 12 Uhr.", Wanted.DAY)
    assert carries("Die Erlaubnis gilt bis zum 4. März 2027.", Wanted.PERIOD)
    # An item number is no date; nor is a paragraph.
    assert not carries("2.1. als Erdgrab – 800 €", Wanted.DAY)
    assert not carries("Nach § 5. Abs. 2 gilt das.", Wanted.DAY)
