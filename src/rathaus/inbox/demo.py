"""Demo data of the Posteingang: a filing plan and real citizen reports and council requests as mail.

Sources (see ``../shared/data/README.md``): the defect reports of the Stadt Konstanz Mängelmelder
(categories, sub-categories and responsible units; public repository ``Toby2906/Maengelmelder-Konstanz``)
and council requests of the Stadt Karlsruhe (OParl files). The filing plan is built from the Konstanz
categories; older reports become confirmed items the classifier learns from, the newest arrive as new
e-mails and letters — some of them rendered as scanned-looking PDFs, so that OCR really runs. Nothing
in the texts is invented; the letter frame around a scanned report (greeting, closing) is.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from rathaus.core.db import utcnow
from rathaus.core.jobs import enqueue
from rathaus.core.module import DemoInput, DemoResult
from rathaus.inbox import filing, service
from rathaus.inbox.jobs import RETRAIN, queue_processing
from rathaus.inbox.models import DocumentRole, DocumentStatus, Item, ItemSource, ItemStatus, Position
from rathaus.inbox.schemas import Incoming, IncomingFile
from rathaus.inbox.textblocks import demo_text_blocks

logger = logging.getLogger(__name__)
KONSTANZ = Path("konstanz_maengelmelder") / "maengelmelder_konstanz.jsonl"
KARLSRUHE = Path("karlsruhe") / "requests" / "requests_with_admin_response.jsonl.gz"
HISTORY_PER_POSITION = 60  # confirmed examples per position (at most) the classifier starts from
NEW_REPORTS = 26
SCANNED = 8  # of the new reports, this many arrive as scanned letters
COUNCIL_REQUESTS = 4
COUNCIL_POSITION = "0.10"

# Org units of the source; the responsible people named in it are not departments (and not shown).
UNITS = {
    "Stadtwerke Konstanz": "Stadtwerke (Straßenbeleuchtung)",
    "Technische Betriebe": "Technische Betriebe",
    "Stadtverwaltung": "Bürgeramt und Ordnungsamt",
    "Hochbauamt": "Hochbauamt",
    "Buergerbuero - Fundsachen": "Bürgerbüro – Fundsachen",
    "Amt fuer Stadtplanung und Umwelt": "Amt für Stadtplanung und Umwelt",
}
FALLBACK_UNIT = "Bürgeramt und Ordnungsamt"
COUNCIL_UNIT = "Hauptamt – Ratsbüro"
SPELLING = {
    "Strassen": "Straßen",
    "strassen": "straßen",
    "Muell": "Müll",
    "ueber": "über",
    "Oeffentlich": "Öffentlich",
    "Plaetze": "Plätze",
    "plaetze": "plätze",
    "schaed": "schäd",
    "Fuss": "Fuß",
    "Straeucher": "Sträucher",
    "Strassenschaeden": "Straßenschäden",
    "Spielplaetze": "Spielplätze",
    "Sportplaetze": "Sportplätze",
    "fuell": "füll",
    "Gulli": "Gulli",
}


def _spelled(text: str) -> str:
    for plain, proper in SPELLING.items():
        text = text.replace(plain, proper)
    return text


@dataclass(frozen=True)
class Report:
    id: str
    day: date
    text: str
    parent: str
    child: str
    responsible: str
    address: str


def read_reports(path: Path) -> list[Report]:
    """The Konstanz reports, oldest first; reports without text are left out."""
    reports = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            text = " ".join(str(row.get("text_raw") or "").split())
            if len(text) < 20:
                continue
            address = str(row.get("address_input") or "")
            address = address.split("ermittelt:", 1)[-1].split(", Germany", maxsplit=1)[0].strip(" ()")
            reports.append(
                Report(
                    id=str(row["id"]),
                    day=date.fromisoformat(row["date_created"]),
                    text=text,
                    parent=row["category_parent"],
                    child=row["category_child"],
                    responsible=row["responsible"],
                    address=address,
                )
            )
    reports.sort(key=lambda report: (report.day, report.id))
    return reports


def plan_rows(reports: list[Report]) -> tuple[list[filing.PlanRow], dict[str, str]]:
    """A filing plan from the categories: one position per sub-category, numbered by top category."""
    children: dict[str, set[str]] = defaultdict(set)
    units: dict[str, Counter[str]] = defaultdict(Counter)
    for report in reports:
        children[report.parent].add(report.child)
        if report.responsible in UNITS:
            units[report.child][UNITS[report.responsible]] += 1
    rows = [
        filing.PlanRow(
            number=COUNCIL_POSITION,
            title="Anfragen und Anträge aus dem Rat",
            description="Anfragen, Anträge und Stellungnahmen von Fraktionen und Ratsmitgliedern.",
            org_unit=COUNCIL_UNIT,
        )
    ]
    numbers: dict[str, str] = {}
    for major, parent in enumerate(sorted(children), start=1):
        for minor, child in enumerate(sorted(children[parent]), start=1):
            number = f"{major}.{minor:02d}"
            numbers[child] = number
            unit = units[child].most_common(1)[0][0] if units[child] else FALLBACK_UNIT
            rows.append(
                filing.PlanRow(
                    number=number,
                    title=_spelled(child),
                    description=f"Meldungen zu „{_spelled(child)}“ im Bereich {_spelled(parent)}.",
                    org_unit=unit,
                )
            )
    return rows, numbers


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _headline(text: str, limit: int = 60) -> str:
    """The report's first sentence, cut at a word, as a subject line."""
    first = text.split(". ", maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + " …"


ASKS = ("Bitte antworten Sie mir innerhalb von zwei Wochen.", "Ich bitte um Rückmeldung binnen eines Monats.")


def _letter(report: Report, seed: int) -> str:
    where = f"\nOrt: {report.address}" if report.address else ""
    return (
        f"Betreff: {_headline(report.text)}{where}\n\nSehr geehrte Damen und Herren,\n\n{report.text}\n\n"
        f"{ASKS[seed % len(ASKS)]}\n\nMit freundlichen Grüßen"
    )


def _confirmed(given: DemoInput, report: Report, position: Position) -> Item:
    """A report of the past, filed and confirmed by a caseworker: training data, closed."""
    item = Item(
        source=ItemSource.DEMO,
        status=ItemStatus.CLOSED,
        subject=f"Mängelmeldung {report.id}",
        sender_name="Mängelmelder",
        text=report.text,
        content_sha256=f"demo-konstanz-{report.id}",
        received_at=_at(report.day, 9),
        position_id=position.id,
        org_unit_id=position.org_unit_id,
        routing_method="person",
        routing_confidence=1.0,
        routing_reason="Beispiel: aus der Kategorie der Meldung übernommen",
        confirmed=True,
        closed_at=_at(report.day, 9),
        status_message="Beispiel aus dem Mängelmelder Konstanz (bereits erledigt)",
    )
    given.session.add(item)
    return item


def _incoming_text(report: Report, received: datetime) -> Incoming:
    return Incoming(
        source=ItemSource.DEMO,
        subject=f"Mängelmeldung: {_headline(report.text)}",
        sender_name="Mängelmelder (Bürgermeldung)",
        received_at=received,
        files=(
            IncomingFile(
                filename=f"meldung-{report.id}.txt",
                data=report.text.encode(),
                media_type="text/plain",
                role=DocumentRole.BODY,
                status=DocumentStatus.READ,
                text=report.text,
            ),
        ),
    )


def _incoming_scan(report: Report, seed: int, received: datetime) -> Incoming:
    from rathaus.core.reading.scans import render_scan  # noqa: PLC0415 - Pillow only when scans are made

    return Incoming(
        source=ItemSource.DEMO,
        subject="",
        sender_name="Brief (gescannt)",
        received_at=received,
        files=(
            IncomingFile(
                filename=f"brief-{report.id}.pdf",
                data=render_scan(_letter(report, seed), seed=seed),
                media_type="application/pdf",
                role=DocumentRole.ORIGINAL,
            ),
        ),
    )


def _council_requests(path: Path, count: int) -> list[dict[str, Any]]:
    picked: list[dict[str, Any]] = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            text = str(row.get("request_text") or "")
            if row.get("paper_type") in {"Anfrage", "Antrag"} and 800 < len(text) < 4000:
                picked.append(row)
    picked.sort(key=lambda row: str(row.get("date")), reverse=True)
    return picked[:count]


def _incoming_request(row: dict[str, Any], received: datetime) -> Incoming:
    text = str(row["request_text"]).strip()
    return Incoming(
        source=ItemSource.DEMO,
        subject=f"{row['paper_type']}: {row['title']}",
        sender_name="Ratsinformationssystem",
        received_at=received,
        files=(
            IncomingFile(
                filename=f"{row['paper_type'].lower()}-{row['paper_id']}.txt",
                data=text.encode(),
                media_type="text/plain",
                role=DocumentRole.BODY,
                status=DocumentStatus.READ,
                text=text,
            ),
        ),
    )


def load_demo(given: DemoInput) -> DemoResult:
    """Filing plan, rules, confirmed history, the trained classifier and about 30 new items to read."""
    session = given.session
    if session.scalar(select(Position.id).limit(1)) is not None:
        return DemoResult(summary="filing plan present, demo data left as it is")
    source = given.data_dir / KONSTANZ
    if not source.is_file():
        return DemoResult(summary="no demo data (Konstanz reports missing)", missing=[str(source)])
    reports = read_reports(source)
    rows, numbers = plan_rows(reports)
    filing.import_plan(session=session, rows=rows, actor=given.actor)
    positions = {position.number: position for position in filing.active_positions(session=session)}
    council = positions[COUNCIL_POSITION]
    filing.save_rule(
        session=session,
        name="Anträge und Anfragen von Fraktionen",
        field="body",
        match="regex",
        pattern=r"\b(Fraktion|Gemeinderat|Ortschaftsrat)\b",
        position=council,
        actor=given.actor,
    )
    by_child: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        by_child[report.child].append(report)
    newest = sorted(reports, key=lambda report: (report.day, report.id))[-NEW_REPORTS:]
    fresh = {report.id for report in newest}
    history = 0
    for child, group in by_child.items():
        for report in [r for r in group if r.id not in fresh][:HISTORY_PER_POSITION]:
            _confirmed(given, report, positions[numbers[child]])
            history += 1
    session.flush()
    blocks = demo_text_blocks(session=session, actor=given.actor)
    trained = _train(given)
    job_ids: list[int] = []
    arrivals: list[Incoming] = []
    now = utcnow()
    for index, report in enumerate(newest):
        arrived = now - timedelta(hours=2 * index + 1)  # the new mail of the last two days
        arrivals.append(
            _incoming_scan(report, seed=index, received=arrived)
            if index < SCANNED
            else _incoming_text(report, arrived)
        )
    requests_path = given.data_dir / KARLSRUHE
    if requests_path.is_file():
        requests = _council_requests(requests_path, COUNCIL_REQUESTS)
        arrivals.extend(
            _incoming_request(row, now - timedelta(hours=3 * n + 2)) for n, row in enumerate(requests)
        )
    files_dir = given.settings.files_dir if given.settings else given.data_dir / "files"
    for incoming in arrivals:
        received = service.receive(session=session, files_dir=files_dir, incoming=incoming, actor=given.actor)
        if received.duplicate_of is None:
            job_ids.append(
                queue_processing(session=session, item_id=received.item.id, tenant_id=given.tenant_id)
            )
    if trained is None:
        job_ids.insert(0, enqueue(session=session, kind=RETRAIN, params={}, tenant_id=given.tenant_id).id)
    return DemoResult(
        summary=f"filing plan of {len(rows)} positions (Konstanz categories), {history} confirmed reports, "
        f"classifier {'trained' if trained else 'queued for training'}, {len(blocks)} text blocks, "
        f"{len(arrivals)} new items "
        f"({SCANNED} scanned) queued for reading",
        job_ids=job_ids,
    )


def _train(given: DemoInput) -> int | None:
    """Train the classifier now, so the demo items are routed by it; None when no embedder is ready."""
    if given.settings is None:
        return None
    from rathaus.core.ai.errors import AIError  # noqa: PLC0415
    from rathaus.inbox import training  # noqa: PLC0415
    from rathaus.inbox.jobs import embedder  # noqa: PLC0415

    try:
        model = training.train(
            session=given.session,
            embedder=embedder(given.settings),
            data_dir=given.settings.data_dir,
            actor=given.actor,
        )
    except AIError as problem:  # e.g. the model bundle is not assembled: the worker trains later
        logger.warning("inbox demo: classifier not trained now (%s); a retrain job is queued", problem)
        return None
    return model.id if model is not None else None
