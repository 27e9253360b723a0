"""arrears: bills, payments, allocations, adjustments and the collection log (欠费催收)

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-05 16:01:56.996331
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import butler_desk.storage.types


revision = '0006'
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('arrears_bills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=30), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('created_at', butler_desk.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_arrears_bills_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arrears_bills')),
    sa.UniqueConstraint('unit_id', 'item', 'period', name='uq_arrears_bills_unit_item_period')
    )
    with op.batch_alter_table('arrears_bills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arrears_bills_period'), ['period'], unique=False)
        batch_op.create_index('ix_arrears_bills_unit_due', ['unit_id', 'due_on'], unique=False)

    op.create_table('arrears_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sa.String(length=40), nullable=False),
    sa.Column('item', sa.String(length=30), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('operator', sa.String(length=50), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', butler_desk.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_arrears_payments_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arrears_payments')),
    sa.UniqueConstraint('receipt_no', name=op.f('uq_arrears_payments_receipt_no'))
    )
    with op.batch_alter_table('arrears_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arrears_payments_paid_on'), ['paid_on'], unique=False)
        batch_op.create_index('ix_arrears_payments_unit_paid', ['unit_id', 'paid_on'], unique=False)

    op.create_table('arrears_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('operator', sa.String(length=50), nullable=False),
    sa.Column('created_at', butler_desk.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bill_id'], ['arrears_bills.id'], name=op.f('fk_arrears_adjustments_bill_id_arrears_bills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_arrears_adjustments_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arrears_adjustments'))
    )
    with op.batch_alter_table('arrears_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arrears_adjustments_bill_id'), ['bill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_arrears_adjustments_unit_id'), ['unit_id'], unique=False)

    op.create_table('arrears_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bill_id'], ['arrears_bills.id'], name=op.f('fk_arrears_allocations_bill_id_arrears_bills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payment_id'], ['arrears_payments.id'], name=op.f('fk_arrears_allocations_payment_id_arrears_payments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arrears_allocations'))
    )
    with op.batch_alter_table('arrears_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arrears_allocations_bill_id'), ['bill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_arrears_allocations_payment_id'), ['payment_id'], unique=False)

    op.create_table('arrears_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('who', sa.String(length=50), nullable=False),
    sa.Column('statement_received', sa.Boolean(), nullable=True),
    sa.Column('said', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('promised_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=True),
    sa.Column('round_key', sa.String(length=30), nullable=False),
    sa.Column('next_action_on', sa.Date(), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('created_at', butler_desk.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_arrears_attempts_request_id_requests')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_arrears_attempts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arrears_attempts'))
    )
    with op.batch_alter_table('arrears_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arrears_attempts_made_on'), ['made_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_arrears_attempts_round_key'), ['round_key'], unique=False)
        batch_op.create_index('ix_arrears_attempts_unit_made', ['unit_id', 'made_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('arrears_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_arrears_attempts_unit_made')
        batch_op.drop_index(batch_op.f('ix_arrears_attempts_round_key'))
        batch_op.drop_index(batch_op.f('ix_arrears_attempts_made_on'))

    op.drop_table('arrears_attempts')
    with op.batch_alter_table('arrears_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arrears_allocations_payment_id'))
        batch_op.drop_index(batch_op.f('ix_arrears_allocations_bill_id'))

    op.drop_table('arrears_allocations')
    with op.batch_alter_table('arrears_adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arrears_adjustments_unit_id'))
        batch_op.drop_index(batch_op.f('ix_arrears_adjustments_bill_id'))

    op.drop_table('arrears_adjustments')
    with op.batch_alter_table('arrears_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_arrears_payments_unit_paid')
        batch_op.drop_index(batch_op.f('ix_arrears_payments_paid_on'))

    op.drop_table('arrears_payments')
    with op.batch_alter_table('arrears_bills', schema=None) as batch_op:
        batch_op.drop_index('ix_arrears_bills_unit_due')
        batch_op.drop_index(batch_op.f('ix_arrears_bills_period'))

    op.drop_table('arrears_bills')
