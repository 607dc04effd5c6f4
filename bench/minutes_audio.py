"""The audio part of the minutes benchmark: speed, memory, WER and DER (called by ``bench/minutes.py``).

Metrics
-------
* **WER** (word error rate, corpus-level: all substitutions + deletions + insertions ÷ reference words),
  computed with jiwer after ``normalise`` on both sides. The normaliser: lowercase; "§" → "paragraph",
  "%" → "prozent", "€" → "euro"; digit groups "2.000" → "2000"; hyphens and slashes split words; every
  other punctuation character removed; German number words written as digits ("dreiundzwanzig" → "23",
  "zweitausendvierundzwanzig" → "2024"; 0–99 read by ``rathaus.core.text.numbers.number_word``, so
  "dreissig" counts too; the articles ein/eine/… stay words); umlauts and ß kept.
* **DER** (diarization error rate) = (missed speech + false alarm + speaker confusion) ÷ reference
  speech, on 10 ms frames, with no scoring within ``collar`` (0.25 s) of a reference turn boundary and
  the optimal one-to-one mapping of hypothesis to reference speakers (Hungarian algorithm, scipy).
  Hypothesis turns are the labelled segments, consecutive ones of one speaker joined over gaps < 0.5 s.
"""

from __future__ import annotations

import functools
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rathaus.core.text.numbers import number_word

_ARTICLES = {"ein", "eine", "einen", "einem", "einer", "eines"}


def german_number(word: str) -> int | None:
    """The value of a German number word written as one word, or None ("dreiundzwanzig" → 23)."""
    if not word or word in _ARTICLES or word.isdigit():
        return None
    return _parse_number(word)


def _parse_number(word: str) -> int | None:
    """0–99 as the minutes module reads them (``number_word``), plus hundreds, thousands, millions."""
    value = number_word(word)
    if value is not None:
        return value
    for scale_word, scale in (
        ("millionen", 1_000_000),
        ("million", 1_000_000),
        ("tausend", 1000),
        ("hundert", 100),
    ):
        if scale_word in word:
            left, _, right = word.partition(scale_word)
            multiplier = 1 if left in ("", "ein", "eine") else _parse_number(left)
            rest = 0 if right == "" else _parse_number(right.removeprefix("und"))
            if multiplier is None or rest is None or rest >= scale:
                return None
            return multiplier * scale + rest
    return None


def normalise(text: str) -> str:
    """Text as compared for WER (see the module docstring)."""
    text = unicodedata.normalize("NFC", text).lower()
    text = text.replace("§", " paragraph ").replace("%", " prozent ").replace("€", " euro ")
    text = re.sub(r"(?<=\d)\.(?=\d{3}\b)", "", text)
    text = re.sub(r"(?<=\d),(?=\d)", " komma ", text)
    text = re.sub(r"[-‐–—/]", " ", text)
    text = re.sub(r"[^\w\s]", " ", text)
    words = []
    for word in text.split():
        value = german_number(word)
        words.append(str(value) if value is not None else word)
    return " ".join(words)


def wer(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """Corpus-level word error rate of normalised texts."""
    import jiwer  # noqa: PLC0415

    pairs = [(normalise(r), normalise(h)) for r, h in zip(references, hypotheses, strict=True)]
    pairs = [(r, h) for r, h in pairs if r]
    if not pairs:
        return 0.0
    return float(jiwer.process_words([r for r, _ in pairs], [h for _, h in pairs]).wer)


Turn = tuple[str, float, float]  # speaker, start, end


def join_turns(turns: Sequence[Turn], gap: float = 0.5) -> list[Turn]:
    """Join consecutive turns of one speaker separated by less than ``gap`` seconds."""
    joined: list[Turn] = []
    for speaker, start, end in sorted(turns, key=lambda t: t[1]):
        if joined and joined[-1][0] == speaker and start - joined[-1][2] < gap:
            joined[-1] = (speaker, joined[-1][1], max(joined[-1][2], end))
        else:
            joined.append((speaker, start, end))
    return joined


def der(
    reference: Sequence[Turn], hypothesis: Sequence[Turn], *, collar: float = 0.25, step: float = 0.01
) -> dict[str, float]:
    """Diarization error rate with its parts (shares of the scored reference speech)."""
    import numpy as np  # noqa: PLC0415
    from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]  # noqa: PLC0415

    end = max([t[2] for t in [*reference, *hypothesis]], default=0.0)
    frames = int(np.ceil(end / step)) + 1
    ref_names = sorted({t[0] for t in reference})
    hyp_names = sorted({t[0] for t in hypothesis})
    ref = np.full(frames, -1)
    hyp = np.full(frames, -1)
    scored = np.ones(frames, dtype=bool)
    for speaker, start, stop in reference:
        ref[round(start / step) : round(stop / step)] = ref_names.index(speaker)
        for edge in (start, stop):
            scored[max(0, round((edge - collar) / step)) : round((edge + collar) / step)] = False
    for speaker, start, stop in hypothesis:
        hyp[round(start / step) : round(stop / step)] = hyp_names.index(speaker)
    ref, hyp = ref[scored], hyp[scored]
    total = int((ref >= 0).sum())
    if total == 0:
        return {"der": 0.0, "missed": 0.0, "false_alarm": 0.0, "confusion": 0.0, "scored_s": 0.0}
    missed = int(((ref >= 0) & (hyp < 0)).sum())
    false_alarm = int(((ref < 0) & (hyp >= 0)).sum())
    both = (ref >= 0) & (hyp >= 0)
    overlap = np.zeros((len(ref_names), max(1, len(hyp_names))), dtype=np.int64)
    np.add.at(overlap, (ref[both], hyp[both]), 1)
    rows, cols = linear_sum_assignment(-overlap)
    confusion = int(both.sum()) - int(overlap[rows, cols].sum())
    return {
        "der": round((missed + false_alarm + confusion) / total, 4),
        "missed": round(missed / total, 4),
        "false_alarm": round(false_alarm / total, 4),
        "confusion": round(confusion / total, 4),
        "scored_s": round(total * step, 1),
    }


# --- the benchmark ------------------------------------------------------------------------------------------
#
# ``audio_figures()`` runs ``python -m bench.minutes_audio pipeline`` in a child process, so that the peak
# resident memory (``ru_maxrss``) is the pipeline's alone, and returns its figures. Timings exclude
# model loading (reported as ``load_s``); the stages after speech-to-text are diarization, speaker
# naming and agenda alignment.

SYNTHETIC_SECONDS = 300.0
SYNTHETIC_SPEAKERS = 4


def _pipeline_figures(work: Path) -> dict[str, Any]:
    """Run decode → VAD → ASR → diarization → naming → alignment on FLEURS and a synthetic session."""
    from tests.minutes.audio.test_speakers import espeak_sample  # noqa: PLC0415
    from tests.minutes.synthetic import VOICES, build_session  # noqa: PLC0415

    from bench.common import cpu_threads  # noqa: PLC0415
    from rathaus.core.ai.registry import AIRegistry, build_backend  # noqa: PLC0415
    from rathaus.core.config import AISettings  # noqa: PLC0415
    from rathaus.minutes.audio import DetectSpeech, Transcribe  # noqa: PLC0415
    from rathaus.minutes.audio.diarize import Diarize  # noqa: PLC0415
    from rathaus.minutes.audio.speakers import enroll  # noqa: PLC0415
    from rathaus.modules import Settings  # noqa: PLC0415

    session = build_session(
        work / "synthetic", target_seconds=SYNTHETIC_SECONDS, max_items=12, speakers=SYNTHETIC_SPEAKERS
    )
    registry = AIRegistry(
        AISettings(cpu_threads=cpu_threads()), Settings(environment="development").models_dir
    )
    start = time.perf_counter()
    transcriber = registry.transcriber()
    getattr(transcriber, "warm_up", lambda: None)()
    embedder = build_backend("speaker", "resemblyzer", registry.context)
    getattr(embedder, "warm_up", lambda: None)()
    vad = DetectSpeech()
    vad.warm_up()
    load_s = time.perf_counter() - start
    enrolled = {  # two of the voices have consented samples; the others stay unnamed
        "Vorsitz": enroll(embedder, espeak_sample(VOICES[0], work / "vorsitz.wav")).vector,  # type: ignore[arg-type]
        "Mitglied": enroll(embedder, espeak_sample(VOICES[1], work / "mitglied.wav")).vector,  # type: ignore[arg-type]
    }
    transcribe = Transcribe(transcriber)
    diarize = Diarize(embedder)  # type: ignore[arg-type]

    run = functools.partial(_run_once, vad, transcribe, diarize, enrolled, work)
    figures: dict[str, Any] = {"load_s": round(load_s, 2)}
    figures.update(_fleurs_figures(run))
    out = run([session.audio], [entry.title for entry in session.agenda], list(session.agenda))
    times = out["times"]
    duration = out["audio"].duration
    post = sum(v for k, v in times.items() if k in ("diarize", "naming", "align"))
    hypothesis = join_turns([(s.speaker or "?", s.start, s.end) for s in out["diarization"].segments])
    scores = der([(t.voice, t.start, t.end) for t in session.turns], hypothesis)
    synthetic: dict[str, Any] = {
        "audio_s": round(duration, 1),
        "speakers": len({t.voice for t in session.turns}),
        "speakers_found": len(out["diarization"].labels),
        "wer": round(wer([session.text], [" ".join(s.text for s in out["result"].segments)]), 4),
        "der": scores["der"],
        "der_parts": scores,
        "named": dict(out["names"].items()),
        "transcript_sample": " | ".join(s.text for s in out["result"].segments[:6]),
        "stage_s": {k: round(v, 2) for k, v in times.items()},
    }
    if out["spans"]:
        synthetic.update(_placement(session, out["spans"]))
    figures.update(
        {
            "rtf_pipeline": round(sum(times.values()) / duration, 3),
            "post_asr_overhead": round(post / times["asr"], 3),
            "synthetic": synthetic,
        }
    )
    figures["peak_mem_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def _run_once(
    vad: Any,
    transcribe: Any,
    diarize: Any,
    enrolled: dict[str, list[float]],
    work: Path,
    paths: list[Path],
    hotwords: list[str],
    agenda: list[Any] | None,
) -> dict[str, Any]:
    """One timed run of the audio stages (and the aligner, when there is an agenda)."""
    from rathaus.minutes.audio import decode_recordings  # noqa: PLC0415
    from rathaus.minutes.audio.speakers import name_speakers  # noqa: PLC0415

    times: dict[str, float] = {}
    clock = time.perf_counter()
    audio = decode_recordings(paths, work / "decoded")
    times["decode"] = time.perf_counter() - clock
    clock = time.perf_counter()
    regions = vad.run(audio)
    times["vad"] = time.perf_counter() - clock
    clock = time.perf_counter()
    result = transcribe.run(audio, regions=regions, hotwords=hotwords)
    times["asr"] = time.perf_counter() - clock
    clock = time.perf_counter()
    diarization = diarize.run(audio, result.segments, regions=regions)
    times["diarize"] = time.perf_counter() - clock
    clock = time.perf_counter()
    names = name_speakers(diarization.voices, enrolled)
    times["naming"] = time.perf_counter() - clock
    spans: list[Any] = []
    if agenda is not None and _aligner() is not None:
        clock = time.perf_counter()
        spans = _aligner()().run(diarization.segments, agenda)  # type: ignore[misc]
        times["align"] = time.perf_counter() - clock
    return {
        "audio": audio,
        "result": result,
        "diarization": diarization,
        "names": names,
        "spans": spans,
        "times": times,
    }


def _fleurs_figures(run: Any) -> dict[str, Any]:
    """WER and pipeline real-time factor on the ten German FLEURS clips."""
    from bench.common import shared_data  # noqa: PLC0415

    figures: dict[str, Any] = {}
    clips = shared_data("fleurs_de")
    if clips is not None:
        references, hypotheses, audio_s, total = [], [], 0.0, 0.0
        speakers_found = []  # each clip is one real speaker: more than one is over-splitting
        for clip in sorted(clips.glob("*.ogg")):
            out = run([clip], [], None)
            references.append(clip.with_suffix(".txt").read_text())
            hypotheses.append(" ".join(s.text for s in out["result"].segments))
            audio_s += out["audio"].duration
            total += sum(out["times"].values())
            speakers_found.append(len(out["diarization"].labels))
        figures["wer_fleurs"] = round(wer(references, hypotheses), 4)
        figures["fleurs"] = {
            "clips": len(references),
            "audio_s": round(audio_s, 1),
            "rtf_pipeline": round(total / audio_s, 3),
            "speakers_found_per_clip": speakers_found,
        }
    return figures


def _aligner() -> type | None:
    try:
        from rathaus.minutes.text.align import AlignAgenda  # noqa: PLC0415
    except ImportError:
        return None
    return AlignAgenda


def _placement(session: Any, spans: Sequence[Any]) -> dict[str, Any]:
    """Share of agenda items whose aligned span starts within the item's true time range.

    The range runs from the chair's call to the item's last turn, with 2 s of slack before the call
    for the error of Whisper's word times.
    """
    ranges: dict[str, tuple[float, float]] = {}
    for turn in session.turns:
        first, last = ranges.get(turn.item, (turn.start, turn.end))
        ranges[turn.item] = (min(first, turn.start), max(last, turn.end))
    items = {}
    for span in spans:
        if span.number in ranges and span.number not in items:
            true_start, true_end = ranges[span.number]
            ok = span.start is not None and true_start - 2.0 <= span.start <= true_end
            items[span.number] = {
                "true_s": [round(true_start, 1), round(true_end, 1)],
                "found_s": None if span.start is None else round(span.start, 1),
                "method": span.method,
                "correct": ok,
            }
    correct = sum(1 for item in items.values() if item["correct"])
    return {
        "agenda_placement": round(correct / len(ranges), 4) if ranges else 0.0,
        "agenda_placement_n": f"{correct}/{len(ranges)}",
        "agenda_items": items,
    }


def audio_figures() -> dict[str, Any]:
    """The audio figures, measured in a child process (see above)."""
    with tempfile.TemporaryDirectory(prefix="rathaus-bench-audio-") as work:
        target = Path(work) / "figures.json"
        subprocess.run(
            [sys.executable, "-m", "bench.minutes_audio", "pipeline", str(target)],
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        return dict(json.loads(target.read_text()))


if __name__ == "__main__":
    if sys.argv[1:2] == ["pipeline"]:
        with tempfile.TemporaryDirectory(prefix="rathaus-bench-audio-") as directory:
            Path(sys.argv[2]).write_text(json.dumps(_pipeline_figures(Path(directory)), ensure_ascii=False))
