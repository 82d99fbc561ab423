"""A setting of the whole process (a resource limit, a library's global settings) that blocks of
several threads change for a while: the first block to start changes it, the last to end puts it
back, however each ended. Two blocks that each saved and restored it themselves would leave the
second one's change in place for good when they overlap."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class ProcessWide:
    """One process-wide setting, changed while at least one block holds it.

    >>> shared, log = ProcessWide(), []
    >>> def change():
    ...     log.append("changed")
    ...     return lambda: log.append("put back")
    >>> with shared.held(change):
    ...     with shared.held(change):
    ...         pass
    >>> log
    ['changed', 'put back']
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._blocks = 0
        self._undo: Callable[[], None] | None = None

    @contextmanager
    def held(self, change: Callable[[], Callable[[], None] | None]) -> Iterator[None]:
        """The block, with the setting changed: the first block calls ``change()``, which returns
        what puts the setting back (or None where nothing was changed); the last block calls it."""
        with self._lock:
            if self._blocks == 0:
                self._undo = change()
            self._blocks += 1
        try:
            yield
        finally:
            with self._lock:
                self._blocks -= 1
                if self._blocks == 0:
                    undo, self._undo = self._undo, None
                    if undo is not None:
                        undo()
