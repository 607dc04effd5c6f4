"""The tenant's application types: versions of a definition, one active per key.

Saving a definition writes a new *draft* version (refused with German messages when a formula names a
field that does not exist, see ``definition.check_definition``); activating a version retires the one
active before it, so new applications use the new version while old ones keep theirs. The three types
Rathaus ships (from the Konstanz by-laws) are installed with :func:`install_shipped`.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.definition import TypeDefinition, check_definition, shipped_types
from rathaus.applications.models import ApplicationType, TypeStatus
from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow


def definition_of(row: ApplicationType) -> TypeDefinition:
    """The definition stored in a type row (a saved version never changes)."""
    return TypeDefinition.model_validate(row.definition)


def active_types(*, session: Session) -> list[ApplicationType]:
    """The active version of every type, by title."""
    rows = session.scalars(select(ApplicationType).where(ApplicationType.status == TypeStatus.ACTIVE))
    return sorted(rows, key=lambda row: row.title.lower())


def active_type(*, session: Session, key: str) -> ApplicationType | None:
    """The active version of the type ``key``."""
    return session.scalar(
        select(ApplicationType).where(ApplicationType.key == key, ApplicationType.status == TypeStatus.ACTIVE)
    )


def versions(*, session: Session, key: str) -> list[ApplicationType]:
    """Every version of the type ``key``, newest first."""
    return list(
        session.scalars(
            select(ApplicationType).where(ApplicationType.key == key).order_by(ApplicationType.version.desc())
        )
    )


def save_version(*, session: Session, definition: TypeDefinition, actor: Actor) -> ApplicationType:
    """A new draft version of ``definition.key`` (checked first: DefinitionError when it is wrong)."""
    check_definition(definition)
    newest = session.scalar(
        select(func.max(ApplicationType.version)).where(ApplicationType.key == definition.key)
    )
    row = ApplicationType(
        key=definition.key,
        version=(newest or 0) + 1,
        status=TypeStatus.DRAFT,
        title=definition.title,
        definition=definition.model_dump(mode="json"),
        created_by=actor.id,
    )
    session.add(row)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=ApplicationsAction.TYPE_SAVED,
        object_type="application_type",
        object_id=row.id,
        details={"key": row.key, "version": row.version},
    )
    return row


def activate(*, session: Session, row: ApplicationType, actor: Actor) -> None:
    """Make ``row`` the version new applications use; the version active before is retired."""
    for other in versions(session=session, key=row.key):
        if other.status == TypeStatus.ACTIVE and other.id != row.id:
            other.status = TypeStatus.RETIRED
    row.status = TypeStatus.ACTIVE
    row.activated_at = utcnow()
    row.activated_by = actor.id
    record(
        session=session,
        actor=actor,
        action=ApplicationsAction.TYPE_ACTIVATED,
        object_type="application_type",
        object_id=row.id,
        details={"key": row.key, "version": row.version},
    )


def retire(*, session: Session, row: ApplicationType, actor: Actor) -> None:
    """Take a type out of the citizen forms (applications already made keep it)."""
    row.status = TypeStatus.RETIRED
    record(
        session=session,
        actor=actor,
        action=ApplicationsAction.TYPE_RETIRED,
        object_type="application_type",
        object_id=row.id,
        details={"key": row.key, "version": row.version},
    )


def install_shipped(*, session: Session, actor: Actor) -> list[ApplicationType]:
    """Install and activate the shipped types the tenant does not have yet (by key); returns the new rows."""
    installed = []
    for definition in shipped_types():
        if versions(session=session, key=definition.key):
            continue
        row = save_version(session=session, definition=definition, actor=actor)
        activate(session=session, row=row, actor=actor)
        installed.append(row)
    return installed
