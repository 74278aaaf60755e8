"""Never reuse index outbox ids on SQLite

An outbox row is deleted by id once applied, possibly after another process has applied and
deleted it too. SQLite gives a new row the largest id plus one, so an emptied table handed out
the same id again and such a late delete removed a newer change. AUTOINCREMENT never reuses an
id; PostgreSQL's sequence never did.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 13:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table('index_outbox', recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table('index_outbox', recreate="always",
                                  table_kwargs={"sqlite_autoincrement": False}):
            pass
