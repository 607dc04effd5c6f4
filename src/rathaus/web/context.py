"""What the app factory builds once and every request shares (no module-level singletons)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.config import Settings

if TYPE_CHECKING:
    from rathaus.core.ai.registry import AIRegistry


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def ai(self) -> AIRegistry:
        """The AI registry, built on first use so that serving pages never loads a model."""
        from rathaus.core.ai.registry import AIRegistry  # noqa: PLC0415 - heavy, only on demand

        registry = self.extras.get("ai")
        if registry is None:
            registry = AIRegistry.from_settings(self.settings)
            self.extras["ai"] = registry
        assert isinstance(registry, AIRegistry)
        return registry
