"""No benchmark city in product code (issue 12): Rathaus must work for every council, not the ones it
was measured on. The customs of a place are data (council conventions, shipped data files), never code.

Scanned: every text file of code and templates under ``src/`` (``.py``, ``.html``, ``.txt``, ``.md``,
``.css``, ``.js``); data files (``.json``) are data and may name their municipality. Exempt, precisely:
1. demo loaders (``<package>/demo.py``) whose module docstring cites their data source under
   ``shared/data`` – checked here, an uncited demo loader is not exempt;
2. the sample suites of the shipped application types (``applications/samples/``), which write
   documents with addresses inside the municipality whose by-laws the types come from;
3. single lines, each named by a fragment with its reason; a fragment must match exactly one line, so
   an exemption that no longer matches fails too and the list only shrinks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import REPO_ROOT

SRC = REPO_ROOT / "src"
CITIES = re.compile(
    r"karlsruhe|konstanz|münchen|muenchen|munich|(?<![a-zäöü])celle(?![a-zäöü])", re.IGNORECASE
)
SCANNED = frozenset({".py", ".html", ".txt", ".md", ".css", ".js"})
SAMPLE_SUITES = SRC / "rathaus" / "applications" / "samples"

_APPOINTMENT_FORMAT = (
    "names the import format (the eAppointment export of the Landeshauptstadt); rename pending"
)
_SHIPPED_TYPES = "names the source of the shipped application types (data files in applications/types/)"
_DEMO_TENANT = "the tenant the `rathaus demo` command creates"
EXEMPT_LINES: dict[str, dict[str, str]] = {  # file → {a fragment of the one exempted line: reason}
    "rathaus/appointments/administration.py": {
        "``import_catalog_files`` reads the Munich-shaped export": _APPOINTMENT_FORMAT,
        "Read and store the Munich-shaped export;": _APPOINTMENT_FORMAT,
        "catalog = cat.parse_munich_catalog(": _APPOINTMENT_FORMAT,
    },
    "rathaus/appointments/catalog.py": {
        "``parse_munich_catalog`` reads the Munich-shaped export (the": _APPOINTMENT_FORMAT,
        "pair of the Munich eAppointment/ZMS API).": _APPOINTMENT_FORMAT,
        "def parse_munich_catalog(": _APPOINTMENT_FORMAT,
        "Read the Munich-shaped services and locations export": _APPOINTMENT_FORMAT,
    },
    "rathaus/appointments/mails.py": {"ZMS/eAppointment templates of Munich)": _APPOINTMENT_FORMAT},
    "rathaus/appointments/models.py": {"e.g. Munich's service number": _APPOINTMENT_FORMAT},
    "rathaus/appointments/store.py": {"imported from the Munich-shaped export": _APPOINTMENT_FORMAT},
    "rathaus/cli/appointments.py": {
        "e.g. munich_services_de.json": _APPOINTMENT_FORMAT,
        "e.g. munich_locations_de.json": _APPOINTMENT_FORMAT,
        "offers from the Munich-shaped JSON export": _APPOINTMENT_FORMAT,
    },
    "rathaus/assistant/sources.py": {
        "# -- Munich service JSON ---": _APPOINTMENT_FORMAT,
        "in the shape of the Munich service export": _APPOINTMENT_FORMAT,
    },
    "rathaus/applications/catalog.py": {"Rathaus ships (from the Konstanz by-laws)": _SHIPPED_TYPES},
    "rathaus/applications/definition.py": {"ships as examples (from the Konstanz by-laws)": _SHIPPED_TYPES},
    "rathaus/cli/applications.py": {"the shipped types (Konstanz by-laws)": _SHIPPED_TYPES},
    "rathaus/cli/platform.py": {
        '"name of the demo tenant")] = "Stadt Celle",': _DEMO_TENANT,
        'where(Tenant.slug == "stadt-celle"))': _DEMO_TENANT,
        'slug="stadt-celle", name=tenant_name': _DEMO_TENANT,
    },
}


def _cites_its_source(path: Path) -> bool:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return "shared/data" in docstring


def _exempt_file(path: Path) -> bool:
    if path.is_relative_to(SAMPLE_SUITES):
        return True
    return path.name == "demo.py" and _cites_its_source(path)


def _scanned_files() -> list[Path]:
    return sorted(
        p for p in SRC.rglob("*") if p.is_file() and p.suffix in SCANNED and "__pycache__" not in p.parts
    )


def test_the_scan_finds_a_city_name() -> None:
    """The pattern itself: names in any case, inside identifiers, but not inside other words."""
    hits = ["Stadt Karlsruhe", "parse_munich_catalog", "MÜNCHEN", "stadt-celle", "Konstanzer Straße"]
    assert all(CITIES.search(text) for text in hits)
    assert not any(CITIES.search(text) for text in ("cancelled", "Parcelle", "Zellerfeld", "Ratssaal"))


def test_demo_loaders_are_exempt_only_when_they_cite_their_source() -> None:
    demos = sorted(SRC.glob("rathaus/*/demo.py"))
    assert demos, "no demo loaders found: the exemption would be dead"
    naming = [p for p in demos if CITIES.search(p.read_text(encoding="utf-8"))]
    assert naming, "no demo loader names a city: the exemption would be dead"
    uncited = [str(p.relative_to(SRC)) for p in naming if not _cites_its_source(p)]
    assert uncited == [], f"demo loaders naming a city without citing their data source: {uncited}"


def test_no_benchmark_city_in_product_code() -> None:
    found: list[str] = []
    used: dict[tuple[str, str], int] = {}
    for path in _scanned_files():
        if _exempt_file(path):
            continue
        relative = path.relative_to(SRC).as_posix()
        allowed = EXEMPT_LINES.get(relative, {})
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not CITIES.search(line):
                continue
            fragment = next((fragment for fragment in allowed if fragment in line), None)
            if fragment is None:
                found.append(f"src/{relative}:{number}: {line.strip()}")
            else:
                used[relative, fragment] = used.get((relative, fragment), 0) + 1
    assert found == [], "city names in product code (make them data or neutral):\n" + "\n".join(found)
    unclear = [
        f"{path}: {fragment} ({used.get((path, fragment), 0)} lines)"
        for path, fragments in EXEMPT_LINES.items()
        for fragment in fragments
        if used.get((path, fragment), 0) != 1
    ]
    assert unclear == [], "each exemption must match exactly one line (remove stale ones):\n" + "\n".join(
        unclear
    )
