"""Members' motions (Anträge): what the chair's words on them can and cannot state.

An Antrag comes with the administration's Stellungnahme, and a body may adopt the motion, agree with
the Stellungnahme ("mit Stellungnahme einverstanden"), refer it or take note. Only a vote, a referral
or an explicit "einverstanden" tells these apart.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rathaus.minutes.schemas import AgendaEntry
from rathaus.minutes.text import outcomes as oc
from rathaus.minutes.text.statements import NO_RESULT, ItemDecision

# a members' motion ("Antrag", "Antrag der Fraktion", "Fraktionsantrag"), not an amendment to a proposal
_MOTION_PAPER = re.compile(r"antrag", re.IGNORECASE)
_AMENDMENT_PAPER = re.compile(r"änderung|ergänzung", re.IGNORECASE)


def is_motion(entry: AgendaEntry) -> bool:
    """Whether an entry's paper is a members' motion (an Antrag), by the paper type its system gives."""
    kind = entry.paper_type or ""
    return bool(_MOTION_PAPER.search(kind)) and not _AMENDMENT_PAPER.search(kind)


# words of a vote held: a count, a majority, unanimity, the call to vote
_VOTE_HELD = re.compile(
    r"\b(einstimmig\w*|mehrheit\w*|angenommen|abgelehnt|abstimm\w*|stimmen|ja-stimme\w*|gegenstimme\w*"
    r"|enthaltung\w*)\b"
)


def declared_on_motion(decision: ItemDecision) -> ItemDecision:
    """No result where the chair only declared "Zustimmung" or "Kenntnisnahme" on a members' motion.

    An Antrag comes with the administration's Stellungnahme. "Nachdem keine weiteren Wortmeldungen
    vorliegen, stellt er Zustimmung fest" on it may mean the motion was adopted or that the body
    agreed with the Stellungnahme (recorded "mit Stellungnahme einverstanden") — opposite things for
    the motion. Without a vote held, the clerk decides.
    """
    if decision.result not in {oc.ADOPTED, oc.NOTED} or decision.counts is not None:
        return decision
    if not decision.evidence or any(_VOTE_HELD.search(e.text.lower()) for e in decision.evidence):
        return decision
    said = " / ".join(e.text[:100] for e in decision.evidence)
    reason = (
        f"{NO_RESULT}: zu einem Antrag wurde ohne Abstimmung „{decision.result}“ festgestellt – ob dem "
        f"Antrag oder der Stellungnahme der Verwaltung („{said[:200]}“)"
    )
    return replace(decision, result=None, resolution_text=None, method="rule", reason=reason)
