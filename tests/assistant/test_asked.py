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
        ("Was kostet das und was muss ich mitbringen?", {Wanted.FEE, Wanted.DOCUMENTS}),
        ("Erzählen Sie mir etwas über den Stadtrat.", set()),
        # A count of time units, an age, "wie früh": a period, not an amount.
        ("Für wie viele Jahre bekomme ich die Erlaubnis, und kostet sie etwas?", {Wanted.PERIOD, Wanted.FEE}),
        ("Ab welchem Alter muss die Katze kastriert sein?", {Wanted.PERIOD}),
        ("Wie früh vor dem Fest dürfen die Plakate hängen?", {Wanted.PERIOD}),
        # A day or date.
        ("An welchen Tagen ist Jahrmarkt?", {Wanted.DAY}),
        ("An welchem Wochentag kann ich die Fundräder ansehen?", {Wanted.DAY}),
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
