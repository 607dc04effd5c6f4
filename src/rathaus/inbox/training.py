"""The tenant's router: rules, the classifier trained on confirmed items, and zero-shot similarity.

Training runs in a background job and writes the fitted classifier to a file under the data
directory (``models/inbox/<tenant>-<n>.pickle``); its SHA-256 is kept in ``inbox_routing_models`` and
checked before the file is loaded, so only a file this installation wrote is ever unpickled.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.core.db import tenant_of
from rathaus.inbox import routing
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.filing import routing_plan, routing_rules
from rathaus.inbox.models import Item, Position, RoutingModel

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import ChatModel, Embedder

MODEL_DIR = Path("models") / "inbox"


def routing_document(item: Item) -> routing.Document:
    """What routing reads of an item: sender, subject and the text of its documents."""
    return routing.Document(
        sender=f"{item.sender_name} {item.sender_address}".strip(), subject=item.subject, body=item.text
    )


def confirmed_examples(*, session: Session, plan: routing.FilingPlan) -> list[routing.Example]:
    """Items a caseworker confirmed (accepted or re-routed) on a position still in the plan."""
    rows = session.execute(
        select(Item, Position.number)
        .join(Position, Item.position_id == Position.id)
        .where(Item.confirmed, Item.duplicate_of_id.is_(None))
    )
    return [
        routing.Example(document=routing_document(item), key=number)
        for item, number in rows
        if number in plan
    ]


def train(*, session: Session, embedder: Embedder, data_dir: Path, actor: Actor) -> RoutingModel | None:
    """Fit the classifier on the confirmed items and store it; None while there are too few examples."""
    plan = routing_plan(session=session)
    if not plan.positions:
        return None
    examples = confirmed_examples(session=session, plan=plan)
    router = routing.Router(plan=plan, embedder=embedder).fit(examples=examples)
    if router.classifier is None:
        return None
    tenant_id = tenant_of(session)
    directory = data_dir / MODEL_DIR
    directory.mkdir(parents=True, exist_ok=True)
    count = len(list(session.scalars(select(RoutingModel.id))))
    path = directory / f"{tenant_id}-{count + 1}.pickle"
    classifier = router.classifier
    classifier.embedder = None  # the embedder is the registry's; it is attached again on loading
    data = pickle.dumps(classifier, protocol=pickle.HIGHEST_PROTOCOL)
    path.write_bytes(data)
    model = RoutingModel(
        path=str(path.relative_to(data_dir)),
        sha256=hashlib.sha256(data).hexdigest(),
        examples=len(examples),
        positions=len(classifier.classes),
    )
    session.add(model)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.MODEL_TRAINED,
        object_type="inbox_routing_model",
        object_id=model.id,
        details={"examples": model.examples, "positions": model.positions},
    )
    return model


def current_model(*, session: Session) -> RoutingModel | None:
    return session.scalar(select(RoutingModel).order_by(RoutingModel.id.desc()).limit(1))


def load_router(
    *, session: Session, embedder: Embedder, data_dir: Path, threshold: float, llm: ChatModel | None = None
) -> routing.Router:
    """The tenant's router with its newest trained classifier (if any, and if it still fits the plan).

    With ``llm``, documents the rules and the classifier leave below ``threshold`` are put to the LLM.
    """
    plan = routing_plan(session=session)
    router = routing.Router(
        plan=plan,
        embedder=embedder,
        rules=routing_rules(session=session),
        threshold=threshold,
        llm=routing.LlmRouter(plan=plan, chat=llm) if llm is not None and plan.positions else None,
    )
    model = current_model(session=session)
    if model is None:
        return router
    path = data_dir / model.path
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return router
    if hashlib.sha256(data).hexdigest() != model.sha256:
        msg = f"routing model {path} does not match its recorded hash; retrain it"
        raise RuntimeError(msg)
    classifier: routing.LearnedClassifier = pickle.loads(data)  # noqa: S301 - our own file, hash checked
    if not set(classifier.classes) <= set(plan.keys):
        return router  # a position was removed from the plan since training: similarity until retrained
    classifier.embedder = embedder
    classifier.plan = plan
    router.classifier = classifier
    return router
