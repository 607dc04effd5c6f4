"""An extract from the breeding register of a dog breeders' association (Zuchtbuchauszug): a scanned PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rathaus.applications.samples.canvas import as_pdf
from rathaus.applications.samples.sheets import DPI, RIGHT, Writer

if TYPE_CHECKING:
    from rathaus.applications.samples.person import Person


def breeding_register(person: Person, *, breed: str, last_litter: int, seed: int = 0) -> bytes:
    """The kennel of ``person`` with three registered dogs of ``breed`` and the last litter."""
    writer = Writer()
    writer.line("Verband für das Deutsche Hundewesen (VDH) e. V.", pt=13, bold=True)
    writer.line("Mitgliedsverein · als gemeinnützig anerkannt (§ 52 AO)", pt=8.5)
    writer.y = 60.0
    writer.line("Auszug aus dem Zuchtbuch", pt=18, bold=True)
    writer.gap(6)
    writer.row("Zwinger", f"vom {person.family_name}hof")
    writer.row("Züchter/in", person.full_name)
    writer.row("Anschrift", person.address)
    writer.row("Rasse", breed)
    writer.gap()
    writer.line("Eingetragene Zuchttiere", pt=11, bold=True)
    for name, sex, born in (("Asta", "Hündin", 2021), ("Bruno", "Rüde", 2020), ("Cora", "Hündin", 2022)):
        writer.row(f"{name} ({sex})", f"geboren {born}")
    writer.gap()
    writer.row("Letzter Wurf", str(last_litter))
    writer.gap(20)
    writer.sheet.text(RIGHT - 12, 250, "MUSTER", pt=28, bold=True, fill=120, align="right")
    return as_pdf([writer.sheet.image], seed=seed, dpi=DPI, noise=0.05)
