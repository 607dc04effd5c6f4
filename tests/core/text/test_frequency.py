"""Word rarity from German word frequencies (``core.text.frequency``)."""

from __future__ import annotations

from rathaus.core.text.frequency import rarity


def test_everyday_words_say_nothing_and_rare_ones_name_the_topic() -> None:
    assert rarity("mutter") == 0.0
    assert rarity("die") == 0.0
    assert rarity("leichenpass") > 0.9  # a word wordfreq never saw counts as rarest
    assert rarity("gewerbeanmeldung") > rarity("verstorben") > rarity("heimat")
    assert all(0.0 <= rarity(word) <= 1.0 for word in ("fischereischein", "kostet", "xyzzy"))
