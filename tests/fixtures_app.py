"""Helpers for the contribution, moderation and account tests: form data, scraping, SMTP."""

from __future__ import annotations

import re
import socketserver
import threading
from email import message_from_bytes
from email.message import EmailMessage, Message
from html import unescape

import sqlalchemy as sa

from catalogue.extensions import db
from catalogue.models import Example, ModerationEvent

PASSWORD = "correct horse battery"


def form_data(**overrides) -> dict:
    """Return the POST data of a valid submission; a value of None drops the field."""
    data = {
        "title": "Un potager partagé entre une école et une maison de retraite",
        "summary": "Des élèves et des résidents cultivent ensemble un jardin, avec la commune.",
        "description": "La commune prête un terrain ; une association anime les ateliers.",
        "results": "Quarante élèves et quinze résidents participent chaque semaine.",
        "lessons": "Un animateur stable et un calendrier partagé font la réussite du projet.",
        "resources": "",
        "transferability": "",
        "objectives": ["co-construire"],
        "scale": "local",
        "regions": ["53"],
        "departements": ["35"],
        "locality": "Rennes",
        "partners-0-name": "Les Jardins du Thabor",
        "partners-0-kind": "association",
        "partners-0-role": "Anime les ateliers.",
        "partners-1-name": "Ville de Rennes",
        "partners-1-kind": "collectivite",
        "partners-1-role": "Prête le terrain.",
        "partners-2-name": "",
        "partners-2-kind": "",
        "partners-2-role": "",
        "themes": ["alimentation-agriculture"],
        "odd": ["2", "17"],
        "start_year": "2019",
        "status": "en-cours",
        "website": "https://jardins.example.org/",
        "contact": "",
        "submitter_name": "Camille Martin",
        "submitter_email": "camille@example.org",
        "submitter_organisation": "Les Jardins du Thabor",
        "terms": "y",
    }
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
