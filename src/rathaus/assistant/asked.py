"""What a question asks for: a fee, a period, documents, the responsible office, opening hours, an amount.

Citizens describe their situation ("Ich werde nächstes Jahr 67 …") and ask for a value in everyday words
("Was muss ich zahlen?", "Bis wann?", "Was brauche ich?"). The answer puts the passage's matching fact
first; a question can ask for several ("Was kostet das und was muss ich mitbringen?").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum


class Wanted(StrEnum):
    """A kind of fact a question asks for."""

    FEE = "gebühr"
    PERIOD = "frist"
    DOCUMENTS = "unterlagen"
    OFFICE = "zuständigkeit"
    HOURS = "öffnungszeiten"
    AMOUNT = "betrag"
    DAY = "tag"
    COUNT = "anzahl"
    RULE = "regel"


# The kinds whose fact is a value a sentence carries; a rule's "muss" or "nicht" stands in most sentences.
VALUE_KINDS = tuple(kind for kind in Wanted if kind is not Wanted.RULE)
# The kinds whose value is a quantity ("30,00 €", "22.00 Uhr", "sechs Monate", "17 Mitglieder"); a line
# merely naming "Gebühr" or "Öffnungszeiten" states none.
QUANTITIES = (Wanted.FEE, Wanted.AMOUNT, Wanted.PERIOD, Wanted.HOURS, Wanted.DAY, Wanted.COUNT)
# An amount of money written "2.500,--" or "10,-" (Euro without its sign), as older by-laws do.
MONEY_DASH = r"\d{1,3}(?:\.\d{3})*,-{1,2}(?![\d-])"


_PATTERNS: dict[Wanted, re.Pattern[str]] = {
    Wanted.FEE: re.compile(
        r"\b(?:was|wie ?viel)\b[^?]*\b(?:kost\w*|zahl\w*|bezahl\w*)|\bkost\w*|\bgebühr\w*|\bteuer\w*"
        r"|\bpreis\w*|\bentgelt\w*|\bumsonst\b|\bgratis\b|\bbezahl\w*|\bzahle\b|\bzahlen\b|\bauslagen\b"
        # a fee as a compound's head ("Abfallgebühr", "Schmutzwassergebühr"); "Was wird je Stunde berechnet?",
        # "Was verlangt die Gemeinde für die Erlaubnis?"
        r"|gebühr\w*|\bwas\b[^?]*\b(?:berechne\w*|verlang\w*)"
    ),
    Wanted.PERIOD: re.compile(
        r"\bwie lange?\b|\bdauer\w*|\bfrist\w*|\bbis wann\b|\bwann\b|\binnerhalb\b|\bspätestens\b"
        r"|\bgültig\w*|\bwie schnell\b|\bwartezeit\w*|\bbearbeitungszeit\w*|\bab wann\b|\brechtzeitig\b"
        # A count of time units or an age: "Für wie viele Jahre …?", "Ab welchem Alter …?", "Wie früh …?"
        r"|\bwie viele?\s+(?:\w+\s+)?(?:jahre|monate|wochen|tage|stunden|minuten)\b|\bwelche[mn]? alter\b"
        r"|\bwie alt\b|\bwie (?:früh|spät)\b"
        # "Nach welcher Zeit …?", "Nach wie vielen Jahren …?", "Für welchen Zeitraum …?", "Wie weit im Voraus
        # …?", "noch eine Weile", "Wie oft tagt der Beirat?" (alle zwei Monate), a named span ("Ruhezeit")
        r"|\bnach (?:welcher|wie langer) zeit\b|\bnach wie vielen\b|\bzeitraum\w*|\bim voraus\b"
        r"|\beine weile\b|\bwie oft\b|\bwie ?viel zeit\b|\b(?:lauf|ruhe|gültigkeits|sperr)zeit\w*"
    ),
    Wanted.DOCUMENTS: re.compile(
        r"\bunterlagen\b|\bmitbring\w*|\bmitnehm\w*|\bdokument\w*|\bnachweis\w*|\bvorleg\w*|\bformular\w*"
        r"|\bwas (?:brauch|benötig)\w*|\b(?:brauche|benötige) ich\b|\bbelege?\b|\bpapiere\b|\bantrag\w*"
        # "Gibt es ein Merkblatt?", "Welches Papier braucht er?", "Welche Erklärung muss ich ausfüllen?"
        r"|\bmerkbl[aä]tt\w*|\binfobl[aä]tt\w*|\bwelche[sn]? papier\b|\bausfüll\w*"
        # "Welche Bankbestätigung wird verlangt?", "Was muss mir mein Arzt ausstellen?", "Was muss er
        # dabeihaben?"
        r"|\bwelche[snr]?\s+(?:\w+\s+)?\w*(?:bescheinigung|bestätigung|nachweis|zeugnis)\b"
        r"|\bwas\b[^?]*\bausstellen\b|\bdabei ?haben\b"
    ),
    Wanted.OFFICE: re.compile(
        # "In welchem Bürgerbüro …?", "Welches Gericht …?", "In welchem Gebäude …?"
        r"\bzuständig\w*|\bwohin\b|\bwo (?:kann|muss|bekomme|beantrag|melde|gibt)\w*|\bwelche[snmr]? "
        r"\w*(?:amt|stelle|behörde|büro|schalter|gericht|gebäude)\b|\ban wen\b|\bansprechp\w*|\bwo\b"
        # "Wer bei der Stadt hilft mir …?", "Wer erteilt die Erlaubnis?" – not "Wer darf …?" (who may)
        r"|\bwer\b(?:\s+\w+){0,3}?\s+(?:hilft|macht|ist zuständig|erteilt|berät|bearbeitet|entscheidet"
        r"|genehmigt|stellt|nimmt|kümmert)\b|\bwer (?:ist|macht)\b"
    ),
    Wanted.HOURS: re.compile(
        r"\böffnungszeit\w*|\bgeöffnet\b|\bsprechzeit\w*|\bsprechstunde\w*"
        r"|\bwann (?:ist|hat)\b[^?]*\b(?:offen|auf)\b"
        r"|\buhrzeit\w*|\bzu welche[rn] zeit(?:en)?\b|\bwie ?viel uhr\b"
    ),
    Wanted.AMOUNT: re.compile(
        # a rate also as a compound's head: "Gewerbesteuerhebesatz", "Grundsteuerhebesätze"
        r"steuersatz\w*|hebesatz\w*|hebesätze\w*|\bsatz\b|\bbetrag\w*|\bbeträgt\b|\bwie hoch\b|\bhöhe\b"
        r"|\bprozent\w*"
        r"|\bbeitr[aä]g\w*|\bsteuer\b|\bsteuern\b|\bwie ?viel\b(?! zeit\b| uhr\b)|\babgabe\w*|\bzuschuss\w*"
        r"|\bförder\w*|\bhöchst\w*|\bmindest\w*|\bmaximal\w*|\bgrenze\w*|\bmeter\b|\bgrad\b"
        # a length: "Wie tief …?", "Wie breit ist der Streifen?", "Welche Straßenbreite …?", "Bis zu welchem
        # Abstand …?"
        r"|\bwie (?:tief|breit|weit|dick)\b|\w*(?:tiefe|breite)\b|\babst[aä]nd\w*|\bentfernung\w*"
        # a sum received or set, also as a compound's head: "Welche (Aufwands)entschädigung bekomme ich?",
        # "Welches Sitzungsgeld …?", "Mit welchem Stammkapital …?", "Ab welchem Streitwert …?", "Welcher
        # Zuschlag …?", "Welchen Anteil …?", "Was bekomme ich pro Stunde?", "Wie groß war das Vermögen?"
        r"|entschädigung\w*|vergütung\w*|pauschale\b|kapital\b|\bzuschl[aä]g\w*"
        # a sum of money by name when asked which or how much ("Welches Sitzungsgeld …?"), not a benefit
        # applied for ("Wo beantrage ich Elterngeld?")
        r"|\b(?:welche[snmr]?|wie ?viel)\s+(?:\w+\s+)?\w*geld\b"
        r"|\bwelche[nmrs]? (?:\w+ )?(?:\w*wert|\w*faktor|anteil|\w*preis)\b|\bwas bekomme? ich\b"
        r"|\bsteht (?:mir|uns|ihm|ihr) zu\b|\bwie groß\b|\bmehrheit\b"
    ),
    # A number of people or things: "Wie viele Mitglieder hat der Aufsichtsrat?", "Aus wie vielen
    # Gemeinderäten besteht der Ausschuss?" (not "Wie viele Jahre …?", a period)
    Wanted.COUNT: re.compile(
        r"\bwie ?viele[n]?\b(?!\s+(?:\w+\s+)?(?:jahre?n?|monate?n?|wochen|tage?n?|stunden|minuten)\b)"
        r"|\banzahl\b"
    ),
    # A day or date: "An welchen Tagen ist Markt?", "An welchem Wochentag …?", "Welches Datum …?"
    Wanted.DAY: re.compile(
        r"\b(?:an )?welche[nmr]?\s+(?:wochen|werk|feier)?tag(?:e|en)?\b|\bwelche[sn]? datum\b|\bwochentag\w*"
        r"|\bstichtag\w*"
    ),
}


# A question about a rule rather than a value: a yes/no question ("Muss ich mich abmelden?", "Kann ich das
# online beantragen?", "Darf ich …?") or one asking how, how often or how many ("Wie muss ich es
# transportieren?", "Wie oft …?", "Wie viele …?", "Wovon hängt es ab?", "Wer darf …?"). Asked only when
# no value is.
RULE_QUESTION = re.compile(
    r"(?:^|[.!?:;]\s+)(?:muss|müssen|kann|können|darf|dürfen|soll|sollen|brauch\w*|benötig\w*|bekomm\w*"
    r"|gibt es|gilt|ist|sind|wird|werden|reicht|genügt|geht)\b[^.!?]*\?"
    r"|\bwie (?:muss|müssen|darf|dürfen|soll|sollen)\b|\bwie oft\b|\bwie viele\b|\bwovon\b|\bunter welchen\b"
    r"|\bwer (?:darf|dürfen|kann|können)\b"
)


def wanted(question: str) -> tuple[Wanted, ...]:
    """The kinds of fact ``question`` asks for, in a fixed order (empty: a general question)."""
    text = question.lower()
    found = [kind for kind, pattern in _PATTERNS.items() if pattern.search(text)]
    if Wanted.HOURS in found and Wanted.PERIOD in found and not re.search(r"\bwie lange?\b|\bfrist", text):
        found.remove(Wanted.PERIOD)  # "Wann hat das Bürgerbüro geöffnet?" asks for hours, not a period
    if not found and RULE_QUESTION.search(text):
        found.append(Wanted.RULE)
    return tuple(found)


_WEEKDAY = r"(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag)s?"
_MONTH = (
    r"(?:januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember"
    r"|jan|feb|mär|apr|jun|jul|aug|sep|sept|okt|nov|dez)\.?"
)
NUMBER_WORDS = (
    "zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|dreizehn|vierzehn|fünfzehn|sechzehn|siebzehn"
    "|achtzehn|neunzehn|zwanzig|einundzwanzig|dreißig"
)
# A share: "ein Viertel aller Mitglieder", "¾ der Stimmen", "die Hälfte".
SHARE = r"\b(?:hälfte|drittel|viertel|fünftel|sechstel|zehntel)n?\b|[½⅓⅔¼¾]|\b\d+/\d+\b"
# A calendar date: "15. Juli", "4. März 2027", "1.3.2025"; a number "2.1." without a year may be an item's.
DATE = re.compile(rf"\b\d{{1,2}}\.\s?(?:{_MONTH}(?=[\s,.;)]|$)|\d{{1,2}}\.\s?\d{{2,4}}\b)", re.I)

# A bound written in a rule: "längstens 18 Monate", "bis zu 24 Monate", "Höchstbetrag"; "Mindestgebühr",
# "nicht unter 10 €". The question asks for one with "höchstens", "maximal" or "mindestens".
UPPER_BOUND = re.compile(r"höchst|maximal|längstens|bis zu\b|nicht mehr als|nicht länger als", re.I)
LOWER_BOUND = re.compile(r"mindest|wenigstens|nicht unter\b|nicht weniger als", re.I)

# A street address: "Dachauer Straße 122", "Ruppertstr. 19", "Marienplatz 8".
ADDRESS = re.compile(
    r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|platz|allee|ring|gasse|damm)\s+\d{1,3}\s?[a-z]?\b"
    r"|\b[A-ZÄÖÜ][\wäöüß]+\s(?:Straße|Weg|Platz|Allee|Ring|Gasse)\s+\d{1,3}\b"
)

# Words that show a passage sentence carries the value of each kind.
VALUE = {
    # "kostenfreies Angebot", "gebührenfreie Ausstellung", "Es fallen keine Gebühren an."
    Wanted.FEE: re.compile(
        r"\d[\d.,]*-{0,2}\s*(?:€|euro\b|eur\b|cent\b|dm\b)|\b(?:gebühren|kosten)(?:frei|los)\w*|\bunentgeltlich\w*"
        rf"|\bkeine (?:gebühr|kosten)\w*|{MONEY_DASH}",
        re.I,
    ),
    Wanted.AMOUNT: re.compile(
        r"\d[\d.,]*-{0,2}\s*(?:€|euro\b|eur\b|cent\b|dm\b|%|prozent\b|v\.\s?h\.|vom hundert\b"
        r"|m\b|metern?\b|cm\b|km\b|uhr\b|"
        r"m²|m2\b|qm\b|kg\b|t\b|db\b|jahre?n?\b|monate?n?\b|wochen\b|tage?n?\b|stunden\b|minuten\b"
        # a length of text, a number of people or pieces
        rf"|zeichen\b|zeilen\b|seiten\b|wörter\b|worte\b|personen\b|stück\b)|{MONEY_DASH}"
        rf"|{SHARE}",
        re.I,
    ),
    # A number with what it counts: "aus 17 stimmberechtigten Mitgliedern", "neun Mitgliedern", "640 Zeilen";
    # not a paragraph's or item's number ("§ 5 Abs. 2", "Nr. 3") nor a date ("1. Januar").
    Wanted.COUNT: re.compile(
        rf"(?<![§.])(?<!Abs\. )(?<!Nr\. )(?<!Satz )(?<!§ )\b(?:\d{{1,4}}|{NUMBER_WORDS})\s+"
        rf"(?:[a-zäöüß]+\s+)?[A-ZÄÖÜ][a-zäöüß]{{2,}}|(?i:{SHARE})"
        # "Die Zahl der Gemeinderäte beträgt 10."
        rf"|(?i:\b(?:an)?zahl\b[^.;]{{0,60}}?\b(?:\d{{1,4}}|{NUMBER_WORDS})\b)"
    ),
    Wanted.PERIOD: re.compile(
        r"\b(?:\d+|ein\w*|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|vierzehn)\s+"
        # "fünf Tages des Monats" as a by-law writes it; "fristgerecht" and "fristlos" name no period
        r"(?:werk|arbeits|kalender)?(?:tage?[ns]?|wochen?|monate?n?|jahre?n?|stunden|minuten)\b"
        r"|\bfrist(?!gerecht|los)\w*|\bspätestens\b|\bunverzüglich\b"
        # "innerhalb von zwei Wochen", "innerhalb eines Monats", not "innerhalb der genannten Gruppen"
        r"|\binnerhalb\s+(?:von\b|(?:\w+\s+){0,3}?(?:frist|zeit|tag|woche|monat|jahr|stunde)\w*)"
        r"|\bbis zum\b|\bvor ablauf\b|\bab dem\b|\bgültig\w*|\bbefristet\b|\bunbefristet\b"
        # how often: "einmal jährlich", "vierteljährlich", "zweimal im Monat"
        r"|\b(?:ein|zwei|drei|vier|fünf|sechs|zehn|mehr)mal\b|\b\w*(?:jährlich|monatlich|wöchentlich)\b"
        r"|\b(?:alle|jede[nmrs]?)\s+(?:\w+\s+)?(?:jahr|monat|woche)\w*"
        rf"|{DATE.pattern}",
        re.I,
    ),
    Wanted.DOCUMENTS: re.compile(
        r"\bunterlagen\b|\bvorzulegen\b|\bnachweis\w*|\bausweis\w*|\bbescheinigung\w*|\bantrag\b|\bbeizufügen\b"
        r"|\bformular\w*|\bmitzubringen\b|\bmitbringen\b|\bbringen sie\b[^.!?]*\bmit\b|\bvorlegen\b"
        r"|\bpassfoto\w*|\blichtbild\w*|\bvollmacht\w*",
        re.I,
    ),
    Wanted.OFFICE: re.compile(
        r"\bzuständig\w*|\bamt\b|\bbehörde\b|\bbürgermeister\w*|\bgemeinde(?:verwaltung)?\b|\bstelle\b|\bbüro\b"
        rf"|{ADDRESS.pattern}",
        re.I,
    ),
    Wanted.HOURS: re.compile(
        r"\b\d{1,2}(?:[.:]\d{2})?\s*(?:uhr|–|-|bis)\b|\böffnungszeit\w*|\bgeöffnet\b", re.I
    ),
    Wanted.DAY: re.compile(rf"\b{_WEEKDAY}\b|{DATE.pattern}", re.I),
    # A sentence stating a rule: a duty, a permission, a negation, a restriction, a bound or a frequency ("Bei
    # einem Umzug innerhalb Deutschlands müssen Sie sich nicht abmelden.", "nur innerhalb Deutschlands",
    # "entfällt", "alle drei Jahre").
    Wanted.RULE: re.compile(
        r"\b(?:nicht|kein\w*|nur|ausschließlich|lediglich|entfällt|entfallen|erforderlich|notwendig|verpflichtet"
        r"|zulässig|unzulässig|erlaubt|verboten|untersagt|gestattet|darf|dürfen|muss|müssen|berechtigt\w*"
        r"|höchstens|mindestens|maximal|bis zu)\b"
        # how often: "alle drei Jahre", "jedes dritten Monats"
        r"|\b(?:alle|jede[nmrs]?)\s+(?:\w+\s+)?(?:jahr|monat|woche|tag)\w*",
        re.I,
    ),
}


def carries(text: str, kind: Wanted) -> bool:
    """True when ``text`` contains a value of ``kind`` (an amount, a period, a document, a day …)."""
    return VALUE[kind].search(text) is not None


# Words of a question about the appointment itself ("Wie lange dauert der Termin?", "… einplanen?").
APPOINTMENT = "Termin Vorsprache einplanen"


def beyond_appointment(kind: Wanted, matches: Callable[[str], int]) -> bool:
    """Whether a period question asks more than the appointment's length, which is all a service's stored
    duration says: "Wie lange dauert es, bis ich eine neue habe?" is answered by "… kann bis zu 12 Wochen in
    Anspruch nehmen" in its text, "Für wie lange wird es ausgestellt?" by "… für maximal 6 Monate erteilt".
    ``matches`` counts the question's words in a text (``matching.question_matcher``)."""
    return kind is Wanted.PERIOD and not matches(APPOINTMENT)
