"""Remember the language of the contributor's form, for the mails they receive

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 13:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='fr',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_column('language')
