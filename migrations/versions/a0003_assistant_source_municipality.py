"""assistant source municipality

Adds the municipality of a knowledge source (a Gemeinde, or "Landkreis …"), the Landkreis it lies in,
and the flag of sources valid in every municipality, so that answers come only from the municipalities
a tenant serves and never mix two of them. Existing by-laws take theirs from the front matter kept in
``meta`` (gemeinde, kreis).

Revision ID: a0003
Revises: a0002
Create Date: 2026-12-06 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a0003"
down_revision: str | None = "a0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, in place on SQLite too: a batch rebuild of assistant_sources would drop the old
    # table, and its foreign keys would cascade into the chunks of every source.
    op.add_column("assistant_sources", sa.Column("municipality", sa.String(length=200), nullable=True))
    op.add_column("assistant_sources", sa.Column("district", sa.String(length=200), nullable=True))
    op.add_column(
        "assistant_sources", sa.Column("shared", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_index("ix_assistant_sources_municipality", "assistant_sources", ["municipality"], unique=False)
    _backfill()


def _backfill() -> None:
    """Municipality and district of the by-laws imported before, from their front matter in ``meta``."""
    sources = sa.table(
        "assistant_sources",
        sa.column("id", sa.Integer()),
        sa.column("meta", sa.JSON()),
        sa.column("municipality", sa.String()),
        sa.column("district", sa.String()),
    )
    bind = op.get_bind()
    for source_id, stored in bind.execute(sa.select(sources.c.id, sources.c.meta)).all():
        meta = stored or {}
        district = str(meta.get("kreis") or "").strip() or None
        town = str(meta.get("gemeinde") or "").strip()
        municipality = town or (f"Landkreis {district}" if district else None)
        if municipality or district:
            bind.execute(
                sources.update()
                .where(sources.c.id == source_id)
                .values(municipality=municipality, district=district)
            )


def downgrade() -> None:
    op.drop_index("ix_assistant_sources_municipality", table_name="assistant_sources")
    for name in ("shared", "district", "municipality"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE assistant_sources DROP COLUMN {name}")  # SQLite ≥ 3.35, in place
        else:
            op.drop_column("assistant_sources", name)
