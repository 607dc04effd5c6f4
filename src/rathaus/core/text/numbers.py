"""German number words from 0 to 99, as speech-to-text writes them ("siebenundzwanzig")."""

from __future__ import annotations

import re

_UNITS = {
    "null": 0,
    "ein": 1,
    "eins": 1,
    "eine": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
}
_TEENS = {
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
    "dreissig": 30,
    "vierzig": 40,
    "fünfzig": 50,
    "sechzig": 60,
    "siebzig": 70,
    "achtzig": 80,
    "neunzig": 90,
}


def number_word(token: str) -> int | None:
    """The value of a German number word from 0 to 99 (``"siebenundzwanzig"`` → 27), else None."""
    token = token.lower().replace("ß", "ss").replace("dreissig", "dreißig")
    if token.isdigit():
        return int(token)
    for table in (_UNITS, _TEENS, _TENS):
        if token in table:
            return table[token]
    match = re.fullmatch(r"(\w+?)und(\w+)", token)
    if match and match.group(1) in _UNITS and match.group(2) in _TENS:
        return _UNITS[match.group(1)] + _TENS[match.group(2)]
    return None
