"""Background jobs of the Posteingang: reading an item, retraining the router, deadline reminders,
polling the IMAP mailboxes and sweeping the scanner's drop folder."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from rathaus.core.jobs import JobContext, enqueue, job_kind
from rathaus.inbox.config import InboxSettings

if TYPE_CHECKING:
    from huey import Huey

    from rathaus.core.ai.protocols import ChatModel, Embedder, OcrEngine
    from rathaus.core.ai.registry import AIRegistry
    from rathaus.core.config import PlatformSettings

PROCESS = "inbox.process"
RETRAIN = "inbox.retrain"
REMINDERS = "inbox.reminders"
RETENTION = "inbox.retention"
POLL = "inbox.poll"
FOLDER = "inbox.folder"
# The scheduler queues the poll every 5 minutes; InboxSettings.poll_minutes can only make it rarer.
POLL_EVERY = timedelta(minutes=5)
FOLDER_EVERY = timedelta(minutes=5)

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


def queue_processing(
    *,
    session: Session,
    item_id: int,
    tenant_id: int,
    created_by: int | None = None,
    queue: Huey | None = None,
) -> int:
    """Queue the reading job for a new item; the caller commits (with ``queue`` the message goes then).

    The item remembers its job, so its page can show the progress.
    """
    from rathaus.inbox.models import Item  # noqa: PLC0415 - the job module stays light to import

    job = enqueue(
        session=session,
        kind=PROCESS,
        params={"item_id": item_id},
        tenant_id=tenant_id,
        created_by=created_by,
        queue=queue,
    )
    item = session.get(Item, item_id)
    if item is not None:
        item.process_job_id = job.id
    return job.id


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


@job_kind(
    RETENTION, title="Erledigte Eingänge nach Ablauf der Aufbewahrungsfrist löschen", every=timedelta(days=1)
)
def retention(ctx: JobContext) -> dict[str, Any]:
    """Delete items done longer ago than the retention period, with their files (audited)."""
    from rathaus.core.audit.service import Actor  # noqa: PLC0415
    from rathaus.inbox.privacy import purge_done  # noqa: PLC0415

    settings = ctx.settings
    days = settings.section(InboxSettings).retention_days
    return ctx.stage(
        "Löschen",
        lambda session: {
            "deleted": purge_done(
                session=session, files_dir=settings.files_dir, days=days, actor=Actor.system(RETENTION)
            ),
            "retention_days": days,
        },
        percent=100,
    )


def reading_queuer(tenant_id: int) -> Callable[[Session, int], int]:
    """``queue_processing`` for the items intake receives in ``tenant_id`` (in the item's transaction)."""
    return lambda session, item_id: queue_processing(session=session, item_id=item_id, tenant_id=tenant_id)


def queue_poll(
    *,
    session: Session,
    tenant_id: int,
    mailbox_id: int | None = None,
    created_by: int | None = None,
    queue: Huey | None = None,
) -> int:
    """Queue an immediate poll ("Jetzt abrufen") of one mailbox, or of all; the caller commits."""
    params = {} if mailbox_id is None else {"mailbox_id": mailbox_id}
    return enqueue(
        session=session, kind=POLL, params=params, tenant_id=tenant_id, created_by=created_by, queue=queue
    ).id


def _has_mailbox(session: Session, tenant_id: int, _settings: PlatformSettings) -> bool:
    from sqlalchemy import select  # noqa: PLC0415

    from rathaus.inbox.models import Mailbox  # noqa: PLC0415

    found = select(Mailbox.id).where(Mailbox.tenant_id == tenant_id, Mailbox.enabled).limit(1)
    return session.scalar(found) is not None


def _has_drop_folder(session: Session, tenant_id: int, settings: PlatformSettings) -> bool:
    from rathaus.core.security.models import Tenant  # noqa: PLC0415

    folder = settings.section(InboxSettings).drop_folder
    tenant = session.get(Tenant, tenant_id)
    return folder is not None and tenant is not None and (folder / tenant.slug).is_dir()


@job_kind(POLL, title="Postfächer abrufen", every=POLL_EVERY, needed=_has_mailbox)
def poll(ctx: JobContext, *, mailbox_id: int | None = None) -> dict[str, Any]:
    """Take in the new mails of the tenant's enabled mailboxes (or of the one asked for), mail by mail.

    Not a stage: every mail commits on its own (with its processed-mail row and reading job), so a
    poll killed mid-way keeps what it took and the next one continues where it stopped.
    """
    from rathaus.core.audit.service import Actor  # noqa: PLC0415
    from rathaus.inbox.intake.imap import PollConfig, poll_mailboxes  # noqa: PLC0415 - imap-tools on demand

    settings = ctx.settings
    inbox = settings.section(InboxSettings)
    config = PollConfig(
        secret_key=settings.secret_key,
        files_dir=settings.files_dir,
        queue_reading=reading_queuer(ctx.tenant_id),
        timeout=inbox.imap_timeout_seconds,
        max_mail_bytes=inbox.max_upload_bytes,
    )
    ctx.progress(0, "Postfächer abrufen")
    results = poll_mailboxes(
        sessions=ctx.session,
        config=config,
        actor=Actor.system(POLL),
        mailbox_id=mailbox_id,
        # a little slack, so that a mailbox polled by the previous sweep is due in this one
        min_interval=timedelta(minutes=inbox.poll_minutes) - timedelta(seconds=30),
        progress=ctx.check,
    )
    return {"mailboxes": [result.as_dict() for result in results]}


@job_kind(FOLDER, title="Ablageordner des Scanners einlesen", every=FOLDER_EVERY, needed=_has_drop_folder)
def folder(ctx: JobContext) -> dict[str, Any]:
    """Take in the files of the tenant's drop folder (``drop_folder/<slug>/``), then move them away."""
    from rathaus.core.audit.service import Actor  # noqa: PLC0415
    from rathaus.core.security.models import Tenant  # noqa: PLC0415
    from rathaus.inbox.intake.folder import FolderLimits, sweep_folder  # noqa: PLC0415

    settings = ctx.settings
    inbox = settings.section(InboxSettings)
    if inbox.drop_folder is None:
        return {"configured": False}
    with ctx.session() as session:
        tenant = session.get(Tenant, ctx.tenant_id)
        slug = tenant.slug if tenant is not None else None
    if slug is None:
        return {"configured": True, "tenant": None}
    ctx.progress(0, "Ablageordner einlesen")
    result = sweep_folder(
        sessions=ctx.session,
        folder=inbox.drop_folder / slug,
        files_dir=settings.files_dir,
        limits=FolderLimits(
            max_bytes=inbox.max_upload_bytes,
            max_image_pixels=inbox.max_image_pixels,
            queue_reading=reading_queuer(ctx.tenant_id),
        ),
        actor=Actor.system(FOLDER),
    )
    return {"configured": True, "folder": str(inbox.drop_folder / slug), **result.as_dict()}
