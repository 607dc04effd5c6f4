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
