"""The year a finished alliance ended: « 2012–2020 » instead of « depuis 2012 »

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 19:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_year', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_column('end_year')
