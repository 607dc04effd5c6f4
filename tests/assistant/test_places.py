"""Towns without sources: a question about another German town is not answered from a neighbour's rule."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant.places import may_lie_in, other_town
from rathaus.assistant.sources import SourceInput, parse_markdown
from tests.assistant.stand_ins import ask_public, tenant_with_sources

# The installation of these tests has the by-laws of a small town and the services of a city.
KNOWN = ["Schwieberdingen", "München"]


@pytest.mark.parametrize(
    ("question", "other"),
    [
        # a neighbouring town three kilometres away is another town
        ("Wie hoch ist in Markgröningen der Hebesatz für die Grundsteuer B?", "Markgröningen"),
        ("Ich ziehe nach Stuttgart. Wie hoch ist dort die Hundesteuer?", "Stuttgart"),
        ("Was kostet in Ebersbach an der Fils ein Kindergartenplatz?", "Ebersbach an der Fils"),
        ("Wie viel Hundesteuer verlangt die Gemeinde Wolfschlugen?", "Wolfschlugen"),
        # the town as the subject of the question, without "in"
        ("Welchen Hebesatz hat Karlsruhe bei der Gewerbesteuer?", "Karlsruhe"),
        ("Welchen Grundsteuerhebesatz hat Wolfschlugen?", "Wolfschlugen"),
        ("Wie viele Einwohner hat Schwieberdingen?", None),
        # a city whose name German text often uses is still a city after "nach"
        ("Ich ziehe nach Esslingen. Wie hoch ist dort die Hundesteuer?", "Esslingen"),
        # a town whose name is also an adjective or verb written as a noun ("süßen")
        ("Was kostet in Süßen der Kubikmeter Wasser?", "Süßen"),
        # a city's Stadtbezirk belongs to the city: in its reach, or named as its part by GeoNames
        ("Wir sind nach Pasing gezogen. Wo melde ich mich an?", None),
        ("Wir sind von Köln nach Bogenhausen gezogen. Was muss der Vermieter bestätigen?", None),
        # where someone comes from is not what the question is about
        ("Ich bin aus Köln zugezogen. Wie melde ich mich an?", None),
        # nouns that are also place names are read as nouns
        ("Wann tritt die Satzung in Kraft?", None),
        ("Darf ich einen Zaun aus Stein bauen?", None),
        ("Muss ich den Bescheid in Teilzeit bezahlen?", None),
        ("Wie hoch ist die Hundesteuer?", None),
    ],
)
def test_other_town(question: str, other: str | None) -> None:
    assert other_town(question, KNOWN) == other


def test_an_ortsteil_named_as_part_of_a_known_town_is_ours() -> None:
    assert other_town("Wann tagt der Ortschaftsrat in Litzelstetten?", ["Konstanz"]) is None
    assert other_town("Wann tagt der Ortschaftsrat in Litzelstetten?", ["Schwieberdingen"]) == "Litzelstetten"


def test_a_neighbouring_municipality_of_comparable_size_is_not_a_part() -> None:
    # Dürnau (2,102 inhabitants) lies 1.7 km from Bad Boll's centre (5,296): its own municipality.
    assert other_town("Wie hoch ist in Dürnau die Hundesteuer?", ["Bad Boll"]) == "Dürnau"
    assert other_town("Wir sind nach Pasing gezogen. Wo melde ich mich an?", ["München"]) is None


def test_a_town_the_services_speak_of_is_not_another_town() -> None:
    question = "Ich habe sechs Punkte in Flensburg. Was passiert jetzt?"
    assert other_town(question, KNOWN) == "Flensburg"
    assert other_town(question, KNOWN, mentioned=lambda name: name == "Flensburg") is None


def test_a_place_may_lie_in_a_larger_town_only() -> None:
    assert may_lie_in("Dingelsdorf", "Konstanz")  # an Ortsteil GeoNames does not name as a part
    assert not may_lie_in("Markgröningen", "Schwieberdingen")  # a neighbour larger than the town


HEBESATZ = (
    "---\ntitel: Hebesatzsatzung\nrechtsnatur: satzung\nkreis: Ludwigsburg\n"
    "gemeinde: Schwieberdingen\n---\n\n"
    "## § 2 Steuerhebesätze\n\nDer Hebesatz für die Grundsteuer B beträgt 236 v.H.\n"
)


ERSTRECKUNG = (
    "---\ntitel: Erstreckungssatzung auf das Gebiet der Gemeinden Markgröningen und Schwieberdingen\n"
    "rechtsnatur: satzung\nkreis: Ludwigsburg\ngemeinde: Schwieberdingen\n---\n\n"
    "## § 1 Erstreckung\n\nDie Satzung gilt auch im Gebiet der Nachbargemeinde.\n"
)


def test_a_question_about_another_town_is_handed_over_not_answered_from_a_neighbour(
    sessions: sessionmaker[Session],
) -> None:
    items = [
        parse_markdown(HEBESATZ, name="swi_hebesatz.md"),
        # a by-law whose title names the neighbour: the word is the town's alone, yet not a part of it
        parse_markdown(ERSTRECKUNG, name="swi_erstreckung.md"),
        SourceInput(kind="service", title="Hund anmelden", body="Im Rathaus.", external_id="s:1"),
    ]
    tenant_id = tenant_with_sources(sessions, "swi", items, municipality="Schwieberdingen")

    def ask(question: str) -> Any:
        return ask_public(sessions, tenant_id, question)

    own = ask("Wie hoch ist der Hebesatz für die Grundsteuer B?")
    assert "236" in own.answer.text
    other = ask("Wie hoch ist in Markgröningen der Hebesatz für die Grundsteuer B?")
    assert other.answer.mode == "handover"
    assert "236" not in other.answer.text
    assert other.answer.text.startswith("Zu Markgröningen habe ich keine Unterlagen")
    assert "Schwieberdingen." in other.answer.text  # what it does answer
