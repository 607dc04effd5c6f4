"""Reading sources: Munich service JSON, by-laws with front matter, documents, broken files, web pages."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rathaus.assistant.sources import fetch_pages, html_to_markdown, parse_file, parse_services
from tests.assistant.stand_ins import text_pdf
from tests.conftest import shared_data


def test_real_munich_services_with_facts_and_locations() -> None:
    folder = shared_data("munich_services")
    data = json.loads((folder / "munich_services_de.json").read_text(encoding="utf-8"))
    locations = json.loads((folder / "munich_locations_de.json").read_text(encoding="utf-8"))

    services = parse_services(data, locations=locations)

    assert len(services) == 287
    assert sum(1 for item in services if item.meta.get("keywords")) == 158
    trade = next(item for item in services if item.title == "Gewerbe-Anmeldung")
    assert trade.external_id == "service:1063423"
    assert trade.meta["fees"].startswith("50 bis 60 Euro")
    assert trade.meta["duration_minutes"] == 20
    assert trade.meta["leika"] == "99050012104000"
    assert "Gewerbeanmeldung" in trade.meta["keywords"]
    assert trade.meta["locations"][0]["name"] == "Gewerbeamt"
    assert "Implerstraße 11" in trade.meta["locations"][0]["address"]
    assert "<p>" not in trade.body
    assert "BayernID" in trade.body
    held_out = parse_services(data, include_keywords=False)
    assert all("keywords" not in item.meta for item in held_out)


def test_real_bylaw_with_front_matter() -> None:
    path = shared_data("bylaws_bw", "Lkr_LB", "SWI", "SWI_Satzung_Hundesteuer.md")

    [bylaw] = parse_file("Lkr_LB/SWI/SWI_Satzung_Hundesteuer.md", path.read_bytes())

    assert bylaw.kind == "bylaw"
    assert bylaw.error is None
    assert bylaw.title.endswith("(Schwieberdingen)")  # the title names no municipality; the front matter does
    assert bylaw.meta["gemeinde"] == "Schwieberdingen"
    assert not bylaw.body.startswith("---")
    assert "§ 1" in bylaw.body


def test_documents_markdown_html_docx_pdf() -> None:
    import docx  # noqa: PLC0415 - python-docx is a dependency of rathaus itself

    document = docx.Document()
    document.add_heading("Sperrmüll", level=1)
    document.add_paragraph("Sperrmüll wird zweimal im Jahr kostenlos abgeholt.")
    buffer = io.BytesIO()
    document.save(buffer)

    [word] = parse_file("sperrmuell.docx", buffer.getvalue())
    [pdf] = parse_file("hallenbad.pdf", text_pdf(["Das Hallenbad ist montags geschlossen."]))
    [html] = parse_file(
        "seite.html",
        b"<html><head><title>Biotonne</title><script>x()</script></head>"
        b"<body><nav>Menue</nav><main><h1>Biotonne</h1><p>Leerung alle zwei Wochen.</p></main></body></html>",
    )
    [markdown] = parse_file("notiz.md", b"# Notiz\n\nText.")

    assert (word.title, word.body) == (
        "Sperrmüll",
        "# Sperrmüll\n\nSperrmüll wird zweimal im Jahr kostenlos abgeholt.",
    )
    assert "montags geschlossen" in pdf.body
    assert pdf.error is None
    assert html.title == "Biotonne"
    assert "Leerung alle zwei Wochen." in html.body
    assert "Menue" not in html.body
    assert "x()" not in html.body
    assert (markdown.kind, markdown.title) == ("document", "Notiz")


def test_unreadable_files_are_reported_not_raised() -> None:
    [broken] = parse_file("kaputt.pdf", b"%PDF-1.4\nthis is not a pdf")
    [empty] = parse_file("leer.pdf", text_pdf([]))
    [bad_json] = parse_file("dienste.json", b"{nicht json")
    [unknown] = parse_file("bild.exe", b"MZ")

    assert broken.error is not None
    assert "PDF" in broken.error
    assert empty.error is not None
    assert "keinen Text" in empty.error
    assert bad_json.error is not None
    assert "JSON" in bad_json.error
    assert unknown.error == "Dateityp .exe wird nicht unterstützt."


def test_html_lists_and_headings() -> None:
    title, body = html_to_markdown("<h2>Unterlagen</h2><ul><li>Ausweis</li><li>Foto</li></ul>")
    assert title == ""
    assert body == "## Unterlagen\n\n- Ausweis\n\n- Foto"


PAGES = {
    "/sitemap.xml": (
        "application/xml",
        "<urlset><url><loc>{base}/a</loc></url><url><loc>{base}/b</loc></url>"
        "<url><loc>{base}/fehlt</loc></url></urlset>",
    ),
    "/a": (
        "text/html",
        "<title>Wertstoffhof</title><main><p>Der Wertstoffhof hat samstags geöffnet.</p></main>",
    ),
    "/b": ("text/html", "<title>Hallenbad</title><main><p>Montags geschlossen.</p></main>"),
}


@pytest.fixture
def site() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            base = f"http://127.0.0.1:{self.server.server_port}"  # type: ignore[attr-defined]
            if self.path not in PAGES:
                self.send_error(404)
                return
            kind, body = PAGES[self.path]
            data = body.format(base=base).encode()
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_web_pages_from_a_sitemap_on_a_loopback_server(site: str) -> None:
    pages = fetch_pages([f"{site}/sitemap.xml"], timeout=5)

    by_title = {page.title: page for page in pages}
    assert set(by_title) == {"Wertstoffhof", "Hallenbad", f"{site}/fehlt"}
    assert by_title["Wertstoffhof"].body == "Der Wertstoffhof hat samstags geöffnet."
    assert by_title["Wertstoffhof"].external_id == f"url:{site}/a"
    missing = by_title[f"{site}/fehlt"].error
    assert missing is not None
    assert "404" in missing


def test_text_files_from_windows_are_not_garbled() -> None:
    [page] = parse_file(
        "gebuehren.md",
        "# Gebühren\n\nDie Gebühr für den „Anwohnerparkausweis“ beträgt 30 €.".encode("cp1252"),
    )
    [garbled] = parse_file("alt.txt", "Gesch\ufffdftszeiten".encode())

    assert page.error is None
    assert page.title == "Gebühren"
    assert "„Anwohnerparkausweis“ beträgt 30 €" in page.body
    assert garbled.error is not None
    assert "bereits unlesbare Zeichen" in garbled.error
