"""tenant letterhead

Revision ID: 0002
Revises: 0001
Adds tenants.letterhead_file_id: the image (stored file) that document exports print as letterhead.

Create Date: 2026-11-22 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK_NAME = "fk_tenants_letterhead_file_id_stored_files"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with an inline REFERENCES clause in place. Batch mode would rebuild
        # `tenants`, and dropping the old table with foreign keys on cascades into every tenant's rows.
        op.execute(
            "ALTER TABLE tenants ADD COLUMN letterhead_file_id INTEGER "
            f"CONSTRAINT {FK_NAME} REFERENCES stored_files (id) ON DELETE SET NULL"
        )
        return
    op.add_column("tenants", sa.Column("letterhead_file_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        FK_NAME, "tenants", "stored_files", ["letterhead_file_id"], ["id"], ondelete="SET NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tenants DROP COLUMN letterhead_file_id")  # SQLite ≥ 3.35, in place
        return
    op.drop_constraint(FK_NAME, "tenants", type_="foreignkey")
    op.drop_column("tenants", "letterhead_file_id")
