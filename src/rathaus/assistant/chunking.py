"""Structure-aware chunking: headings, paragraphs and § sections; services by fact group.

A chunk never spans two sections, so a citation names exactly one heading (for by-laws the
paragraph: "§ 5 Steuersatz"). Paragraphs of a section are packed up to ``max_chars``; a longer
paragraph is cut at sentence ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rathaus.core.text.sentences import sentence_pieces

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
BOLD_PARAGRAPH = re.compile(r"^\*\*\s*((?:§|Art\.?|Artikel)\s*\d+[a-z]?\b.*?)\s*\*\*$")
PLAIN_PARAGRAPH = re.compile(r"^((?:§|Art\.|Artikel)\s*\d+[a-z]?\s+[^.]{2,100})$")
SKIPPED_SECTIONS = {"inhaltsverzeichnis", "inhaltsübersicht", "inhalt", "übersicht"}
SECTION_SEP = " › "


@dataclass(frozen=True)
class ChunkDraft:
    """A passage before it is stored: its section label and text."""

    section: str
    text: str


def _section_label(path: list[str]) -> str:
    for index, heading in enumerate(path):
        if heading.startswith(("§", "Art")):
            return SECTION_SEP.join(path[index:])
    return SECTION_SEP.join(path[-2:])


def _split_long(paragraph: str, max_chars: int) -> list[str]:
    if len(paragraph) <= max_chars:
        return [paragraph]
    pieces: list[str] = []
    current = ""
    for found in sentence_pieces(paragraph):
        sentence = found
        while len(sentence) > max_chars:  # one endless sentence: cut at a space
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return [piece for piece in pieces if piece]


def _pack(paragraphs: list[str], max_chars: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for paragraph in paragraphs:
        for piece in _split_long(paragraph, max_chars):
            if current and len(current) + 2 + len(piece) > max_chars:
                chunks.append(current)
                current = piece
            else:
                current = f"{current}\n\n{piece}" if current else piece
    if current:
        chunks.append(current)
    return chunks


def _heading_of(line: str) -> tuple[int, str] | None:
    match = HEADING.match(line)
    if match:
        return len(match.group(1)), match.group(2).strip().strip("*").strip()
    match = BOLD_PARAGRAPH.match(line) or PLAIN_PARAGRAPH.match(line)
    if match:
        return 7, match.group(1).strip()
    return None


def chunk_markdown(text: str, *, title: str = "", max_chars: int = 1200) -> list[ChunkDraft]:  # noqa: C901
    """Chunks of a Markdown text along its headings, § sections and paragraphs."""
    sections: list[tuple[list[str], list[str]]] = []
    path: list[tuple[int, str]] = []
    paragraphs: list[str] = []
    block: list[str] = []
    skipping = [False]

    def end_block() -> None:
        if block:
            paragraphs.append("\n".join(block).strip())
            block.clear()

    def end_section() -> None:
        end_block()
        if paragraphs and not skipping[0]:
            sections.append(([name for _level, name in path], list(paragraphs)))
        paragraphs.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        heading = _heading_of(line.strip())
        if heading is not None:
            end_section()
            level, name = heading
            skipping[0] = name.lower().strip(" :") in SKIPPED_SECTIONS
            while path and path[-1][0] >= level:
                path.pop()
            if skipping[0]:
                continue
            if not (level == 1 and title and name.strip().lower() == title.strip().lower()):
                path.append((level, name))
            continue
        if not line.strip():
            end_block()
            continue
        block.append(line.strip())
    end_section()

    drafts: list[ChunkDraft] = []
    for labels, body in sections:
        section = _section_label(labels)
        for piece in _pack([p for p in body if p], max_chars):
            drafts.append(ChunkDraft(section=section, text=piece))
    return drafts


def _join(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items if item)


# The label of a service's appointment length in its facts chunk.
APPOINTMENT_LENGTH = "Dauer des Termins"


def service_fact_groups(meta: dict[str, Any]) -> list[tuple[str, str]]:
    """The fact groups of a service description as (section, text), without the description."""
    groups: list[tuple[str, str]] = []
    costs = []
    if meta.get("fees"):
        costs.append(f"Gebühren: {meta['fees']}")
    if meta.get("duration_minutes"):
        costs.append(f"{APPOINTMENT_LENGTH}: etwa {meta['duration_minutes']} Minuten")
    if meta.get("processing_time"):
        costs.append(f"Bearbeitungsdauer: {meta['processing_time']}")
    if costs:
        groups.append(("Kosten und Dauer", "\n".join(costs)))
    documents = [str(item) for item in meta.get("documents", [])]
    forms = [str(form.get("name", "")) for form in meta.get("forms", []) if isinstance(form, dict)]
    if documents or forms:
        parts = []
        if documents:
            parts.append("Mitzubringende Unterlagen:\n" + _join(documents))
        if forms:
            parts.append("Formulare und Links:\n" + _join(forms))
        groups.append(("Unterlagen und Formulare", "\n\n".join(parts)))
    places = []
    for location in meta.get("locations", []):
        if isinstance(location, dict) and location.get("name"):
            address = location.get("address") or ""
            places.append(f"{location['name']}{', ' + address if address else ''}")
    if places or meta.get("appointment_url"):
        text = "Zuständige Stellen:\n" + _join(places) if places else ""
        if meta.get("appointment_url"):
            text = f"{text}\n\nTermin vereinbaren: {meta['appointment_url']}".strip()
        groups.append(("Standorte und Termine", text))
    return groups


def chunk_service(
    *, title: str, description: str, meta: dict[str, Any], max_chars: int = 1200
) -> list[ChunkDraft]:
    """One chunk per fact group of a service: description (with keywords), costs, documents, places."""
    intro = description.strip()
    keywords = [str(word) for word in meta.get("keywords", [])]
    if keywords:
        intro = f"{intro}\n\nStichworte: {', '.join(keywords)}".strip()
    paragraphs = [part.strip() for part in intro.split("\n\n") if part.strip()]
    drafts = [ChunkDraft(section="Beschreibung", text=piece) for piece in _pack(paragraphs, max_chars)]
    for section, text in service_fact_groups(meta):
        drafts.extend(ChunkDraft(section=section, text=piece) for piece in _pack([text], max_chars))
    return drafts
