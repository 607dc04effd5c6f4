"""Reading knowledge sources: service JSON, by-laws with front matter, documents, FAQ and web pages.

Every reader returns ``SourceInput`` values (plain data, nothing stored). A file that cannot be read
becomes a ``SourceInput`` with ``error`` set, so the editor sees it on the source while the rest
indexes.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import yaml  # type: ignore[import-untyped]

from rathaus.assistant.models import SourceKind
from rathaus.core.text.encoding import UndecodableTextError, decode_best_effort, decode_upload

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
BYLAW_KINDS = {"satzung", "verordnung", "polizeiverordnung", "ordnung", "richtlinie", "geschaeftsordnung"}
DROPPED_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template")
FRONT_MATTER_FACTS = frozenset(
    {"gemeinde", "kreis", "land", "rechtsnatur", "stand", "gueltig_ab", "erlassen_am", "quelle"}
)
DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx", ".json")


class SourceReadError(ValueError):
    """A file or page that cannot be read as a knowledge source (message in German)."""


@dataclass
class SourceInput:
    """One source as read, before it is stored."""

    kind: str
    title: str
    body: str = ""
    url: str | None = None
    external_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    municipality: str | None = None  # None: the tenant's own (see rathaus.assistant.scope)
    district: str | None = None
    shared: bool = False


# -- HTML ------------------------------------------------------------------------------------


def _text_of(element: Any) -> str:
    return re.sub(r"\s+", " ", element.text_content() or "").strip()


def html_to_markdown(html: str) -> tuple[str, str]:
    """The title and the main text of an HTML page as Markdown (headings, paragraphs, list items)."""
    import lxml.html  # type: ignore[import-untyped]  # noqa: PLC0415

    if not html.strip():
        return "", ""
    root = lxml.html.fromstring(html)
    title = ""
    for found in root.xpath("//title"):
        title = _text_of(found)
        break
    for tag in DROPPED_TAGS:
        for element in root.xpath(f"//{tag}"):
            element.drop_tree()
    main = next(iter(root.xpath("//main") or root.xpath("//article") or root.xpath("//body")), root)
    lines: list[str] = []
    for element in main.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "td", "pre"):
        parent = element.getparent()
        if element.tag in {"p", "li", "dd", "td"} and parent is not None and parent.tag in {"li", "td"}:
            continue
        text = _text_of(element)
        if not text:
            continue
        if element.tag[0] == "h" and element.tag[1:].isdigit():
            lines.append(f"{'#' * int(element.tag[1:])} {text}")
            if not title and element.tag == "h1":
                title = text
        elif element.tag == "li":
            lines.append(f"- {text}")
        else:
            lines.append(text)
    if not lines:
        text = _text_of(main)
        lines = [text] if text else []
    return title, "\n\n".join(lines)


LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
BREAK_MARK = "\u2424"  # not whitespace, so it survives the tidying of each element's text
BREAK_LINES = re.compile(rf"\s*(?:{BREAK_MARK}\s*)+")


def html_fragment_text(html: str) -> str:
    """Plain text of an HTML fragment (service descriptions, fees), paragraphs and line breaks kept.

    A ``<br>`` becomes a line break, so "56 Euro<br>12 Monate" stays two lines ("56 Euro12 Monate" never).
    """
    if "<" not in html:
        return html.strip()
    text = html_to_markdown(f"<html><body>{LINE_BREAK.sub(BREAK_MARK, html)}</body></html>")[1]
    lines = BREAK_LINES.sub("\n", text.replace("\u200b", ""))
    return "\n".join(line.strip() for line in lines.splitlines()).strip()


# -- Munich service JSON ---------------------------------------------------------------------


def _location_index(locations: dict[str, Any] | list[Any] | None) -> dict[str, dict[str, str]]:
    rows = locations.get("data", []) if isinstance(locations, dict) else (locations or [])
    index: dict[str, dict[str, str]] = {}
    for row in rows:
        address = row.get("address") or {}
        street = f"{address.get('street', '')} {address.get('house_number', '')}".strip()
        city = f"{address.get('postal_code', '')} {address.get('city', '')}".strip()
        contact = row.get("contact") or {}
        index[str(row.get("id"))] = {
            "name": str(row.get("displayName") or row.get("name") or ""),
            "address": ", ".join(part for part in (street, city) if part),
            "phone": str(contact.get("phone") or ""),
            "email": str(contact.get("email") or ""),
        }
    return index


def _keywords(service: dict[str, Any]) -> list[str]:
    raw = (service.get("meta") or {}).get("keywords") or service.get("keywords") or ""
    items = raw if isinstance(raw, list) else str(raw).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def parse_services(
    data: dict[str, Any] | list[Any],
    *,
    locations: dict[str, Any] | list[Any] | None = None,
    include_keywords: bool = True,
    municipality: str | None = None,
) -> list[SourceInput]:
    """Service descriptions in the shape of the Munich service export (``{"data": [...]}``).

    ``municipality`` is the one that offers them (None: the importing tenant's).
    """
    rows = data.get("data", []) if isinstance(data, dict) else data
    places = _location_index(locations)
    found: list[SourceInput] = []
    for row in rows:
        if not isinstance(row, dict) or not row.get("name"):
            continue
        service_id = str(row.get("id", ""))
        appointment = (row.get("appointment") or {}).get("link") or ""
        meta: dict[str, Any] = {
            "service_id": service_id,
            "leika": row.get("leika") or None,
            "fees": html_fragment_text(str(row.get("fees") or "")) or None,
            "duration_minutes": row.get("duration") or None,
            "forms": [
                {"name": str(item.get("name", "")), "link": str(item.get("link", ""))}
                for item in [*(row.get("forms") or []), *(row.get("links") or [])]
                if isinstance(item, dict) and item.get("name")
            ],
            "locations": [
                places[str(item.get("location"))]
                for item in row.get("locations") or []
                if str(item.get("location")) in places
            ],
            "appointment_url": appointment.replace("{serviceId}", service_id) or None,
        }
        if include_keywords:
            meta["keywords"] = _keywords(row)
        found.append(
            SourceInput(
                kind=SourceKind.SERVICE.value,
                title=str(row["name"]).strip(),
                body=html_fragment_text(str(row.get("description") or "")),
                url=meta["appointment_url"],
                external_id=f"service:{service_id}",
                meta={key: value for key, value in meta.items() if value not in (None, [], "")},
                municipality=municipality,
            )
        )
    return found


# -- Markdown, by-laws and documents ----------------------------------------------------------


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The YAML front matter (``---`` block) and the rest of a Markdown text."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        return {}, text
    return (data if isinstance(data, dict) else {}), text[match.end() :]


def _first_heading(body: str) -> str:
    match = re.search(r"^#{1,3}\s+(.+)$", body, re.MULTILINE)
    return match.group(1).strip() if match else ""


def parse_markdown(text: str, *, name: str) -> SourceInput:
    """A Markdown document; with front matter of a by-law (``rechtsnatur``) it becomes a by-law."""
    front, body = split_front_matter(text)
    title = str(
        front.get("titel") or front.get("title") or _first_heading(body) or PurePath(name).stem
    ).strip()
    place = str(front.get("gemeinde") or "").strip()
    district = str(front.get("kreis") or "").strip() or None
    if not place and front.get("ebene") == "kreis" and district:
        place = f"Landkreis {district}"
    # An association's own by-law names no town; a town's by-law may name the association it belongs to.
    association = "" if place else str(front.get("verband") or "").strip()
    owner = place or association  # a town, a Landkreis or an association
    if owner and max(owner.split(), key=len).lower() not in title.lower():
        title = f"{title} ({owner})"  # many by-laws do not name their municipality in the title
    nature = str(front.get("rechtsnatur") or "").lower()
    kind = SourceKind.BYLAW if nature in BYLAW_KINDS or front.get("titel") else SourceKind.DOCUMENT
    meta = {
        key: str(value)
        for key, value in front.items()
        if key in FRONT_MATTER_FACTS and value not in (None, "")
    }
    if association:
        meta["verband"] = association
    url = front.get("url")
    # A by-law of a Zweckverband or of the Land names no town: it holds in its Landkreis.
    municipality = place or (f"Landkreis {district}" if district else None)
    return SourceInput(
        kind=kind.value,
        title=title.strip(),
        body=body.strip(),
        url=str(url) if url else None,
        external_id=f"file:{name}",
        meta=meta,
        municipality=municipality,
        district=district,
        shared=str(front.get("gilt_ueberall") or "").lower() in {"true", "ja", "1"},
    )


def _pdf_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text  # noqa: PLC0415 - pdfminer is slow to import

    try:
        text = extract_text(io.BytesIO(data))
    except Exception as error:
        raise SourceReadError(f"Die PDF-Datei ließ sich nicht lesen ({type(error).__name__}).") from error
    if not text.strip():
        raise SourceReadError(
            "Die PDF-Datei enthält keinen Text (gescannt?). Bitte zuerst mit OCR verarbeiten."
        )
    paragraphs = [re.sub(r"\s*\n\s*", " ", part).strip() for part in re.split(r"\n\s*\n", text)]
    return "\n\n".join(part for part in paragraphs if part)


def _docx_text(data: bytes) -> tuple[str, str]:
    import docx  # noqa: PLC0415 - python-docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:
        raise SourceReadError(f"Die Word-Datei ließ sich nicht lesen ({type(error).__name__}).") from error
    lines: list[str] = []
    title = str(document.core_properties.title or "")
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = re.search(r"(\d+)$", style)
        if style.startswith(("Heading", "Überschrift")) and level:
            lines.append(f"{'#' * min(6, int(level.group(1)))} {text}")
            title = title or text
        elif style == "Title":
            title = title or text
        else:
            lines.append(text)
    return title, "\n\n".join(lines)


def parse_file(name: str, data: bytes) -> list[SourceInput]:
    """Sources in an uploaded file: Markdown, text, HTML, PDF, DOCX or a service JSON export.

    A file that cannot be read yields one source with ``error`` set.
    """
    suffix = PurePath(name).suffix.lower()
    try:
        if suffix not in DOCUMENT_SUFFIXES:
            raise SourceReadError(f"Dateityp {suffix or '(ohne Endung)'} wird nicht unterstützt.")
        if suffix == ".json":
            try:
                payload = json.loads(decode_upload(data, what="Die JSON-Datei"))
            except UndecodableTextError as error:
                raise SourceReadError(str(error)) from error
            except json.JSONDecodeError as error:
                raise SourceReadError(f"Die JSON-Datei ist fehlerhaft ({error}).") from error
            services = parse_services(payload)
            if not services:
                raise SourceReadError(
                    "Die JSON-Datei enthält keine Dienstleistungen (erwartet: data[].name)."
                )
            return services
        if suffix == ".pdf":
            body = _pdf_text(data)
            return [
                SourceInput(
                    kind=SourceKind.DOCUMENT.value,
                    title=PurePath(name).stem,
                    body=body,
                    external_id=f"file:{name}",
                )
            ]
        if suffix == ".docx":
            title, body = _docx_text(data)
            return [
                SourceInput(
                    kind=SourceKind.DOCUMENT.value,
                    title=title or PurePath(name).stem,
                    body=body,
                    external_id=f"file:{name}",
                )
            ]
        try:
            text = decode_upload(data, what=f"Die Datei „{PurePath(name).name}“")
        except UndecodableTextError as error:
            raise SourceReadError(str(error)) from error
        if suffix in {".html", ".htm"}:
            title, body = html_to_markdown(text)
            return [
                SourceInput(
                    kind=SourceKind.DOCUMENT.value,
                    title=title or PurePath(name).stem,
                    body=body,
                    external_id=f"file:{name}",
                )
            ]
        return [parse_markdown(text, name=name)]
    except SourceReadError as error:
        return [
            SourceInput(
                kind=SourceKind.DOCUMENT.value,
                title=PurePath(name).name,
                external_id=f"file:{name}",
                error=str(error),
            )
        ]


def faq_entry(*, question: str, answer: str) -> SourceInput:
    """An FAQ entry written by an editor."""
    return SourceInput(kind=SourceKind.FAQ.value, title=question.strip(), body=answer.strip())


# -- web pages ---------------------------------------------------------------------------------


def sitemap_urls(xml: bytes | str) -> list[str]:
    """The page addresses (``<loc>``) of a sitemap; nested sitemap indexes are returned as they are."""
    text = decode_best_effort(xml) if isinstance(xml, bytes) else xml
    return [url.strip() for url in re.findall(r"<loc>\s*([^<]+?)\s*</loc>", text)]


def fetch_pages(urls: Iterable[str], *, timeout: float = 15.0, max_pages: int = 500) -> list[SourceInput]:
    """Fetch web pages (a sitemap URL expands to its pages); unreachable pages come back with an error."""
    import httpx  # noqa: PLC0415

    found: list[SourceInput] = []
    queue = [url.strip() for url in urls if url.strip()]
    seen: set[str] = set()
    with httpx.Client(
        timeout=timeout, follow_redirects=True, headers={"User-Agent": "Rathaus-Assistent/0.1"}
    ) as client:
        while queue and len(found) < max_pages:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            try:
                response = client.get(url)
                response.raise_for_status()
            except httpx.HTTPError as error:
                found.append(
                    SourceInput(
                        kind=SourceKind.WEBPAGE.value,
                        title=url,
                        url=url,
                        external_id=f"url:{url}",
                        error=f"Die Seite ließ sich nicht abrufen ({type(error).__name__}: {error}).",
                    )
                )
                continue
            content_type = response.headers.get("content-type", "")
            if "xml" in content_type or url.endswith(".xml"):
                queue.extend(sitemap_urls(response.content))
                continue
            title, body = html_to_markdown(response.text)
            found.append(
                SourceInput(
                    kind=SourceKind.WEBPAGE.value,
                    title=title or url,
                    body=body,
                    url=url,
                    external_id=f"url:{url}",
                )
            )
    return found
