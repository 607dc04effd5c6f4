"""Anträge figures: the planted-problem suites (precision and recall per type) and seconds to the checklist.

Run: ``python -m bench applications`` (about 5–10 minutes on 2 cores: every attachment is OCRed).

- ``types.<type>``: the suites of ``rathaus.applications.samples`` (25 Hundesteuer, 22 Sondernutzung,
  22 Kita cases written from the Konstanz by-laws; complete, incomplete and implausible), attachments
  rendered as scans (a different seed per case than the tests use) and read by Tesseract; a *planted*
  problem is a rule id the case expects. ``precision`` = found planted / all findings, ``recall`` = found
  planted / planted; ``clean_with_findings`` counts complete cases with any finding (must be 0).
- ``baseline``: the same cases checked the way a form server does it (Open Forms, FIT-Connect): the JSON
  Schema of the submission and the required attachments being present — no by-law rules, no reading of
  the attachments. Same run, same cases.
- ``seconds_to_checklist``: a Kita application with three scanned attachments (two Lohnsteuer-
  bescheinigungen and an Einkommensteuerbescheid) submitted into a SQLite database, then the check job's
  two stages (OCR of the three files, then the check) until the findings are written; OCR with
  ``RATHAUS_BENCH_THREADS`` threads (default 2). Median of three runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
import tempfile
import time
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.progress import Progress

from bench.common import console, cpu_threads, write_results
from rathaus.applications import catalog, checking
from rathaus.applications.definition import shipped_types
from rathaus.applications.models import Attachment
from rathaus.applications.reading import Reading, read_attachment
from rathaus.applications.samples import sheets
from rathaus.applications.samples.cases import ERIKA, LUKAS
from rathaus.applications.samples.kita import kita
from rathaus.applications.samples.suites import Outcome, run_case, suites
from rathaus.applications.service import submit
from rathaus.core.ai.ocr import OcrmypdfEngine
from rathaus.core.audit.service import Actor
from rathaus.core.db import make_engine, make_session_factory, open_session
from rathaus.core.migrate import upgrade
from rathaus.core.reading import Limits
from rathaus.core.security.models import Tenant
from rathaus.core.storage import store_bytes

TODAY = dt.date(2026, 12, 7)
SEED = 1000  # the tests read seed 0; the benchmark reads other renderings of the same documents
RUNS = 3
ACTOR = Actor.system("bench")


def _reader(ocr: OcrmypdfEngine) -> Any:
    cache: dict[str, Reading] = {}

    def read(data: bytes, media_type: str, filename: str) -> Reading:
        key = hashlib.sha256(data).hexdigest()
        if key not in cache:
            with tempfile.TemporaryDirectory(prefix="rathaus-bench-") as work:
                path = Path(work) / filename
                path.write_bytes(data)
                cache[key] = read_attachment(
                    path=path, media_type=media_type, ocr=ocr, work_dir=Path(work), limits=Limits()
                )
        return cache[key]

    return read


def _schema_only(outcome: Outcome) -> set[str]:
    """What a form server reports: schema errors and required attachments that are missing."""
    return {rule for rule in outcome.found if rule.startswith("feld.") or rule.endswith(".fehlt")}


def _figures(outcomes: Iterable[tuple[Outcome, set[str]]]) -> dict[str, Any]:
    cases = planted = hits = false_alarms = clean_noisy = 0
    for outcome, found in outcomes:
        expected = set(outcome.case.expected)
        cases += 1
        planted += len(expected)
        hits += len(found & expected)
        false_alarms += len(found - expected)
        clean_noisy += int(not expected and bool(found))
    reported = hits + false_alarms
    return {
        "cases": cases,
        "planted": planted,
        "found": hits,
        "missed": planted - hits,
        "false_alarms": false_alarms,
        "clean_with_findings": clean_noisy,
        "precision": round(hits / reported, 3) if reported else 1.0,
        "recall": round(hits / planted, 3) if planted else 1.0,
    }


def run_suites(ocr: OcrmypdfEngine) -> dict[str, Any]:
    """Every case of every suite through the whole check; figures per type, overall and for the baseline."""
    types = {definition.key: definition for definition in shipped_types()}
    read = _reader(ocr)
    all_cases = suites(TODAY)
    outcomes: dict[str, list[Outcome]] = {}
    with Progress(console=console) as progress:
        task = progress.add_task("Fälle prüfen", total=sum(len(cases) for cases in all_cases.values()))
        for key, cases in all_cases.items():
            for number, case in enumerate(cases):
                outcome = run_case(types[key], case, read=read, today=TODAY, seed=SEED + 10 * number)
                outcomes.setdefault(key, []).append(outcome)
                progress.advance(task)
    every = [outcome for runs in outcomes.values() for outcome in runs]
    misses = [
        {"case": outcome.case.name, "expected": sorted(outcome.case.expected), "found": sorted(outcome.found)}
        for outcome in every
        if outcome.found != outcome.case.expected
    ]
    return {
        "check": _figures((outcome, set(outcome.found)) for outcome in every),
        "types": {key: _figures((o, set(o.found)) for o in runs) for key, runs in outcomes.items()},
        "baseline": {
            "method": "JSON Schema of the submission and required attachments present (no rules, no OCR)",
            **_figures((outcome, _schema_only(outcome)) for outcome in every),
            "types": {key: _figures((o, _schema_only(o)) for o in runs) for key, runs in outcomes.items()},
        },
        "differences": misses,
    }


def _statement(person: Any, gross: int, kind: sheets.StatementKind, seed: int) -> tuple[bytes, str]:
    data = sheets.income_statement(
        person, year=TODAY.year - 1, gross_income=Decimal(gross), kind=kind, seed=seed
    )
    return data, "application/pdf"


def seconds_to_checklist(ocr: OcrmypdfEngine) -> dict[str, Any]:
    """Submission to written findings for a form with three scanned attachments, on SQLite."""
    durations = []
    for run in range(RUNS):
        with tempfile.TemporaryDirectory(prefix="rathaus-bench-db-") as folder:
            engine = make_engine(f"sqlite:///{folder}/bench.sqlite3")
            upgrade(engine)
            sessions = make_session_factory(engine)
            files_dir = Path(folder) / "files"
            with open_session(sessions) as session:
                tenant = Tenant(slug="bench", name="Stadt Benchmark", state="BW")
                session.add(tenant)
                session.flush()
                tenant_id = tenant.id
            with open_session(sessions, tenant_id=tenant_id) as session:
                catalog.install_shipped(session=session, actor=ACTOR)
            files = [
                _statement(ERIKA, 30000, "lohnsteuerbescheinigung", run * 3 + 1),
                _statement(LUKAS, 22000, "lohnsteuerbescheinigung", run * 3 + 2),
                _statement(ERIKA, 52000, "einkommensteuerbescheid", run * 3 + 3),
            ]
            start = time.perf_counter()
            with open_session(sessions, tenant_id=tenant_id) as session:
                type_row = catalog.active_type(session=session, key="kita-ermaessigung")
                assert type_row is not None
                attachments = []
                for number, (data, media_type) in enumerate(files):
                    stored = store_bytes(
                        session=session,
                        files_dir=files_dir,
                        tenant_id=tenant_id,
                        data=data,
                        filename=f"nachweis-{number}.pdf",
                        media_type=media_type,
                        purpose="application",
                    )
                    row = Attachment(
                        requirement="einkommensnachweis",
                        file_id=stored.id,
                        filename=stored.filename,
                        media_type=media_type,
                        size=len(data),
                    )
                    session.add(row)
                    attachments.append(row)
                session.flush()
                values = kita(ERIKA, TODAY, partner_name="Lukas Maier", einkommen_steuerpflichtig=52000.0)
                application, _ = submit(
                    session=session,
                    type_row=type_row,
                    values=values,
                    submission_key=f"bench-{run}",
                    actor=ACTOR,
                    today=TODAY,
                    attachments=attachments,
                )
                application_id = application.id
            with open_session(sessions, tenant_id=tenant_id) as session:
                checking.read_pending(
                    session=session,
                    application_id=application_id,
                    files_dir=files_dir,
                    ocr=ocr,
                    limits=Limits(),
                )
            with open_session(sessions, tenant_id=tenant_id) as session:
                result = checking.check_application(
                    session=session, application_id=application_id, today=TODAY
                )
            durations.append(time.perf_counter() - start)
            engine.dispose()
            console.print(f"run {run + 1}: {durations[-1]:.1f} s, {result['findings']} findings")
    return {
        "median_s": round(statistics.median(durations), 2),
        "max_s": round(max(durations), 2),
        "runs": RUNS,
        "attachments": 3,
        "form": "kita-ermaessigung: two Lohnsteuerbescheinigungen, one Einkommensteuerbescheid (scans)",
    }


def main() -> None:
    ocr = OcrmypdfEngine(language="deu", jobs=cpu_threads())
    figures = run_suites(ocr)
    figures["seconds_to_checklist"] = seconds_to_checklist(ocr)
    write_results("applications", figures)


if __name__ == "__main__":
    main()
