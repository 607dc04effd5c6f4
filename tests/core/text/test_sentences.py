"""The sentence splitters: transcripts, documents (sentences and lines), and pieces for chunking."""

from __future__ import annotations

from rathaus.core.text.sentences import sentence_pieces, sentences, sentences_and_items


def test_transcript_sentences_end_before_a_capital_a_quote_or_a_bracket() -> None:
    text = "Das ist gut! Wir stimmen ab. „Ja“, sagt er. (Beifall) Danke?"
    assert sentences(text) == ["Das ist gut!", "Wir stimmen ab.", "„Ja“, sagt er.", "(Beifall) Danke?"]


def test_transcript_sentences_hold_together_before_a_digit_or_a_lower_case_word() -> None:
    text = "Wir beraten Nr. 5 und TOP 5.1 v. a. heute.   "
    assert sentences(text) == ["Wir beraten Nr. 5 und TOP 5.1 v. a. heute."]
    assert sentences("Er sagt es. 2 Anträge liegen vor.") == ["Er sagt es. 2 Anträge liegen vor."]


def test_an_abbreviation_before_a_capital_ends_a_sentence() -> None:
    # Known limitation, kept: drafts and answers depend on these cuts.
    assert sentences("Herr Dr. Müller spricht.") == ["Herr Dr.", "Müller spricht."]


def test_document_sentences_also_end_at_lines_and_before_numbers() -> None:
    text = (
        "Bringen Sie mit:\n- Personalausweis\n* Lichtbild\n"
        "Die Gebühr beträgt 10 Euro. 2 Wochen dauert es.\nOk"
    )
    assert sentences_and_items(text) == [
        "Bringen Sie mit:",
        "Personalausweis",
        "Lichtbild",
        "Die Gebühr beträgt 10 Euro.",
        "2 Wochen dauert es.",
    ]
    assert sentences_and_items("Gemäß § 5 Abs. 2 gilt das.") == ["Gemäß § 5 Abs.", "2 gilt das."]


def test_document_sentences_tidy_whitespace() -> None:
    assert sentences_and_items("Die   Gebühr\tbeträgt  10 Euro.") == ["Die Gebühr beträgt 10 Euro."]


def test_pieces_for_chunking_also_end_at_clauses_and_keep_their_text() -> None:
    text = "Der Antrag: Die Stadt zahlt; 3 Euro. - Punkt eins. kein Ende"
    assert sentence_pieces(text) == ["Der Antrag:", "Die Stadt zahlt;", "3 Euro.", "- Punkt eins. kein Ende"]
    assert "".join(sentence_pieces("Eins. Zwei.")) == "Eins.Zwei."
