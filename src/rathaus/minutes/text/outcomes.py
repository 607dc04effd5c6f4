"""Vote outcomes: the OParl ``result`` vocabulary, the spoken phrases that signal each, and counts.

Results are written the way council information systems write them (the OParl
``result`` values: "einstimmig zugestimmt", "mehrheitlich abgelehnt", "Kenntnisnahme", …).
``outcome_class`` maps any such string to a coarse class so that different spellings of one
outcome compare equal ("einstimmig beschlossen" = "einstimmig zugestimmt").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rathaus.core.text.numbers import number_word
from rathaus.minutes.schemas import VoteCounts

UNANIMOUS = "einstimmig zugestimmt"
MAJORITY = "mehrheitlich zugestimmt"
REJECTED = "mehrheitlich abgelehnt"
NOTED = "Kenntnisnahme"
SETTLED = "mit Stellungnahme einverstanden"
REFERRED = "verwiesen in Fachausschuss"
DEFERRED = "vertagt"
WITHDRAWN = "Antrag zurückgezogen"
PARTLY = "teilweise zugestimmt"
# adopted, with no word on unanimity ("Damit ist der Antrag angenommen"): claiming "einstimmig" for
# it was wrong in 5 of 9 cases of the benchmark sessions
ADOPTED = "zugestimmt"
# An election ("Auf Herrn … entfielen 24 Stimmen", "… ist mit 30 Stimmen gewählt") is no vote on a
# motion. Council systems record it as "gewählt", a value RESULTS does not hold (nor should an
# adoption stand for it): an election heard is kept as a motion of its own with this result, and
# the item gets no result from it — the clerk enters who was elected.
ELECTION_HEARD = "Wahl – Ergebnis bitte prüfen"
RESULTS = (UNANIMOUS, MAJORITY, REJECTED, NOTED, SETTLED, REFERRED, DEFERRED, WITHDRAWN, PARTLY, ADOPTED)

_CLASSES: list[tuple[str, str]] = [
    (r"teilweise", "teilweise"),
    (r"zurückgezogen", "zurückgezogen"),
    (r"vertagt|zurückgestellt|abgesetzt", "vertagt"),
    (r"verwiesen|beratung im fachgremium|überwiesen", "verwiesen"),
    (r"abgelehnt|ablehnung", "abgelehnt"),
    (r"einstimmig", "einstimmig"),
    (r"mehrheitlich", "mehrheitlich"),
    (r"einverstanden|erledigt", "erledigt"),
    (r"kenntnis|keine abstimmung|keine mitteilungen|aushang", "kenntnisnahme"),
    (r"vorberaten", "vorberaten"),
    (r"beschlossen|zugestimmt|zustimmung|gewählt|angenommen", "zugestimmt"),
]


def outcome_class(result: str) -> str:
    """The coarse class of an OParl result string ("einstimmig beschlossen" → "einstimmig")."""
    lowered = result.lower()
    for pattern, name in _CLASSES:
        if re.search(pattern, lowered):
            return name
    return "sonstiges"


def outcome_matches(predicted: str, expected: str) -> bool:
    """Whether a predicted result agrees with a recorded one (a plain "Zustimmung" accepts either kind)."""
    got, want = outcome_class(predicted), outcome_class(expected)
    return got == want or (want == "zugestimmt" and got in {"einstimmig", "mehrheitlich"})


_ADOPTIONS = frozenset({"einstimmig", "mehrheitlich", "zugestimmt"})


def outcome_agrees(predicted: str, expected: str) -> bool:
    """Whether a predicted result is true of the recorded one, perhaps less specific.

    As ``outcome_matches``, and a plain "zugestimmt" (``ADOPTED``) is true of any adoption
    ("einstimmig zugestimmt", "mehrheitlich beschlossen"): it says less, not something wrong.
    ``outcome_as_specific`` tells the two apart.
    """
    if outcome_matches(predicted, expected):
        return True
    return outcome_class(predicted) == "zugestimmt" and outcome_class(expected) in _ADOPTIONS


def outcome_as_specific(predicted: str, expected: str) -> bool:
    """Whether a predicted result agrees with the record and says as much as it does.

    A plain "zugestimmt" for an "einstimmig …" or "mehrheitlich …" record agrees but is less specific.
    """
    if not outcome_agrees(predicted, expected):
        return False
    return not (outcome_class(predicted) == "zugestimmt" and outcome_class(expected) != "zugestimmt")


@dataclass(frozen=True)
class Phrase:
    result: str
    pattern: re.Pattern[str]
    label: str


def _p(result: str, pattern: str, label: str) -> Phrase:
    return Phrase(result, re.compile(pattern), label)


# "Sie stimmen dem alle zu", "Dem stimmen Sie alle so zu": everyone said yes, none abstained
ALL_ASSENT = (
    r"\b(sie )?stimmen (sie )?(dem |der |diesem |dieser )?(\w+ )?alle (\w+ )?zu\b"
    r"|\b(dem|der|diesem|dieser) stimmen sie alle (\w+ )?zu\b"
)

# Order matters: the first phrase that matches a sentence decides it. Texts are normalised
# (lower case, ß → ss, punctuation removed).
VOTE_PHRASES = (
    _p(PARTLY, r"\bteilweise (zugestimmt|angenommen|abgelehnt)", "teilweise"),
    _p(MAJORITY, r"\b(fast|nahezu|beinahe|annähernd|weitgehend) einstimmig\w*", "mit Mehrheit"),
    _p(REJECTED, r"\b(abgelehnt|ablehnung|keine mehrheit|nicht angenommen|mehrheitlich nein)\b", "Ablehnung"),
    _p(UNANIMOUS, rf"\b(einstimmig\w*|einhellig\w*|ohne gegenstimmen?)\b|{ALL_ASSENT}", "einstimmig"),
    _p(
        MAJORITY,
        r"\b(mehrheitlich\w*|mehrheit|gegenstimmen?|enthaltung|enthaltungen|deutliche zustimmung|"
        r"grosse zustimmung|breite zustimmung|zustimmung mit)\b",
        "mit Mehrheit",
    ),
    _p(
        ADOPTED,
        r"\b(zugestimmt|zustimmung|zustimmendes votum|angenommen|so beschlossen|annahme"
        r"|stimmen dem \w* ?\w* ?zu|(dem|der|diesem|dieser) stimmen sie (\w+ ){0,2}zu)\b",
        "Zustimmung",
    ),
)
NO_VOTE_PHRASES = (
    _p(WITHDRAWN, r"\b(zurückgezogen|zurückziehen|ziehen \w+ (antrag )?zurück)\b", "zurückgezogen"),
    _p(DEFERRED, r"\b(vertag\w*|zurückgestellt|zurückstellen|verschieben wir|abgesetzt)\b", "vertagt"),
    _p(
        REFERRED,
        r"\b(verwiesen|verweisen|verweise|verweist|verweisung|überwiesen|überweisen)\b"
        r"[\w ]{0,60}?\b(in|an) (den |die |das )?"
        r"[\w ]{0,50}?(ausschuss|beirat|gremium|gremien|arbeitskreis|kommission|gemeinderat|ortschaftsrat)"
        r"|\b(in|an) (den|die|das) [\w ]{0,50}?(ausschuss|beirat|gremium|arbeitskreis|kommission)\w*"
        r"[\w ]{0,60}?\b(verwiesen|verweisen|überwiesen|überweisen)"
        r"|\bim \w*(ausschuss|gremium|beirat|arbeitskreis) [\w ]{0,40}?"
        r"(diskutier|berat|behandel|ausführ|vertief)\w*"
        # "verweist ihn den Fachausschuss": the preposition lost (in the minutes or by the recogniser)
        r"|\b(verweise|verweist|verweisen|verwiesen|überweist|überweisen|überwiesen)"
        r" (ihn |sie |es |das |diesen )?"
        r"(den|dem|die) [\w ]{0,30}?(ausschuss|beirat|gremium|arbeitskreis|kommission)"
        # "der Planungsausschuss beschäftigt sich damit"
        r"|\b\w*(ausschuss|beirat|gremium|arbeitskreis|kommission) (beschäftigt|befasst) sich\b"
        r"|\b(beschäftigt|befasst) sich (der|die|das) \w*(ausschuss|beirat|gremium|arbeitskreis|kommission)"
        # "wir nehmen den Antrag in den Jugendhilfeausschuss", "das Thema in den Aufsichtsrat nehmen"
        r"|\b(nehmen|geben|bringen) (wir |es |ihn |das )?[\w ]{0,40}?\b(in|an) (den|die|das) [\w ]{0,30}?"
        r"(ausschuss|aufsichtsrat|beirat|gremium|arbeitskreis|kommission)\w*"
        r"|\b(in|an) (den|die|das) [\w ]{0,30}?(ausschuss|aufsichtsrat|beirat|gremium|kommission)\w* "
        r"(mit )?(nehmen|geben|mitnehmen)\b",
        "verwiesen",
    ),
    _p(
        SETTLED,
        r"\b(einverstanden|so verfahren|so werden wir verfahren|verfahren wir so|so verbleiben|zufrieden|"
        r"nicht zur abstimmung|"
        r"nicht abstimmen|keine abstimmung)\b"
        # "erledigt" said of the motion ("Der Antrag hat sich damit erledigt"); said of the item or of
        # "das" ("damit ist TOP 23 erledigt", "damit hat sich das erledigt") it only says the item is
        # done — noted, withdrawn or settled alike (3 of 6 wrong in the benchmark sessions)
        r"|\b\w*antr[aä]g\w*\b[\w ]*\berledigt\b|\berledigt\b[\w ]*\b\w*antr[aä]g",
        "einverstanden",
    ),
    _p(NOTED, r"\b(kenntnis genommen|zur kenntnis|kenntnisnahme|kenntnis nehmen)\b", "Kenntnisnahme"),
)
VOTE_REQUEST = re.compile(
    r"\bum (ihr|das|die|ihre|eine) (votum|abstimmung|kartenzeichen|handzeichen|zustimmung)\b"
    r"|\bstimmen \w* ?ab\b|\b(kommen|kommt) \w* ?zur abstimmung\b|\bzur abstimmung kommen\b|\bab jetzt\b"
)
VOTE_CONTEXT = re.compile(
    r"\b(votum|abstimmung|abstimmen|stimmen|stimmen wir|zustimmung|zugestimmt|einstimmig\w*|"
    r"mehrheitlich\w*|abgelehnt|ablehnung|kartenzeichen|handzeichen|mehrheit|angenommen)\b"
)

_KIND = {
    "ja": "yes",
    "jastimme": "yes",
    "jastimmen": "yes",
    "dafür": "yes",
    "nein": "no",
    "neinstimme": "no",
    "neinstimmen": "no",
    "gegenstimme": "no",
    "gegenstimmen": "no",
    "dagegen": "no",
    "enthaltung": "abstain",
    "enthaltungen": "abstain",
    "ablehnung": "no",
    "ablehnungen": "no",
}


def spoken_counts(tokens: list[str]) -> dict[str, int]:
    """Counts said in words ("bei 3 Gegenstimmen und 2 Enthaltungen", "28 Ja-Stimmen", "eine Enthaltung")."""
    found: dict[str, int] = {}
    for index, token in enumerate(tokens[:-1]):
        value = number_word(token) if token not in {"ein", "eine", "einer"} else 1
        if value is None or value > 100:
            continue
        following = tokens[index + 1]
        if following == "ja" and index + 2 < len(tokens) and tokens[index + 2] == "stimmen":
            following = "jastimmen"
        if following == "nein" and index + 2 < len(tokens) and tokens[index + 2].startswith("stimme"):
            following = "neinstimmen"
        kind = _KIND.get(following)
        if kind and kind not in found:
            found[kind] = value
    return found


def counts_from(found: dict[str, int]) -> VoteCounts | None:
    """VoteCounts when the yes votes are known (missing no/abstain count as 0), else None."""
    if "yes" not in found:
        return None
    return VoteCounts(yes=found["yes"], no=found.get("no", 0), abstain=found.get("abstain", 0))
