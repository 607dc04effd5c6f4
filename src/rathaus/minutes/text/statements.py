"""Which sentences state a result: the chair's result statements, and what never is one.

A result is the chair's to state ("Das ist eine mehrheitliche Zustimmung"). The chair is whoever the
body's ``CouncilConventions`` name: a speaker in ``chairs``, a speaker label in ``chair_labels``
("Vorsitz"), or the (Ober)Bürgermeister(in) and the deputies only where the mayor chairs the body.
Even the chair's words are no result when they are
- a request or question ("Ich bitte um Zustimmung", "Wer ist dafür?"),
- a personal stance or a negation ("Ich habe nicht zugestimmt", "meine Zustimmung"),
- reported speech: another body's vote ("im Ausschuss 6 zu 0 zu 1 angenommen"), a group's vote
  ("Das hat die SPD abgelehnt"), or an earlier one ("wurde damals beschlossen").
An election ("Auf Herrn Jägle entfielen 24 Stimmen …, keine Enthaltungen", "Sie sind mit 38 Stimmen
gewählt") is no vote on a motion: it is kept as a motion of kind "Wahl", never read as "zugestimmt".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rathaus.core.text.words import plain_text, plain_words
from rathaus.minutes.schemas import VoteCounts
from rathaus.minutes.text import outcomes as oc
from rathaus.minutes.text.clauses import BALLOT_ROUND, EFFECTIVE_DATE, TALLY, election, result_clauses
from rathaus.minutes.text.conventions import CouncilConventions
from rathaus.minutes.text.groups import Groups

_MAYOR = re.compile(r"\b(ober)?bürgermeister(in)?\b", re.IGNORECASE)

_REQUEST = re.compile(
    r"\bbitte\w*\b[\w ]{0,40}\b(zustimmung|votum|abstimmung|handzeichen|kartenzeichen|zeichen)\b"
    r"|\b(zustimmung|votum|handzeichen|kartenzeichen)\b[\w ]{0,20}\bbitten\b"
    r"|\bwer (ist|stimmt|möchte|will|dem|der|den|das)\b|\bstimmen wir\b|\bkommen \w* ?zur abstimmung\b"
)
# "ich habe nicht zugestimmt", "meine Zustimmung", "wir werden zustimmen": a stance, not a result
_STANCE = re.compile(
    r"\b(mein|meine|meiner|meinen|unser|unsere|unserer|unseren)\b"
    r"|\bich (habe|hatte|stimme|werde|würde|kann|möchte|will|bin|war|finde|glaube|denke|meine|hoffe|sage)\b"
    r"|\b(habe|hatte|stimme|werde|würde|kann|finde|glaube|denke|hoffe|sage) ich\b"
    r"|\b(wir|ich) (werden|möchten|wollen|bitten|würden|können|stimmen|haben nicht|sind nicht)\b"
)
# "wenn man die Enthaltungen entsprechend bewertet", "Sie können die Verweisung beschließen"
_HEDGE = re.compile(
    r"\b(wenn|falls|sofern|ob|kann man|könnte|könnten|können|sollten|müssten|werten|bewertet|gewertet)\b"
)
# courtesies that say nothing about the result ("meine Damen und Herren", "wenn es keine Wortmeldungen
# gibt", "ich habe keine Wortmeldungen mehr")
_POLITE = re.compile(
    r"\b(meine|sehr geehrte) (sehr geehrten )?damen und herren\b"
    r"|\bwenn es (da |dazu |hierzu )?keine (weiteren )?wortmeldungen (mehr )?gibt\b"
    r"|\bich (habe|sehe) (jetzt |hier )?keine (weiteren )?wortmeldungen( mehr)?\b"
)
_NEGATED = re.compile(
    r"\b(nicht|kein|keine|keiner|keinen|niemals|nie)\b(\s\w+){0,3}\s"
    r"(zugestimmt|zustimmen|zustimmung|angenommen|beschlossen|einverstanden|abgelehnt|ablehnen|mehrheit)\b"
)
# another body, an earlier time: what was decided elsewhere or before
_REPORTED = re.compile(
    r"\b(im|in dem|vom|von dem|des|dem|den|der|die|das) \w*(ausschuss|ausschusses|beirat|beirats|gremium"
    r"|gremiums|ortschaftsrat|ortschaftsrats|aufsichtsrat|aufsichtsrats|kreistag|landtag|bundestag|kommission)\b"
    r"|\b(wurde|wurden|worden|hatte|hatten|damals|seinerzeit|bereits|schon|letzten|letztes|vorigen"
    r"|vergangenen|vorberaten|vorberatung|vorher|zuvor|früher|bislang|bisher)\b"
    r"|\b(19|20)\d\d\b|\b\d+ zu \d+\b"
)
# indirect speech in narrated minutes: "Wichtig sei, dass … Zustimmung fänden" reports a view, not a
# vote (a no-vote outcome may be narrated so: "erklärt, die Punkte 2.4 sowie 2.4.1 seien … erledigt")
_INDIRECT = re.compile(r"\b(sei|seien|fände|fänden)\b")
# "hat die SPD abgelehnt", "die GRÜNEN haben zugestimmt", "das alles haben Sie abgelehnt"
_GROUP_VOTED = re.compile(
    r"\b(hat|haben|hatte|hatten|wird|werden|stimmt|stimmen|stimmte|stimmten)\s+(die\s+|der\s+)?gruppe\b"
    r"|\bgruppe(\s+fraktion)?\s+(hat|haben|hatte|hatten|stimmt|stimmen|stimmte|stimmten|lehnt|lehnen)\b"
    r"|\b(haben|hatten) sie\b"
    r"|\b(haben|hat|hatten|hatte) (hier |da |dort )?(viele|alle|einige|manche|die meisten)\b"
)
# "Sie alle" voted: a reported vote ("das Sie alle mehrheitlich beschlossen haben"), unless the
# chair says it of the vote just taken ("Dem stimmen Sie alle so zu", "Sie alle stimmen dem zu")
_YOU_ALL = re.compile(r"\bsie alle\b")
_ASSENT_NOW = re.compile(r"\b(stimmen sie|sie stimmen|sie alle stimmen)\b[\w ]{0,30}?\bzu\b")
_PERFECT = re.compile(r"\b(haben|hatten|hat|hatte|wurde|wurden|worden)\b")
# after the result clause: a condition or an opinion still makes it no statement of the result
_CONDITION = re.compile(r"\b(wenn|falls|sofern|ob|werten|bewertet|gewertet)\b")
_OPINION = re.compile(
    r"\bich (stimme|würde|finde|glaube|denke|meine|hoffe|sage)\b"
    r"|\b(stimme|würde|finde|glaube|denke|hoffe|sage) ich\b"
    r"|\b(wir|ich) (würden|stimmen|haben nicht|sind nicht)\b"
)
RESULT_WORDS = 30  # results are said briefly
_AMENDMENT = re.compile(r"\b(änderungs|ergänzungs|zusatz)antr[aä]g\w*")
_MAIN = re.compile(
    r"\b(beschlussvorlage|vorlage|verwaltungsvorlage|insgesamt|gesamtabstimmung|unveränderte)\b"
)
# a vote on how to proceed ("Antrag zur Geschäftsordnung", "Schluss der Debatte")
_ORDER = re.compile(
    r"\bgeschäftsordnung\w*|\bgo antrag\b|\b(schluss|ende) der (debatte|aussprache|rednerliste)\b"
    r"|\bnichtbefassung\b|\bsitzungsunterbrechung\b"
)
# a vote on one part of a motion ("Ziffer 2", "Teil B", "getrennte Abstimmung")
_PART = re.compile(
    r"\b(ziffer|ziffern|beschlussziffer|teil|abschnitt|absatz|nummer|spiegelstrich|getrennt|einzeln)\b"
    r"|\bpunkt \d+ (der|des) (vorlage|beschluss|antrag)"
)
_PROCEDURE = re.compile(r"\b(verfahren|vorgehen|vorgehensweise|abwartet|abwarten|zurückstellen)\b")
_HEDGED = re.compile(r"\b(wenn|falls|ob|sonst|ansonsten)\b|\bnicht (einverstanden|zufrieden)")
ORDER = "Geschäftsordnung"
ELECTION = "Wahl"
PROPOSAL = "Beschlussvorlage"
AMENDMENT = "Änderungsantrag"


@dataclass(frozen=True)
class Evidence:
    """A sentence that carries a decision, with where it was said."""

    segment: int
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Motion:
    """One motion voted on within an item: the proposal itself, an amendment or a procedural motion."""

    kind: str  # "Beschlussvorlage" | "Änderungsantrag" | "Geschäftsordnung" | "Wahl"
    result: str
    counts: VoteCounts | None
    evidence: Evidence
    part: bool = False  # a vote on one part (Ziffer) of the motion


NO_RESULT = "Kein Ergebnis erkannt – bitte prüfen"


@dataclass(frozen=True)
class ItemDecision:
    """The decision on one agenda entry."""

    entry_index: int
    number: str
    key: str
    result: str | None  # an OParl result value, see outcomes.RESULTS
    counts: VoteCounts | None
    resolution_text: str | None
    motions: tuple[Motion, ...]
    evidence: tuple[Evidence, ...]
    method: str  # "record" | "rule" | "llm" | "none"
    reason: str
    # imported votes of this item that name no entry of it ("Änderungsantrag DS0081/25/2")
    unmatched_records: tuple[str, ...] = ()

    @property
    def time_range(self) -> tuple[float, float] | None:
        """The time range of the evidence, if any."""
        if not self.evidence:
            return None
        return min(e.start for e in self.evidence), max(e.end for e in self.evidence)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the transcript in an item's span; ``chair``: said by the chair."""

    segment: int
    text: str
    norm: str
    chair: bool
    start: float
    end: float

    @property
    def evidence(self) -> Evidence:
        """This sentence as evidence."""
        return Evidence(self.segment, self.start, self.end, self.text)


@dataclass(frozen=True)
class ChairRule:
    """Who chairs, from a body's conventions (plus names given directly, e.g. the meeting's chair)."""

    conventions: CouncilConventions
    names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, conventions: CouncilConventions | None, extra_names: tuple[str, ...] = ()) -> ChairRule:
        """The rule for ``conventions`` (defaults when None) and further chair names."""
        conventions = conventions or CouncilConventions()
        names = {n.strip() for n in (*conventions.chairs, *extra_names) if n and n.strip()}
        return cls(conventions, frozenset(names))

    def is_chair(self, speaker: str | None) -> bool:
        """Whether a speaker (a name or a label as in the transcript) is the chair or a deputy."""
        if not speaker or not speaker.strip():
            return False
        spoken = speaker.strip()
        if spoken in self.names or any(_contains_name(spoken, name) for name in self.names):
            return True
        words = set(re.findall(r"[\wäöüßÄÖÜ]+", spoken.lower()))
        if any(label.lower() in words for label in self.conventions.chair_labels):
            return True
        return self.conventions.mayor_chairs and bool(_MAYOR.search(spoken))


def _contains_name(speaker: str, name: str) -> bool:
    """ "Oberbürgermeisterin Dr. Eva Muster" contains the chair "Dr. Eva Muster" (whole words)."""
    return len(name) > 3 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", speaker) is not None


def not_a_result(text: str, groups: Groups) -> str | None:
    """Why a sentence that sounds like a vote is no result statement (German), or None if it may be one.

    A stance, a possibility or a report counts before and in the clause that states the result
    (``clauses.result_clauses``); after it ("…, damit können wir jetzt …") only a condition, an
    opinion, a negation, a request or a group's vote does.
    """
    norm = _POLITE.sub(" ", plain_text(text))
    said = result_clauses(text)
    head = EFFECTIVE_DATE.sub(" ", _POLITE.sub(" ", plain_text(said.head)))
    tail = _POLITE.sub(" ", plain_text(said.tail))
    negated = _NEGATED.search(norm)
    checks = (
        (text.rstrip().endswith("?") or bool(_REQUEST.search(norm)), "Bitte oder Frage"),
        (bool(_STANCE.search(TALLY.sub(" ", head)) or _OPINION.search(tail)), "eigene Haltung"),
        (bool(_HEDGE.search(head) or _CONDITION.search(tail)), "Bedingung oder Möglichkeit"),
        (bool(negated) and not _REJECTION.search(norm), "verneint"),
        (bool(_REPORTED.search(head)), "Bericht über eine andere oder frühere Abstimmung"),
        (bool(_INDIRECT.search(norm)), "indirekte Rede"),
        (_group_voted(text, groups), "Stimmverhalten einer Fraktion"),
        (said.words > RESULT_WORDS, "zu lang für eine Ergebnisfeststellung"),
    )
    return next((why for failed, why in checks if failed), None)


def _group_voted(text: str, groups: Groups) -> bool:
    """ "hat die SPD abgelehnt", "das alles haben Sie abgelehnt" — not "Dem stimmen Sie alle so zu"."""
    marked = plain_text(groups.mark(text, "gruppe"))
    if _GROUP_VOTED.search(marked):
        return True
    return bool(_YOU_ALL.search(marked)) and not (_ASSENT_NOW.search(marked) and not _PERFECT.search(marked))


_REJECTION = re.compile(r"\b(nicht angenommen|keine mehrheit|keine zustimmung)\b")


def not_a_no_vote(norm: str) -> bool:
    """Whether a sentence cannot state a no-vote outcome: a stance, a proposal, an earlier event."""
    norm = _POLITE.sub(" ", norm)
    checks = (_STANCE, _EARLIER, _SUBORDINATE, _MODAL, _SOMEONE_ELSE)
    return any(check.search(norm) for check in checks)


# "Stadtrat Weber nimmt den Antrag zur Kenntnis": what a member does is not the body's outcome
_SOMEONE_ELSE = re.compile(r"\b(stadtrat|stadträtin|stadträte|stadträtinnen|herr|frau)\b")
_MODAL = re.compile(r"\b(sollte|sollten|könnte|könnten|müsste|müssten|vielleicht|wenn|falls|sofern)\b")
_SUBORDINATE = re.compile(r"\b(dass|lautet|beantragt|beantragen|würde|würden)\b")


def vote(
    sentence: Sentence, found: list[Sentence], groups: Groups, *, abstentions_break_unanimity: bool = False
) -> Motion | None:
    """The vote a sentence of the chair announces, if it is a result statement (an election: kind "Wahl").

    ``abstentions_break_unanimity`` (``CouncilConventions``): the body records a vote with abstentions
    as "mehrheitlich", so a bare "einstimmig" is only "zugestimmt" (see ``unanimity``).
    """
    norm = sentence.norm
    if sentence.chair and election(norm):
        return _election(sentence)
    if not sentence.chair or not oc.VOTE_CONTEXT.search(norm):
        return None
    if not_a_result(sentence.text, groups) is not None or re.match(r"(und )?dass\b", norm):
        return None
    phrase = next((p for p in oc.VOTE_PHRASES if p.pattern.search(norm)), None)
    if phrase is None:
        return None
    if BALLOT_ROUND.search(norm):  # "keine Mehrheit …, wir müssen in eine Stichwahl": a round of an election
        return _election(sentence)
    found_counts = oc.spoken_counts(plain_words(sentence.text))
    result = _procedural(norm) or phrase.result
    against = found_counts.get("no") or found_counts.get("abstain")
    said_unanimous = phrase.label == "einstimmig" and not found_counts.get("no")
    if (
        against
        and not said_unanimous
        and (result in {oc.UNANIMOUS, oc.ADOPTED} or re.search(r"\b(zustimmung|zugestimmt)\b", norm))
    ):
        result = oc.MAJORITY  # "bei 3 Gegenstimmen zugestimmt"; "einstimmig bei einer Enthaltung" stays
    position = found.index(sentence)
    if phrase.label == "Zustimmung" and position > 0 and result == oc.ADOPTED:
        # "Das ist eine deutliche Mehrheit. Damit ist die Beschlussvorlage angenommen.": a plain
        # acceptance right after a stated majority repeats that vote
        previous = vote(
            found[position - 1], found, groups, abstentions_break_unanimity=abstentions_break_unanimity
        )
        if previous is not None and previous.result == oc.MAJORITY:
            result = oc.MAJORITY
            found_counts = found_counts or _counts_dict(previous.counts)
    if abstentions_break_unanimity:
        result = unanimity(result, norm, found_counts)
    context = " ".join(s.norm for s in found[max(0, position - 2) : position + 1])
    if _ORDER.search(context):
        kind = ORDER
    elif _AMENDMENT.search(context) and not _MAIN.search(norm):
        kind = AMENDMENT
    else:
        kind = PROPOSAL
    return Motion(kind, result, oc.counts_from(found_counts), sentence.evidence, bool(_PART.search(context)))


def _election(sentence: Sentence) -> Motion | None:
    """An election the chair announces, with its counts where said as yes/no/abstentions.

    Not when asked or conditional ("Wer mehr als die Hälfte der Stimmen erhält, ist gewählt, wenn …").
    """
    norm = sentence.norm
    if sentence.text.rstrip().endswith("?") or _REQUEST.search(norm) or _HEDGE.search(norm):
        return None
    counts = oc.counts_from(oc.spoken_counts(plain_words(sentence.text)))
    return Motion(ELECTION, oc.ELECTION_HEARD, counts, sentence.evidence)


_NO_ABSTENTION = re.compile(r"\b(ohne (gegenstimmen? (und|oder) )?|keine |keiner )enthaltung(en)?\b")


def unanimity(result: str, norm: str, found_counts: dict[str, int]) -> str:
    """A chair's "einstimmig" where the body counts a vote with abstentions as "mehrheitlich".

    Abstentions stated ("einstimmig bei 2 Enthaltungen", "bei Enthaltung der …") → "zugestimmt", with
    the counts: the chair's word and the body's custom disagree, and both agree only that it was
    adopted (the clerk chooses; bodies of one council record such votes either way). None stated
    ("ohne Enthaltungen", "0 Enthaltungen") → "einstimmig"; nothing said about them → "zugestimmt":
    whether anyone abstained cannot be heard from the words. "Sie stimmen
    dem alle zu": all said yes, none abstained → "einstimmig".
    """
    if result != oc.UNANIMOUS:
        return result
    if found_counts.get("abstain"):
        return oc.ADOPTED
    if _NO_ABSTENTION.search(norm) or found_counts.get("abstain") == 0 or re.search(oc.ALL_ASSENT, norm):
        return oc.UNANIMOUS
    return oc.ADOPTED


def _counts_dict(counts: VoteCounts | None) -> dict[str, int]:
    if counts is None:
        return {}
    return {"yes": counts.yes, "no": counts.no, "abstain": counts.abstain}


def _procedural(norm: str) -> str | None:
    """A majority for a way to proceed is no vote on the motion: referral or agreement on the procedure."""
    referral = next(p for p in oc.NO_VOTE_PHRASES if p.result == oc.REFERRED)
    if referral.pattern.search(norm):
        return oc.REFERRED
    if _PROCEDURE.search(norm):
        return oc.SETTLED
    return None


def no_vote(
    found: list[Sentence], groups: Groups | None = None, amended_by: frozenset[str] = frozenset()
) -> tuple[str, Evidence] | None:
    """The last no-vote outcome the chair said in the span (verwiesen, vertagt, Kenntnis genommen, …).

    A sentence about the motion of a group that filed an amendment (``amended_by``) is that amendment's.
    """
    chair = [s for s in found if s.chair and not s.text.rstrip().endswith("?")]
    if groups is not None and amended_by:
        chair = [s for s in chair if "antrag" not in s.norm or not groups.find(s.text) & amended_by]
    for phrase in oc.NO_VOTE_PHRASES:  # in order of priority: a referral outweighs an "einverstanden"
        for sentence in reversed(chair):
            if phrase.result == oc.SETTLED and _HEDGED.search(sentence.norm):
                continue  # "wenn Sie einverstanden wären", "nicht einverstanden"
            if not_a_no_vote(plain_text(_VOCATIVE.sub("", sentence.text))):
                continue  # "wurde damals in den Ausschuss verwiesen", "ich finde, wir sollten …"
            if phrase.pattern.search(re.sub(r"\bverweise?t? auf\b", "", sentence.norm)):
                return phrase.result, sentence.evidence
    return None


# "Frau Stadträtin Lorenz, machen wir so, dann verwiesen in den Sozialausschuss.": the chair turns to
# a member; the member is addressed, not the one who acts
_VOCATIVE = re.compile(r"^\W*(herr|frau)\b[^,.;:]{0,60},\s*", re.IGNORECASE)
_EARLIER = re.compile(
    r"\b(wurde|wurden|worden|hatte|hatten|damals|seinerzeit|letzten|letztes|vorigen|bislang|bisher|schon"
    r"|vorberaten|fand)\b|\b(19|20)\d\d\b"
)
