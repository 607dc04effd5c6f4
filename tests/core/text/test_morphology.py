"""HanTa morphology: compound parts and part-of-speech tags."""

from __future__ import annotations

from rathaus.core.text.morphology import compound_parts, pos_tags, word_tags


def test_a_compound_yields_its_content_parts_and_a_short_word_none() -> None:
    assert compound_parts("hundesteuersatzung") == ("hund", "steuer", "satzung")
    assert compound_parts("hund") == ()
    assert compound_parts("12345678") == ()


def test_tags_mark_proper_names_in_their_sentence() -> None:
    tags = pos_tags(["Frau", "Müller", "wohnt", "in", "Karlsruhe", "."])
    assert tags == ["NN", "NE", "VV(FIN)", "APPR", "NE", "$."]
    assert pos_tags([]) is None


def test_word_tags_are_candidates_with_log_probabilities() -> None:
    candidates = word_tags("Koch")
    assert candidates is not None
    assert {"NE", "NN"} <= {tag for tag, _score in candidates}
    assert all(score < 0 for _tag, score in candidates)
