"""Associations (Verbände): the one a question names answers it, another association's by-law never does."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant.associations import named_association, own_rule_first
from rathaus.assistant.retrieval import Passage
from rathaus.assistant.scope import one_municipality
from rathaus.assistant.sources import parse_markdown
from tests.assistant.conftest import passage
from tests.assistant.stand_ins import ask_public, tenant_with_sources

NAMES = [
    "GVV Oberdorf",
    "Schulverband Westliches Oberdorf",
    "GVV Raum Neustadt",
    "Zweckverband Abwasserverband Altbach-Neustadt-Unterdorf-Talheim",
    "Zweckverband Abwasserzweckverband Gruppenklärwerk Seewiesen",
]
TOWNS = ["Neustadt", "Unterdorf", "Landkreis Neustadt"]


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Was bekommt der Vorsitzende des Gemeindeverwaltungsverbands Oberdorf?", "GVV Oberdorf"),
        ("Was kostet ein Gutachten beim GVV Oberdorf?", "GVV Oberdorf"),
        # the longer name that the question names whole wins over the one inside it
        ("Wer zahlt die Umlage des Schulverbands Westliches Oberdorf?", "Schulverband Westliches Oberdorf"),
        (
            "Wer sitzt in der Verbandsversammlung des Gemeindeverwaltungsverbandes Raum Neustadt?",
            "GVV Raum Neustadt",
        ),
        # a shorter form of a long name, where the question speaks of an association
        (
            "Wie hoch ist die Umlage des Abwasserverbands Altbach-Talheim?",
            "Zweckverband Abwasserverband Altbach-Neustadt-Unterdorf-Talheim",
        ),
        # a name that is no town names the association without the word "Verband"
        (
            "Wie viel Sitzungsgeld gibt es im Gruppenklärwerk Seewiesen?",
            "Zweckverband Abwasserzweckverband Gruppenklärwerk Seewiesen",
        ),
        # a town's name alone names the town, not the association called after it
        ("Wie hoch ist die Hundesteuer in Neustadt?", None),
        ("Wie hoch ist die Hundesteuer?", None),
        # one word of a long name is not enough
        ("Was kostet das Abwasser in Talheim?", None),
    ],
)
def test_named_association(question: str, named: str | None) -> None:
    assert named_association(question, NAMES, TOWNS) == named


def test_two_associations_of_one_landkreis_do_not_answer_together() -> None:
    def bylaw(title: str, text: str, association: str | None) -> Passage:
        facts = {"verband": association} if association else {}
        found = passage(title, text, kind="bylaw", facts=facts)
        return replace(found, municipality="Landkreis Neustadt", district="Neustadt")

    oberdorf = bylaw("Entschädigung (GVV Oberdorf)", "150 € im Monat", "GVV Oberdorf")
    neustadt = bylaw("Entschädigung (GVV Raum Neustadt)", "90 € im Monat", "GVV Raum Neustadt")
    kreis = bylaw("Gebührenordnung (Landkreis Neustadt)", "35 €", None)
    assert one_municipality([oberdorf, neustadt, kreis]) == [oberdorf, kreis]


def test_a_landkreis_answer_quotes_no_town_and_a_town_answer_its_landkreis() -> None:
    kreistag = replace(
        passage("Geschäftsordnung des Kreistags", "Der Kreistag tagt monatlich.", kind="bylaw"),
        municipality="Landkreis Neustadt",
        district="Neustadt",
    )
    gemeinderat = replace(
        passage("Geschäftsordnung des Gemeinderats", "Der Gemeinderat tagt wöchentlich.", kind="bylaw"),
        municipality="Neustadt",
        district="Neustadt",
    )
    assert one_municipality([kreistag, gemeinderat]) == [kreistag]
    assert one_municipality([gemeinderat, kreistag]) == [gemeinderat, kreistag]


def verband_bylaw(title: str, association: str, body: str) -> str:
    front = (
        f'titel: {title}\nebene: verband\nrechtsnatur: satzung\nkreis: "Neustadt"\nverband: "{association}"\n'
    )
    return f"---\n{front}---\n\n{body}\n"


def test_a_towns_bylaw_naming_its_association_is_the_towns() -> None:
    # The front matter of a town's by-law names the association the town belongs to; it is not its author.
    text = (
        '---\ntitel: Hundesteuersatzung\nebene: gemeinde\nrechtsnatur: satzung\nkreis: "Neustadt"\n'
        'gemeinde: "Unterdorf"\nverband: "GVV Oberdorf"\n---\n\n## § 5 Steuersatz\n\n108 Euro.\n'
    )
    town = parse_markdown(text, name="unterdorf_hund.md")
    assert "verband" not in town.meta
    assert town.municipality == "Unterdorf"
    assert town.title == "Hundesteuersatzung (Unterdorf)"


BYLAWS = {
    "ober_entschaedigung.md": verband_bylaw(
        "Satzung über die Entschädigung für ehrenamtliche Tätigkeit",
        "GVV Oberdorf",
        "## § 3 Aufwandsentschädigung\n\nDer Verbandsvorsitzende erhält 150,00 € monatliche "
        "Aufwandsentschädigung.",
    ),
    "neu_verband.md": verband_bylaw(
        "Verbandssatzung des Gemeindeverwaltungsverbands Raum Neustadt",
        "GVV Raum Neustadt",
        "## § 8 Verbandsvorsitzender\n\nDer Verbandsvorsitzende wird von der Verbandsversammlung gewählt.",
    ),
}


def test_a_question_naming_an_association_is_not_answered_from_anothers_bylaw(
    sessions: sessionmaker[Session],
) -> None:
    items = [parse_markdown(text, name=name) for name, text in BYLAWS.items()]
    tenant_id = tenant_with_sources(sessions, "kreis-neustadt", items)
    assert items[0].title.endswith("(GVV Oberdorf)")  # the title says whose rule it is
    assert items[0].meta["verband"] == "GVV Oberdorf"

    def ask(question: str) -> Any:
        return ask_public(sessions, tenant_id, question)

    own = ask("Welche Aufwandsentschädigung bekommt der Vorsitzende des GVV Oberdorf im Monat?")
    assert "150,00 €" in own.answer.text
    other = ask("Welche Aufwandsentschädigung bekommt der Vorsitzende des GVV Raum Neustadt im Monat?")
    assert "150,00" not in other.answer.text


def test_a_named_towns_own_rule_of_the_same_kind_comes_before_its_associations() -> None:
    def bylaw(title: str, municipality: str) -> Passage:
        found = passage(title, "Entschädigung je Stunde", kind="bylaw")
        return replace(found, municipality=municipality, district="Neustadt")

    association = bylaw(
        "Satzung über die Entschädigung für ehrenamtliche Tätigkeit des GVV Oberdorf", "Landkreis Neustadt"
    )
    waste = bylaw("Abfallwirtschaftssatzung", "Landkreis Neustadt")
    fees = bylaw("Verwaltungsgebührensatzung (Oberdorf)", "Oberdorf")
    own = bylaw("Satzung über die Entschädigung für ehrenamtliche Tätigkeit (Oberdorf)", "Oberdorf")
    assert own_rule_first([association, fees, own], ["Oberdorf"]) == [own, association, fees]
    # another kind of rule does not move before the district's; nothing moves without a named town
    assert own_rule_first([waste, fees], ["Oberdorf"]) == [waste, fees]
    assert own_rule_first([association, own], []) == [association, own]
