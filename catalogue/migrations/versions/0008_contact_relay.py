"""Visitors may write to the people behind an example: their consent, and the log of messages

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 19:55:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'accepts_messages', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'relayed_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('example_id', sa.Integer(), nullable=False),
        sa.Column('sender_hash', sa.String(length=64), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['example_id'], ['example.id'],
                                name=op.f('fk_relayed_message_example_id_example'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_relayed_message')),
    )
    with op.batch_alter_table('relayed_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relayed_message_example_id'), ['example_id'])
        batch_op.create_index(batch_op.f('ix_relayed_message_sender_hash'), ['sender_hash'])
        batch_op.create_index(batch_op.f('ix_relayed_message_sent_at'), ['sent_at'])


def downgrade():
    op.drop_table('relayed_message')
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_column('accepts_messages')
