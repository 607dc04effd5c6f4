"""The module contract: what a domain package declares so that Rathaus can plug it in.

Each domain package (``minutes``, ``assistant``, ``inbox`` …) declares one ``Module`` in its own
``module.py``; ``rathaus.modules`` lists them, and only the entry points (the app factory, the CLI and
the migrations) read that list. Everything below them receives what it needs as arguments, so core never
imports a module and no module imports another. Example, the shape of every ``module.py``::

    MODULE = Module(
        slug="minutes",
        title="Protokollhilfe",
        summary="Sitzungsaufnahmen transkribieren und Niederschriften entwerfen.",
        role=Role.MINUTES_CLERK,
        path="/protokolle",
        routers=(web.router, ...),
        job_modules=("rathaus.minutes.jobs",),
        table_modules=("rathaus.minutes.models",),
        settings=MinutesSettings,
    )

The last group of fields is what the Governance module reads: the module's AI use cases, the personal
data it holds (with export and erasure for one person), its retention rules, its aggregated metrics and
its audit actions. ``provides`` lists the ports (``rathaus.core.ports``) the module serves to the others,
e.g. the assistant's knowledge search that the Posteingang cites in reply drafts.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from rathaus.core.security.models import Role

if TYPE_CHECKING:
    from fastapi import APIRouter
    from sqlalchemy.orm import Session

    from rathaus.core.audit.service import Actor
    from rathaus.core.config import PlatformSettings
    from rathaus.core.ports import Provision
    from rathaus.core.security.session_user import SessionUser


# -- the start page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """A module's box on the start page: a template of the module and what it renders."""

    template: str
    context: Mapping[str, Any]


@dataclass(frozen=True)
class PanelRequest:
    """What a module's panel function is given: the user's tenant session, the user, the settings, today."""

    session: Session
    user: SessionUser
    settings: PlatformSettings
    today: date


# -- uploads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadLimit:
    """A larger body limit for requests under ``path_prefix`` (e.g. recordings), read from settings.

    A ``*`` in the prefix stands for one path segment, e.g. ``/buerger/*/antraege/`` for every tenant.
    """

    path_prefix: str
    max_bytes: Callable[[PlatformSettings], int]


# -- demo data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoInput:
    """What a module's demo loader gets: a session in the demo tenant, the public data folder, settings.

    ``settings`` tell where files go and which AI backends are configured (the Posteingang trains its
    classifier on the demo's confirmed examples); a loader that needs none of that ignores them.
    """

    session: Session
    tenant_id: int
    data_dir: Path
    actor: Actor
    settings: PlatformSettings | None = None


@dataclass
class DemoResult:
    """What a demo loader did, for the CLI: one English line, jobs to send after commit, files not found."""

    summary: str
    job_ids: list[int] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


# -- for the Governance module ---------------------------------------------------------------------


class AITask(enum.StrEnum):
    """The kinds of AI a use case relies on (the tasks of the AI registry)."""

    ASR = "asr"
    DIARIZATION = "speaker"
    LLM = "llm"
    EMBEDDING = "embedding"
    OCR = "ocr"
    CLASSIFIER = "classifier"
    FORECAST = "forecast"  # a statistical model fitted to past figures (e.g. appointment demand)


@dataclass(frozen=True)
class AIUseCase:
    """One use of AI in a module, as the public AI register (KI-Verzeichnis) lists it (German text)."""

    key: str
    title: str
    purpose: str
    tasks: tuple[AITask, ...]
    human_oversight: str
    affected: str = ""


@dataclass(frozen=True)
class PersonRef:
    """A person whose data is asked for (DSGVO Art. 15/17): by e-mail address, name or user ID."""

    email: str | None = None
    name: str | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class PersonalData:
    """A category of personal data a module keeps, with its legal basis and the export and erasure."""

    key: str
    title: str
    legal_basis: str
    export: Callable[[Session, PersonRef], list[dict[str, Any]]] | None = None
    erase: Callable[[Session, PersonRef, Actor], int] | None = None


@dataclass(frozen=True)
class RetentionRule:
    """How long a module keeps something, the setting that says so and the sweep that deletes it."""

    key: str
    title: str
    period: Callable[[PlatformSettings], str]
    job_kind: str | None = None


@dataclass(frozen=True)
class Metric:
    """An aggregated figure of a module for reports (never per person: staff council)."""

    key: str
    title: str
    unit: str
    compute: Callable[[Session, date, date], float | None]


# -- the record ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    """Everything Rathaus needs to know to plug one domain package in; see the module docstring."""

    slug: str
    title: str
    summary: str
    role: Role | None
    path: str
    templates: Path | None = None
    routers: Sequence[APIRouter] = ()
    public_paths: tuple[str, ...] = ()
    job_modules: tuple[str, ...] = ()
    table_modules: tuple[str, ...] = ()
    upload_limits: tuple[UploadLimit, ...] = ()
    csrf_exempt_json: tuple[str, ...] = ()
    home_panel: Callable[[PanelRequest], Panel | None] | None = None
    demo: Callable[[DemoInput], DemoResult] | None = None
    settings: type[BaseModel] | None = None
    ai_uses: tuple[AIUseCase, ...] = ()
    personal_data: tuple[PersonalData, ...] = ()
    retention: tuple[RetentionRule, ...] = ()
    metrics: tuple[Metric, ...] = ()
    audit_actions: type[enum.StrEnum] | None = None
    provides: tuple[Provision[Any], ...] = ()

    def visible_to(self, user: SessionUser) -> bool:
        """Whether ``user`` sees the module in the navigation and on the start page."""
        return self.role is None or user.has_role(self.role)
