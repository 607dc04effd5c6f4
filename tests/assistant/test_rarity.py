"""Rare and common nouns: a by-law sharing only common nouns with a question lacks its rare one."""

from __future__ import annotations

from dataclasses import replace

from rathaus.assistant import answerability, rarity
from tests.assistant.conftest import passage

# An installation of 100 sources: "Kind" stands in 40 of them, "Kita" in one, "Ruhewald" in one.
CORPUS = tuple(
    ["kita-gebührensatzung: die kita-gebühr für ein kind"]
    + ["satzung über den mainau ruhewald: beisetzung im ruhewald"]
    + [f"satzung {n}: gebühren für kinder und ihre eltern" for n in range(40)]
    + [f"satzung {n}: die hundesteuer" for n in range(58)]
)
SHELTER = replace(
    passage(
        "Satzung über die Benutzung von Obdachlosen- und Flüchtlingsunterkünften",
        "Die Gebühr für gemeinsam sorgeberechtigte Eltern mit mehr als drei minderjährigen Kindern "
        "beträgt zusammen höchstens 1400,00 €.",
        section="§ 13 Gebührenmaßstab und Gebührenhöhe",
    ),
    kind="bylaw",
    municipality="Schwieberdingen",
)


def topics(key: str) -> answerability.Topics:
    return answerability.Topics(titles=(), share=rarity.counter(key, lambda: CORPUS, answerability.contains))


def test_common_nouns_alone_do_not_name_a_bylaw_when_a_rare_one_is_missing() -> None:
    # h-u05: "Kita-Gebühr" answered from the shelter by-law's fee for parents with "Kindern"
    question = "Wie viel Kita-Gebühr zahle ich in Schwieberdingen für ein Kind unter drei?"
    assert answerability.names_a_noun(SHELTER, question)  # "Kind" stands in it: the old check passed
    assert not answerability.names_a_noun(SHELTER, question, topics("kita"))
    # without the rare noun the common one is all the question has: it still counts
    plain = "Wie viel zahle ich in Schwieberdingen für ein Kind unter drei in der Unterkunft?"
    assert answerability.names_a_noun(SHELTER, plain, topics("plain"))


def test_shares_are_counted_once_per_state_of_the_sources() -> None:
    reads: list[int] = []

    def documents() -> tuple[str, ...]:
        reads.append(1)
        return CORPUS

    share = rarity.counter("state-1", documents, answerability.contains)
    assert share("kita") == 0.01
    assert share("kind") == 0.41
    again = rarity.counter("state-1", documents, answerability.contains)
    assert again("ruhewald") == 0.01
    assert len(reads) == 1
    assert not rarity.only_common({"ruhewald", "kind"}, ["ruhewald"], share)  # the rare one is there
    assert rarity.only_common({"kita", "kind"}, ["kind"], share)
    assert not rarity.only_common({"kita", "kind"}, [], share)
