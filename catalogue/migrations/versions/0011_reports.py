"""Visitors report errors on published examples; moderators answer, fix or dismiss them

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 19:55:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('example_id', sa.Integer(), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.Column('handled_at', sa.DateTime(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['example_id'], ['example.id'],
                                name=op.f('fk_report_example_id_example'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['handled_by_id'], ['user.id'],
                                name=op.f('fk_report_handled_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_example_id'), ['example_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_handled_by_id'), ['handled_by_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_report_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_state'))
        batch_op.drop_index(batch_op.f('ix_report_handled_by_id'))
        batch_op.drop_index(batch_op.f('ix_report_example_id'))
        batch_op.drop_index(batch_op.f('ix_report_created_at'))
    op.drop_table('report')
