"""A by-law goes by its short name on an answer line."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rathaus.assistant.titles import short_title
from tests.assistant.conftest import passage


@pytest.mark.parametrize(
    ("title", "place", "shown"),
    [
        (
            "Satzung über die öffentliche Abwasserbeseitigung (Abwassersatzung - AbwS) (Schwieberdingen)",
            "Schwieberdingen",
            "Abwassersatzung (Schwieberdingen)",
        ),
        (
            "Polizeiverordnung gegen umweltschädliches Verhalten und über das Anbringen von Hausnummern "
            "(Polizeiliche Umweltschutzverordnung) der Gemeinde Eschenbach",
            "Eschenbach",
            "Polizeiliche Umweltschutzverordnung (Eschenbach)",
        ),
        # the register number of a collection goes; a title without a short name stays
        ("III 18 Baumschutzsatzung der Stadt Konstanz", "Konstanz", "Baumschutzsatzung der Stadt Konstanz"),
        # an annex names its by-law, not itself
        (
            "Gebührenverzeichnis der Gemeinde Gammelshausen (Anlage zur Verwaltungsgebührensatzung)",
            "Gammelshausen",
            "Gebührenverzeichnis der Gemeinde Gammelshausen (Anlage zur Verwaltungsgebührensatzung)",
        ),
        # a short title is kept when the name in parentheses is hardly shorter
        (
            "Friedhofssatzung (Friedhofsordnung und Bestattungsgebührensatzung) (Eschenbach)",
            "Eschenbach",
            "Friedhofssatzung (Friedhofsordnung und Bestattungsgebührensatzung) (Eschenbach)",
        ),
    ],
)
def test_short_name_of_a_bylaw(title: str, place: str, shown: str) -> None:
    bylaw = replace(passage(title, "…", kind="bylaw"), municipality=place)
    assert short_title(bylaw) == shown


def test_a_service_keeps_its_title() -> None:
    service = passage("Reisepass (Erstausstellung) – Beantragung (Reisepass)", "…")
    assert short_title(service) == service.title


def test_the_answer_line_names_the_short_title_and_the_sources_the_full_one() -> None:
    from rathaus.assistant.answers import answer  # noqa: PLC0415

    title = "Satzung über die Erhebung der Hundesteuer (Hundesteuersatzung) der Gemeinde Bad Boll"
    dog = replace(
        passage(
            title,
            "Die Steuer beträgt für den ersten Hund 108 Euro im Jahr.",
            kind="bylaw",
            section="§ 5 Steuersatz",
        ),
        municipality="Bad Boll",
    )
    result = answer(
        passages=[dog], question="Wie hoch ist die Hundesteuer in Bad Boll?", chat=None, easy_language=False
    )
    assert result.lines[0].startswith("Hundesteuersatzung (Bad Boll), § 5 Steuersatz: Die Steuer beträgt")
    assert result.citations[0].title == title
