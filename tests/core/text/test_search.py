"""The search-index terms: stems, compound parts and stop words, the same for index and query."""

from __future__ import annotations

from rathaus.core.text.morphology import compound_parts
from rathaus.core.text.search import query_terms, search_terms, search_text


def test_compounds_yield_their_parts_so_questions_meet_documents() -> None:
    assert compound_parts("hundesteuersatzung") == ("hund", "steuer", "satzung")
    assert search_text("Die Hundesteuersatzung der Gemeinde") == "hundesteuersatz hund steu satzung gemeind"
    assert set(query_terms("Steuer für Hunde")) <= set(search_text("Hundesteuer").split())


def test_index_terms_keep_repeats_and_query_terms_do_not() -> None:
    assert search_terms("Hund Hunde") == ["hund", "hund"]
    assert query_terms("Hund Hunde Hundesteuer") == ["hund", "hundesteu", "steu"]


def test_inflections_share_a_stem_and_umlauts_fold() -> None:
    assert query_terms("Führerscheins")[0] == query_terms("Führerschein")[0] == "fuhrerschein"
    assert query_terms("Gebühren") == query_terms("Gebühr")


def test_stop_words_and_punctuation_are_dropped() -> None:
    assert query_terms("Was muss ich tun, wenn ...?") == ["tun"]
    assert query_terms("🙂🙂") == []
    assert query_terms("") == []
