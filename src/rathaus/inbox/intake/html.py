"""HTML e-mail made safe to show (nh3) and turned into plain text.

The sanitised HTML has no scripts, styles, event handlers, forms or frames, and no element that
loads anything by itself (images, image maps, embedded objects): showing it fetches nothing from the
sender's servers (no tracking pixels). Links stay, marked ``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

# Elements that load a resource when shown; their alternative text would be all a reader sees.
LOADING_TAGS = frozenset({"img", "area", "map"})
ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS) - LOADING_TAGS
ALLOWED_ATTRIBUTES = {
    tag: set(attributes) for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items() if tag not in LOADING_TAGS
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "hr",
        "dd",
        "dt",
        "ul",
        "ol",
        "section",
        "article",
        "header",
        "footer",
        "address",
    }
)
BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def sanitize(html: str) -> str:
    """The HTML without anything active or loading (scripts, styles, handlers, images, frames)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        clean_content_tags={"script", "style", "title", "head", "noscript", "template", "object", "iframe"},
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
    )


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag in {"td", "th"}:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(html: str) -> str:
    """The readable text of (sanitised) HTML: paragraphs on their own lines, whitespace tidied."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = [SPACES.sub(" ", line).strip() for line in "".join(collector.parts).split("\n")]
    text = "\n".join(lines)
    return BLANK_LINES.sub("\n\n", text).strip()
