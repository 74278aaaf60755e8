"""Gunicorn settings for serving the catalogue, loaded with `-c python:catalogue.gunicorn_conf`.

Command-line options still apply on top (workers, bind, timeouts: see the README).
"""

from __future__ import annotations

import gc

from catalogue.search import follow

# A page allocates tens of thousands of short-lived objects (template output, rows, search
# data). At Python's default threshold (700) the young generation is collected dozens of times a
# page, each collection also scanning the objects that survived start-up: about a tenth of a
# search page's time (`make bench`). Collecting every 20,000 allocations instead costs little
# memory: these objects die with their request.
GC_THRESHOLDS = (20_000, 20, 20)


def post_worker_init(worker) -> None:
    """Once the app is loaded in a worker: follow the search change feed (one worker per host
    does, the others stand by), keep the start-up objects out of every collection, and
    collect the young generation less often."""
    if worker is not None:
        follow.start(worker.wsgi)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
