"""Where in a chair's sentence the result is stated: the clauses up to it, and what follows.

A result statement is often followed by what happens next: "Das ist eine mehrheitliche Zustimmung,
damit können wir jetzt den Antrag an den Regionalverband stellen." The "können" of the later clause
is no hedge on the result. A hedge, a stance or a report *before or in* the result clause still
is ("Wenn es keine Gegenstimmen gibt, ist das so beschlossen"), and a condition anywhere ("…, wenn
es keine Gegenstimmen gibt") too: see ``statements.not_a_result``.

Two more ways a chair states a result that read like something else:
- the count as the chair sees it: "Ich habe eine Enthaltung, eine Gegenstimme, der Rest ist
  mehrheitliche Zustimmung" is no personal stance (as "ich habe nicht zugestimmt" is);
- an election ("Auf Herrn Jägle entfielen 24 Stimmen, auf Frau Eßrich 21 Stimmen, keine
  Enthaltungen", "Sie sind mit 38 Stimmen gewählt"): counts and "Enthaltungen" as in a vote, but no
  vote on a motion — ``election`` tells it apart (see ``statements.vote``);
- minutes that narrate the chair: "Der Vorsitzende … stellt die Abstimmungsbereitschaft des Hauses
  fest: Das ist einstimmige Zustimmung." — what the chair states (feststellen, or says after "Der
  Vorsitzende …:") follows the colon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rathaus.core.text.words import plain_text
from rathaus.minutes.text import outcomes as oc

# a clause ends at , ; : or a dash, and before an "und" that starts a new main clause
# ("… mit großer Mehrheit angenommen und wir treffen uns …")
_CLAUSE_END = re.compile(
    r"\s*[,;:]\s+|\s[–-]\s|\s(?=und (?:dann|damit|wir|jetzt|nun|somit|insofern|deshalb|deswegen)\b)"
)
# "… stellt die Abstimmungsbereitschaft des Hauses fest: Das ist …", "Ich stelle fest: einstimmig."
# and "Der Vorsitzende ruft Punkt 9 auf und verweist auf …: Das ist einstimmige Zustimmung."
_STATES = re.compile(r"\bfest\s*:\s+|^\s*(der|die) vorsitzende\b[^:]*:\s+", re.IGNORECASE)
_COUNT = r"(keine|kein|eine|ein|einen|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|\d{1,3})"
_KINDS = (
    r"(enthaltung|enthaltungen|gegenstimme|gegenstimmen|neinstimme\w*|jastimme\w*|ja stimmen|nein stimmen)"
)
# "ich habe eine Enthaltung, eine Gegenstimme": the chair's count; "ich habe eine Gegenstimme
# abgegeben" is the chair's own vote
TALLY = re.compile(
    rf"\bich (habe|zähle|sehe) (hier |jetzt |da |dann |also )?(nur |noch )?{_COUNT} {_KINDS}\b"
    r"(?!( \w+)? (abgegeben|gestimmt|eingelegt)\b)"
)
_MONTHS = (
    r"(januar|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember|\d{1,2})"
)
# "zum 1. Juli 2020", "ab 2026", "für 2025/26": when the decision takes effect, not when it was taken
EFFECTIVE_DATE = re.compile(rf"\b(ab|zum|bis|für)( dem| das jahr)?( \d{{1,2}})?( {_MONTHS})? (19|20)\d\d\b")


@dataclass(frozen=True)
class Clauses:
    """A sentence split at its result clause: ``head`` up to and with it, ``tail`` after it.

    Where no clause states an outcome, ``head`` is the whole sentence and ``tail`` empty.
    """

    head: str
    tail: str

    @property
    def words(self) -> int:
        """How many words the statement has (after a narrated "… stellt fest:")."""
        return len(plain_text(f"{self.head} {self.tail}").split())


def result_clauses(text: str) -> Clauses:
    """The clauses of ``text`` (as said) up to the first that states an outcome, and the rest."""
    stated = list(_STATES.finditer(text))
    if stated:
        text = text[stated[-1].end() :]
    parts = [p for p in _CLAUSE_END.split(text) if p and p.strip()]
    for index, part in enumerate(parts):
        if any(p.pattern.search(plain_text(part)) for p in oc.VOTE_PHRASES):
            return Clauses(" ".join(parts[: index + 1]), " ".join(parts[index + 1 :]))
    return Clauses(text, "")


# "Auf Herrn Jägle entfielen 24 Stimmen", "… ist mit 30 Stimmen gewählt", "Sie sind zum Ortsvorsteher
# gewählt", "damit wurde Frau … gewählt"; not "gewählte Vertreter", "den Zeitpunkt gewählt"
_ELECTED = re.compile(
    rf"\bentf(ielen|allen) {_COUNT}( \w+)? (stimmen|voten|ja stimmen|nein stimmen)\b"
    r"|\b(stimmen|voten) entf(ielen|allen)\b|\bauf (herrn?|frau|den|die|das)( \w+){0,4} entf(ielen|allen)\b"
    r"|\b(ist|sind|bist|seid|wurde|wurden|worden|wird|werden)\b( \w+){0,8}? gewählt\b"
    r"|\bgewählt (worden|ist|sind|wurde|wurden)\b"
    r"|\b(zum|zur) \w+( \w+){0,4}? gewählt\b"
    r"|\bstimmen gewählt\b"
)
# the rounds of an election: "keine Mehrheit der anwesenden Stimmen, … noch einmal in eine Stichwahl"
BALLOT_ROUND = re.compile(r"\b(wahlgang|wahlgangs|stichwahl|stimmzettel|stimmzetteln)\b")
# said of an earlier election or of oneself ("2004 … wurde ich gewählt", "seinerzeit gewählt")
_NOT_THIS_ELECTION = re.compile(
    r"\b(ich|wir) (wurde|wurden|bin|sind|war|waren)\b|\b(wurde|wurden|bin|war|waren) (ich|wir)\b"
    r"|\b(letzten|letztes|vorigen|vergangenen|zuvor|vorher|nicht|kein|keine)\b( \w+){0,3}? gewählt\b"
    r"|\b(damals|seinerzeit|früher|bislang|bisher)\b|\b(19|20)\d\d\b"
)


def election(norm: str) -> bool:
    """Whether a normalised sentence states the result of an election held just now.

    "Auf Herrn Jägle entfielen 24 Stimmen …", "Sie sind mit 38 Stimmen gewählt", "damit wurde Frau
    Muster zur Ortsvorsteherin gewählt" — not "damals wurde ich gewählt" or "ist noch nicht gewählt".
    """
    return bool(_ELECTED.search(norm)) and not _NOT_THIS_ELECTION.search(norm)
