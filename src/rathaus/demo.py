"""Demo data for ``make demo``: real public data from German cities, so every module has something to show.

From the data folder (``../shared/data`` next to the repository by default) the demo tenant gets:

- the Munich service descriptions (public) and a sample of Baden-Württemberg by-laws (public) as
  knowledge sources of the assistant, plus one internal FAQ entry, so the citizen page and staff mode
  answer at once; indexing runs as an ordinary ``assistant.reindex`` job with its progress bar;
- one Karlsruhe council meeting imported from its OParl file (agenda, papers, participants), ready for a
  recording to be uploaded.

Nothing is downloaded; a missing folder or file is skipped with a note.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.assistant.jobs import REINDEX
from rathaus.assistant.models import KnowledgeSource, Visibility
from rathaus.assistant.service import import_sources, save_faq
from rathaus.assistant.sources import SourceInput, parse_file, parse_services
from rathaus.audit.service import Actor
from rathaus.core.jobs import enqueue
from rathaus.minutes import oparl
from rathaus.minutes.models import Meeting
from rathaus.minutes.service import import_oparl

DEMO_BYLAWS = 40  # enough to ask about dogs, cemeteries and fees; all 351 take ~15 min to embed on 2 cores
DEMO_MEETING = ("karlsruhe", "sessions", "gemeinderat_2025-09-30", "oparl_meeting.json")
INTERNAL_FAQ = (
    "Wie rechne ich eine Dienstreise ab?",
    "Dienstreisen werden innerhalb von sechs Monaten nach Reiseende über das Formular "
    "„Reisekostenabrechnung“ im Intranet abgerechnet. Belege im Original beifügen; die Abrechnung "
    "prüft die Personalabteilung. "
    "(Beispiel-Eintrag der Demo, nur für Beschäftigte sichtbar.)",
)


@dataclass
class DemoSummary:
    """What the demo loaded, and what it could not find."""

    services: int = 0
    bylaws: int = 0
    meetings: int = 0
    reindex_job_id: int | None = None
    missing: list[str] = field(default_factory=list)


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


def has_data(session: Session) -> bool:
    """Whether the session's tenant has knowledge sources or meetings already (then the demo adds none)."""
    return any(session.scalar(select(model.id).limit(1)) is not None for model in (KnowledgeSource, Meeting))


def load_demo_data(
    *, session: Session, tenant_id: int, data_dir: Path, actor: Actor, bylaws: int = DEMO_BYLAWS
) -> DemoSummary:
    """Load the demo data of ``data_dir`` into the tenant and queue its indexing (the caller commits).

    ``session`` must be scoped to ``tenant_id`` (bodies and persons of the meeting are looked up by name).
    """
    summary = DemoSummary()
    services_dir = data_dir / "munich_services"
    if (services_dir / "munich_services_de.json").is_file():
        data = json.loads((services_dir / "munich_services_de.json").read_text(encoding="utf-8"))
        places = services_dir / "munich_locations_de.json"
        locations = json.loads(places.read_text(encoding="utf-8")) if places.is_file() else None
        services = parse_services(data, locations=locations)
        imported = import_sources(session=session, tenant_id=tenant_id, items=services, actor=actor)
        summary.services = len(imported.source_ids)
    else:
        summary.missing.append(str(services_dir))
    if (data_dir / "bylaws_bw").is_dir():
        items = _bylaws(data_dir / "bylaws_bw", bylaws)
        imported = import_sources(session=session, tenant_id=tenant_id, items=items, actor=actor)
        summary.bylaws = len(imported.source_ids)
    else:
        summary.missing.append(str(data_dir / "bylaws_bw"))
    question, answer = INTERNAL_FAQ
    save_faq(
        session=session,
        tenant_id=tenant_id,
        question=question,
        answer=answer,
        visibility=Visibility.INTERNAL.value,
        actor=actor,
    )
    meeting_file = data_dir.joinpath(*DEMO_MEETING)
    if meeting_file.is_file():
        meeting = oparl.read_document(oparl.parse_json(meeting_file.read_bytes()))
        import_oparl(session=session, tenant_id=tenant_id, imported=meeting, actor=actor)
        summary.meetings = 1
    else:
        summary.missing.append(str(meeting_file))
    # No message yet: the consumer that `rathaus serve` starts sends it when it recovers waiting jobs.
    summary.reindex_job_id = enqueue(
        session=session, kind=REINDEX, params={"refetch": False}, tenant_id=tenant_id
    ).id
    return summary
