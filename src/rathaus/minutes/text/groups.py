"""The council groups (factions, parties) named in a text, from data only.

The groups a body knows are its ``CouncilConventions.factions`` and the parties found across
Germany (``common_parties()``, a data file). A local group that is in neither list ("WiR", "BfB")
is learned from the agenda: the short name, written with two or more capitals, at the head of a
motion's title ("Änderungsantrag WiR: …"). A joint faction ("CDU/FDP", "SPD/Volt") is one group:
named in the conventions with its parts as ``members``, or written with a slash in a title; a
mention of one part ("der Antrag der CDU") then means the joint faction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rathaus.minutes.text.conventions import CouncilConventions, Faction, common_parties

# A group's short name in an agenda title: two or more capitals ("WiR", "BfB", "ÖDP").
_GROUP_TOKEN = re.compile(r"(?<![\w])[A-ZÄÖÜ][\wäöüß]*[A-ZÄÖÜ][\wÄÖÜäöüß]*(?![\wäöüß])")
# "CDU/FDP", "FW|FÜR", "SPD / Volt": two or more names joined by a slash or bar
_JOINED = re.compile(r"[^\s,:;()/|]+(?:\s?[/|]\s?[^\s,:;()/|]+)+")
_END = r"(?![\wäöüßÄÖÜ])"


@dataclass
class Groups:
    """Matches council groups in texts; ``names`` are the canonical ones (Faction.name)."""

    factions: list[Faction] = field(default_factory=list)
    _patterns: list[tuple[str, re.Pattern[str]]] = field(default_factory=list, init=False, repr=False)
    _member_of: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    # groups learned from the agenda (in no list): they count only where their motion is on the agenda
    learned: set[str] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self._compile()

    @classmethod
    def of(cls, conventions: CouncilConventions | None = None, titles: Iterable[str] = ()) -> Groups:
        """The groups of a body's conventions and the common parties, plus those its agenda titles name."""
        conventions = conventions or CouncilConventions()
        groups = cls([*conventions.factions, *common_parties()])
        for title in titles:
            groups.learn(title)
        return groups

    def _compile(self) -> None:
        spellings: list[tuple[str, str]] = []
        self._member_of = {}
        for faction in self.factions:
            for alias in {faction.name, *faction.aliases}:
                spellings.append((alias, faction.name))
            for member in faction.members:
                self._member_of.setdefault(member, faction.name)
                spellings.append((member, faction.name))
        spellings.sort(key=lambda pair: -len(pair[0]))  # "Bündnis 90/Die Grünen" before "Grünen"
        self._patterns = [
            (name, re.compile(rf"(?<![\wäöüßÄÖÜ]){re.escape(alias)}{_END}")) for alias, name in spellings
        ]

    def _known(self, name: str) -> bool:
        return any(pattern.fullmatch(name) for _, pattern in self._patterns)

    def learn(self, head: str) -> None:
        """Add the local groups and joint factions named at the head of a motion's title."""
        added = False
        for joined in _JOINED.findall(head):
            parts = tuple(p.strip() for p in re.split(r"[/|]", joined) if p.strip())
            names = [self._canonical(p) for p in parts]
            if all(names) and len(set(names)) == len(names) and not self._known(joined):
                member_names = tuple(n for n in names if n)
                name = joined.replace(" ", "")
                self.factions.insert(0, Faction(name=name, aliases=(joined,), members=member_names))
                self.learned.add(name)
                added = True
        for token in _GROUP_TOKEN.findall(self._blank(head)):
            if not self._known(token) and not any(token in f.members for f in self.factions):
                self.factions.append(Faction(name=token))
                self.learned.add(token)
                added = True
        if added:
            self._compile()

    def _canonical(self, text: str) -> str | None:
        """The group a single name is (a known spelling or a short name in capitals)."""
        for name, pattern in self._patterns:
            if pattern.fullmatch(text):
                return name
        return text if _GROUP_TOKEN.fullmatch(text) else None

    def _blank(self, text: str) -> str:
        for _, pattern in self._patterns:
            text = pattern.sub(" ", text)
        return text

    def find(self, text: str) -> frozenset[str]:
        """The groups named in ``text``; a part of a joint faction counts as the joint faction."""
        found: set[str] = set()
        for name, pattern in self._patterns:
            if pattern.search(text):
                found.add(name)
                text = pattern.sub(" ", text)
        return frozenset(self._member_of.get(name, name) for name in found)

    def mark(self, text: str, placeholder: str) -> str:
        """``text`` with every group name replaced by ``placeholder`` ("hat die SPD" → "hat die gruppe")."""
        for _, pattern in self._patterns:
            text = pattern.sub(f" {placeholder} ", text)
        return text

    def find_in_title(self, head: str) -> frozenset[str]:
        """The groups at the head of a motion's title, local short names included."""
        self.learn(head)
        return self.find(head)
