"""Caseworker rules: ordered, first match wins (like paperless-ngx matching), each with its reason."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rathaus.inbox.routing.plan import Decision, Document, FilingPlan

Field = Literal["sender", "subject", "body"]
Kind = Literal["contains", "regex", "fuzzy"]

FIELD_NAMES: dict[Field, str] = {"sender": "Absender", "subject": "Betreff", "body": "Text"}
DEFAULT_FUZZY_SCORE = 85.0
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Rule:
    """``field`` ``kind`` ``pattern`` → position ``key``.

    ``contains`` ignores case; ``regex`` is a Python regular expression (case-insensitive);
    ``fuzzy`` matches the pattern against any run of as many words with rapidfuzz's ratio, so
    an OCR-garbled "Bauantraq" still hits "Bauantrag".
    """

    field: Field
    kind: Kind
    pattern: str
    key: str
    min_score: float = DEFAULT_FUZZY_SCORE
    _regex: re.Pattern[str] | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind == "regex":
            object.__setattr__(self, "_regex", re.compile(self.pattern, re.IGNORECASE))

    def score(self, document: Document) -> float | None:
        """0–1 when the rule matches ``document``, else None."""
        text = getattr(document, self.field)
        if self.kind == "contains":
            return 1.0 if self.pattern.casefold() in text.casefold() else None
        if self.kind == "regex":
            assert self._regex is not None
            return 1.0 if self._regex.search(text) else None
        return _fuzzy_score(self.pattern, text, self.min_score)

    def reason(self, score: float) -> str:
        name = FIELD_NAMES[self.field]
        if self.kind == "contains":
            return f"Regel: {name} enthält „{self.pattern}“"
        if self.kind == "regex":
            return f"Regel: {name} passt auf das Muster „{self.pattern}“"
        return f"Regel: {name} enthält etwa „{self.pattern}“ (Übereinstimmung {score * 100:.0f} %)"


def _fuzzy_score(pattern: str, text: str, min_score: float) -> float | None:
    from rapidfuzz import fuzz  # noqa: PLC0415

    needle = " ".join(_WORD.findall(pattern.casefold()))
    words = _WORD.findall(text.casefold())
    width = max(1, len(needle.split()))
    best = 0.0
    for start in range(max(1, len(words) - width + 1)):
        window = " ".join(words[start : start + width])
        best = max(best, fuzz.ratio(needle, window))
    return best / 100 if best >= min_score else None


def apply_rules(*, rules: Sequence[Rule], document: Document, plan: FilingPlan) -> Decision | None:
    """The decision of the first matching rule, or None when none matches."""
    for rule in rules:
        if rule.key not in plan:
            raise ValueError(f"rule points to {rule.key!r}, which is not in the filing plan")
        score = rule.score(document)
        if score is not None:
            return Decision(method="rule", key=rule.key, confidence=score, reason=rule.reason(score))
    return None
