"""German sentence splitters: at ``.!?`` followed by whitespace and what can start a sentence.

All of them know German abbreviations and ordinals: "Abs.", "Nr.", "z. B.", "ggf.", "bzw.", "ca.", "S.",
"Ziff.", "Dr.", a street ("Reichenaustr. 21"), an initial, "1. Januar", "§ 5 Abs. 2 Satz 1" never end a
sentence; "… 168 v. H. Die" does (after "v. H.", "usw." or "etc." a capital starts the next sentence).
:func:`plain_markdown` turns Markdown into plain lines (no ``**``, ``#`` or table pipes) before documents
are split.
"""

from __future__ import annotations

import re

# Abbreviations after which a sentence never ends (compared without spaces, case as written).
_NEVER_ENDS = (
    "Abs Nr Nrn Ziff Buchst Art Abschn Anl Kap Bd Bl lit S St Str Tel Fax Dr Prof Hr Fr Frl Dipl Ing "
    "ggf bzw ca vgl gem inkl exkl evtl sog bzgl zzgl max min mind Min Std Mio Mrd Tsd "
    "Jan Feb Apr Aug Sept Sep "
    "Okt Nov Dez Anm ff f Verf Gde Hs Pkt lfd z.B z.T z.Zt d.h u.U i.d.R i.V.m i.V i.S.d i.S.v i.H.v "
    "o.g s.o s.u u.a.m a.D"
)
# Abbreviations that end a sentence when a capital follows ("… auf 420 v. H. Die Satzung …").
_MAY_END = "v.H usw etc u.a"


def _alternation(words: str) -> str:
    parts = sorted(words.split(), key=len, reverse=True)
    return "|".join(r"\.\s?".join(map(re.escape, part.split("."))) for part in parts)


_BEFORE = r"(?:^|(?<=[\s(„\"/–-]))"
_MAY_END_RE = re.compile(rf"{_BEFORE}(?:{_alternation(_MAY_END)})\.$")
_NEVER_ENDS_RE = re.compile(
    # a listed abbreviation, a single letter (initial, "S."), an ordinal or a day ("1.", "05.12.")
    rf"{_BEFORE}(?:(?:{_alternation(_NEVER_ENDS)})|[A-Za-zÄÖÜäöü]|\d{{1,2}}(?:\.\d{{1,2}})?)\.$"
    # a street written short: "Reichenaustr. 21", "Bahnhofstr. 3"
    r"|[A-ZÄÖÜ][a-zäöüß]+str\.$"
)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ\"„(])")
# In documents a sentence may start with a number ("2 Lichtbilder …"), and each line is an item of its own.
_SENTENCE_OR_LINE_END = re.compile(r"(?<=[.!?])[^\S\n]+(?=[A-ZÄÖÜ0-9„\"(])|\n+")
# Long paragraphs are cut for chunking at clause ends too, and before a dash that opens a list item.
_PIECE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-ZÄÖÜ0-9(„\"-])")


def ends_sentence(before: str) -> bool:
    """True when ``before`` (text up to a ``.!?``) ends a sentence, i.e. not with an abbreviation."""
    tail = before[-24:]
    if not tail.endswith("."):
        return True
    if _MAY_END_RE.search(tail):
        return True
    return _NEVER_ENDS_RE.search(tail) is None


def _split(text: str, boundary: re.Pattern[str]) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in boundary.finditer(text):
        if "\n" in match.group(0) or ends_sentence(text[start : match.start()]):
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def sentences(text: str) -> list[str]:
    """A paragraph (a transcript segment) split into sentences at ``.!?`` followed by a capital letter."""
    return [part.strip() for part in _split(text.strip(), _SENTENCE_END) if part.strip()]


def sentences_and_items(text: str) -> list[str]:
    """A document split into sentences and lines, whitespace tidied, list bullets and fragments dropped."""
    parts = (re.sub(r"\s+", " ", part).strip(" -•*") for part in _split(text, _SENTENCE_OR_LINE_END))
    return [part for part in parts if len(part) > 2]


def sentence_pieces(text: str) -> list[str]:
    """``text`` cut after ``.!?;:`` where a sentence, clause or list item starts; the pieces as they are."""
    return _PIECE_END.split(text)


# --- Markdown -----------------------------------------------------------------------------------

_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_LEFTOVER_MARKS = re.compile(r"\*\*|__")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table_row(cells: list[str], header: list[str] | None) -> str:
    """A table row as one line: "Grundgebühr (€/Monat): Q3 4: 1,50 €, Q3 10: 2,00 €"."""
    values = [cell for cell in cells if cell]
    if not values:
        return ""
    if header is None or len(header) != len(cells) or header == cells:
        return " – ".join(values)
    label, *rest = cells
    names = header[1:]
    pairs = [
        f"{name}: {value}" if name and name != value else value
        for name, value in zip(names, rest, strict=True)
    ]
    body = ", ".join(pair for pair, value in zip(pairs, rest, strict=True) if value)
    return f"{label}: {body}" if label else body


def plain_markdown(text: str) -> str:
    """Markdown as plain lines: headings, emphasis, links and table pipes removed, a table row per line."""
    lines: list[str] = []
    header: list[str] | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.lstrip().startswith("|") and line.rstrip().endswith("|"):
            if _TABLE_RULE.match(line):
                continue
            cells = _cells(line)
            if header is None:
                header = cells
                lines.append(_table_row(cells, None))
            else:
                lines.append(_table_row(cells, header))
            continue
        header = None
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = _LINK.sub(r"\1", line)
        line = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", line)
        lines.append(_LEFTOVER_MARKS.sub("", line))
    return "\n".join(lines)
