"""Test helpers for the knowledge side: a deterministic embedder stand-in, a tenant, an actor, a text PDF."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from tests.factories import make_tenant

EDITOR = Actor(id=None, name="redaktion-test")  # who makes the changes in the knowledge tests


class HashEmbedder:
    """Bag-of-words vectors from hashed lower-case words: deterministic, no model (logic tests only)."""

    name = "hash"
    model_name = "hash"
    model_version = "1"
    dimension = 64

    def _encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        matrix = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                matrix[row, int(hashlib.sha1(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return (matrix / np.where(norms == 0, 1, norms)).astype(np.float32)

    def embed_queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self._encode(texts)

    def embed_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self._encode(texts)


def new_tenant(sessions: sessionmaker[Session], slug: str = "stadt-wissen") -> int:
    """A fresh tenant's id."""
    with open_session(sessions) as session:
        return make_tenant(session, slug=slug, name="Stadt Wissen").id


def text_pdf(lines: list[str]) -> bytes:
    """A minimal valid one-page PDF whose text pdfminer can extract."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def as_any(value: object) -> Any:
    """Pass a stand-in where a Protocol is expected."""
    return value


def tenant_with_sources(
    sessions: sessionmaker[Session], slug: str, items: Sequence[Any], *, municipality: str | None = None
) -> int:
    """A new tenant with ``items`` (``SourceInput``) imported and indexed without embeddings; its id."""
    from rathaus.assistant import service  # noqa: PLC0415

    tenant_id = new_tenant(sessions, slug)
    with open_session(sessions, tenant_id=tenant_id) as session:
        service.import_sources(
            session=session, tenant_id=tenant_id, items=items, municipality=municipality, actor=EDITOR
        )
        service.reindex(session=session, embedder=None)
    return tenant_id


def ask_public(sessions: sessionmaker[Session], tenant_id: int, question: str) -> Any:
    """A citizen's question to the tenant's assistant, extractive, with the default settings."""
    from rathaus.assistant import asking  # noqa: PLC0415
    from rathaus.assistant.config import AssistantSettings  # noqa: PLC0415

    with open_session(sessions, tenant_id=tenant_id) as session:
        return asking.ask(
            session=session,
            tenant_id=tenant_id,
            question=question,
            audience="public",
            embedder=None,
            chat=None,
            settings=AssistantSettings(),
            actor=Actor.system("assistant-public"),
        )
