"""organization conventions

Revision ID: m0002
Revises: m0001
Adds minutes_organizations.conventions: the customs of a body (chairs, factions, numbering, result
wording) as JSON, edited by the clerk and seeded from OParl (``rathaus.minutes.conventions``).

Create Date: 2026-12-06 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "m0002"
down_revision: str | None = "m0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a nullable column without constraints: SQLite adds it in place, no batch rebuild needed
    op.add_column("minutes_organizations", sa.Column("conventions", sa.JSON(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE minutes_organizations DROP COLUMN conventions")  # SQLite ≥ 3.35, in place
        return
    op.drop_column("minutes_organizations", "conventions")
