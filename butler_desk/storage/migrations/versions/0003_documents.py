"""documents: the document register (文件发放登记), one row per batch and one per household's copy

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 15:33:14.408608
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import butler_desk.storage.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('template_id', sa.String(length=60), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_at', butler_desk.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('operator', sa.String(length=50), nullable=False),
    sa.Column('scope', sa.String(length=300), nullable=False),
    sa.Column('files', sa.Text(), nullable=False),
    sa.Column('field_values', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_issued_on'), ['issued_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_kind'), ['kind'], unique=False)

    op.create_table('document_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('room', sa.String(length=50), nullable=False),
    sa.Column('addressee', sa.String(length=50), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=6), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('signed_by', sa.String(length=50), nullable=False),
    sa.Column('returned', sa.Boolean(), nullable=False),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('return_reason', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', butler_desk.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', butler_desk.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_deliveries_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_document_deliveries_party_id_parties')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_document_deliveries_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_deliveries'))
    )
    with op.batch_alter_table('document_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_document_deliveries_document_seq', ['document_id', 'seq'], unique=False)
        batch_op.create_index('ix_document_deliveries_open', ['received_on', 'returned', 'sent_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_deliveries_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_deliveries_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('document_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_deliveries_unit_id'))
        batch_op.drop_index(batch_op.f('ix_document_deliveries_party_id'))
        batch_op.drop_index('ix_document_deliveries_open')
        batch_op.drop_index('ix_document_deliveries_document_seq')

    op.drop_table('document_deliveries')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_kind'))
        batch_op.drop_index(batch_op.f('ix_documents_issued_on'))

    op.drop_table('documents')
