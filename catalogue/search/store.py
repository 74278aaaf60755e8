"""One index directory, read and written safely across processes: a Store is its reading half
(`reading`: searchers, snapshots) and its writing half (`writing`: writers, merges, rebuilds).
"""

from __future__ import annotations

import threading

from .reading import IndexUnavailable
from .writing import WriterBusy, Writing

__all__ = ["IndexUnavailable", "Store", "WriterBusy"]


class Store(Writing):
    """One index directory: open, search, write and rebuild it safely across processes."""

    def __init__(self, index_dir: str, write_timeout: float = 5.0,
                 retention: float | None = None) -> None:
        super().__init__(index_dir, write_timeout, retention)
        self.last_error: str | None = None
        # Held by the thread rebuilding after a fault, so a process starts one at a time.
        self.rebuilding = threading.Lock()
