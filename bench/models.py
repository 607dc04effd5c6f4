"""Speed of the offline models through Rathaus's own backends, on ``RATHAUS_BENCH_THREADS`` CPU threads.

Run: ``python -m bench models`` after ``rathaus models install``. Uses the FLEURS clips and the Munich
service texts of ../shared/data; parts whose data is missing are skipped with a message.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import console, cpu_threads, shared_data, write_results
from rathaus.core.ai.registry import AIRegistry
from rathaus.core.config import AISettings
from rathaus.modules import Settings

LLMS = ("qwen2.5-coder-0.5b-instruct", "qwen2.5-coder-1.5b-instruct")
PROMPT = (
    "Fasse den folgenden Tagesordnungspunkt in zwei Sätzen sachlich zusammen.\n\n"
    "Der Gemeinderat berät über die Sanierung der Grundschule am Markt. "
    "Die Verwaltung schlägt vor, das Dach und die Heizung im kommenden Jahr zu erneuern "
    "und dafür 1,2 Millionen Euro in den Haushalt einzustellen. "
    "Die Fraktion der Grünen beantragt zusätzlich eine Photovoltaikanlage. Nach kurzer Aussprache stimmt der "
    "Rat dem Vorschlag der Verwaltung mit dem Änderungsantrag mehrheitlich zu."
)


def models_dir() -> Path:
    return Settings(environment="development").models_dir


def registry(**ai: Any) -> AIRegistry:
    return AIRegistry(AISettings(cpu_threads=cpu_threads(), **ai), models_dir())


def bench_asr() -> dict[str, Any] | None:
    clips = shared_data("fleurs_de")
    if clips is None:
        return None
    start = time.perf_counter()
    transcriber = registry().transcriber()
    transcriber.transcribe(sorted(clips.glob("*.ogg"))[0], word_timestamps=False)  # loads the model
    load_s = time.perf_counter() - start
    audio_s = work_s = 0.0
    for clip in sorted(clips.glob("*.ogg")):
        start = time.perf_counter()
        transcript = transcriber.transcribe(clip, language="de", word_timestamps=True)
        work_s += time.perf_counter() - start
        audio_s += transcript.duration
    return {
        "model": "whisper-base int8",
        "first_call_s": round(load_s, 2),
        "audio_s": round(audio_s, 1),
        "rtf_with_word_timestamps": round(work_s / audio_s, 3),
    }


def bench_llm(name: str) -> dict[str, Any]:
    start = time.perf_counter()
    chat = registry(llm_model=name).chat()
    messages = [{"role": "user", "content": PROMPT}]
    chat.chat([{"role": "user", "content": "Hallo"}], max_tokens=1)  # loads the model; no shared prompt cache
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    first: float | None = None
    pieces = 0
    for _ in chat.stream(messages, max_tokens=96, temperature=0.0):  # type: ignore[arg-type]
        if first is None:
            first = time.perf_counter() - start
        pieces += 1
    total = time.perf_counter() - start
    generation_s = total - (first or 0.0)
    return {
        "load_s": round(load_s, 2),
        "first_token_s": round(first or total, 2),
        "tokens": pieces,
        "generation_tokens_per_s": round((pieces - 1) / generation_s, 1) if pieces > 1 else 0.0,
    }


def bench_embeddings() -> dict[str, Any] | None:
    corpus = shared_data("munich_services", "munich_services_corpus.jsonl")
    if corpus is None:
        return None
    texts = []
    for line in corpus.read_text(encoding="utf-8").splitlines()[:128]:
        service = json.loads(line)
        texts.append(f"{service['name']}. {service.get('description', '')}"[:1000])
    embedder = registry().embedder()
    embedder.embed_passages(texts[:2])
    start = time.perf_counter()
    embedder.embed_passages(texts)
    elapsed = time.perf_counter() - start
    return {
        "model": "multilingual-e5-small q4",
        "passages": len(texts),
        "passages_per_s": round(len(texts) / elapsed, 1),
    }


def bench_ocr() -> dict[str, Any]:
    from PIL import Image, ImageDraw, ImageFont  # noqa: PLC0415

    lines = [
        "Stadt Celle – Bürgerbüro",
        "Aktenzeichen 32-1234/2026",
        "Sehr geehrte Damen und Herren,",
        "hiermit beantrage ich die Verlängerung meiner Sondernutzungserlaubnis",
        "für den Wochenmarkt.",
        "Mit freundlichen Grüßen",
        "Erika Mustermann",
    ]
    image = Image.new("RGB", (1654, 2339), "white")  # A4 at 200 dpi
    draw = ImageDraw.Draw(image)
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian fonts-dejavu-core
    font = ImageFont.truetype(str(dejavu), 36) if dejavu.exists() else ImageFont.load_default(size=36)
    for number, line in enumerate(lines):
        draw.text((150, 200 + number * 70), line, fill="black", font=font)
    ocr = registry().ocr()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "brief.png"
        image.save(path, dpi=(200, 200))
        start = time.perf_counter()
        result = ocr.ocr_image(path, Path(directory) / "brief.pdf")
        elapsed = time.perf_counter() - start
    found = sum(word in result.text for word in ("Bürgerbüro", "Aktenzeichen", "Sondernutzungserlaubnis"))
    return {
        "engine": "ocrmypdf + tesseract deu",
        "seconds_per_page": round(elapsed, 2),
        "key_words_found": found,
        "key_words": 3,
    }


def main() -> None:
    figures: dict[str, Any] = {}
    console.print("speech-to-text …")
    figures["asr"] = bench_asr()
    for name in LLMS:
        console.print(f"LLM {name} …")
        figures[name] = bench_llm(name)
    console.print("embeddings …")
    figures["embeddings"] = bench_embeddings()
    console.print("OCR …")
    figures["ocr"] = bench_ocr()
    write_results("models", {key: value for key, value in figures.items() if value is not None})


if __name__ == "__main__":
    main()
