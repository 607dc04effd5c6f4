"""The caseworker's checklist: findings with their evidence in words, the history, the decision snapshot.

Read-only helpers of the application page and the decision record (``casework`` writes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.applications.catalog import definition_of
from rathaus.applications.checks import shown_value
from rathaus.applications.definition import Category, TypeDefinition
from rathaus.applications.forms import typed
from rathaus.applications.labels import CATEGORY_LABELS
from rathaus.applications.models import Application, Attachment, Finding
from rathaus.applications.service import current_findings
from rathaus.core.audit.models import AuditEvent
from rathaus.core.security.models import User


def people(*, session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    """Full names of the users ``ids`` (for "who reviewed, who decided")."""
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.full_name, User.username).where(User.id.in_(wanted)))
    return {user_id: full_name or username for user_id, full_name, username in rows.all()}


def value_text(definition: TypeDefinition, key: str, data: dict[str, Any]) -> str:
    """A submitted value as the caseworker reads it (option labels, German dates and numbers)."""
    spec = definition.field(key)
    value = typed(data, definition).get(key)
    if spec is not None and spec.options:
        labels = {option.value: option.label for option in spec.options}
        if isinstance(value, list):
            return ", ".join(labels.get(str(item), str(item)) for item in value) or "keine"
        if value is not None:
            return labels.get(str(value), str(value))
    return shown_value(value)


@dataclass(frozen=True)
class ChecklistItem:
    """A finding with its evidence in words: the field and its value, the attachment and its place."""

    finding: Finding
    field_label: str
    field_value: str
    attachment: Attachment | None
    reviewer: str


@dataclass(frozen=True)
class ChecklistGroup:
    category: Category
    title: str
    items: list[ChecklistItem]


def _item(
    definition: TypeDefinition, application: Application, finding: Finding, names: dict[int, str]
) -> ChecklistItem:
    spec = definition.field(finding.field) if finding.field else None
    attachment = next((a for a in application.attachments if a.id == finding.attachment_id), None)
    return ChecklistItem(
        finding=finding,
        field_label=spec.label if spec else finding.field,
        field_value=value_text(definition, finding.field, application.data) if finding.field else "",
        attachment=attachment,
        reviewer=names.get(finding.reviewed_by or 0, ""),
    )


def checklist(*, session: Session, application: Application) -> list[ChecklistGroup]:
    """The findings of the newest check by category (completeness, plausibility, consistency)."""
    definition = definition_of(application.type)
    findings = current_findings(session=session, application=application)
    names = people(session=session, ids=[finding.reviewed_by for finding in findings])
    groups = []
    for category in Category:
        items = [
            _item(definition, application, finding, names)
            for finding in findings
            if finding.category == category
        ]
        if items:
            groups.append(ChecklistGroup(category, CATEGORY_LABELS[category], items))
    known = {category.value for category in Category}
    others = [_item(definition, application, f, names) for f in findings if f.category not in known]
    if others:
        groups.append(ChecklistGroup(Category.PLAUSIBILITY, "Weitere Befunde", others))
    return groups


def history(*, session: Session, application: Application) -> list[AuditEvent]:
    """The audit events of the application, oldest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "application", AuditEvent.object_id == str(application.id))
            .order_by(AuditEvent.id)
        )
    )


def snapshot(
    *, session: Session, application: Application, findings: Sequence[Finding]
) -> list[dict[str, Any]]:
    """The findings as the decision record keeps them: what the check said and what the person did."""
    definition = definition_of(application.type)
    names = people(session=session, ids=[finding.reviewed_by for finding in findings])
    files = {attachment.id: attachment.filename for attachment in application.attachments}
    rows = []
    for finding in findings:
        spec = definition.field(finding.field) if finding.field else None
        rows.append(
            {
                "finding_id": finding.id,
                "run": finding.run,
                "rule_id": finding.rule_id,
                "category": finding.category,
                "severity": finding.severity,
                "title": finding.title,
                "message": finding.message,
                "paragraph": finding.paragraph,
                "field": finding.field,
                "field_label": spec.label if spec else "",
                "value": value_text(definition, finding.field, application.data) if finding.field else "",
                "attachment": files.get(finding.attachment_id or 0, ""),
                "page": finding.page,
                "line": finding.line,
                "snippet": finding.snippet,
                "by_model": finding.by_model,
                "review": finding.review.value if finding.review else None,
                "review_reason": finding.review_reason,
                "reviewed_by": finding.reviewed_by,
                "reviewed_by_name": names.get(finding.reviewed_by or 0, ""),
                "reviewed_at": finding.reviewed_at.isoformat() if finding.reviewed_at else None,
            }
        )
    return rows
