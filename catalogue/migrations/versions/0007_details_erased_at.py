"""When a contributor erased their details: the follow-up link explains it instead of 404

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 17:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details_erased_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_column('details_erased_at')
