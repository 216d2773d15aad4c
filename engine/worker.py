"""The background worker loop: deliver the outbox and fire due timers.

For now the loop only reports the backlog it sees; delivery and timers arrive with the flow
engine. It already stops cleanly on SIGTERM/SIGINT between rounds, as a supervisor expects.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from engine.storage import Database
from engine.storage.outbox import Outbox

log = logging.getLogger("trellis.worker")


class Worker:
    def __init__(self, database: Database, *, interval: float = 1.0):
        self.database = database
        self.outbox = Outbox(database)
        self.interval = interval
        self._stop = threading.Event()

    def run_once(self) -> int:
        """One round; returns how many outbox items are waiting."""
        pending = self.outbox.pending_count()
        log.info("worker round: %s outbox item(s) waiting", pending)
        return pending

    def run_forever(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        print(f"trellis worker: polling {self.database.describe()} every {self.interval:g}s (Ctrl-C stops)", flush=True)
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.interval)
        print("trellis worker: stopped", flush=True)

    def stop(self) -> None:
        self._stop.set()

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        self.stop()
