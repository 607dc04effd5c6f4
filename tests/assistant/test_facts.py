"""Facts of a passage: sentences, lists with their lead-in, table rows; composed answers around them."""

from __future__ import annotations

from rathaus.assistant import facts
from rathaus.assistant.answers import answer
from rathaus.assistant.asked import Wanted
from rathaus.assistant.matching import question_matcher
from tests.assistant.conftest import passage

HUNDESTEUER = (
    "**(1)** Die Gemeinde erhebt die Hundesteuer.\n\n"
    "(2) Bei anderen als den in Abs. 1 genannten Hunden beträgt die Steuer im Kalenderjahr:\n\n"
    "1. für den ersten Hund 120,00 Euro\n2. für jeden weiteren Hund 240,00 Euro.\n\n"
    "Hunde, für die eine Steuerbefreiung nach § 6 gewährt wird, bleiben außer Betracht."
)
WASSER = (
    "(1) Die Grundgebühr beträgt bei Wasserzählern mit einer Nenngröße von:\n\n"
    "| Zähler | Q3 4 | Q3 10 |\n|---|---|---|\n| Grundgebühr (€/Monat) | 1,50 € | 2,00 € |"
)


def test_a_list_stays_with_its_lead_in_and_markdown_residue_goes() -> None:
    found = facts.units(HUNDESTEUER)
    assert found[0] == facts.Unit("Die Gemeinde erhebt die Hundesteuer.")
    assert found[1].text.startswith("Bei anderen als den in Abs. 1 genannten Hunden")
    assert found[1].items == ("für den ersten Hund 120,00 Euro", "für jeden weiteren Hund 240,00 Euro.")
    assert all("**" not in unit.whole and not unit.text.startswith("(") for unit in found)


def test_items_lettered_in_brackets_are_a_list_and_a_lead_in_with_a_value_stays() -> None:
    found = facts.units(
        "(1) Der Ausschuss besteht aus 17 stimmberechtigten Mitgliedern:\n\n(a) dem Vorsitzenden;\n\n"
        "(b) 9 Stadträten.\n\nBringen Sie mit:"
    )
    assert found == [
        facts.Unit(
            "Der Ausschuss besteht aus 17 stimmberechtigten Mitgliedern:",
            ("dem Vorsitzenden;", "9 Stadträten."),
        )
    ]
    assert facts.units("Der Beirat hat 5 Mitglieder:") == [facts.Unit("Der Beirat hat 5 Mitglieder:")]


def test_a_table_row_is_a_unit_under_its_lead_in() -> None:
    (unit,) = facts.units(WASSER)
    assert unit.items[-1] == "Grundgebühr (€/Monat): Q3 4: 1,50 €, Q3 10: 2,00 €"
    assert "|" not in unit.whole


def test_the_value_under_a_heading_that_announces_it_wins() -> None:
    matches = question_matcher("Wie viel Hundesteuer zahle ich?")
    marke = "Bei Verlust einer Hundesteuermarke wird eine Ersatzmarke gegen 10,00 € ausgehändigt."
    picked = facts.pick(
        [(marke, "§ 11 Hundesteuermarken"), (HUNDESTEUER, "§ 5 Steuersatz")], kind=Wanted.FEE, matches=matches
    )
    assert picked is not None
    index, units = picked
    assert index == 1
    assert "120,00 Euro" in units[0].whole


def test_a_bylaw_answer_puts_the_amount_first_as_a_list() -> None:
    dog = passage("Hundesteuersatzung (Eschenbach)", HUNDESTEUER, kind="bylaw", section="§ 5 Steuersatz")
    result = answer(passages=[dog], question="Was kostet die Hundesteuer?", chat=None, easy_language=False)
    assert result.lines[:3] == [
        "Hundesteuersatzung (Eschenbach), § 5 Steuersatz: Bei anderen als den in Abs. 1 genannten Hunden "
        "beträgt die Steuer im Kalenderjahr: [1]",
        "– für den ersten Hund 120,00 Euro",
        "– für jeden weiteren Hund 240,00 Euro.",
    ]
    assert "**" not in result.text
    assert "…" not in result.text


def test_a_fee_list_of_a_service_is_a_list() -> None:
    fees = {"fees": "Ausweis für zwölf Monate: 56 Euro\n12 Monate gültig: Verlängerung 30 Euro"}
    pass_ = passage("Parkausweis", "Den Parkausweis beantragen Sie online.", facts=fees)
    result = answer(passages=[pass_], question="Was kostet der Parkausweis?", chat=None, easy_language=False)
    assert result.lines[:3] == [
        "Gebühr (Parkausweis) [1]:",
        "– Ausweis für zwölf Monate: 56 Euro",
        "– 12 Monate gültig: Verlängerung 30 Euro",
    ]
    assert "Euro12" not in result.text


def test_easy_language_keeps_the_lead_in_of_a_list() -> None:
    dog = passage("Hundesteuersatzung (Eschenbach)", HUNDESTEUER, kind="bylaw", section="§ 5 Steuersatz")
    result = answer(passages=[dog], question="Was kostet die Hundesteuer?", chat=None, easy_language=True)
    assert "beträgt die Steuer im Kalenderjahr: [1]" in result.lines[1]
    assert result.lines[2] == "– für den ersten Hund 120,00 Euro"


def test_a_bound_asked_for_matches_the_same_bound_in_other_words() -> None:
    matches = question_matcher("Wie lange darf der Dienst höchstens dauern?")
    assert matches("Dauer des Dienstes: längstens 18 Monate") > matches(
        "Dauer des Dienstes: in der Regel 1 Jahr"
    )
    assert matches("Die Förderung beträgt bis zu 500 Euro.") == 1
    lower = question_matcher("Wie hoch ist die Gebühr mindestens?")
    assert lower("Die Mindestgebühr beträgt 10,00 €.") == 2  # "Gebühr" and the lower bound
    assert lower("Die Gebühr beträgt höchstens 500 €.") == 1  # an upper bound is not the asked one


def test_a_sub_heading_over_a_list_is_its_lead_in() -> None:
    text = (
        "Freiwilliges Soziales Jahr (FSJ)\n\n- Dauer des Dienstes: längstens 18 Monate\n\n"
        "Bundesfreiwilligendienst (BFD)\n\n- Dauer des Dienstes: längstens 24 Monate\n\n"
        "Gültigkeitsdauer\nDer Titel ist bis zum 4. März 2027 gültig."
    )
    found = facts.units(text)
    assert found[0] == facts.Unit(
        "Freiwilliges Soziales Jahr (FSJ):", ("Dauer des Dienstes: längstens 18 Monate",)
    )
    assert found[1].text == "Bundesfreiwilligendienst (BFD):"
    # A heading over a sentence stays a line of its own.
    assert [unit.text for unit in found[2:]] == [
        "Gültigkeitsdauer",
        "Der Titel ist bis zum 4. März 2027 gültig.",
    ]
    matches = question_matcher("Wie lange dauert ein Freiwilliges Soziales Jahr höchstens?")
    best = facts.best_units(text, section="Beschreibung", kind=Wanted.PERIOD, matches=matches, limit=1)
    assert "18 Monate" in best[0][1].whole


def test_the_date_a_by_law_comes_into_force_answers_no_period_question() -> None:
    text = (
        "Bei Trainingsabenden ist die Halle bis spätestens 22.30 Uhr freizugeben.\n\n"
        "Diese Hallenbenutzungsordnung tritt am 01.09.2024 in Kraft."
    )
    asked = question_matcher("Bis wann muss die Halle nach der Hallenbenutzungsordnung freigegeben sein?")
    found = facts.best_units(text, section="", kind=Wanted.PERIOD, matches=asked)
    assert [unit.text for _score, unit in found] == [
        "Bei Trainingsabenden ist die Halle bis spätestens 22.30 Uhr freizugeben."
    ]
    asked = question_matcher("Wann tritt die Hallenbenutzungsordnung in Kraft?")
    found = facts.best_units(text, section="", kind=Wanted.PERIOD, matches=asked)
    assert "01.09.2024" in found[0][1].text


def test_a_vague_period_naming_nothing_asked_is_no_fact() -> None:
    text = "Entstandene Schäden sind unverzüglich mitzuteilen.\n\nDie Nachtruhe ab 22:00 Uhr ist einzuhalten."
    matches = question_matcher("Ab wann muss es auf dem Grillplatz abends ruhig sein?")
    found = facts.best_units(text, section="§ 4 Benutzungsregeln", kind=Wanted.PERIOD, matches=matches)
    assert [unit.text for _score, unit in found] == ["Die Nachtruhe ab 22:00 Uhr ist einzuhalten."]
    assert (
        facts.best_units(text.split("\n", maxsplit=1)[0], section="§ 4", kind=Wanted.PERIOD, matches=matches)
        == []
    )


def test_the_rule_stating_the_asked_bound_wins() -> None:
    text = "Die Gebühr beträgt je Tag 2 bis 5 €.\n\nDie Mindestgebühr beträgt im Einzelfall 10,00 €."
    matches = question_matcher("Wie hoch ist die Gebühr für einen Tag mindestens?")
    found = facts.best_units(text, section="§ 8 Gebühren", kind=Wanted.AMOUNT, matches=matches, limit=1)
    assert found[0][1].text == "Die Mindestgebühr beträgt im Einzelfall 10,00 €."
    upper = question_matcher("Wie hoch ist die Gebühr für einen Tag höchstens?")
    found = facts.best_units(text, section="§ 8 Gebühren", kind=Wanted.AMOUNT, matches=upper, limit=1)
    assert found[0][1].text == "Die Gebühr beträgt je Tag 2 bis 5 €."


def test_a_numbered_list_run_together_is_split_into_its_items() -> None:
    found = facts.units(
        "1. die Bewirtschaftung der Mittel bis zu 10.000,-- im Einzelfall; 2. die Zustimmung zu Ausgaben bis "
        "zu 2.000,-- im Einzelfall; 3. die Ernennung von Aushilfen; 5. die Bewilligung von "
        "Freigebigkeitsleistungen bis zu 2.500,-- im Einzelfall;"
    )
    assert [unit.text[:3] for unit in found] == ["1. ", "2. ", "3. ", "5. "]
    assert facts.units("Die Gebühr beträgt 5 €; 2 Stück kosten 8 €.") == [
        facts.Unit("Die Gebühr beträgt 5 €; 2 Stück kosten 8 €.")
    ]


def test_a_long_list_shows_the_items_with_the_asked_value_under_their_own_lead_in() -> None:
    tax = facts.Unit(
        "Der Steuersatz beträgt:",
        (
            "für Geräte nach Nr. 1 c)",
            "in Spielhallen 100 €",
            "an anderen Orten 50 €",
            "für Geräte nach Nr. 1 b) beträgt:",
            "in Spielhallen 60 €",
            "an anderen Orten 30 €",
        ),
    )
    shown = facts.focused(tax, Wanted.FEE, question_matcher("Wie hoch ist die Steuer in Spielhallen?"))
    assert shown.items == (
        "für Geräte nach Nr. 1 c)",
        "in Spielhallen 100 €",
        tax.items[3],
        "in Spielhallen 60 €",
    )
    assert shown.whole_list == tax.items
    assert shown.lines()[-1] == f"– {facts.MORE}"
    # a question naming no item's words keeps the whole list
    assert facts.focused(tax, Wanted.FEE, question_matcher("Was kostet das?")) == tax


def test_a_separable_verb_matches_its_zu_infinitive_and_participle() -> None:
    matches = question_matcher("Wie früh müssen wir die Gedenkfeier anmelden?")
    assert matches("Sie sind spätestens 4 Tage vorher anzumelden.") == 1
    assert matches("Wer die Feier angemeldet hat, …") == 1
    assert matches("Die Ruhezeit beträgt 25 Jahre.") == 0


def test_the_signature_under_a_bylaw_is_no_unit() -> None:
    text = (
        "Diese Satzung tritt am 1. Januar 2020 in Kraft.\n"
        "Konstanz, den 18.11.2019 gez. Erika Muster\n"
        "Bad Boll, 12. März 2020\n"
        "gez. Hans Mayer\n"
        "Am Montag, 12. März 2024 findet die Wahl statt."
    )
    assert [unit.text for unit in facts.units(text)] == [
        "Diese Satzung tritt am 1. Januar 2020 in Kraft.",
        "Am Montag, 12. März 2024 findet die Wahl statt.",
    ]


def test_what_states_a_period_and_what_only_sounds_like_one() -> None:
    assert facts.concrete(
        "Die Gebühren sind in den ersten fünf Tages des Monats zu entrichten.", Wanted.PERIOD
    )
    assert facts.concrete("Der Widerspruch ist innerhalb eines Monats einzulegen.", Wanted.PERIOD)
    assert facts.carries("Sie ist innerhalb der gesetzten Frist zu zahlen.", Wanted.PERIOD)
    # x-b46, x-b10: a group "innerhalb" of which, a notice "fristgerecht" given, state no period
    assert not facts.carries(
        "Innerhalb der in Abs. 1 genannten Gruppen sind die Bedürfnisse maßgebend.", Wanted.PERIOD
    )
    assert not facts.carries("Das Verhältnis endet nach fristgerechter Kündigung.", Wanted.PERIOD)
