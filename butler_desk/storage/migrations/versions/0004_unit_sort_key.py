"""units.sort_key: the natural room order as an indexed column

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from butler_desk.domain.rooms import code_sort_text

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sort_key", sa.String(length=80), nullable=False, server_default=""))
        batch_op.create_index(batch_op.f("ix_units_sort_key"), ["sort_key"], unique=False)
    bind = op.get_bind()
    units = sa.table("units", sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("sort_key", sa.String))
    rows = [{"uid": uid, "key": code_sort_text(code)} for uid, code in bind.execute(sa.select(units.c.id, units.c.code))]
    if rows:
        bind.execute(units.update().where(units.c.id == sa.bindparam("uid")).values(sort_key=sa.bindparam("key")), rows)


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_units_sort_key"))
        batch_op.drop_column("sort_key")
