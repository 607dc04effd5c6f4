"""Demo data of the Anträge: the three shipped types and nine applications, already queued for the check.

The types are built from the by-laws of the Stadt Konstanz in ``../shared/data/bylaws_bw`` (CC BY 4.0,
ragsource-content; see the type's attribution); they ship with Rathaus, so the demo needs no data set.
The applications are cases of the planted-problem suites (``samples``): per type one complete, one
incomplete and one implausible application, with their attachments rendered as scans (marked "MUSTER").
The people are invented. The check runs in the worker like for any submission, OCR included.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from rathaus.applications import catalog
from rathaus.applications.jobs import local_today, queue_check
from rathaus.applications.models import Application, Attachment
from rathaus.applications.service import submit
from rathaus.core.module import DemoInput, DemoResult
from rathaus.core.storage import store_bytes

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rathaus.applications.samples.cases import Doc

DEMO_CASES = {
    "hundesteuer": (
        "Befreiung für einen Hund einer hilfsbedürftigen Person (Merkzeichen B)",
        "Befreiung beantragt, Ausweis fehlt",
        "Befreiung für einen Kangal beantragt",
    ),
    "sondernutzung": (
        "Container für zwei Monate",
        "Container ohne Lageplan",
        "Heizstrahler auf der Terrasse",
    ),
    "kita-ermaessigung": (
        "Ein Kind, Stufe 1, Lohnsteuerbescheinigung",
        "Einkommensnachweis fehlt",
        "Stufe 1 erklärt, Einkommen ergibt Stufe 2",
    ),
}


def load_demo(given: DemoInput) -> DemoResult:
    """Install the shipped types and submit the demo applications (each queued for the check)."""
    from rathaus.applications.samples.suites import suites  # noqa: PLC0415 - Pillow only when the demo runs

    session = given.session
    catalog.install_shipped(session=session, actor=given.actor)
    if session.scalar(select(Application.id).limit(1)) is not None:
        return DemoResult(summary="applications present, demo data left as it is")
    if given.settings is None:
        return DemoResult(summary="application types installed; no demo applications without settings")
    files_dir = given.settings.files_dir
    today = local_today()
    cases = {case.name: case for cases in suites(today).values() for case in cases}
    job_ids: list[int] = []
    for key, names in DEMO_CASES.items():
        type_row = catalog.active_type(session=session, key=key)
        if type_row is None:
            continue
        for seed, name in enumerate(names):
            case = cases[name]
            attachments = [
                _attachment(session, files_dir, given.tenant_id, doc, seed + number)
                for number, doc in enumerate(case.documents)
            ]
            application, _created = submit(
                session=session,
                type_row=type_row,
                values=case.values,
                submission_key=secrets.token_hex(16),
                actor=given.actor,
                today=today,
                attachments=attachments,
            )
            job_ids.append(queue_check(session=session, application=application))
    return DemoResult(
        summary=f"3 application types (Konstanz by-laws, CC BY 4.0) and {len(job_ids)} applications queued "
        "for the check",
        job_ids=job_ids,
    )


def _attachment(session: Session, files_dir: Path, tenant_id: int, doc: Doc, seed: int) -> Attachment:
    """Render one attachment of a case, store it like an upload and return its row (not yet linked)."""
    data, media_type, filename = doc.render(seed)
    stored = store_bytes(
        session=session,
        files_dir=files_dir,
        tenant_id=tenant_id,
        data=data,
        filename=filename,
        media_type=media_type,
        purpose="application",
    )
    attachment = Attachment(
        requirement=doc.requirement,
        file_id=stored.id,
        filename=stored.filename,
        media_type=media_type,
        size=len(data),
    )
    session.add(attachment)
    session.flush()
    return attachment
