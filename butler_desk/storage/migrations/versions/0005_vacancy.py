"""vacancy: vacancy periods per unit, inspections of vacant units and their checklist items (空置房巡查)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 16:05:18.606317
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import butler_desk.storage.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('vacancy_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', butler_desk.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', butler_desk.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_vacancy_periods_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancy_periods'))
    )
    with op.batch_alter_table('vacancy_periods', schema=None) as batch_op:
        batch_op.create_index('ix_vacancy_periods_unit_started', ['unit_id', 'started_on'], unique=False)

    op.create_table('vacancy_inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('round_month', sa.Date(), nullable=False),
    sa.Column('occasion', sa.String(length=20), nullable=False),
    sa.Column('inspector', sa.String(length=50), nullable=False),
    sa.Column('inspected_at', butler_desk.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('created_at', butler_desk.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_vacancy_inspections_request_id_requests')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_vacancy_inspections_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancy_inspections'))
    )
    with op.batch_alter_table('vacancy_inspections', schema=None) as batch_op:
        batch_op.create_index('ix_vacancy_inspections_month_unit', ['round_month', 'unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancy_inspections_request_id'), ['request_id'], unique=False)
        batch_op.create_index('ix_vacancy_inspections_unit_at', ['unit_id', 'inspected_at'], unique=False)

    op.create_table('vacancy_inspection_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=30), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('reading', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['vacancy_inspections.id'], name=op.f('fk_vacancy_inspection_items_inspection_id_vacancy_inspections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancy_inspection_items')),
    sa.UniqueConstraint('inspection_id', 'item_key', name=op.f('uq_vacancy_inspection_items_inspection_id'))
    )


def downgrade() -> None:
    op.drop_table('vacancy_inspection_items')
    with op.batch_alter_table('vacancy_inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_vacancy_inspections_unit_at')
        batch_op.drop_index(batch_op.f('ix_vacancy_inspections_request_id'))
        batch_op.drop_index('ix_vacancy_inspections_month_unit')

    op.drop_table('vacancy_inspections')
    with op.batch_alter_table('vacancy_periods', schema=None) as batch_op:
        batch_op.drop_index('ix_vacancy_periods_unit_started')

    op.drop_table('vacancy_periods')
