"""Full-text search over published examples (Whoosh); the only package that imports whoosh.

No Whoosh object leaves this package: callers get ids, counts and escaped snippets.

- `similar_to_text(text)` finds published examples like a text outside the index, and
  `resemblance(text, others)` scores texts word for word as the search reads them (no index):
  together they find possible duplicates of a submission among published and pending examples.
- `search(req)`, `all_ids(req)`, `facet_counts()`, `similar(id)`: read the index of the current
  app; they never raise for what a visitor typed, and answer `degraded=True` (or empty lists)
  while the index is unavailable — searching again after the fault clears recovers.
- `parse_args(args)` / `parse_args_strict(args)`: the query string of /exemples/ and the API
  (q, the facet parameters of FACETS, `organisation` (slugs, see `organisations`), tri, page,
  per_page, and exact=1 to search the words as typed, without automatic spelling correction).
- Each host's index copy follows the database through the change feed (`feed`, `sync`): any ORM
  change to an example or its partners is applied to this host's copy right after the commit,
  and to other hosts' copies by their follower (`follow`). Bulk `sa.update()` / `sa.delete()`
  emit no ORM events: call `record_changes(ids)` (or `record_organisation_changes(ids)` for
  the examples of organisations) in the same transaction, or `rebuild()`.
- Words are widened at query time through the thesaurus of the field (`thesaurus`,
  synonyms.txt; the instance folder's copy wins; `current_thesaurus()`), and only misspelt
  words are corrected (`lexicon`): results say which terms widened the search (`widened`) and
  which correct words matched nothing (`unmatched`, with `related` terms and `themes`).
- `rebuild()` builds a new generation beside the live one and swaps it in atomically;
  `check()` compares the index with the database; `status()` (with this copy's lag in the
  feed) feeds /healthz.
- Inside: `engine` (pages, facets, orders) over `matching` and `snapshot` (per-generation
  bitsets and scores); `store` = `reading` + `writing` over `files`; any use of Whoosh beyond
  its public API only in `internals`, compared with the public API by test_search_internals.
"""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from . import feed, sync, thesaurus
from .engine import (
    run_all_ids,
    run_facet_counts,
    run_search,
    run_similar,
    run_similar_text,
    run_term_counts,
)
from .facets import FACET_LABELS, FACETS, FILTERS, YEAR_RANGES, YEARS, label_of
from .likeness import resemblance
from .request import BadParameter, SearchRequest, describe, parse_args, parse_args_strict
from .results import FacetValue, Hit, PageOutOfRange, SearchResults, degraded
from .schema import SCHEMA_VERSION
from .store import IndexUnavailable, Store
from .sync import CheckReport, record_changes, record_organisation_changes

log = logging.getLogger(__name__)

__all__ = [
    "FACETS", "FACET_LABELS", "FILTERS", "SCHEMA_VERSION", "YEARS", "YEAR_RANGES", "BadParameter",
    "CheckReport", "FacetValue", "Hit", "PageOutOfRange", "SearchRequest", "SearchResults",
    "all_ids", "check", "current_thesaurus", "describe", "facet_counts", "init_app", "label_of",
    "parse_args", "parse_args_strict", "catch_up", "rebuild", "record_changes",
    "record_organisation_changes", "resemblance", "search", "similar", "similar_to_text", "status",
    "term_counts", "version",
]


def init_app(app) -> None:
    """Attach the index of app.config["INDEX_DIR"] to the app and bring it up to date.

    At start-up a missing index, one built for an older SCHEMA_VERSION, or one behind the change
    feed's retained window, is rebuilt from the database; then the copy catches up with the
    feed. Nothing happens while the database has no tables (before `init-db`); an unwritable
    index directory is logged and search degrades.
    """
    timeout = float(app.config.get("SEARCH_WRITE_TIMEOUT", 5.0))
    retention = float(app.config.get("INDEX_FEED_RETENTION", feed.RETENTION))
    store = Store(app.config["INDEX_DIR"], write_timeout=timeout, retention=retention)
    app.extensions["search"] = store
    app.extensions["search_thesaurus"] = thesaurus.Source(app.instance_path)
    sync.register_listeners()
    with app.app_context():
        try:
            if not _tables_exist():
                return
            reason = store.needs_rebuild()
            if reason:
                log.info("search: rebuilding the index at start-up (%s)", reason)
                sync.rebuild(store, if_needed=True)
            else:
                sync.catch_up(store)
        except Exception as exc:
            store.last_error = repr(exc)
            log.warning("search: index not ready at start-up: %r", exc)


def search(req: SearchRequest) -> SearchResults:
    """Search published examples; PageOutOfRange beyond the last page, never raises otherwise."""
    widen = current_thesaurus()
    return _attempt(lambda store: run_search(store, req, widen), lambda: degraded(req))


def all_ids(req: SearchRequest, limit: int | None = None) -> list[int]:
    """Return the ids of every match in order, without pagination (exports, feeds)."""
    widen = current_thesaurus()
    return _attempt(lambda store: run_all_ids(store, req, limit, widen), list)


def similar(example_id: int, limit: int = 4) -> list[int]:
    """Return up to `limit` published examples like this one (never itself)."""
    return _attempt(lambda store: run_similar(store, int(example_id), limit), list)


def similar_to_text(text: str, limit: int = 10) -> list[int]:
    """Return up to `limit` published examples whose key words are those of a text outside the
    index (a submission waiting for moderation), best first."""
    return _attempt(lambda store: run_similar_text(store, text, limit), list)


def version() -> tuple | None:
    """Return a value that changes whenever the index does (None while it is unavailable).

    Callers key memos of published data on it: the index follows every change of a published
    example, so an unchanged version means the same published catalogue.
    """
    def read(store: Store) -> tuple:
        generation = store.searcher().reader().generation()
        return store.current_path(), generation

    return _attempt(read, lambda: None)


def term_counts(terms: list[tuple[str, ...]]) -> list[int]:
    """Count the published examples having each term's analysed words (for `synonyms check`)."""
    return run_term_counts(_store(), terms)


def facet_counts() -> dict[str, dict[str, int]]:
    """Count published examples for every value of every facet, in taxonomy order."""
    return _attempt(run_facet_counts, lambda: {
        name: {code: 0 for code in facet.codes} for name, facet in FACETS.items()
    })


def rebuild() -> int:
    """Build a fresh index from the database and swap it in; return the document count."""
    return sync.rebuild(_store()) or 0


def check() -> CheckReport:
    """Compare the index with the database: missing, stale and orphaned example ids."""
    return sync.check(_store())


def catch_up() -> int:
    """Apply the feed's changes this host's copy has not read, if the writer lock can be had;
    return how many."""
    return sync.catch_up(_store())


def status() -> dict:
    """Report the index state for /healthz."""
    store = _store()
    info = {"ok": False, "documents": 0, "pending": 0, "behind_seconds": 0.0,
            "schema_version": store.schema_version() or 0, "error": None}
    try:
        info["pending"], behind = sync.lag(store)
        info["behind_seconds"] = round(behind, 1)
    except Exception as exc:
        info["error"] = f"change feed unreadable: {exc!r}"
    try:
        info["documents"] = store.searcher().doc_count()
    except Exception as exc:
        info["error"] = str(exc)
        return info
    if info["schema_version"] != SCHEMA_VERSION:
        info["error"] = f"index schema {info['schema_version']}, expected {SCHEMA_VERSION}"
    info["ok"] = info["error"] is None
    return info


def current_thesaurus() -> thesaurus.Thesaurus:
    """Return the thesaurus in force (the instance folder's synonyms.txt, else the packaged)."""
    return current_app.extensions["search_thesaurus"].current()


def _store() -> Store:
    return current_app.extensions["search"]


def _attempt(work, fallback):
    """Run a read; on an index fault retry once on a freshly opened index, then degrade.

    Only an unreadable index is an outage: IndexUnavailable, or an OSError from files that a
    rebuild elsewhere swapped away under this thread. Any other exception is a bug, not an
    outage: it is logged with its traceback, the index is not marked unavailable (/healthz
    stays green, no rebuild starts), and the visitor still gets the empty fallback, never a 500.
    """
    store = _store()
    error: Exception | None = None
    for _ in range(2):
        try:
            result = work(store)
        except PageOutOfRange:
            raise
        except (IndexUnavailable, OSError) as exc:
            store.forget()
            error = exc
            continue
        except Exception:
            log.exception("search: a read failed on a readable index")
            return fallback()
        if store.last_error is not None:
            log.info("search: index available again")
            store.last_error = None
        return result
    _unavailable(store, error)
    return fallback()


def _tables_exist() -> bool:
    inspector = sa.inspect(db.engine)
    return inspector.has_table("example") and inspector.has_table("index_change")


def _unavailable(store: Store, exc: Exception) -> None:
    """Log an index fault once per kind, and start a rebuild when the index is gone or broken."""
    message = str(exc) if isinstance(exc, IndexUnavailable) else repr(exc)
    if store.last_error != message:
        log.warning("search: index unavailable, searching degraded: %s", message)
    store.last_error = message
    store.forget()
    if not isinstance(exc, IndexUnavailable) or store.rebuild_running():
        return
    if not store.rebuilding.acquire(blocking=False):
        return
    app = current_app._get_current_object()

    def work() -> None:
        try:
            with app.app_context():
                if store.needs_rebuild():
                    sync.rebuild(store, if_needed=True)
                store.last_error = None
        except Exception as error:  # still broken (e.g. unwritable): the next search retries
            log.warning("search: rebuild after a fault failed: %r", error)
        finally:
            store.rebuilding.release()

    threading.Thread(target=work, name="search-rebuild", daemon=True).start()

