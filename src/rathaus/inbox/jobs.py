"""Background jobs of the Posteingang: reading an item, retraining the router, deadline reminders."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from rathaus.core.jobs import JobContext, enqueue, job_kind
from rathaus.inbox.config import InboxSettings

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import ChatModel, Embedder, OcrEngine
    from rathaus.core.ai.registry import AIRegistry
    from rathaus.core.config import PlatformSettings

PROCESS = "inbox.process"
RETRAIN = "inbox.retrain"
REMINDERS = "inbox.reminders"

_registries: dict[str, AIRegistry] = {}
_registry_lock = threading.Lock()


def registry(settings: PlatformSettings) -> AIRegistry:
    """One AI registry per configuration and process, so the e5 model loads once per worker."""
    from rathaus.core.ai.registry import AIRegistry  # noqa: PLC0415

    key = f"{settings.models_dir}|{settings.ai.model_dump_json()}"
    with _registry_lock:
        if key not in _registries:
            _registries[key] = AIRegistry.from_settings(settings)
        return _registries[key]


def embedder(settings: PlatformSettings) -> Embedder:
    return registry(settings).embedder()


def ocr_engine(settings: PlatformSettings) -> OcrEngine | None:
    ai = registry(settings)
    return ai.ocr() if ai.enabled("ocr") else None


def routing_llm(settings: PlatformSettings) -> ChatModel | None:
    """The chat model for routing when the inbox asks for it and an LLM backend is configured."""
    ai = registry(settings)
    return ai.chat() if settings.section(InboxSettings).use_llm_routing and ai.enabled("llm") else None


def queue_processing(*, session: Session, item_id: int, tenant_id: int, created_by: int | None = None) -> int:
    """Queue the reading job for a new item (the caller commits and sends the message)."""
    return enqueue(
        session=session, kind=PROCESS, params={"item_id": item_id}, tenant_id=tenant_id, created_by=created_by
    ).id


@job_kind(PROCESS, title="Eingang lesen, zuordnen und auswerten")
def process(ctx: JobContext, *, item_id: int) -> dict[str, Any]:
    """Text (text layer or OCR) → routing (rules, classifier, similarity, LLM) → Fristen and Aktenzeichen."""
    from rathaus.inbox import processing, training  # noqa: PLC0415 - keeps imports light

    settings = ctx.settings
    inbox = settings.section(InboxSettings)
    limits = processing.limits_of(inbox)
    read = ctx.stage(
        "Text lesen",
        lambda session: processing.read_pending(
            session=session,
            item_id=item_id,
            files_dir=settings.files_dir,
            limits=limits,
            ocr=ocr_engine(settings),
        ),
        percent=60,
    )
    if read.get("missing"):
        return {"missing": True}

    def route(session: Session) -> dict[str, Any]:
        router = training.load_router(
            session=session,
            embedder=embedder(settings),
            data_dir=settings.data_dir,
            threshold=inbox.routing_threshold,
            llm=routing_llm(settings),
        )
        return processing.route_item(session=session, item_id=item_id, router=router)

    routed = ctx.stage("Zuordnen", route, percent=85)
    found = ctx.stage(
        "Fristen und Aktenzeichen finden",
        lambda session: processing.extract_item(session=session, item_id=item_id),
        percent=100,
    )
    return {"read": read, "routing": routed, "extraction": found}


@job_kind(RETRAIN, title="Zuordnung aus bestätigten Eingängen neu lernen", every=timedelta(days=1))
def retrain(ctx: JobContext) -> dict[str, Any]:
    """Fit the classifier on every confirmed item (daily, and after a caseworker asks for it)."""
    from rathaus.core.audit.service import Actor  # noqa: PLC0415
    from rathaus.inbox import training  # noqa: PLC0415

    settings = ctx.settings

    def fit(session: Session) -> dict[str, Any]:
        model = training.train(
            session=session,
            embedder=embedder(settings),
            data_dir=settings.data_dir,
            actor=Actor.system(RETRAIN),
        )
        if model is None:
            return {"trained": False, "reason": "zu wenige bestätigte Eingänge"}
        return {"trained": True, "examples": model.examples, "positions": model.positions}

    return ctx.stage("Klassifikator trainieren", fit, percent=100)


@job_kind(REMINDERS, title="An nahende Fristen erinnern", every=timedelta(days=1))
def reminders(ctx: JobContext) -> dict[str, Any]:
    """Mark open items whose Frist ends within the reminder period, and tell their departments."""
    from rathaus.inbox import reminders as reminding  # noqa: PLC0415

    settings = ctx.settings
    inbox = settings.section(InboxSettings)
    return ctx.stage(
        "Erinnerungen",
        lambda session: reminding.remind(session=session, days=inbox.reminder_days, settings=settings),
        percent=100,
    )
