"""The sentence splitters: transcripts, documents (sentences and lines), and pieces for chunking."""

from __future__ import annotations

from rathaus.core.text.sentences import (
    ends_sentence,
    plain_markdown,
    sentence_pieces,
    sentences,
    sentences_and_items,
)


def test_transcript_sentences_end_before_a_capital_a_quote_or_a_bracket() -> None:
    text = "Das ist gut! Wir stimmen ab. „Ja“, sagt er. (Beifall) Danke?"
    assert sentences(text) == ["Das ist gut!", "Wir stimmen ab.", "„Ja“, sagt er.", "(Beifall) Danke?"]


def test_transcript_sentences_hold_together_before_a_digit_or_a_lower_case_word() -> None:
    text = "Wir beraten Nr. 5 und TOP 5.1 v. a. heute.   "
    assert sentences(text) == ["Wir beraten Nr. 5 und TOP 5.1 v. a. heute."]
    assert sentences("Er sagt es. 2 Anträge liegen vor.") == ["Er sagt es. 2 Anträge liegen vor."]


def test_abbreviations_ordinals_and_dates_do_not_end_a_sentence() -> None:
    assert sentences("Herr Dr. Müller spricht. Ja.") == ["Herr Dr. Müller spricht.", "Ja."]
    text = "Nach § 5 Abs. 2 Satz 1 gilt ab 1. Januar z. B. Nr. 3 bzw. ggf. ca. 4 Hunde, s. S. 7 Ziff. 2 gilt."
    text += " Fertig."
    assert sentences_and_items(text) == [text[: -len(" Fertig.")], "Fertig."]
    assert sentences_and_items("Beschluss vom 05. Dezember 1996. Im Jahr 2020. Neu") == [
        "Beschluss vom 05. Dezember 1996.",
        "Im Jahr 2020.",
        "Neu",
    ]


def test_v_h_usw_and_etc_end_a_sentence_before_a_capital() -> None:
    text = "Der Hebesatz der Grundsteuer B beträgt 168 v. H. Die Satzung gilt usw. Dann etc. Ende"
    assert sentences_and_items(text) == [
        "Der Hebesatz der Grundsteuer B beträgt 168 v. H.",
        "Die Satzung gilt usw.",
        "Dann etc.",
        "Ende",
    ]
    assert ends_sentence("beträgt 168 v. H.")
    assert not ends_sentence("siehe z. B.")


def test_markdown_becomes_plain_lines_with_a_table_row_per_line() -> None:
    text = (
        "### § 5 Steuersatz\n*(Fassung vom 1.1.2022)*\n**(1)** Die Steuer **beträgt** 5 €.\n"
        "| Zähler | Q3 4 | Q3 10 |\n|---|---|---|\n| Grundgebühr (€/Monat) | 1,50 € | 2,00 € |\n"
        "Siehe [Seite](http://example.org)."
    )
    assert plain_markdown(text).splitlines() == [
        "§ 5 Steuersatz",
        "(Fassung vom 1.1.2022)",
        "(1) Die Steuer beträgt 5 €.",
        "Zähler – Q3 4 – Q3 10",
        "Grundgebühr (€/Monat): Q3 4: 1,50 €, Q3 10: 2,00 €",
        "Siehe Seite.",
    ]


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
    assert sentences_and_items("Gemäß § 5 Abs. 2 gilt das.") == ["Gemäß § 5 Abs. 2 gilt das."]
    # a street written short keeps its house number
    assert sentences_and_items("Das Forum liegt in der Reichenaustr. 21 am Hafen. Es ist neu.") == [
        "Das Forum liegt in der Reichenaustr. 21 am Hafen.",
        "Es ist neu.",
    ]


def test_document_sentences_tidy_whitespace() -> None:
    assert sentences_and_items("Die   Gebühr\tbeträgt  10 Euro.") == ["Die Gebühr beträgt 10 Euro."]


def test_pieces_for_chunking_also_end_at_clauses_and_keep_their_text() -> None:
    text = "Der Antrag: Die Stadt zahlt; 3 Euro. - Punkt eins. kein Ende"
    assert sentence_pieces(text) == ["Der Antrag:", "Die Stadt zahlt;", "3 Euro.", "- Punkt eins. kein Ende"]
    assert "".join(sentence_pieces("Eins. Zwei.")) == "Eins.Zwei."
