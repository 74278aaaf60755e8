"""Commands of the media: `flask prune-media-cache`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from . import cache


@click.command("prune-media-cache")
@with_appcontext
def prune_media_cache_command() -> None:
    """Delete this host's cached copies of files no longer in the database."""
    kept, deleted = cache.prune()
    click.echo(f"media cache {cache.folder()}: {deleted} file(s) deleted, {kept} kept")


COMMANDS = (prune_media_cache_command,)
