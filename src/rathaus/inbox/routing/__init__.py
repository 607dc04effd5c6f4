"""Routing of incoming documents to a position of the filing plan: rules, classifier, similarity.

Rules come first; then the calibrated classifier once enough confirmed examples exist, else zero-shot
similarity to the position descriptions; where those stay below the threshold, optionally the LLM,
constrained to the plan's positions (``llm.py``). Below the threshold the answer is :data:`UNSURE`
and the document goes to manual triage in the Poststelle. Pure logic: no database, no web.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rathaus.inbox.routing.learned import MAX_EMBED_CHARS, LearnedClassifier, ZeroShot
from rathaus.inbox.routing.llm import LlmRouter
from rathaus.inbox.routing.plan import (
    UNSURE,
    Decision,
    Document,
    Example,
    FilingPlan,
    Method,
    Position,
    Provenance,
)
from rathaus.inbox.routing.rules import Rule, apply_rules

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import Embedder

__all__ = [
    "DEFAULT_THRESHOLD",
    "MIN_EXAMPLES_PER_POSITION",
    "UNSURE",
    "Decision",
    "Document",
    "Example",
    "FilingPlan",
    "LearnedClassifier",
    "LlmRouter",
    "Method",
    "Position",
    "Provenance",
    "Router",
    "Rule",
    "ZeroShot",
    "apply_rules",
    "unsure_below",
]

DEFAULT_THRESHOLD = 0.5
MIN_EXAMPLES_PER_POSITION = 3  # the classifier takes over once two positions have this many


def _percent(share: float) -> str:
    """German percent notation: ``0.54`` → ``"54 %"``."""
    return f"{share * 100:.0f} %"


def unsure_below(decision: Decision, *, threshold: float, plan: FilingPlan) -> Decision:
    """``decision`` itself, or UNSURE (keeping method and confidence) when its confidence is too low."""
    if decision.unsure or decision.confidence >= threshold:
        return decision
    reason = (
        f"unsicher: bester Vorschlag „{plan.title(decision.key)}“ mit {_percent(decision.confidence)} "
        f"unter der Schwelle von {_percent(threshold)} ({decision.reason}) – bitte in der Poststelle zuordnen"
    )
    return dataclasses.replace(decision, key=UNSURE, reason=reason)


@dataclass
class Router:
    """Routes documents: ``Router(plan=…, rules=…, embedder=…).fit(examples=…).route(documents=…)``.

    With ``llm`` set, documents that rules and the learned methods leave below the threshold are put
    to the LLM; its answer replaces theirs (and goes to triage itself when unsure or below the threshold).
    """

    plan: FilingPlan
    embedder: Embedder
    rules: Sequence[Rule] = ()
    threshold: float = DEFAULT_THRESHOLD
    use_embeddings_in_classifier: bool = True
    embed_chars: int = MAX_EMBED_CHARS
    llm: LlmRouter | None = None
    classifier: LearnedClassifier | None = field(default=None, init=False)
    _zero_shot: ZeroShot | None = field(default=None, init=False, repr=False)

    def fit(self, *, examples: Sequence[Example]) -> Router:
        """Train the classifier on confirmed ``examples``; with too few, zero-shot stays in charge."""
        counts = Counter(example.key for example in examples)
        enough = [key for key, count in counts.items() if count >= MIN_EXAMPLES_PER_POSITION]
        if len(enough) < 2:
            self.classifier = None
            return self
        embedder = self.embedder if self.use_embeddings_in_classifier else None
        self.classifier = LearnedClassifier(
            plan=self.plan, embedder=embedder, embed_chars=self.embed_chars
        ).fit(examples=examples)
        return self

    def route(self, *, documents: Sequence[Document]) -> list[Decision]:
        """One decision per document, in order."""
        decisions: list[Decision | None] = [
            apply_rules(rules=self.rules, document=document, plan=self.plan) for document in documents
        ]
        open_indices = [index for index, decision in enumerate(decisions) if decision is None]
        if open_indices:
            learned = self._learned([documents[index] for index in open_indices])
            for index, decision in zip(open_indices, learned, strict=True):
                decisions[index] = unsure_below(decision, threshold=self.threshold, plan=self.plan)
        if self.llm is not None:
            asked = [index for index, found in enumerate(decisions) if found is not None and found.unsure]
            answers = self.llm.predict(documents=[documents[index] for index in asked])
            for index, decision in zip(asked, answers, strict=True):
                decisions[index] = unsure_below(decision, threshold=self.threshold, plan=self.plan)
        return [decision for decision in decisions if decision is not None]

    def _learned(self, documents: list[Document]) -> list[Decision]:
        """The classifier's decisions, or zero-shot similarity while there is no classifier."""
        if self.classifier is not None:
            return self.classifier.predict(documents=documents)
        if self._zero_shot is None:
            self._zero_shot = ZeroShot(plan=self.plan, embedder=self.embedder, embed_chars=self.embed_chars)
        return self._zero_shot.predict(documents=documents)
