"""Who speaks in a transcript line: ``Name: text`` labels, and when two spellings name one speaker.

Imported transcripts and subtitles name speakers in a prefix ("Stadträtin Berg (SPD): …",
">> Sprecher 1: …"); a heading ("Beschluss: …") or a clause ("Ich sage Ihnen: …") before a colon
is none. Split from ``transcripts`` (which re-exports ``split_speaker`` and ``looks_like_speaker``).
"""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^(?:>>\s*|-\s+)?(?P<name>[^:]{1,80}?)\s*:\s+(?P<rest>\S.*)$", re.DOTALL)
_NUMBERED = re.compile(  # "Sprecher 1", "SPEAKER_00"
    r"^(?:Sprecher(?:in)?|Redner(?:in)?|Stimme|Person|Teilnehmer(?:in)?|Speaker)[ _]?\d{1,3}$", re.IGNORECASE
)
_PARTICLE_WORDS = "von van vom zu zur der den de di da du la le ter"
_PARTICLES = frozenset(_PARTICLE_WORDS.split())
# First words of a "Label: text" line that are no speaker (headings, notes, function words).
_NOT_SPEAKER_WORDS = """
beschluss beschlussvorschlag beschlussantrag antrag anträge abstimmung abstimmungsergebnis ergebnis hinweis
hinweise anmerkung anmerkungen tagesordnung top punkt vorlage drucksache betreff anlage anlagen zitat achtung
frage fragen antwort fazit thema gegenstand ort datum beginn ende zeit uhrzeit sitzung protokoll niederschrift
nachtrag wichtig beispiel bitte also nein ja und aber oder ich wir ihr sie er es das dies hier dort heute
damit dazu deshalb daher dann nur auch so zum im in am an auf für mit
"""
_NOT_SPEAKERS = frozenset(_NOT_SPEAKER_WORDS.split())


def split_speaker(text: str) -> tuple[str | None, str]:
    """``("Name", "text")`` for ``"Name: text"`` when the label reads as a speaker, else ``(None, text)``.

    A speaker label has at most seven words, each capitalised (particles such as "von" excepted),
    digits only in "Sprecher 1" style labels or in brackets ("Stadträtin Berg (SPD)"); headings such as
    "Beschluss:" and clauses such as "Ich sage Ihnen:" are no speakers.
    """
    match = _PREFIX.match(text)
    if match is None:
        return None, text
    name = " ".join(match["name"].split())
    return (name, match["rest"].strip()) if looks_like_speaker(name) else (None, text)


def looks_like_speaker(name: str) -> bool:
    """Whether a label before a colon reads as a person or role."""
    bare = re.sub(r"\([^)]*\)", " ", name).split()
    if not bare or len(bare) > 7 or bare[0].lower() in _NOT_SPEAKERS:
        return False
    if _NUMBERED.match(" ".join(bare)):
        return True
    return not any(ch.isdigit() for ch in " ".join(bare)) and all(
        word[0].isupper() or word in _PARTICLES for word in bare
    )


def speaker_key(name: str) -> str:
    """The identity of a speaker's name: "Anna Berends (SPD)" and "anna  berends" are one person."""
    return " ".join(re.sub(r"\([^)]*\)", " ", name).split()).casefold()
