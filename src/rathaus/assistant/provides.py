"""What the assistant provides to other modules through ports (``rathaus.core.ports``).

The knowledge search: staff-view retrieval over the tenant's sources with ``service.search``, as facts
with their source, for the Posteingang's reply drafts and any other module that asks for the port.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from rathaus.assistant import service
from rathaus.assistant.models import Visibility
from rathaus.core.ai.errors import AIError
from rathaus.core.ports import Fact, KnowledgeSearch, PortContext

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rathaus.core.ai.protocols import Embedder

logger = logging.getLogger(__name__)


def knowledge_search(context: PortContext) -> KnowledgeSearch:
    """The ``KNOWLEDGE_SEARCH`` port: hybrid retrieval with the configured embedder, lexical without it."""
    lock = threading.Lock()
    state: dict[str, Embedder | None] = {}

    def embedder() -> Embedder | None:
        with lock:
            if "embedder" not in state:
                state["embedder"] = None
                if context.ai.enabled("embedding"):
                    try:
                        state["embedder"] = context.ai.embedder()
                    except AIError as error:
                        logger.warning("knowledge search: no embedder, searching lexically only: %s", error)
            return state["embedder"]

    def search(
        *, session: Session, tenant_id: int, query: str, k: int = 3, user_id: int | None = None
    ) -> list[Fact]:
        passages = service.search(
            session=session,
            tenant_id=tenant_id,
            query=query,
            audience="staff",
            user_id=user_id,
            embedder=embedder(),
            k=k,
        )
        public = {
            source_id
            for source_id in {passage.source_id for passage in passages}
            if service.get_source(session=session, source_id=source_id).visibility == Visibility.PUBLIC.value
        }
        return [
            Fact(
                title=passage.title,
                text=passage.text,
                source_id=f"assistant:{passage.source_id}",
                url=passage.url,
                section=passage.section,
                internal=passage.source_id not in public,
            )
            for passage in passages
        ]

    return search
