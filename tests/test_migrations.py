"""Migrations build the schema from nothing and take it back down."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from catalogue.extensions import db


def table_names(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_to_head_and_down_to_base(app):
    directory = app.extensions["migrate"].directory
    assert {"example", "partner", "moderation_event", "user", "index_change"} <= table_names(app)
    with app.app_context():
        downgrade(directory=directory, revision="base")
    assert table_names(app) == set()
    with app.app_context():
        upgrade(directory=directory)
    assert set(db.metadata.tables) <= table_names(app)


def test_models_match_the_migrations(app):
    """Autogenerate finds nothing to do: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        assert compare_metadata(context, db.metadata) == []
