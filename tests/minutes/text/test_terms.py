"""Content terms of titles and segments: council words and fillers are no terms, town names are."""

from __future__ import annotations

import math

from rathaus.core.text.stopwords import SPEECH_STOPWORDS
from rathaus.minutes.text.terms import COUNCIL_STOPWORDS, TermWeights, content_stems, overlap


def test_content_stems_drop_council_words_fillers_and_short_words() -> None:
    text = (
        "Stadtrat Hock (FW): Die Vorlage zum Abfallwirtschaftskonzept der Stadt Karlsruhe sehen wir "
        "deshalb kritisch, Herr Oberbürgermeister."
    )
    assert content_stems(text) == ["hock", "abfallwirtschaftskonzept", "karlsruh", "kritisch"]


def test_council_stop_words_extend_the_spoken_ones_and_name_no_town() -> None:
    assert SPEECH_STOPWORDS < COUNCIL_STOPWORDS
    assert {"stadtrat", "gemeinderat", "vorlage", "antrag", "punkt"} <= COUNCIL_STOPWORDS
    assert not {"karlsruhe", "konstanz", "münchen", "muenchen", "stuttgart"} & COUNCIL_STOPWORDS


def test_overlap_weighs_rare_terms_more_and_finds_compound_parts() -> None:
    weights = TermWeights([["wind", "energi"], ["wind"], ["haushalt"]])
    assert math.isclose(weights.weight("wind"), math.log(4 / 2.5))
    assert weights.weight("neu") > weights.weight("haushalt") > weights.weight("wind")
    # "energie" is found inside "windenergie"; "haushalt" is not in "haus".
    found = overlap(["energie", "haushalt"], ["windenergie", "haus"], weights)
    energy, budget = weights.weight("energie"), weights.weight("haushalt")
    assert math.isclose(found, energy / (energy + budget))
    assert overlap([], ["haus"], weights) == 0.0
