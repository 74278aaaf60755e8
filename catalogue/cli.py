"""Command-line interface: `flask --app catalogue …` or `catalogue …`."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import click
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy.orm import selectinload

from . import demo
from .alerts import send_alerts_command
from .extensions import db
from .forms import PASSWORD_MAX, PASSWORD_MIN
from .importing import (
    ImportRefused,
    Problem,
    add_examples,
    read_file,
    read_records,
    validate_all,
)
from .media.commands import COMMANDS as media_commands
from .media_backup import clean_media, files_dir, media_records, restore_media
from .models import (
    Example,
    ModerationEvent,
    Organisation,
    OrganisationRedirect,
    Partner,
    Report,
    Revision,
    User,
)
from .organisation_import import restore_organisations, validate_organisations
from .reminders import send_reminders
from .search.commands import COMMANDS as search_commands
from .serialisation import backup_record, organisation_record, public_record, redirect_record
from .validation import PUBLIC_FIELDS

DEMO_FILE = Path(__file__).with_name("demo") / "examples.json"


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema through the migrations."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("Base de données à jour.")


@click.command("load-demo")
@click.option("--if-empty", is_flag=True, help="Only when the catalogue has no example yet.")
@with_appcontext
def load_demo_command(if_empty: bool) -> None:
    """Load the illustrative demo examples (those already present are skipped)."""
    count = db.session.scalar(sa.select(sa.func.count(Example.id)))
    if if_empty and count:
        click.echo(f"Le catalogue contient déjà {count} exemple(s) : démo non chargée.")
        return
    records = read_records(DEMO_FILE)
    cleaned = validate_all(records)
    titles = set(db.session.scalars(sa.select(Example.title)))
    fresh = [(pos, data) for pos, data in cleaned if data["title"] not in titles]
    files = demo.add_pictures(add_examples(fresh))
    db.session.commit()
    click.echo(f"Démo : {len(fresh)} exemple(s) ajouté(s), {len(cleaned) - len(fresh)} déjà présent(s), "
               f"{files} illustration(s) et document(s).")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--state", type=click.Choice(["published", "pending"]), default=None,
              help="State of the imported examples (default: published, or as the file says).")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@with_appcontext
def import_command(file: Path, state: str | None, dry_run: bool) -> None:
    """Import examples from a JSON, JSON Lines or CSV file: all of them or none.

    Examples whose public fields are exactly those of an existing example are skipped.
    """
    where = "ligne" if file.suffix.lower() == ".csv" else "enregistrement"
    try:
        records, organisation_rows = read_file(file)
        cleaned = validate_all(records)
        organisations = validate_organisations(organisation_rows, cleaned)
        media, media_problems = clean_media(organisation_rows.get("media"), files_dir(file))
        if media_problems:
            raise ImportRefused([Problem(0, issue) for issue in media_problems])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    except ImportRefused as refused:
        for problem in refused.problems:
            click.echo(f"{where} {problem.position} : {problem.issue}" if problem.position
                       else str(problem.issue), err=True)
        raise click.ClickException(
            f"{len(refused.problems)} problème(s) : rien n’a été importé."
        ) from None
    fresh, duplicates = _skip_duplicates(cleaned)
    for position, existing in duplicates:
        click.echo(f"{where} {position} : identique à l’exemple existant n° {existing.id} "
                   f"« {existing.title} », ignoré.")
    skipped = f" {len(duplicates)} doublon(s) ignoré(s)." if duplicates else ""
    if dry_run:
        click.echo(f"Vérification seule : {len(fresh)} exemple(s) à importer.{skipped} "
                   "Rien n’a été écrit.")
        return
    restored = restore_organisations(organisations)
    examples = add_examples(fresh, state=state)
    files = restore_media(media, {data.get("slug"): example for (_, data), example
                                  in zip(fresh, examples, strict=True)})
    db.session.commit()
    click.echo(f"{len(fresh)} exemple(s) importé(s).{skipped}"
               + (f" {restored} organisation(s) restaurée(s)." if restored else "")
               + (f" {files} image(s) et document(s) restauré(s)." if files else ""))


def _skip_duplicates(cleaned: list[tuple[int, dict]]) -> tuple[list, list[tuple[int, Example]]]:
    """Split cleaned records into new ones and (position, example) for those already present.

    A record whose partners have no role (CSV cannot write one) is compared without roles.
    """

    def key(record: dict, roles: bool = True) -> str:
        fields = {k: record.get(k) for k in PUBLIC_FIELDS}
        # Organisations are compared by the partners' names and kinds, not by their slugs.
        fields["partners"] = [{k: p[k] for k in ("name", "kind", "role")}
                              for p in record["partners"]]
        if not roles:
            fields["partners"] = [(p["name"], p["kind"]) for p in record["partners"]]
        return json.dumps(fields, sort_keys=True)

    examples = db.session.scalars(sa.select(Example).options(selectinload(Example.partners)))
    existing: dict[str, Example] = {}
    for example in examples:
        record = public_record(example)
        existing.setdefault(key(record), example)
        existing.setdefault(key(record, roles=False), example)
    fresh, duplicates = [], []
    for position, data in cleaned:
        same = existing.get(key(data, roles=any(p["role"] for p in data["partners"])))
        if same is None:
            fresh.append((position, data))
        else:
            duplicates.append((position, same))
    return fresh, duplicates


def snapshot_records(files: Path | None = None) -> dict:
    """Return the whole catalogue as a backup, read in one read transaction.

    That is the organisations, the slugs of those merged into others, every example as a
    backup record, and the pictures and documents (their files written into `files`).

    PostgreSQL gets REPEATABLE READ; SQLite gets an explicit BEGIN (its Python driver would
    otherwise run each SELECT on its own), so writes committed meanwhile are not half seen.
    """
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        connection.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
    elif db.engine.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
    try:
        examples = db.session.scalars(
            sa.select(Example)
            .options(selectinload(Example.partners).selectinload(Partner.organisation),
                     selectinload(Example.events).selectinload(ModerationEvent.actor))
            .order_by(Example.id)
        ).all()
        revisions, reports = defaultdict(list), defaultdict(list)
        for revision in db.session.scalars(sa.select(Revision).order_by(Revision.id)
                                           .options(selectinload(Revision.decided_by))):
            revisions[revision.example_id].append(revision)
        for report in db.session.scalars(sa.select(Report).order_by(Report.id)
                                         .options(selectinload(Report.handled_by))):
            reports[report.example_id].append(report)
        return {
            "organisations": [organisation_record(o) for o in db.session.scalars(
                sa.select(Organisation).order_by(Organisation.id))],
            "organisation_redirects": [redirect_record(r) for r in db.session.scalars(
                sa.select(OrganisationRedirect).order_by(OrganisationRedirect.created_at,
                                                         OrganisationRedirect.slug)
                .options(selectinload(OrganisationRedirect.organisation),
                         selectinload(OrganisationRedirect.actor)))],
            "examples": [backup_record(e, revisions[e.id], reports[e.id]) for e in examples],
            "media": media_records(files),
        }
    finally:
        db.session.rollback()


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(file: Path) -> None:
    """Write the catalogue (organisations; examples with private fields, journal, updates,
    reports) as JSON `import` reads back."""
    backup = snapshot_records(files_dir(file))
    file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=file.parent, delete=False) as tmp:
        json.dump(backup, tmp, ensure_ascii=False, indent=1)
        tmp.write("\n")
    os.replace(tmp.name, file)
    click.echo(f"{len(backup['examples'])} exemple(s) et {len(backup['organisations'])} "
               f"organisation(s) exporté(s) dans {file}.")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(User.ROLES), required=True, help="moderator or admin.")
@click.option("--password-file", type=click.File("r", encoding="utf-8"),
              help="Read the password from the first line of this file ('-': standard input).")
@click.option("--name", default="", help="Display name shown to the other moderators.")
@with_appcontext
def create_user_command(email: str, role: str, password_file, name: str) -> None:
    """Create a moderator or admin account (the password is asked twice, hidden)."""
    address = User.normalize_email(email)
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise click.ClickException(f"adresse électronique invalide : {address}") from None
    if db.session.scalar(sa.select(User.id).where(User.email == address)) is not None:
        raise click.ClickException(f"un compte existe déjà pour {address}")
    if password_file is not None:
        password = password_file.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=(
            "Confirmez le mot de passe"), err=True)
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise click.ClickException(
            f"le mot de passe doit compter entre {PASSWORD_MIN} et {PASSWORD_MAX} caractères")
    user = User(email=address, role=role, display_name=name.strip())
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Compte {role} créé pour {address}.")


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Ask each owner, once a year, « Où en est votre alliance ? » (daily cron, idempotent)."""
    # Mails are rendered as for a request to the site's address, like the alerts'.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        counts = send_reminders()
    click.echo(f"Rappels annuels : {counts['sent']} envoyé(s).")
    if counts["failed"]:
        raise click.ClickException(
            f"{counts['failed']} envoi(s) en échec : réessayé(s) au prochain passage.")


def init_app(app: Flask) -> None:
    """Register every command of the site: those above, the search's, the alerts' and the media's."""
    for command in (init_db_command, load_demo_command, import_command, export_command,
                    create_user_command, *search_commands, send_alerts_command,
                    send_reminders_command, *media_commands):
        app.cli.add_command(command)


def main() -> None:
    """Entry point of the `catalogue` console script: `flask --app catalogue`."""
    os.environ.setdefault("FLASK_APP", "catalogue")
    cli = FlaskGroup(help="Catalogue des alliances.")
    sys.exit(cli.main())
