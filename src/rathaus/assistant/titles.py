"""The short name of a by-law on an answer line: "Abwassersatzung (Schwieberdingen)", not its full title.

An answer names its source on every line, and a by-law's official title is long ("Satzung über die
öffentliche Abwasserbeseitigung (Abwassersatzung - AbwS) (Schwieberdingen)"). On the answer line the
by-law goes by the short name its title gives in parentheses, with its municipality; the register
number of a collection of by-laws ("III 07 ") is left out. The sources below the answer keep the full
title, and a title without a short name stays as it is.
"""

from __future__ import annotations

import re

from rathaus.assistant.schemas import PassageLike

REGISTER = re.compile(r"^[IVX]+\s+\d+(?:\.\d+)*\s+")
# "(Abwassersatzung - AbwS)", "(Polizeiliche Umweltschutz-Verordnung)", "(Redaktionsstatut)"
SHORT = re.compile(
    r"\(((?:[A-ZÄÖÜ][\wäöüß-]*\s){0,2}[A-ZÄÖÜ][\wäöüß-]*(?:satzung|ordnung|verordnung|statut|richtlinien?))"
    r"(?:\s*[-–]\s*[\w.-]+)?\)",
    re.IGNORECASE,
)
SHORTER = 0.6  # the short name is used when it is at most this share of the title's length


def short_title(passage: PassageLike) -> str:
    """The name of ``passage``'s source on an answer line (services keep their title)."""
    if passage.kind == "service":
        return passage.title
    title = REGISTER.sub("", passage.title)
    found = SHORT.search(title)
    if found is None or found.group(1).lower().startswith("anlage"):
        return title
    short = found.group(1)
    place = getattr(passage, "municipality", None)
    named = f"{short} ({place})" if place and place not in short else short
    return named if len(named) <= SHORTER * len(title) else title
