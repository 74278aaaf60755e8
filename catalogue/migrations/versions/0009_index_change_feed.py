"""The index outbox becomes a change feed that every host's index copy follows

Rows are no longer deleted once applied: each index copy reads them from its own position,
and they are deleted after a retention window. On PostgreSQL each row carries the id of the
transaction that wrote it, so that copies read changes in commit order (catalogue.search.feed).
Index copies made before have no position and are rebuilt at start-up.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 20:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'index_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('example_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('txid', sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_index_change')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('index_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_index_change_example_id'), ['example_id'])
        batch_op.create_index(batch_op.f('ix_index_change_created_at'), ['created_at'])
        batch_op.create_index(batch_op.f('ix_index_change_txid'), ['txid'])
    txid = ("pg_current_xact_id()::text::bigint" if op.get_bind().dialect.name == "postgresql"
            else "NULL")
    op.execute("INSERT INTO index_change (example_id, created_at, txid) "
               f"SELECT example_id, created_at, {txid} FROM index_outbox ORDER BY id")
    op.drop_table('index_outbox')


def downgrade():
    # Changes not applied everywhere are dropped: run `reindex` on every host afterwards.
    op.create_table(
        'index_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('example_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_index_outbox')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('index_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_index_outbox_example_id'), ['example_id'])
    op.drop_table('index_change')
