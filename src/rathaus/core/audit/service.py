"""Write and verify the hash-chained audit log; record AI drafts and the decisions on them."""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rapidfuzz.distance import Levenshtein
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rathaus.core.audit.actions import PlatformAction
from rathaus.core.audit.models import AIDraft, AuditEvent, AuditHead, Decision
from rathaus.core.db import tenant_of, utcnow

GENESIS = "0" * 64
HEAD_ID = 1


@dataclass(frozen=True)
class Actor:
    """Who caused an event: a user, or the system (jobs, retention)."""

    id: int | None
    name: str

    @classmethod
    def system(cls, component: str = "system") -> Actor:
        return cls(id=None, name=component)


def _event_hash(
    *,
    prev_hash: str,
    tenant_id: int | None,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str | None,
    at: datetime,
    details: dict[str, Any],
) -> str:
    canonical = json.dumps(
        {
            "prev": prev_hash,
            "tenant": tenant_id,
            "actor_id": actor_id,
            "actor": actor_name,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "at": at.isoformat(timespec="microseconds"),
            "details": details,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    *,
    session: Session,
    actor: Actor,
    action: enum.StrEnum,
    object_type: str,
    object_id: object = None,
    details: dict[str, Any] | None = None,
    tenant_id: int | None = None,
) -> AuditEvent:
    """Append an event to the chain. Commits with the caller's transaction."""
    tenant = tenant_id if tenant_id is not None else tenant_of(session)
    # Taking the head row first serialises concurrent writers on SQLite and PostgreSQL alike.
    locked = session.execute(
        update(AuditHead).where(AuditHead.id == HEAD_ID).values(count=AuditHead.count + 1)
    )
    if locked.rowcount == 0:  # type: ignore[attr-defined]
        session.add(AuditHead(id=HEAD_ID, last_hash=GENESIS, count=1))
        session.flush()
    head = session.execute(select(AuditHead).where(AuditHead.id == HEAD_ID)).scalar_one()
    session.refresh(head)
    clean_details = json.loads(json.dumps(details or {}, default=str))
    at = utcnow()
    oid = None if object_id is None else str(object_id)
    digest = _event_hash(
        prev_hash=head.last_hash,
        tenant_id=tenant,
        actor_id=actor.id,
        actor_name=actor.name,
        action=str(action),
        object_type=object_type,
        object_id=oid,
        at=at,
        details=clean_details,
    )
    event = AuditEvent(
        tenant_id=tenant,
        actor_id=actor.id,
        actor_name=actor.name,
        action=str(action),
        object_type=object_type,
        object_id=oid,
        at=at,
        details=clean_details,
        prev_hash=head.last_hash,
        hash=digest,
    )
    session.add(event)
    head.last_hash = digest
    session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    problem: str


def verify_chain(session: Session) -> tuple[int, list[ChainProblem]]:
    """Recompute the chain; return the number of events checked and every problem found."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    checked = 0
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
    for event in rows:
        checked += 1
        if event.prev_hash != expected_prev:
            problems.append(
                ChainProblem(event.id, "previous hash does not match: an event was removed or reordered")
            )
        recomputed = _event_hash(
            prev_hash=event.prev_hash,
            tenant_id=event.tenant_id,
            actor_id=event.actor_id,
            actor_name=event.actor_name,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            at=event.at,
            details=event.details,
        )
        if recomputed != event.hash:
            problems.append(ChainProblem(event.id, "content does not match its hash: the event was edited"))
        expected_prev = event.hash
    head = session.get(AuditHead, HEAD_ID)
    head_hash = head.last_hash if head else GENESIS
    if head_hash != expected_prev:
        problems.append(ChainProblem(None, "the newest event is missing: the log was cut at its end"))
    if head is not None and head.count != checked:
        problems.append(ChainProblem(None, f"{head.count} events were written but {checked} are present"))
    return checked, problems


def input_hash(*parts: str) -> str:
    """A stable SHA-256 over the inputs of an AI call (stored instead of the input itself)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\x1f")
    return digest.hexdigest()


def record_draft(
    *,
    session: Session,
    actor: Actor,
    module: str,
    purpose: str,
    backend: str,
    model_name: str,
    model_version: str,
    prompt_template: str,
    prompt_version: str,
    input_digest: str,
    output: str,
    object_type: str | None = None,
    object_id: object = None,
) -> AIDraft:
    """Store an AI output as a draft with its provenance, and audit it."""
    draft = AIDraft(
        module=module,
        purpose=purpose,
        backend=backend,
        model_name=model_name,
        model_version=model_version,
        prompt_template=prompt_template,
        prompt_version=prompt_version,
        input_hash=input_digest,
        output=output,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
    )
    session.add(draft)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=PlatformAction.AI_DRAFT_CREATED,
        object_type="ai_draft",
        object_id=draft.id,
        tenant_id=draft.tenant_id,
        details={
            "module": module,
            "purpose": purpose,
            "backend": backend,
            "model": f"{model_name} {model_version}",
            "prompt": f"{prompt_template}@{prompt_version}",
            "input_hash": input_digest,
            "output_sha256": hashlib.sha256(output.encode()).hexdigest(),
        },
    )
    return draft


class DraftAlreadyDecidedError(ValueError):
    pass


def decide_draft(
    *, session: Session, actor: Actor, draft: AIDraft, final_text: str | None, rejected: bool = False
) -> AIDraft:
    """Record the human decision on a draft: accepted as is, edited (with edit distance) or rejected."""
    if draft.decision is not None:
        msg = f"draft {draft.id} was already decided ({draft.decision})"
        raise DraftAlreadyDecidedError(msg)
    if rejected:
        draft.decision = Decision.REJECTED
        draft.final_text = None
        draft.edit_distance = None
    else:
        text = draft.output if final_text is None else final_text
        distance = Levenshtein.distance(draft.output, text)
        draft.decision = Decision.ACCEPTED if distance == 0 else Decision.EDITED
        draft.final_text = text
        draft.edit_distance = distance
    draft.decided_by_id = actor.id
    draft.decided_at = utcnow()
    session.flush()
    record(
        session=session,
        actor=actor,
        action=PlatformAction(f"ai.draft_{draft.decision.value}"),
        object_type="ai_draft",
        object_id=draft.id,
        tenant_id=draft.tenant_id,
        details={"edit_distance": draft.edit_distance, "output_length": len(draft.output)},
    )
    return draft
