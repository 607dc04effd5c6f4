"""Structure-aware chunking: § sections keep their label, tables of contents are skipped, sizes hold."""

from __future__ import annotations

from rathaus.assistant.chunking import chunk_markdown, chunk_service
from rathaus.assistant.sources import parse_markdown
from tests.conftest import shared_data

BYLAW = """# Hundesteuersatzung

## Inhaltsverzeichnis

- § 1 Steuergegenstand
- § 5 Hundesteuersatz

### § 1 Steuergegenstand

(1) Die Gemeinde erhebt die Hundesteuer nach dieser Satzung.

### § 5 Hundesteuersatz

(1) Die Steuer beträgt für jeden Hund 120 Euro im Jahr.

(2) Für Kampfhunde beträgt sie 600 Euro.
"""


def test_bylaw_sections_become_chunks_with_their_paragraph_label() -> None:
    chunks = chunk_markdown(BYLAW, title="Hundesteuersatzung")

    assert [chunk.section for chunk in chunks] == ["§ 1 Steuergegenstand", "§ 5 Hundesteuersatz"]
    assert "120 Euro" in chunks[1].text
    assert "600 Euro" in chunks[1].text
    assert all("Inhaltsverzeichnis" not in chunk.text for chunk in chunks)


def test_long_sections_are_split_at_sentences_within_the_limit() -> None:
    sentence = "Die Benutzung der Anlage ist nur zu den festgesetzten Zeiten gestattet. "
    chunks = chunk_markdown("## § 3 Benutzung\n\n" + sentence * 60, max_chars=400)

    assert len(chunks) > 5
    assert all(len(chunk.text) <= 400 and chunk.section == "§ 3 Benutzung" for chunk in chunks)
    assert all(chunk.text.endswith("gestattet.") for chunk in chunks)


def test_nested_headings_form_a_path() -> None:
    chunks = chunk_markdown(
        "# Bürgerbüro\n\n## Öffnungszeiten\n\n### Samstag\n\nGeschlossen.", title="Bürgerbüro"
    )
    assert chunks[0].section == "Öffnungszeiten › Samstag"


def test_services_are_chunked_by_fact_group() -> None:
    chunks = chunk_service(
        title="Personalausweis beantragen",
        description="Sie brauchen einen neuen Ausweis.",
        meta={
            "fees": "37 Euro",
            "duration_minutes": 15,
            "documents": ["Biometrisches Passfoto"],
            "keywords": ["Perso"],
            "locations": [{"name": "Bürgerbüro Mitte", "address": "Hauptstr. 1"}],
        },
    )
    sections = {chunk.section: chunk.text for chunk in chunks}
    assert list(sections) == [
        "Beschreibung",
        "Kosten und Dauer",
        "Unterlagen und Formulare",
        "Standorte und Termine",
    ]
    assert "Stichworte: Perso" in sections["Beschreibung"]
    assert "37 Euro" in sections["Kosten und Dauer"]
    assert "15 Minuten" in sections["Kosten und Dauer"]
    assert "Passfoto" in sections["Unterlagen und Formulare"]


def test_a_real_bylaw_keeps_its_paragraphs() -> None:
    path = shared_data("bylaws_bw", "Lkr_GP", "ABG", "ABG_Satzung_Hundesteuer.md")
    source = parse_markdown(path.read_text(encoding="utf-8"), name="ABG_Satzung_Hundesteuer.md")
    chunks = chunk_markdown(source.body, title=source.title)

    sections = [chunk.section for chunk in chunks]
    assert "§ 5 Steuersatz" in sections
    assert "§ 10 Anzeigepflicht" in sections
    assert all(len(chunk.text) <= 1200 for chunk in chunks)
    assert not any(
        chunk.text.startswith("- § 1 Steuergegenstand") for chunk in chunks
    )  # no table of contents
