"""The form of a body's customs, read into ``CouncilConventions`` with German error messages.

Lists are typed one per line (chairs, chair labels, place names) or separated by commas (a
faction's other spellings and members). A faction row whose name is empty is dropped; a joint
faction without members typed gets them from its name ("CDU/FDP" → CDU, FDP).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from rathaus.minutes.conventions import NUMBERING_SCHEMES, faction_parts
from rathaus.minutes.text.conventions import CouncilConventions, Faction

EMPTY_FACTION_ROWS = 3  # blank rows under the known factions, to add new ones without JavaScript
MAX_ROWS = 100
MAX_LENGTH = 200
# The outcome classes of ``text.outcomes.outcome_class`` with how the form names them.
RESULT_CLASSES = (
    ("einstimmig", "Einstimmig zugestimmt"),
    ("mehrheitlich", "Mehrheitlich zugestimmt"),
    ("zugestimmt", "Zugestimmt (ohne Angabe der Mehrheit)"),
    ("abgelehnt", "Abgelehnt"),
    ("teilweise", "Teilweise zugestimmt"),
    ("kenntnisnahme", "Zur Kenntnis genommen"),
    ("erledigt", "Erledigt (mit Stellungnahme einverstanden)"),
    ("verwiesen", "Verwiesen"),
    ("vertagt", "Vertagt oder abgesetzt"),
    ("zurückgezogen", "Antrag zurückgezogen"),
    ("vorberaten", "Vorberaten"),
)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _lines(form: FormData, name: str) -> tuple[str, ...]:
    seen: list[str] = []
    for line in _text(form, name).splitlines():
        clean = " ".join(line.split())
        if clean and clean not in seen:
            seen.append(clean)
    return tuple(seen)


def _commas(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(" ".join(part.split()) for part in text.split(",") if part.strip()))


@dataclass
class ConventionsForm:
    """The posted form as conventions, and what is wrong with it (German, for the page)."""

    conventions: CouncilConventions
    errors: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, form: FormData) -> ConventionsForm:
        """Read the posted fields; values stay in ``conventions`` even when there are errors."""
        errors: list[str] = []
        numbering = _text(form, "nummerierung") or "sub_items"
        if numbering not in NUMBERING_SCHEMES:
            errors.append("Bitte wählen Sie eine der angebotenen Nummerierungen.")
            numbering = "sub_items"
        mayor = _text(form, "buergermeister_vorsitz")
        if mayor not in {"ja", "nein"}:
            errors.append(
                "Bitte geben Sie an, ob die Bürgermeisterin oder der Bürgermeister den Vorsitz führt."
            )
        abstentions = _text(form, "enthaltungen_mehrheitlich") or "nein"
        if abstentions not in {"ja", "nein"}:
            errors.append("Bitte geben Sie an, ob Enthaltungen eine Abstimmung „mehrheitlich“ machen.")
        conventions = CouncilConventions(
            chairs=_lines(form, "vorsitz"),
            chair_labels=_lines(form, "vorsitz_bezeichnungen"),
            mayor_chairs=mayor != "nein",
            abstentions_break_unanimity=abstentions == "ja",
            factions=_factions(form, errors),
            place_names=_lines(form, "ortsnamen"),
            numbering=numbering,
            result_wording={
                key: " ".join(_text(form, f"ergebnis_{key}").split())
                for key, _label in RESULT_CLASSES
                if _text(form, f"ergebnis_{key}")
            },
        )
        for label, values in (
            ("Vorsitz und Stellvertretung", conventions.chairs),
            ("Bezeichnungen des Vorsitzes", conventions.chair_labels),
            ("Ortsnamen", conventions.place_names),
        ):
            if len(values) > MAX_ROWS:
                errors.append(f"{label}: höchstens {MAX_ROWS} Zeilen.")
            if any(len(value) > MAX_LENGTH for value in values):
                errors.append(f"{label}: jede Zeile höchstens {MAX_LENGTH} Zeichen.")
        if any(len(value) > MAX_LENGTH for value in conventions.result_wording.values()):
            errors.append(f"Ergebnisformulierungen: höchstens {MAX_LENGTH} Zeichen.")
        return cls(conventions, errors)


def _factions(form: FormData, errors: list[str]) -> tuple[Faction, ...]:
    try:
        rows = min(int(_text(form, "fraktionen_zeilen") or "0"), MAX_ROWS)
    except ValueError:
        rows = 0
    found: dict[str, Faction] = {}
    for row in range(1, rows + 1):
        name = " ".join(_text(form, f"fraktion_{row}_name").split())
        if not name:
            continue
        if len(name) > MAX_LENGTH:
            errors.append(f"Fraktion {row}: der Name ist länger als {MAX_LENGTH} Zeichen.")
            continue
        members = _commas(_text(form, f"fraktion_{row}_mitglieder"))
        if not members:
            parts = faction_parts(name)
            members = parts if len(parts) > 1 else ()
        if name.casefold() in found:
            errors.append(f"Die Fraktion „{name}“ steht mehrfach in der Liste.")
            continue
        aliases = tuple(a for a in _commas(_text(form, f"fraktion_{row}_schreibweisen")) if a != name)
        found[name.casefold()] = Faction(name=name, aliases=aliases, members=members)
    return tuple(found.values())
