"""Files stored by content hash (recordings, scans, exports), with retention."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rathaus.core.db import Base, TenantOwned, utcnow


class StoredFile(TenantOwned, Base):
    """A file of a tenant; the bytes live under ``files/<sha[:2]>/<sha>`` and are shared by equal content."""

    __tablename__ = "stored_files"
    __table_args__ = (UniqueConstraint("tenant_id", "sha256", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255), doc="the sanitised original name")
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(40), default="upload")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delete_after: Mapped[datetime | None] = mapped_column(default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
