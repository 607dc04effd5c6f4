"""Uploaded text files to ``str``, never garbled: the one decoder of every CSV/text import in Rathaus.

Spreadsheet exports arrive in whatever the office program chose: UTF-8 with or without a byte order
mark, Windows-1252 from Excel on German Windows ("CSV (Trennzeichen-getrennt)"), Latin-1 or
ISO-8859-15 from older systems, UTF-16 from Excel's "Unicode-Text", occasionally DOS (cp850) or old
Mac (Mac Roman) files. Decoding them as UTF-8 with ``errors="replace"`` stored names like
"Florian B\ufffdhnemann" in official records. The rules here:

1. a byte order mark decides (UTF-8, UTF-16, UTF-32);
2. valid UTF-8 wins (pure ASCII included); text that was UTF-8-encoded twice ("BÃ¼hnemann") is repaired;
3. otherwise the legacy code pages are tried and judged by where their non-ASCII characters stand:
   a letter in a word is plausible, a symbol in the middle of a word ("M„rz", "B³hnemann") or a
   capital inside a lower-case word ("BŸhnemann") is not. ``charset-normalizer``'s mess measure
   breaks ties on longer files and finds UTF-16 without a byte order mark;
4. binary data, text that already holds the replacement character U+FFFD, and input that no rule
   decides are refused with a German message (:class:`UndecodableTextError`). No returned text ever
   contains U+FFFD.

Windows-1252 and Latin-1 differ only in the bytes 0x80–0x9F, which are printable characters ("€", "„",
"–") in Windows-1252 and invisible control codes in Latin-1: such bytes are always read as Windows-1252.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

REPLACEMENT = "\ufffd"
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
LEGACY = ("cp1252", "iso8859_15", "cp850", "mac_roman")
LEGACY_NAMES = {
    "cp1252": "Windows-1252 (Latin-1)",
    "iso8859_15": "ISO-8859-15",
    "cp850": "DOS (cp850)",
    "mac_roman": "Mac Roman",
}
ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
COMMON = frozenset("äöüÄÖÜß€„“”‚‘’–—…°§")  # what German text has; breaks ties between code pages
# the second byte of a UTF-8 sequence read as Windows-1252: "Ã¼" for "ü", "â€ž" for "„"
DOUBLE_ENCODED = re.compile("[ÂÃÄÅ][\u00a0-\u00bf\u0152-\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|â€")
HELP = (
    "Bitte speichern Sie die Datei als „CSV UTF-8“ (in Excel: Speichern unter → Dateityp „CSV UTF-8“) "
    "und laden Sie sie erneut hoch."
)


class UndecodableTextError(ValueError):
    """An upload that is not text or whose encoding cannot be decided; the message is German."""


@dataclass(frozen=True)
class DecodedText:
    """The text of an upload and how it was read (``encoding`` is a Python codec name)."""

    text: str
    encoding: str
    repaired: bool = False

    @property
    def label(self) -> str:
        """The encoding as people know it, for notices and audit details."""
        if self.encoding.startswith("utf"):
            return self.encoding.replace("-sig", "").upper() + (
                " (doppelt kodiert, repariert)" if self.repaired else ""
            )
        return LEGACY_NAMES.get(self.encoding, self.encoding)


def decode_upload(data: bytes, *, what: str) -> str:
    """The text of an uploaded file; ``what`` names it in the German error, e.g. ``"Die Abstimmungsdatei"``.

    >>> decode_upload("Florian Bühnemann;SPD".encode("cp1252"), what="Die Datei")
    'Florian Bühnemann;SPD'
    """
    return decode_upload_detail(data, what=what).text


def decode_upload_detail(data: bytes, *, what: str) -> DecodedText:
    """Like :func:`decode_upload`, also saying which encoding was found (for audit details)."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return _checked(DecodedText(data.decode(codec), codec.replace("-sig", "")), what=what)
            except UnicodeDecodeError:
                name = codec.upper().replace("-SIG", "")
                raise UndecodableTextError(
                    f"{what} beginnt wie eine {name}-Datei, ist aber beschädigt. {HELP}"
                ) from None
    if b"\x00" in data:  # UTF-16/32 without a byte order mark, or binary
        wide = _wide(data)
        if wide is None:
            raise UndecodableTextError(f"{what} ist keine Textdatei (sie enthält Binärdaten).")
        return _checked(wide, what=what)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _checked(_legacy(data, what=what), what=what)
    return _checked(_repair_double(text), what=what)


def check_text(text: str, *, what: str) -> str:
    """Typed or pasted text as it is, refused when it already holds U+FFFD (copied from a garbled source)."""
    return _checked(DecodedText(text, "utf-8"), what=what).text


def decode_best_effort(data: bytes) -> str:
    """Text for places that cannot refuse (the body of a received e-mail): the detected encoding, or
    Windows-1252/Latin-1 byte for byte; control characters are dropped, never a U+FFFD is produced.
    """
    try:
        return decode_upload(data, what="Der Text")
    except UndecodableTextError:
        text = data.decode("cp1252", errors="ignore") if _cp1252_defined(data) else data.decode("latin-1")
        return "".join(
            char
            for char in text.replace(REPLACEMENT, "")
            if char in ALLOWED_CONTROLS or unicodedata.category(char) != "Cc"
        )


def _cp1252_defined(data: bytes) -> bool:
    return not any(byte in data for byte in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def _checked(decoded: DecodedText, *, what: str) -> DecodedText:
    text = decoded.text
    if REPLACEMENT in text:
        raise UndecodableTextError(
            f"{what} enthält bereits unlesbare Zeichen („{REPLACEMENT}“), etwa in "
            f"„{_around(text, text.index(REPLACEMENT))}“: "
            "Sie wurde vermutlich schon einmal falsch umgewandelt. Bitte exportieren Sie sie neu aus dem "
            "Ursprungssystem."
        )
    if any(_is_control(char) for char in text):
        raise UndecodableTextError(f"{what} ist keine Textdatei (sie enthält Steuer- oder Binärzeichen).")
    return decoded


def _is_control(char: str) -> bool:
    if char in ALLOWED_CONTROLS or char == "\x1a":  # 0x1A: end-of-file mark of old DOS tools
        return False
    return unicodedata.category(char) == "Cc"


def _around(text: str, index: int) -> str:
    return text[max(0, index - 15) : index + 15].replace("\n", " ").strip()


def _repair_double(text: str) -> DecodedText:
    """UTF-8 that was read as Windows-1252 and saved as UTF-8 again ("BÃ¼hnemann") back to "Bühnemann"."""
    if not DOUBLE_ENCODED.search(text):
        return DecodedText(text, "utf-8")
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return DecodedText(text, "utf-8")
    return DecodedText(repaired, "utf-8", repaired=True)


def _legacy(data: bytes, *, what: str) -> DecodedText:
    scored: list[tuple[int, int, float, int, str, str]] = []
    chaos = _chaos(data)
    for order, codec in enumerate(LEGACY):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if any(_is_control(char) for char in text if ord(char) >= 0x80):
            continue
        common = sum(char in COMMON for char in text)
        scored.append((_oddities(text), -common, chaos.get(codec, 1.0), order, codec, text))
    if not scored:
        raise UndecodableTextError(f"{what} ist keine lesbare Textdatei. {HELP}")
    scored.sort()
    best = scored[0]
    tied = [entry for entry in scored[1:] if entry[:3] == best[:3] and entry[5] != best[5]]
    tolerated = max(2, sum(ord(char) >= 0x80 for char in best[5]) // 4)
    if tied or best[0] > tolerated:
        example = _first_non_ascii(best[5])
        raise UndecodableTextError(
            f"{what} ist in einer Zeichenkodierung gespeichert, die sich nicht sicher erkennen lässt "
            f"(etwa bei „{example}“). Damit keine Namen verfälscht gespeichert werden, wurde nichts "
            f"übernommen. {HELP}"
        )
    return DecodedText(best[5], best[4])


def _wide(data: bytes) -> DecodedText | None:
    """UTF-16 or UTF-32 without a byte order mark (found by charset-normalizer)."""
    from charset_normalizer import from_bytes  # noqa: PLC0415

    match = from_bytes(data, cp_isolation=["utf_16", "utf_16_le", "utf_16_be", "utf_32"]).best()
    if match is None:
        return None
    return DecodedText(str(match), match.encoding.replace("_", "-"))


def _chaos(data: bytes) -> dict[str, float]:
    """charset-normalizer's mess ratio per legacy code page (0 = clean); meaningful on longer files."""
    from charset_normalizer import from_bytes  # noqa: PLC0415

    return {match.encoding: match.chaos for match in from_bytes(data, cp_isolation=list(LEGACY))}


def _oddities(text: str) -> int:
    """Non-ASCII characters that do not fit where they stand in German text."""
    odd = 0
    for index, char in enumerate(text):
        if ord(char) < 0x80:
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char.isalpha():
            inside_lower = before.isalpha() and after.isalpha() and after.islower()
            if (char.isupper() and inside_lower) or char in "ƒªº":
                odd += 1
        elif char == "¤" or (before.isalpha() and after.isalpha() and char not in "’´`·\u00ad"):
            odd += 1
    return odd


def _first_non_ascii(text: str) -> str:
    index = next((i for i, char in enumerate(text) if ord(char) >= 0x80), 0)
    return _around(text, index)
