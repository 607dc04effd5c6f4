"""Demo data of the assistant: real public service descriptions and by-laws, and one internal FAQ entry.

From the data folder ``../shared/data`` (sources and licenses in its README): the 287 service
descriptions of Landeshauptstadt München (``munich_services``, EUPL-1.2) and a sample of
Baden-Württemberg by-laws (``bylaws_bw``, CC BY 4.0 structuring, legal texts § 5 UrhG) as public
sources, and one internal FAQ entry, so the citizen page and staff mode answer at once; indexing runs
as an ordinary ``assistant.reindex`` job with its progress bar.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from rathaus.assistant.jobs import REINDEX
from rathaus.assistant.models import KnowledgeSource, Visibility
from rathaus.assistant.service import import_sources, save_faq
from rathaus.assistant.sources import SourceInput, parse_file, parse_services
from rathaus.core.jobs import enqueue
from rathaus.core.module import DemoInput, DemoResult

DEMO_BYLAWS = 40  # enough to ask about dogs, cemeteries and fees; all 351 take ~15 min to embed on 2 cores
INTERNAL_FAQ = (
    "Wie rechne ich eine Dienstreise ab?",
    "Dienstreisen werden innerhalb von sechs Monaten nach Reiseende über das Formular "
    "„Reisekostenabrechnung“ im Intranet abgerechnet. Belege im Original beifügen; die Abrechnung "
    "prüft die Personalabteilung. "
    "(Beispiel-Eintrag der Demo, nur für Beschäftigte sichtbar.)",
)


def _bylaws(root: Path, limit: int) -> list[SourceInput]:
    """Up to ``limit`` by-laws, taken in turn from each district folder so all districts appear."""
    folders = [
        sorted(p for p in folder.rglob("*.md")) for folder in sorted(root.iterdir()) if folder.is_dir()
    ]
    paths: list[Path] = []
    while len(paths) < limit and any(folders):
        for files in folders:
            if files and len(paths) < limit:
                paths.append(files.pop(0))
    return [item for path in paths for item in parse_file(path.name, path.read_bytes())]


def load_demo(demo: DemoInput, *, bylaws: int = DEMO_BYLAWS) -> DemoResult:
    """Load the sources unless the tenant has some already, and queue their indexing (the caller commits)."""
    session, tenant_id, actor = demo.session, demo.tenant_id, demo.actor
    if session.scalar(select(KnowledgeSource.id).limit(1)) is not None:
        return DemoResult("the demo tenant has knowledge sources already; nothing loaded.")
    result = DemoResult("")
    services_dir = demo.data_dir / "munich_services"
    services = 0
    if (services_dir / "munich_services_de.json").is_file():
        data = json.loads((services_dir / "munich_services_de.json").read_text(encoding="utf-8"))
        places = services_dir / "munich_locations_de.json"
        locations = json.loads(places.read_text(encoding="utf-8")) if places.is_file() else None
        items = parse_services(data, locations=locations, municipality="München")
        imported = import_sources(session=session, tenant_id=tenant_id, items=items, actor=actor)
        services = len(imported.source_ids)
    else:
        result.missing.append(str(services_dir))
    loaded_bylaws = 0
    if (demo.data_dir / "bylaws_bw").is_dir():
        items = _bylaws(demo.data_dir / "bylaws_bw", bylaws)
        imported = import_sources(session=session, tenant_id=tenant_id, items=items, actor=actor)
        loaded_bylaws = len(imported.source_ids)
    else:
        result.missing.append(str(demo.data_dir / "bylaws_bw"))
    question, answer = INTERNAL_FAQ
    save_faq(
        session=session,
        tenant_id=tenant_id,
        question=question,
        answer=answer,
        visibility=Visibility.INTERNAL.value,
        actor=actor,
    )
    job = enqueue(session=session, kind=REINDEX, params={"refetch": False}, tenant_id=tenant_id)
    result.job_ids.append(job.id)
    result.summary = (
        f"{services} services and {loaded_bylaws} by-laws as public sources, 1 internal FAQ entry "
        f"(indexed by job {job.id} once the server runs)."
    )
    return result
