"""The yearly check: when the owner was last asked « Où en est votre alliance ? », last confirmed

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 20:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('reminded_at')
