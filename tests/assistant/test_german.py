"""German normalisation: stems, compound parts and stop words, the same for index and query."""

from __future__ import annotations

from rathaus.assistant.german import compound_parts, normalise, query_terms


def test_compounds_yield_their_parts_so_questions_meet_documents() -> None:
    assert compound_parts("hundesteuersatzung") == ("hund", "steuer", "satzung")
    index = set(normalise("Die Hundesteuersatzung der Gemeinde"))
    assert {"hund", "steu", "satzung"} <= set(normalise("Hundesteuersatzung").split())
    assert set(query_terms("Steuer für Hunde")) <= set(normalise("Hundesteuer").split())
    assert index


def test_inflections_share_a_stem_and_umlauts_fold() -> None:
    assert query_terms("Führerscheins")[0] == query_terms("Führerschein")[0] == "fuhrerschein"
    assert query_terms("Gebühren") == query_terms("Gebühr")


def test_stop_words_and_punctuation_are_dropped() -> None:
    assert query_terms("Was muss ich tun, wenn ...?") == ["tun"]
    assert query_terms("🙂🙂") == []
    assert query_terms("") == []
