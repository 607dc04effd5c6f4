from __future__ import annotations

from datetime import date

from rathaus.inbox.extract import extract, find_deadlines


def test_span_and_description_of_an_absolute_deadline() -> None:
    text = "Bitte zahlen Sie bis zum 15.03.2026 auf unser Konto."
    (deadline,) = find_deadlines(text=text, received=date(2026, 3, 2), state="NI")
    assert text[deadline.start : deadline.end] == "bis zum 15.03.2026"
    assert deadline.kind == "absolute"
    assert deadline.stated == date(2026, 3, 15)
    assert deadline.due == date(2026, 3, 16)
    assert deadline.moved
    assert deadline.description == (
        "Frist bis Montag, 16.03.2026 (genannt: „bis zum 15.03.2026“); "
        "der 15.03.2026 ist Sonntag, daher nächster Werktag (§ 193 BGB)"
    )


def test_relative_deadline_counts_from_receipt() -> None:
    text = "Widerspruch kann binnen eines Monats nach Zugang dieses Bescheides erhoben werden."
    (deadline,) = find_deadlines(text=text, received=date(2026, 1, 31), state="NI")
    assert deadline.text == "binnen eines Monats nach Zugang dieses Bescheides"
    assert deadline.kind == "relative"
    assert deadline.stated == date(2026, 2, 28)
    assert deadline.due == date(2026, 3, 2)
    assert deadline.description.startswith("Frist bis Montag, 02.03.2026 (1 Monat ab Zugang am 31.01.2026)")
    assert "Samstag" in deadline.description


def test_deadline_on_a_holiday_names_the_holiday() -> None:
    (deadline,) = find_deadlines(text="bis zum 03.04.2026", received=date(2026, 3, 2), state="NI")
    assert deadline.due == date(2026, 4, 7)
    assert "Feiertag (Karfreitag)" in deadline.description


def test_a_day_without_year_is_the_next_one() -> None:
    (deadline,) = find_deadlines(text="spätestens am 15.1.", received=date(2026, 12, 20), state="NI")
    assert deadline.due == date(2027, 1, 15)


def test_impossible_dates_are_ignored() -> None:
    assert find_deadlines(text="bis zum 31.02.2026", received=date(2026, 1, 5), state="NI") == []


def test_earliest_deadline() -> None:
    text = "Bitte bis zum 30.04.2026 einreichen; Stellungnahme innerhalb von zwei Wochen."
    found = extract(text=text, received=date(2026, 3, 10), state="NI")
    assert [d.due for d in found.deadlines] == [date(2026, 4, 30), date(2026, 3, 24)]
    assert found.earliest_deadline is not None
    assert found.earliest_deadline.due == date(2026, 3, 24)
