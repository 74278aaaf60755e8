"""One submission per form (its key on the example), one alert confirmation mail a day

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 13:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_example_submission_key'),
                                          ['submission_key'])
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirm_sent_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_column('confirm_sent_at')
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_example_submission_key'), type_='unique')
        batch_op.drop_column('submission_key')
