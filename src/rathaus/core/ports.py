"""Ports: what one module offers the others without either importing the other.

A *port* is a named, typed capability declared here in core (``KNOWLEDGE_SEARCH``: "facts from the
knowledge sources"). A module that can serve it declares a :class:`Provision` in its ``Module.provides``
(the assistant provides the knowledge search); a module that wants it asks :class:`Ports` for it and
gets the implementation or ``None`` when no listed module provides it (and then works without it).

The entry points build one ``Ports`` from the module list and hand it down: the app factory through
``AppContext.ports`` (routes: ``context.ports.get(KNOWLEDGE_SEARCH)``), the worker through
``JobContext.ports``. A provision is a factory of a :class:`PortContext` (settings and the lazily built
AI registry), called on first use, so a provider can use the configured embedder without loading it at
start-up. Example::

    search = context.ports.get(KNOWLEDGE_SEARCH)
    facts = search(session=session, tenant_id=user.tenant_id, query=item.subject, k=3) if search else []

To add a port: a Protocol and a ``Port`` constant below, a ``Provision`` in the providing module's record.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from huey import Huey
    from sqlalchemy.orm import Session

    from rathaus.core.ai.registry import AIRegistry
    from rathaus.core.audit.service import Actor
    from rathaus.core.config import PlatformSettings

T = TypeVar("T")


@dataclass(frozen=True)
class Port(Generic[T]):
    """A named capability of the type ``T`` (a Protocol) that one module provides to the others."""

    name: str
    description: str


@dataclass(frozen=True)
class PortContext:
    """What a provision's factory receives: the settings and the AI registry (nothing loaded yet)."""

    settings: PlatformSettings
    ai: AIRegistry


@dataclass(frozen=True)
class Provision(Generic[T]):
    """A module's offer for ``port``: ``factory`` builds the implementation on first use."""

    port: Port[T]
    factory: Callable[[PortContext], T]


class PortConflictError(ValueError):
    """Two modules provide the same port."""


class Ports:
    """The ports of an installation: each built once from its provision, or None when none provides it."""

    def __init__(self, provisions: Iterable[Provision[Any]], context: PortContext | None) -> None:
        self._provisions: dict[str, Provision[Any]] = {}
        for provision in provisions:
            name = provision.port.name
            if name in self._provisions:
                raise PortConflictError(f"two modules provide the port {name!r}")
            self._provisions[name] = provision
        self._context = context
        self._built: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def none(cls) -> Ports:
        """No ports (jobs and tools that run without the module list)."""
        return cls((), None)

    @property
    def names(self) -> list[str]:
        """The names of the ports provided."""
        return sorted(self._provisions)

    def get(self, port: Port[T]) -> T | None:
        """The implementation of ``port``, built on first use; None when no module provides it."""
        provision = self._provisions.get(port.name)
        if provision is None or self._context is None:
            return None
        with self._lock:
            if port.name not in self._built:
                self._built[port.name] = provision.factory(self._context)
            built: T = self._built[port.name]
            return built


# -- the ports ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """A passage from a knowledge source, to cite: title, text and where it comes from."""

    title: str
    text: str
    source_id: str  # stable within the tenant, e.g. "assistant:12"
    url: str | None = None
    section: str = ""
    internal: bool = False  # for staff only: may inform a person, never goes out to citizens

    @property
    def label(self) -> str:
        """Title and section, as a citation shows them."""
        return f"{self.title} – {self.section}" if self.section else self.title


class KnowledgeSearch(Protocol):
    """Search the tenant's knowledge sources as a staff member sees them; best passages first."""

    def __call__(
        self, *, session: Session, tenant_id: int, query: str, k: int = 3, user_id: int | None = None
    ) -> list[Fact]: ...


KNOWLEDGE_SEARCH: Port[KnowledgeSearch] = Port(
    "knowledge_search", "facts from the tenant's knowledge sources (staff view), with their source"
)


class BookableServices(Protocol):
    """The tenant's services that citizens can book online: service key → public booking page (path)."""

    def __call__(self, *, session: Session, tenant_id: int) -> Mapping[str, str]: ...


BOOKABLE_SERVICES: Port[BookableServices] = Port(
    "bookable_services", "the public booking page of each service citizens can book online (Terminvergabe)"
)


@dataclass(frozen=True)
class TypeMatch:
    """An application type a scanned paper form looks like: how sure (0–1) and the words that told."""

    key: str
    title: str
    score: float
    evidence: tuple[str, ...]  # German, e.g. ("Titel „Anmeldung zur Hundesteuer“", "Feld „Name des Hundes“")


@dataclass(frozen=True)
class PaperResult:
    """The application made from a paper form: its reference and which fields were read or left empty."""

    reference: str
    application_id: int
    type_title: str
    read_fields: tuple[str, ...]  # labels of the fields a value was read for
    empty_fields: tuple[str, ...]  # labels of the fields the form shows that stayed empty


class ApplicationIntake(Protocol):
    """Applications on paper: which type a scanned form is, and take it in as an application.

    ``match`` is deterministic and explains itself; ``take_paper`` accepts an incomplete form (the check
    reports what is missing), keeps the scan as an attachment and queues the check (``queue``: send the
    job's message after commit; without it the worker picks the job up on its next sweep).
    """

    def match(self, *, session: Session, text: str) -> list[TypeMatch]: ...

    def take_paper(
        self,
        *,
        session: Session,
        type_key: str,
        text: str,
        file_id: int,
        filename: str,
        media_type: str,
        actor: Actor,
        queue: Huey | None = None,
    ) -> PaperResult: ...


APPLICATION_INTAKE: Port[ApplicationIntake] = Port(
    "application_intake", "scanned paper forms matched to an application type and taken in as applications"
)
