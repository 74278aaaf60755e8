"""Helpers shared by the test files: app settings, the base record and its variants, page
scraping, mail and SMTP. Test files import them from here; conftest.py holds only fixtures."""

from __future__ import annotations

import copy
import os
import re
import socketserver
import threading
import uuid
from email import message_from_bytes
from email.message import EmailMessage, Message
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from catalogue import create_app
from catalogue.extensions import db
from catalogue.models import Example, ModerationEvent

PASSWORD = "correct horse battery"

# Set by scripts/with-postgres.sh (`make test-postgres`): every app gets a fresh PostgreSQL database.
POSTGRES_URL = os.environ.get("CATALOGUE_TEST_POSTGRES_URL", "")


def new_database_url(tmp_path: Path) -> str:
    """Return the URL of an empty database for one test: SQLite under tmp_path, or PostgreSQL."""
    if not POSTGRES_URL:
        return f"sqlite:///{tmp_path / 'catalogue.sqlite'}"
    name = f"test_{uuid.uuid4().hex[:16]}"
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def settings_for(tmp_path: Path, **overrides) -> dict:
    """Return the settings of a test app whose data lives under tmp_path."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "INDEX_DIR": str(tmp_path / "index"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        # The test client's host: links in mails name the site the tests talk to.
        "BASE_URL": "http://localhost",
    }
    if "DATABASE_URL" not in overrides:  # a PostgreSQL database is only made when needed
        config["DATABASE_URL"] = new_database_url(tmp_path)
    if POSTGRES_URL:
        # No pool: a connection closes when returned, none is left open for the GC to find.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": sa.pool.NullPool}
    config.update(overrides)
    return config


def build_app(home: Path, *, migrate: bool = True, **overrides) -> Flask:
    """Create a real app whose instance folder, SQLite file and index live under `home`, its
    schema upgraded unless `migrate` is false. Tests use the `make_app` fixture, which closes
    the apps it made; module- and session-scoped fixtures call this and `close_app`."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CATALOGUE_INSTANCE_PATH", str(home / "instance"))
        app = create_app(settings_for(home, **overrides))
    if migrate:
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
    return app


def close_app(app: Flask) -> None:
    """Close an app's database connections (PostgreSQL counts them; SQLite files stay open)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- Records ---------------------------------------------------------------------------------
# One valid example; every other record of the tests is a variant of it.

BASE_RECORD = {
    "title": "Un potager partagé entre une école et une maison de retraite",
    "summary": "Des élèves et des résidents cultivent ensemble un jardin, soutenus par la commune.",
    "description": "La commune prête un terrain ; une association anime les ateliers chaque semaine.",
    "results": "Quarante élèves et quinze résidents participent ; deux tonnes de légumes récoltées.",
    "lessons": "Un animateur stable et un calendrier partagé font la réussite du projet.",
    "resources": "",
    "transferability": "",
    "objectives": ["co-construire"],
    "scale": "local",
    "regions": ["53"],
    "departements": ["35"],
    "locality": "Rennes",
    "partners": [
        {"name": "Les Jardins du Thabor", "kind": "association", "role": "Anime les ateliers."},
        {"name": "Ville de Rennes", "kind": "collectivite", "role": "Prête le terrain."},
    ],
    "themes": ["alimentation-agriculture"],
    "odd": [2, 17],
    "start_year": 2019,
    "end_year": None,
    "status": "en-cours",
    "website": "",
}


def record(**overrides) -> dict:
    """Return a valid import record (the base record), with fields overridden."""
    data = copy.deepcopy(BASE_RECORD)
    data.update(overrides)
    return data


# The base record with its words taken out of the way of the search queries under test.
NEUTRAL_FIELDS = {
    "title": "Fiche",
    "summary": "Résumé bref.",
    "description": "Texte.",
    "results": "Bilan.",
    "lessons": "Leçons.",
    "objectives": ["equilibrer"],
    "regions": [],
    "departements": [],
    "locality": "",
    "partners": [
        {"name": "Alpha", "kind": "autre", "role": ""},
        {"name": "Omega", "kind": "autre", "role": ""},
    ],
    "themes": [],
    "odd": [],
    "start_year": 2018,
}


def neutral(**overrides) -> dict:
    """Return a valid import record made of neutral words, with fields overridden."""
    return record(**{**copy.deepcopy(NEUTRAL_FIELDS), **overrides})


def form_data(**overrides) -> dict:
    """Return the POST data of a valid submission of the base record (a contributor's form:
    partner rows, strings, a website, the submitter and the terms); a value of None drops the
    field."""
    base = record(website="https://jardins.example.org/")
    data = {name: value for name, value in base.items() if name not in ("partners", "odd")}
    partners = base["partners"] + [{"name": "", "kind": "", "role": ""}]
    for i, partner in enumerate(partners):
        for name, value in partner.items():
            data[f"partners-{i}-{name}"] = value
    data.update(
        odd=[str(n) for n in base["odd"]],
        start_year=str(base["start_year"]),
        contact="",
        submitter_name="Camille Martin",
        submitter_email="camille@example.org",
        submitter_organisation="Les Jardins du Thabor",
        terms="y",
    )
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}




def hidden(html: str, name: str) -> str:
    """Return the value of a form input found by name in a page."""
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    assert match, f"no input named {name}"
    return unescape(match.group(1))


def field_value(html: str, name: str) -> str | None:
    """Return what a text input or textarea of the page holds."""
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    if match:
        return unescape(match.group(1))
    match = re.search(
        rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>\r?\n?(.*?)</textarea>', html, re.S
    )
    return unescape(match.group(1)) if match else None


def error_for(html: str, field_id: str) -> str | None:
    """Return the error message shown next to a field (tied to it by its id)."""
    match = re.search(
        rf'<p class="error-message" id="{re.escape(field_id)}-erreur">(.*?)</p>', html, re.S
    )
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else None


def described_by(html: str, field_id: str) -> list[str]:
    """Return the ids a field (or its fieldset) points to with aria-describedby."""
    tag = re.search(
        rf'<(?:input|select|textarea|fieldset)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', html
    )
    assert tag, f"no field with id {field_id}"
    match = re.search(r'aria-describedby="([^"]*)"', tag.group(0))
    return match.group(1).split() if match else []


def outbox(app) -> list[EmailMessage]:
    return app.extensions.setdefault("mail_outbox", [])


def body(message: Message) -> str:
    return (
        message.get_content()
        if isinstance(message, EmailMessage)
        else message.get_payload(decode=True).decode()
    )


def links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def example_by_title(app, title: str) -> Example | None:
    with app.app_context():
        example = db.session.scalar(sa.select(Example).where(Example.title == title))
        if example is not None:
            example.partners, example.events  # noqa: B018 - load before leaving the session
            db.session.expunge(example)
        return example


def fresh(app, example_id: int) -> Example:
    with app.app_context():
        example = db.session.get(Example, example_id)
        example.partners, example.events  # noqa: B018
        for event in example.events:
            event.actor  # noqa: B018
        db.session.expunge_all()
        return example


def events_of(app, example_id: int) -> list[tuple[str, str | None, str]]:
    with app.app_context():
        return [
            (e.action, e.from_state, e.to_state)
            for e in db.session.scalars(
                sa.select(ModerationEvent)
                .where(ModerationEvent.example_id == example_id)
                .order_by(ModerationEvent.id)
            )
        ]


def count_examples(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Example.id)))


class SMTPRecorder:
    """A minimal SMTP server on 127.0.0.1 that keeps the messages it receives."""

    def __init__(self):
        self.messages: list[Message] = []
        recorder = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 test ready\r\n")
                data, in_data = [], False
                for raw in self.rfile:
                    line = raw.decode("utf-8", "replace")
                    if in_data:
                        if line in (".\r\n", ".\n"):
                            recorder.messages.append(message_from_bytes("".join(data).encode()))
                            data, in_data = [], False
                            self.wfile.write(b"250 queued\r\n")
                        else:
                            data.append(line[1:] if line.startswith("..") else line)
                        continue
                    verb = line[:4].upper()
                    if verb == "EHLO":
                        self.wfile.write(b"250-test\r\n250 8BITMIME\r\n")
                    elif verb == "DATA":
                        in_data = True
                        self.wfile.write(b"354 go on\r\n")
                    elif verb == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SMTPRecorder:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def found(app, words: str) -> list[int]:
    """Return the ids the public search finds for these words."""
    from catalogue import search

    with app.app_context():
        return search.search(search.SearchRequest(q=words)).ids()


def give_token(app, example_id: int) -> str:
    """Give an example a new follow-up token and return it."""
    with app.app_context():
        example = db.session.get(Example, example_id)
        token = example.new_follow_token()
        db.session.commit()
        return token
