"""Checks for uploaded files: safe names, real content types, size limits (also for whole requests).

The content type of an upload is what its bytes are, never what the browser claims: the first bytes
are sniffed with ``filetype``; text is accepted only when no binary signature matches and the whole
file decodes as UTF-8 (or Windows-1252) without control characters.
"""

from __future__ import annotations

import codecs
import json
import mimetypes
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

import filetype
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_NAME_CHARS = 180
SNIFF_BYTES = 8192
FORM_OVERHEAD = 1024 * 1024  # multipart boundaries and the other fields of an upload form

PNG = "image/png"
JPEG = "image/jpeg"
PDF = "application/pdf"
IMAGE_TYPES = frozenset({PNG, JPEG})

TYPE_LABELS = {
    PNG: "PNG-Bild",
    JPEG: "JPEG-Bild",
    PDF: "PDF-Dokument",
    "image/tiff": "TIFF-Bild",
    "image/gif": "GIF-Bild",
    "image/webp": "WebP-Bild",
    "text/plain": "Textdatei",
    "text/csv": "CSV-Tabelle",
    "text/markdown": "Markdown-Text",
    "application/json": "JSON-Datei",
    "message/rfc822": "E-Mail (EML)",
    "audio/mpeg": "MP3-Audio",
    "audio/x-wav": "WAV-Audio",
    "audio/mp4": "M4A-Audio",
    "audio/ogg": "Ogg-Audio",
    "audio/x-flac": "FLAC-Audio",
    "video/mp4": "MP4-Video",
    "video/webm": "WebM-Video",
    "application/zip": "ZIP-Archiv",
    "application/x-msdownload": "Windows-Programm",
    "application/x-executable": "Programm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word-Dokument (DOCX)",
    "application/vnd.oasis.opendocument.text": "OpenDocument-Text (ODT)",
}

# Extensions per media type; types missing here fall back to the ``mimetypes`` table.
EXTENSIONS = {
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg", ".jpe", ".jfif"),
    PDF: (".pdf",),
    "image/tiff": (".tif", ".tiff"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "text/plain": (".txt", ".text", ".log"),
    "text/csv": (".csv",),
    "text/markdown": (".md", ".markdown"),
    "application/json": (".json",),
    "message/rfc822": (".eml",),
    "audio/mpeg": (".mp3",),
    "audio/x-wav": (".wav",),
    "audio/mp4": (".m4a",),
    "audio/ogg": (".ogg", ".oga", ".opus"),
    "audio/x-flac": (".flac",),
    "video/mp4": (".mp4",),
    "video/webm": (".webm",),
    "application/zip": (".zip",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
}
TEXT_TYPES = frozenset({"application/json", "message/rfc822"})

WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{n}" for n in (*range(10), "¹", "²", "³")}
    | {f"LPT{n}" for n in (*range(10), "¹", "²", "³")}
)
FORBIDDEN_CHARS = re.compile(r'[<>:"/\\|?*]')
# Bytes that plain text never contains (all C0 controls but tab, newline, form feed, carriage return; DEL).
BINARY_BYTES = frozenset(set(range(0x00, 0x09)) | {0x0B} | set(range(0x0E, 0x20)) | {0x7F})
CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


class UploadRejectedError(Exception):
    """An upload that is refused, with the HTTP status and the German message to show."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def type_label(media_type: str) -> str:
    """A German name for ``media_type``, e.g. ``PNG-Bild``."""
    return TYPE_LABELS.get(media_type, media_type)


def _what_it_is(media_type: str) -> str:
    label = TYPE_LABELS.get(media_type)
    return f"ist ein {label}" if label else f"hat den Dateityp {media_type}"


def labels(media_types: Iterable[str]) -> str:
    """The German names of ``media_types``, sorted and joined, e.g. ``JPEG-Bild, PNG-Bild``."""
    return ", ".join(sorted(type_label(media_type) for media_type in media_types))


def format_size(size: int) -> str:
    """A size for people, German style: ``2 MB``, ``1,5 MB``, ``512 KB``, ``10 Bytes``."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            value = f"{size / factor:.1f}".removesuffix(".0").replace(".", ",")
            return f"{value} {unit}"
    return f"{size} Bytes"


def extensions_of(media_type: str) -> tuple[str, ...]:
    """The file name extensions that belong to ``media_type`` (lower case, with dot)."""
    known = EXTENSIONS.get(media_type)
    if known is not None:
        return known
    return tuple(sorted(mimetypes.guess_all_extensions(media_type, strict=False)))


def is_text_type(media_type: str) -> bool:
    return media_type.startswith("text/") or media_type in TEXT_TYPES


def media_type_for_extension(extension: str) -> str | None:
    """The media type a name's extension claims, or None when the extension means nothing to us."""
    extension = extension.lower()
    for media_type, extensions in EXTENSIONS.items():
        if extension in extensions:
            return media_type
    guessed, _ = mimetypes.guess_type(f"x{extension}", strict=False)
    return guessed


def sanitize_filename(name: str | None, *, fallback: str = "datei") -> str:
    """A file name safe to store and to offer for download; keeps umlauts, drops paths and controls.

    Example: ``sanitize_filename("../../etc/passwd") == "passwd"``;
    ``sanitize_filename("CON.txt") == "_CON.txt"``.
    """
    text = unicodedata.normalize("NFC", name or "")
    # Controls and format characters (NUL, bidi overrides that disguise extensions) go first.
    text = "".join(char for char in text if unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"})
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = FORBIDDEN_CHARS.sub("_", text)
    text = " ".join(text.split()).strip(" .")
    if not text:
        return fallback
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension) > 16:
        stem, extension = text, ""
    if stem.split(".", 1)[0].upper().rstrip(" ") in WINDOWS_RESERVED:
        stem = f"_{stem}"
    suffix = f".{extension}" if extension else ""
    stem = stem[: MAX_NAME_CHARS - len(suffix)].rstrip(" .") or fallback
    return stem + suffix


class TextCheck:
    """Decides, chunk by chunk, whether a stream is plain text (UTF-8, or Windows-1252 from old tools)."""

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self.is_utf8 = True
        self.is_cp1252 = True
        self.has_binary = False

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        if not self.has_binary and not BINARY_BYTES.isdisjoint(chunk):
            self.has_binary = True
        if self.is_utf8:
            try:
                self._utf8.decode(chunk, final=final)
            except UnicodeDecodeError:
                self.is_utf8 = False
        if self.is_cp1252 and not CP1252_UNDEFINED.isdisjoint(chunk):
            self.is_cp1252 = False

    @property
    def is_text(self) -> bool:
        return not self.has_binary and (self.is_utf8 or self.is_cp1252)


def sniff(head: bytes) -> str | None:
    """The media type that the first bytes of a file reveal, or None (maybe text)."""
    kind = filetype.guess(head[:SNIFF_BYTES])
    if kind is None:
        return None
    return "image/png" if kind.mime == "image/apng" else str(kind.mime)


def text_media_type(filename: str, allowed: Iterable[str]) -> str | None:
    """The text type a file named ``filename`` is taken for, if one of ``allowed`` is text."""
    text_types = sorted(media_type for media_type in allowed if is_text_type(media_type))
    if not text_types:
        return None
    claimed = media_type_for_extension(PurePosixPath(filename).suffix) if "." in filename else None
    if claimed in text_types:
        return claimed
    return "text/plain" if "text/plain" in text_types else text_types[0]


def check_type(*, filename: str, detected: str | None, allowed: frozenset[str] | set[str]) -> str:
    """Return the media type to store, or raise UploadRejectedError (415) naming what was expected."""
    expected = labels(allowed)
    shown = filename or "Die Datei"
    if detected is None:
        msg = f"„{shown}“ hat ein unbekanntes Format. Erlaubt sind: {expected}."
        raise UploadRejectedError(415, msg)
    if detected not in allowed:
        msg = f"„{shown}“ {_what_it_is(detected)}. Erlaubt sind: {expected}."
        raise UploadRejectedError(415, msg)
    extension = PurePosixPath(filename).suffix.lower()
    claimed = media_type_for_extension(extension) if extension else None
    if claimed is not None and extension not in extensions_of(detected):
        msg = (
            f"„{shown}“ {_what_it_is(detected)}, trägt aber die Endung {extension}. "
            f"Bitte laden Sie die Datei mit passender Endung hoch. Erlaubt sind: {expected}."
        )
        raise UploadRejectedError(415, msg)
    return detected


def name_with_extension(filename: str, media_type: str) -> str:
    """``filename``, with the usual extension of ``media_type`` appended when its own says nothing."""
    extension = PurePosixPath(filename).suffix.lower()
    if extension and media_type_for_extension(extension) is not None:
        return filename
    usual = extensions_of(media_type)
    if not usual:
        return filename
    return sanitize_filename(filename + usual[0])


class RequestSizeLimitMiddleware:
    """Refuse request bodies above a limit with 413, before the app reads them.

    The Content-Length header is checked first; bodies sent without one (chunked) are counted
    while they arrive. ``path_limits`` raises the limit for path prefixes (e.g. recordings); a ``*`` in
    a prefix stands for one path segment (``/buerger/*/antraege/``: the forms of every tenant).
    """

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, path_limits: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.path_limits = {
            re.compile(re.escape(prefix).replace(r"\*", "[^/]+")): limit
            for prefix, limit in (path_limits or {}).items()
        }

    def limit_for(self, path: str) -> int:
        """The body limit for a request to ``path``."""
        limits = [limit for prefix, limit in self.path_limits.items() if prefix.match(path)]
        return max(limits, default=self.max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _send_too_large(scope, send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLargeError:
            if started:
                raise
            await _send_too_large(scope, send, limit)


class BodyTooLargeError(HTTPException):
    """A body that grew past the limit while it arrived; the app renders it as its 413 page."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large_message(limit))


def _too_large_message(limit: int) -> str:
    return f"Die Anfrage ist zu groß. Erlaubt sind höchstens {format_size(limit)}."


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_too_large(scope: Scope, send: Send, limit: int) -> None:
    message = _too_large_message(limit)
    accept = dict(scope.get("headers", [])).get(b"accept", b"").decode("latin-1")
    if scope.get("path", "").startswith("/api/") or "application/json" in accept:
        body = json.dumps({"detail": message}, ensure_ascii=False).encode()
        content_type = b"application/json"
    else:
        body = (
            '<!doctype html><html lang="de"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Datei zu groß – Rathaus</title>"
            '<link rel="stylesheet" href="/static/css/rathaus.css"></head>'
            '<body><main id="inhalt" class="container"><h1>Datei zu groß</h1>'
            f'<p class="notice notice-error" role="alert">{message}</p>'
            '<p>Fehlercode 413. <a href="/">Zur Startseite</a></p></main></body></html>'
        ).encode()
        content_type = b"text/html; charset=utf-8"
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
