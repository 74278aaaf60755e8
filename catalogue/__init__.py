"""Catalogue des alliances: inspiring examples of partnerships for the common good in France."""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure an instance of the application."""
    instance_path = os.environ.get("CATALOGUE_INSTANCE_PATH") or str(ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object("catalogue.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("CATALOGUE")
    if test_config is not None:
        app.config.from_mapping(test_config)
    _finish_config(app)
    _configure_logging(app)

    from . import (
        alerts,
        api,
        auth,
        cli,
        contact,
        contribute,
        embed,
        exports,
        extensions,
        moderation,
        observatory,
        public,
        reports,
        search,
        selection,
        views,
    )
    from .media import serving as media_serving

    extensions.init_app(app)
    search.init_app(app)
    views.init_app(app)  # before any blueprint: its URL converter serves their rules
    for audience in (public, contribute, auth, moderation, api, exports, alerts, observatory,
                     selection, embed, reports, contact, media_serving):
        app.register_blueprint(audience.bp)
    cli.init_app(app)
    return app


def _finish_config(app: Flask) -> None:
    """Derive the settings that depend on the instance folder and on each other."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config = app.config
    config["SQLALCHEMY_DATABASE_URI"] = config.get("DATABASE_URL") or (
        "sqlite:///" + os.path.join(app.instance_path, "catalogue.sqlite")
    )
    config["INDEX_DIR"] = config.get("INDEX_DIR") or os.path.join(app.instance_path, "index")
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Several workers share one SQLite file: wait for the lock instead of failing at once.
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 15}})
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret(app)
    https = bool(config.get("HTTPS"))
    config["SESSION_COOKIE_SECURE"] = https
    config["REMEMBER_COOKIE_SECURE"] = https
    config["PREFERRED_URL_SCHEME"] = "https" if https else "http"
    config["TRUSTED_HOSTS"] = trusted_hosts(config.get("TRUSTED_HOSTS"), config["BASE_URL"])
    config["RATELIMIT_STORAGE_OPTIONS"] = limiter_storage_options(
        config["RATELIMIT_STORAGE_URI"], config.get("RATELIMIT_STORAGE_OPTIONS"))


# Seconds to connect to Redis and to wait for an answer; beyond, the limits count in memory.
REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}


def limiter_storage_options(uri: str, configured: dict | None) -> dict:
    """Return the rate-limit storage's client options: the configured ones, and for Redis
    the timeouts nobody configured."""
    if urlsplit(uri).scheme.split("+")[0] in ("redis", "rediss", "valkey", "valkeys"):
        return {**REDIS_TIMEOUTS, **(configured or {})}
    return dict(configured or {})


def trusted_hosts(configured: list[str] | str | None, base_url: str) -> list[str]:
    """Return the Host names to accept: the configured ones, else BASE_URL's and the loopback's.

    Flask answers 400 to any other Host, so no link can be built from a forged one.
    """
    if isinstance(configured, str):
        configured = [name.strip() for name in configured.split(",")]
    hosts = [name for name in configured or [] if name]
    if not hosts:
        hosts = [urlsplit(base_url).hostname or "localhost", "127.0.0.1", "localhost"]
    return list(dict.fromkeys(hosts))


def _instance_secret(app: Flask) -> str:
    """Read the secret key kept in the instance folder, creating it on first run."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        # Write a whole file aside, then link it in place: several workers starting at once
        # never read a half-written key, and the first one to link wins.
        secret = secrets.token_hex(32)
        fd, tmp = tempfile.mkstemp(dir=app.instance_path, prefix=".secret_key.")
        with os.fdopen(fd, "w") as f:
            f.write(secret + "\n")
        try:
            os.link(tmp, path)
            app.logger.info("generated a new secret key in %s", path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    secret = path.read_text().strip()
    if not secret:
        raise RuntimeError(f"{path} is empty: delete it to generate a new secret")
    return secret


def _configure_logging(app: Flask) -> None:
    level = str(app.config.get("LOG_LEVEL", "INFO")).upper()
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("catalogue").setLevel(level)
