"""What the app factory builds once and every request shares (no module-level singletons)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.config import PlatformSettings
from rathaus.core.module import Module

if TYPE_CHECKING:
    from huey import Huey

    from rathaus.core.ai.registry import AIRegistry
    from rathaus.core.ports import Ports
    from rathaus.core.ratelimit import RateLimiter


@dataclass
class AppContext:
    """Settings, database and the modules of the app; the heavy parts are built on first use."""

    settings: PlatformSettings
    engine: Engine
    sessions: sessionmaker[Session]
    modules: tuple[Module, ...] = ()
    job_modules: tuple[str, ...] = ()
    unavailable_ai: set[str] = field(default_factory=set)  # AI tasks whose backend failed to load
    _ai: AIRegistry | None = field(default=None, repr=False)
    _queue: Huey | None = field(default=None, repr=False)
    _rate_limiter: RateLimiter | None = field(default=None, repr=False)
    _ports: Ports | None = field(default=None, repr=False)

    @property
    def ai(self) -> AIRegistry:
        """The AI registry, built on first use so that serving pages never loads a model."""
        if self._ai is None:
            from rathaus.core.ai.registry import AIRegistry  # noqa: PLC0415 - heavy, only on demand

            self._ai = AIRegistry.from_settings(self.settings)
        return self._ai

    @property
    def ports(self) -> Ports:
        """What the modules provide each other (``rathaus.core.ports``), e.g. the knowledge search."""
        if self._ports is None:
            from rathaus.core.ports import PortContext, Ports  # noqa: PLC0415

            provisions = [provision for module in self.modules for provision in module.provides]
            self._ports = Ports(provisions, PortContext(settings=self.settings, ai=self.ai))
        return self._ports

    @property
    def queue(self) -> Huey:
        """The Huey instance for sending job messages (this process runs no jobs), built on first use."""
        if self._queue is None:
            from rathaus.core.jobs import make_huey  # noqa: PLC0415 - Huey only on demand

            self.load_job_kinds()  # enqueue checks the kind
            self._queue = make_huey(self.settings)
        return self._queue

    def load_job_kinds(self) -> None:
        """Import the modules that register job kinds (for their German titles and for enqueueing)."""
        from rathaus.core.jobs import import_job_modules  # noqa: PLC0415

        import_job_modules(self.job_modules)

    @property
    def rate_limiter(self) -> RateLimiter:
        """One limiter per app: shared through Redis when configured, else this process's memory."""
        if self._rate_limiter is None:
            from rathaus.core.ratelimit import rate_limiter  # noqa: PLC0415

            self._rate_limiter = rate_limiter(self.settings)
        return self._rate_limiter

    @cached_property
    def csrf_exempt_json(self) -> tuple[re.Pattern[str], ...]:
        """Paths of cookie-less JSON APIs that the modules declare exempt from the CSRF check."""
        return tuple(re.compile(pattern) for module in self.modules for pattern in module.csrf_exempt_json)
