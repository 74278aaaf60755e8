"""Search commands (`flask --app catalogue reindex`, `check-index`), registered by catalogue.cli."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..extensions import db


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Build a fresh search index beside the live one and swap it in (searches keep answering)."""
    from . import rebuild

    try:
        count = rebuild()
    except Exception as exc:
        raise click.ClickException(f"réindexation impossible : {exc}") from None
    click.echo(f"Index de recherche reconstruit : {count} exemple(s) publié(s).")


@click.command("check-index")
@click.option("--fix", is_flag=True, help="Re-index the examples found missing, stale or orphaned.")
@with_appcontext
def check_index_command(fix: bool) -> None:
    """Compare the search index with the database; exit 1 when they differ."""
    from . import check, process_outbox, write_outbox

    try:
        applied = process_outbox()
        if applied:
            click.echo(f"{applied} mise(s) à jour en attente appliquée(s).")
        report = check()
        if fix and not report.clean:
            write_outbox(report.missing + report.stale + report.orphaned)
            db.session.commit()  # the commit applies the outbox
            report = check()
    except Exception as exc:
        raise click.ClickException(f"vérification impossible : {exc}") from None
    for label, ids in (("absent(s) de l’index", report.missing),
                       ("périmé(s) dans l’index", report.stale),
                       ("orphelin(s) dans l’index (non publiés)", report.orphaned)):
        if ids:
            shown = ", ".join(map(str, ids[:50])) + (" …" if len(ids) > 50 else "")
            click.echo(f"{len(ids)} exemple(s) {label} : {shown}")
    if not report.clean:
        click.echo("L’index diffère de la base : lancez `reindex` (ou `check-index --fix`).",
                   err=True)
        sys.exit(1)
    click.echo("Index de recherche à jour.")


COMMANDS = (reindex_command, check_index_command)
