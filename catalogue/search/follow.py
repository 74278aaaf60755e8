"""Follow the change feed in the background, so that this host sees what other hosts change.

A host applies its own changes right after each commit (`sync`); changes made through another
host reach this host's index copy through a follower thread. One process per index directory
follows (the one holding `follower.lock`; when it dies another takes over):

- on PostgreSQL it LISTENs on the feed's channel, catches up when notified (at most every
  MIN_INTERVAL, so a burst of writes costs a few reads a second) and at least every POLL
  seconds, in case a notification was lost with a connection;
- on SQLite (one host) it catches up every POLL seconds, for changes made by other processes
  of the host whose own catch-up failed.

Started by gunicorn in each worker (`catalogue.gunicorn_conf`); a stopped host catches up at
start-up (`search.init_app`).
"""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask

from ..extensions import db
from . import feed
from .files import flock
from .store import Store
from .sync import catch_up

log = logging.getLogger(__name__)

FOLLOWER_LOCK = "follower.lock"
POLL = 5.0  # seconds between catch-ups when nothing is notified
MIN_INTERVAL = 0.25  # seconds between two catch-ups under a burst of notifications


def start(app: Flask) -> Follower | None:
    """Start this process's follower thread (it waits for its turn); None without search."""
    store: Store | None = app.extensions.get("search")
    if store is None or not app.config.get("SEARCH_FOLLOW", True):
        return None
    follower = Follower(app, store)
    follower.start()
    return follower


class Follower(threading.Thread):
    """The thread catching this host's index copy up with the feed, until stop()."""

    def __init__(self, app: Flask, store: Store) -> None:
        super().__init__(name="search-follow", daemon=True)
        self.app, self.store = app, store
        self.stopping = threading.Event()
        self.following = False  # this process is the one following for the index copy

    def stop(self, timeout: float = 30.0) -> None:
        self.stopping.set()
        self.join(timeout)

    def run(self) -> None:
        os.makedirs(self.store.index_dir, exist_ok=True)
        lock = os.path.join(self.store.index_dir, FOLLOWER_LOCK)
        while not self.stopping.is_set():
            with flock(lock, timeout=POLL) as had:  # another process of this host follows
                if had:
                    log.info("search: following the change feed for %s", self.store.index_dir)
                    self.following = True
                    try:
                        self._follow()
                    finally:
                        self.following = False

    def _follow(self) -> None:
        while not self.stopping.is_set():
            try:
                with self.app.app_context():
                    if db.engine.dialect.name == "postgresql":
                        self._listen()
                    else:
                        self._catch_up()
                        self.stopping.wait(POLL)
            except Exception as exc:  # the database or the index is away: try again later
                log.warning("search: following the change feed failed: %r", exc)
                self.stopping.wait(POLL)

    def _listen(self) -> None:
        import psycopg  # only with PostgreSQL

        url = db.engine.url.set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False),
                             autocommit=True) as conn:
            conn.execute(f"LISTEN {feed.NOTIFY_CHANNEL}")
            while not self.stopping.is_set():
                last = time.monotonic()
                self._catch_up()  # what happened before listening, then after each wake
                for _ in conn.notifies(timeout=POLL, stop_after=1):
                    pass
                self.stopping.wait(MIN_INTERVAL - (time.monotonic() - last))

    def _catch_up(self) -> None:
        with self.app.app_context():
            catch_up(self.store)
