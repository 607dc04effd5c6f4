"""The answer/refuse decision on the development questions: what each gate costs, and a learned decision.

Reads what ``bench/assistant_gate_data.py`` collected (the passages of every development question) and

- ``table``: per set and per gate of ``answerability.decide``, the answerable questions it refuses and
  the unanswerable ones it stops, first as the gate that refused (``Decision.reason``), then as the
  questions that only this gate refuses (switching it off alone would answer them);
- ``fit``: the logistic decision of ``rathaus.assistant.gate`` over ``answerability.signals``, fitted
  leave-one-set-out: each set's figures come from weights fitted on the other sets only; prints the
  false refusals and unanswerable answered per held-out set next to the rules' figures, and the
  weights fitted on all sets (to be copied into ``gate.py``).

Only decisions are measured (the answer texts are the full bench's job)::

    PYTHONPATH=src:. python -m bench.assistant_gate table /tmp/gate.pkl
    PYTHONPATH=src:. python -m bench.assistant_gate fit /tmp/gate.pkl
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import console

GATES = ("elsewhere", "no_noun", "no_match", "value_missing", "named_service_lacks", "off_topic_bylaw")
ANSWERABLE = ("services", "bylaws")


def load_items(path: Path) -> list[dict[str, Any]]:
    """The collected questions that reach the decision (not out of scope, no "Für welche Gemeinde?")."""
    items = pickle.loads(path.read_bytes())
    return [item for item in items if item["category"] != "no_place" and item["settled"] is None]


def _topics(markers: set[str]) -> Any:
    from rathaus.assistant.answerability import Topics  # noqa: PLC0415

    class Fixed(Topics):
        def markers(self, question: str, share: float) -> set[str]:
            return markers

    return Fixed(titles=())


def decide(item: dict[str, Any]) -> Any:
    """The product's decision on one collected question (extractive mode)."""
    from rathaus.assistant import answerability  # noqa: PLC0415

    return answerability.decide(item["passages"], item["about"], topics=_topics(item["markers"]))


@contextmanager
def without(gate: str) -> Iterator[None]:
    """``answerability`` with one gate switched off."""
    from rathaus.assistant import answerability  # noqa: PLC0415

    patches: dict[str, Callable[..., Any]] = {
        "elsewhere": lambda *_: True,
        "no_noun": lambda *_: True,
        "no_match": lambda *_: "semantic",
    }
    names = {"elsewhere": "mentions_topic", "no_noun": "names_a_noun", "no_match": "_passes"}
    original_refusal = answerability._refusal
    saved = None
    if gate in names:
        saved = getattr(answerability, names[gate])
        setattr(answerability, names[gate], patches[gate])
    else:

        def refusal(*args: Any) -> Any:
            reason = original_refusal(*args)
            if reason != gate:
                return reason
            with without_check(gate):
                return original_refusal(*args)

        answerability._refusal = refusal  # type: ignore[assignment]
    try:
        yield
    finally:
        if saved is not None:
            setattr(answerability, names[gate], saved)
        answerability._refusal = original_refusal  # type: ignore[assignment]


@contextmanager
def without_check(gate: str) -> Iterator[None]:
    """One of the checks after the passages were chosen switched off."""
    from rathaus.assistant import answerability  # noqa: PLC0415

    if gate == "value_missing":
        module, name, stand_in = answerability.needs, "missing", (lambda *_: None)
    elif gate == "named_service_lacks":
        module, name, stand_in = answerability, "named_service_lacks", (lambda *_: False)
    else:
        module, name, stand_in = answerability, "off_topic_bylaw", (lambda *_: False)
    saved = getattr(module, name)
    setattr(module, name, stand_in)
    try:
        yield
    finally:
        setattr(module, name, saved)


def table(items: list[dict[str, Any]]) -> None:
    """Per set and gate: answerable refused / unanswerable stopped (first reason; this gate alone)."""
    sets = list(dict.fromkeys(item["set"] for item in items))
    first: dict[tuple[str, str, bool], int] = {}
    alone: dict[tuple[str, str, bool], int] = {}
    refused = {item["id"] + item["set"]: not decide(item).answerable for item in items}
    for item in items:
        reason = decide(item).reason
        key = (item["set"], reason, item["category"] in ANSWERABLE)
        first[key] = first.get(key, 0) + 1
    for gate in GATES:
        with without(gate):
            for item in items:
                if refused[item["id"] + item["set"]] and decide(item).answerable:
                    key = (item["set"], gate, item["category"] in ANSWERABLE)
                    alone[key] = alone.get(key, 0) + 1
    console.print("gate: answerable refused / unanswerable stopped, per set — first reason [this gate alone]")

    def count(table: dict[tuple[str, str, bool], int], gate: str, chosen: list[str], answerable: bool) -> int:
        return sum(table.get((s, gate, answerable), 0) for s in chosen)

    for gate in (*GATES, "no_passages"):
        cells = []
        for name in [*sets, "all"]:
            chosen = sets if name == "all" else [name]
            firsts = f"{count(first, gate, chosen, True)}/{count(first, gate, chosen, False)}"
            alones = f"{count(alone, gate, chosen, True)}/{count(alone, gate, chosen, False)}"
            cells.append(f"{name}: {firsts} [{alones}]")
        console.print(f"{gate:20} " + " | ".join(cells))
    for name in [*sets, "all"]:
        chosen = [i for i in items if name in {"all", i["set"]}]
        console.print(
            f"decision {name}: {figures(chosen, [not refused[i['id'] + i['set']] for i in chosen])}"
        )


def figures(items: list[dict[str, Any]], answered: list[bool]) -> str:
    """False refusals (count, rate) and unanswerable answered (count, rate) of one set's decisions."""
    good = [a for item, a in zip(items, answered, strict=True) if item["category"] in ANSWERABLE]
    bad = [a for item, a in zip(items, answered, strict=True) if item["category"] not in ANSWERABLE]
    refused = sum(not a for a in good)
    taken = sum(bad)
    rate_fr = refused / len(good) if good else 0.0
    rate_ua = f"{taken / len(bad):.2f}" if bad else "–"
    return (
        f"false refusals {refused}/{len(good)} ({rate_fr:.3f}), "
        f"unanswerable answered {taken}/{len(bad)} ({rate_ua})"
    )


def main() -> None:
    """``table`` or ``fit`` on the collected file."""
    command = sys.argv[1] if len(sys.argv) > 1 else "table"
    items = load_items(Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/gate.pkl"))
    if command == "table":
        table(items)
    else:
        from bench.assistant_gate_fit import fit  # noqa: PLC0415

        fit(items)


if __name__ == "__main__":
    main()
