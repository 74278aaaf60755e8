"""Search commands (`flask --app catalogue reindex`, `check-index`, `synonyms check`),
registered by catalogue.cli."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from . import catch_up, check, rebuild, record_changes, status, term_counts
from .thesaurus import load


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Build a fresh search index beside the live one and swap it in (searches keep answering)."""
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
    try:
        info = status()
        click.echo(f"Retard de l’index de cet hôte sur le flux des changements : "
                   f"{info['pending']} changement(s), {info['behind_seconds']:g} s.")
        applied = catch_up()
        if applied:
            click.echo(f"{applied} mise(s) à jour en attente appliquée(s).")
        report = check()
        if fix and not report.clean:
            record_changes(report.missing + report.stale + report.orphaned)
            db.session.commit()  # the commit applies the changes
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


@click.group("synonyms")
def synonyms_group() -> None:
    """The thesaurus of the field (synonyms.txt) the search widens words with."""


@synonyms_group.command("check")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False),
              help="Check this file instead of the one in force (to try a change first).")
@with_appcontext
def synonyms_check_command(path: str | None) -> None:
    """Validate the synonyms file and show what each line widens to on the current index.

    Exit 1 when a line is refused.
    """
    source = Path(path) if path else current_app.extensions["search_thesaurus"].path()
    try:
        thesaurus = load(source)
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"lecture impossible : {exc}") from None
    click.echo(f"Fichier : {source}")
    terms = list(dict.fromkeys(t.stems for line in thesaurus.lines for t in line.terms))
    try:
        counts: dict = dict(zip(terms, term_counts(terms), strict=True))
    except Exception as exc:  # the file can still be checked
        click.echo(f"Index indisponible ({exc}) : exemples non comptés.", err=True)
        counts = dict.fromkeys(terms, "?")
    problems = {p.number: p for p in thesaurus.problems}
    rows = sorted([(line.number, line) for line in thesaurus.lines]
                  + [(p.number, p) for p in thesaurus.problems], key=lambda row: row[0])
    empty = set()
    for number, row in rows:
        click.echo(f"ligne {number} : {row.text}")
        if number in problems:
            click.echo(f"  REFUSÉE : {row.message}")
            continue
        for term in row.sources:
            widened = []
            for target in (row.targets if row.targets is not None else row.sources):
                if target.stems == term.stems:
                    continue
                if thesaurus.usable(target):
                    widened.append(f"{target.text} ({counts[target.stems]})")
                else:
                    widened.append(f"{target.text} (ignoré : c’est aussi un nom de lieu)")
            click.echo(f"  « {term.text} » ({counts[term.stems]}) → " + ", ".join(widened))
        empty.update(t.text for t in row.terms if counts[t.stems] == 0)
    click.echo(f"{len(thesaurus.lines)} ligne(s) valide(s), {len(problems)} refusée(s) ; "
               f"{len(empty)} terme(s) ne trouvent encore aucun exemple "
               "(entre parenthèses : les exemples publiés qui contiennent chaque terme).")
    if problems:
        sys.exit(1)


COMMANDS = (reindex_command, check_index_command, synonyms_group)
