"""The general stop words and their wider list for spoken German."""

from __future__ import annotations

from rathaus.core.text.stopwords import SPEECH_STOPWORDS, STOPWORDS


def test_function_words_are_stop_words_and_content_words_are_not() -> None:
    assert {"der", "die", "und", "dass", "muss", "während", "warum", "bitte"} <= STOPWORDS
    assert not {"hund", "steuer", "gebühr", "antrag", "stadt"} & STOPWORDS


def test_the_spoken_list_adds_fillers_and_forms_of_address() -> None:
    assert STOPWORDS < SPEECH_STOPWORDS
    assert {"deshalb", "schon", "herr", "frau", "dr", "über"} <= SPEECH_STOPWORDS - STOPWORDS


def test_stop_words_are_lower_case_single_words() -> None:
    assert all(word == word.lower() and word.isalpha() for word in SPEECH_STOPWORDS)
