"""Owners' revisions of published examples, and when the public text last changed

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 19:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('example_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'],
                            name=op.f('fk_revision_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['example_id'], ['example.id'],
                            name=op.f('fk_revision_example_id_example'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revision'))
    )
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revision_example_id'), ['example_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revision_state'), ['state'], unique=False)
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revised_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_example_revised_at'), ['revised_at'], unique=False)


def downgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_example_revised_at'))
        batch_op.drop_column('revised_at')
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revision_state'))
        batch_op.drop_index(batch_op.f('ix_revision_example_id'))
    op.drop_table('revision')
