"""The audio part of the minutes benchmark: speed, memory, WER and DER (called by ``bench/minutes.py``).

Metrics
-------
* **WER** (word error rate, corpus-level: all substitutions + deletions + insertions ÷ reference words),
  computed with jiwer after ``normalise`` on both sides. The normaliser: lowercase; "§" → "paragraph",
  "%" → "prozent", "€" → "euro"; digit groups "2.000" → "2000"; hyphens and slashes split words; every
  other punctuation character removed; German number words written as digits ("dreiundzwanzig" → "23",
  "zweitausendvierundzwanzig" → "2024"; the articles ein/eine/… stay words); umlauts and ß kept.
* **DER** (diarization error rate) = (missed speech + false alarm + speaker confusion) ÷ reference
  speech, on 10 ms frames, with no scoring within ``collar`` (0.25 s) of a reference turn boundary and
  the optimal one-to-one mapping of hypothesis to reference speakers (Hungarian algorithm, scipy).
  Hypothesis turns are the labelled segments, consecutive ones of one speaker joined over gaps < 0.5 s.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_SMALL = {
    "null": 0,
    "eins": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "elf": 11,
    "zwölf": 12,
    "dreizehn": 13,
    "vierzehn": 14,
    "fünfzehn": 15,
    "sechzehn": 16,
    "siebzehn": 17,
    "achtzehn": 18,
    "neunzehn": 19,
}
_TENS = {
    "zwanzig": 20,
    "dreißig": 30,
    "vierzig": 40,
    "fünfzig": 50,
    "sechzig": 60,
    "siebzig": 70,
    "achtzig": 80,
    "neunzig": 90,
}
_UNIT_PREFIX = {"ein": 1, **{k: v for k, v in _SMALL.items() if 2 <= v <= 9}}
_ARTICLES = {"ein", "eine", "einen", "einem", "einer", "eines"}


def german_number(word: str) -> int | None:
    """The value of a German number word written as one word, or None ("dreiundzwanzig" → 23)."""
    if not word or word in _ARTICLES:
        return None
    return _parse_number(word)


def _parse_number(word: str) -> int | None:
    if word in _SMALL:
        return _SMALL[word]
    if word in _TENS:
        return _TENS[word]
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
    if "und" in word:
        unit, _, tens = word.partition("und")
        if unit in _UNIT_PREFIX and tens in _TENS:
            return _UNIT_PREFIX[unit] + _TENS[tens]
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
