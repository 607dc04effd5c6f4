"""The caseworker's side of the Anträge: the queue, reviewing findings, and the decision a person takes.

Rathaus never decides an application. The check only points (findings with their paragraph and
evidence); a caseworker confirms or overrides each finding (an override needs a reason), and a decision
is a person's act with its reason. Before it, every finding of severity "fehler" must have been reviewed;
the :class:`~rathaus.applications.models.Decision` keeps a snapshot of all findings of the newest check
with what the person did with them, so the decision can be explained on request. Every change here is
audited on the application (object type ``application``), so its history is one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.checklist import snapshot
from rathaus.applications.definition import Severity
from rathaus.applications.jobs import queue_check
from rathaus.applications.labels import STATUS_LABELS
from rathaus.applications.models import (
    Application,
    ApplicationStatus,
    ApplicationType,
    Decision,
    Finding,
    Outcome,
    Review,
)
from rathaus.applications.service import current_findings
from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow
from rathaus.core.jobs import Job
from rathaus.core.module import Panel, PanelRequest

OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.CHECKING,
    ApplicationStatus.CHECKED,
    ApplicationStatus.DOCUMENTS_REQUESTED,
)
DECIDABLE = (ApplicationStatus.CHECKED, ApplicationStatus.DOCUMENTS_REQUESTED)
MAX_REASON = 4000


class CaseworkError(ValueError):
    """Something the caseworker asked for cannot be done; the message is German and shown as it is."""


# -- the queue -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: the application, its type, the check job and the newest check's counts."""

    application: Application
    type_title: str
    job: Job | None
    counts: dict[str, int]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.application.status]

    @property
    def checking(self) -> bool:
        """Whether a check is queued or running now (the queue shows its progress)."""
        return self.job is not None and self.job.status.active


def finding_counts(*, session: Session, application_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per application: how many errors, warnings and notes its newest check raised."""
    if not application_ids:
        return {}
    rows = session.execute(
        select(Finding.application_id, Finding.severity, func.count())
        .join(Application, Application.id == Finding.application_id)
        .where(Finding.application_id.in_(application_ids), Finding.run == Application.check_run)
        .group_by(Finding.application_id, Finding.severity)
    )
    counts: dict[int, dict[str, int]] = {}
    for application_id, severity, number in rows.all():
        counts.setdefault(application_id, {})[severity] = int(number)
    return counts


def queue(
    *, session: Session, status: ApplicationStatus | None = None, type_key: str | None = None
) -> list[QueueRow]:
    """The applications, oldest first, optionally of one status and one type (by key, all versions)."""
    statement = (
        select(Application, ApplicationType.title, Job)
        .join(ApplicationType, ApplicationType.id == Application.type_id)
        .outerjoin(Job, Job.id == Application.check_job_id)
        .order_by(Application.submitted_at, Application.id)
    )
    if status is not None:
        statement = statement.where(Application.status == status)
    if type_key:
        statement = statement.where(ApplicationType.key == type_key)
    rows = session.execute(statement).all()
    counts = finding_counts(session=session, application_ids=[row[0].id for row in rows])
    return [
        QueueRow(application=app, type_title=title, job=job, counts=counts.get(app.id, {}))
        for app, title, job in rows
    ]


def type_choices(*, session: Session) -> list[tuple[str, str]]:
    """(key, title) of every type the tenant has, newest title per key, by title."""
    rows = session.execute(
        select(ApplicationType.key, ApplicationType.title).order_by(ApplicationType.version)
    ).all()
    return sorted(dict(rows).items(), key=lambda item: item[1].lower())


@dataclass(frozen=True)
class Attention:
    """What needs a caseworker (the start page's box)."""

    to_review: int
    checking: int
    overdue: int
    by_status: dict[ApplicationStatus, int] = field(default_factory=dict)


def attention(*, session: Session, today: date) -> Attention:
    """Counts for the start page: checked and waiting, being checked, Nachforderung past its deadline."""
    by_status = {
        ApplicationStatus(status): int(number)
        for status, number in session.execute(
            select(Application.status, func.count()).group_by(Application.status)
        ).all()
    }
    overdue = session.scalar(
        select(func.count())
        .select_from(Application)
        .where(
            Application.status == ApplicationStatus.DOCUMENTS_REQUESTED,
            Application.documents_due < today,
        )
    )
    return Attention(
        to_review=by_status.get(ApplicationStatus.CHECKED, 0),
        checking=by_status.get(ApplicationStatus.SUBMITTED, 0) + by_status.get(ApplicationStatus.CHECKING, 0),
        overdue=int(overdue or 0),
        by_status=by_status,
    )


# -- reviewing findings ---------------------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    text = reason.replace("\r\n", "\n").strip()
    if len(text) > MAX_REASON:
        raise CaseworkError(f"Die Begründung ist zu lang (höchstens {MAX_REASON} Zeichen).")
    return text


def ensure_open(application: Application) -> None:
    """Refuse (CaseworkError) to change an application that is decided or withdrawn."""
    if application.status == ApplicationStatus.DECIDED:
        raise CaseworkError("Über diesen Antrag ist bereits entschieden; die Befunde bleiben, wie sie waren.")
    if application.status == ApplicationStatus.WITHDRAWN:
        raise CaseworkError("Dieser Antrag wurde zurückgezogen.")


def review_finding(
    *, session: Session, application: Application, finding: Finding, review: Review, reason: str, actor: Actor
) -> None:
    """Confirm or override a finding of the newest check; an override needs a reason. Audited."""
    ensure_open(application)
    if finding.application_id != application.id or finding.run != application.check_run:
        raise CaseworkError("Dieser Befund gehört nicht zur neuesten Prüfung des Antrags.")
    text = _clean_reason(reason)
    if review == Review.OVERRIDDEN and not text:
        raise CaseworkError("Bitte begründen Sie, warum Sie den Befund übersteuern.")
    previous = finding.review
    finding.review, finding.review_reason = review, text
    finding.reviewed_by, finding.reviewed_at = actor.id, utcnow()
    session.flush()
    record(
        session=session,
        actor=actor,
        action=ApplicationsAction.FINDING_REVIEWED,
        object_type="application",
        object_id=application.id,
        details={
            "finding": finding.id,
            "rule": finding.rule_id,
            "severity": finding.severity,
            "review": review.value,
            "reason": text,
            "previous": previous.value if previous else None,
        },
    )


# -- deciding --------------------------------------------------------------------------------------------


def unreviewed_errors(findings: Sequence[Finding]) -> list[Finding]:
    """The findings of severity "fehler" nobody has confirmed or overridden yet."""
    return [f for f in findings if f.severity == Severity.ERROR and f.review is None]


def decide(
    *, session: Session, application: Application, outcome: Outcome, reason: str, actor: Actor
) -> Decision:
    """Record a person's decision with its reason and the snapshot of the newest check. Audited.

    Refused (CaseworkError, German) without a reason, before a finished check, when it was decided
    already, and while a finding of severity "fehler" is not reviewed (the message names them).
    """
    ensure_open(application)
    if application.status not in DECIDABLE or application.check_run < 1:
        raise CaseworkError(
            "Die automatische Prüfung ist noch nicht abgeschlossen. Bitte warten Sie ihr Ergebnis ab."
        )
    text = _clean_reason(reason)
    if not text:
        raise CaseworkError("Bitte begründen Sie die Entscheidung.")
    findings = current_findings(session=session, application=application)
    open_errors = unreviewed_errors(findings)
    if open_errors:
        titles = "; ".join(f"„{finding.title}“" for finding in open_errors)
        raise CaseworkError(
            "Vor der Entscheidung muss jeder Fehler-Befund bestätigt oder übersteuert werden. "
            f"Noch offen: {titles}."
        )
    decision = Decision(
        application_id=application.id,
        outcome=outcome,
        reason=text,
        decided_by=actor.id,
        decided_at=utcnow(),
        findings=snapshot(session=session, application=application, findings=findings),
    )
    session.add(decision)
    application.status = ApplicationStatus.DECIDED
    application.documents_due = None
    session.flush()
    record(
        session=session,
        actor=actor,
        action=ApplicationsAction.DECIDED,
        object_type="application",
        object_id=application.id,
        details={
            "decision": decision.id,
            "outcome": outcome.value,
            "reason": text,
            "run": application.check_run,
            "findings": len(findings),
            "overridden": sum(1 for finding in findings if finding.review == Review.OVERRIDDEN),
        },
    )
    return decision


def recheck(*, session: Session, application: Application, actor: Actor, queue: Any = None) -> int:
    """Queue the automatic check again (a person pressed "Erneut prüfen"); returns the job's id."""
    ensure_open(application)
    return queue_check(session=session, application=application, created_by=actor.id, queue=queue)


def home_panel(asked: PanelRequest) -> Panel:
    """The start page's box "Anträge": checked and waiting, being checked, Nachforderung overdue."""
    return Panel(
        "applications/_home_panel.html",
        {
            "counts": attention(session=asked.session, today=asked.today),
            "public_url": f"/buerger/{asked.user.tenant.slug}/antraege",
        },
    )
