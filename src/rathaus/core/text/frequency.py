"""How often German text uses a word: the rare words of a question name its topic.

A citizen's question mixes everyday words ("Mutter", "verstorben", "kostet") with the one or two words
that say what it is about ("Leichenpass", "Halteverbotszone"). Word frequencies of German from the
``wordfreq`` package (offline data inside the package, Zipf scale: 7 for "die", about 3 for "Gewerbe-
anmeldung", 0 for a word it never saw) tell them apart without a list of our own.
"""

from __future__ import annotations

from functools import lru_cache

COMMON_ZIPF = 5.0  # "Mutter", "Stadt", "Jahr": at or above this a word says nothing about the topic


@lru_cache(maxsize=100_000)
def rarity(word: str) -> float:
    """0 for an everyday word, rising to 1 for a word German text (almost) never uses."""
    from wordfreq import zipf_frequency  # noqa: PLC0415 - its data loads on first use

    zipf = zipf_frequency(word, "de")
    return max(0.0, COMMON_ZIPF - zipf) / COMMON_ZIPF
