"""Coordinated compounds written out (the Ergänzungsstrich of German titles)."""

from __future__ import annotations

from rathaus.core.text.coordination import compound_head, expand_coordinations


def test_the_left_out_head_is_completed_from_the_closing_compound() -> None:
    assert (
        expand_coordinations("Satzung über die Erhebung der Grund- und Gewerbesteuer")
        == "Satzung über die Erhebung der Grundsteuer und Gewerbesteuer"
    )
    assert expand_coordinations("Wasser- und Abwassergebühren") == "Wassergebühren und Abwassergebühren"
    assert (
        expand_coordinations("Straßenreinigungs- bzw. Winterdienstsatzung")
        == "Straßenreinigungssatzung bzw. Winterdienstsatzung"
    )


def test_a_list_of_parts_takes_the_same_head() -> None:
    expanded = expand_coordinations("Grund-, Gewerbe- und Hundesteuer")
    assert expanded == "Grundsteuer, Gewerbesteuer und Hundesteuer"


def test_text_without_a_known_head_stays_as_written() -> None:
    # "Ausfahrt" is no compound of nouns; a hyphen at a line break is no coordination.
    assert expand_coordinations("Ein- und Ausfahrt") == "Ein- und Ausfahrt"
    assert expand_coordinations("Gewerbe-\nsteuer") == "Gewerbe-\nsteuer"
    assert expand_coordinations("Hundesteuer") == "Hundesteuer"


def test_the_head_is_taken_as_written_in_the_compound() -> None:
    assert compound_head("Abwassergebühren") == "gebühren"
    assert compound_head("Hund") == ""
