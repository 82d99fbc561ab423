"""Work done beside a step, in a process of its own, so that a step uses both of a machine's cores:
the publish step's charts are drawn while the release's files are written and checked.

The helper process is forked early in the step: the publish step forks it once the tables are
read, before pyarrow writes Parquet and starts threads of its own (a fork copies only the calling
thread, so it must come before any library runs threads). It gets ready at once (imports what its
work needs) while the step goes on, is handed its input when the step has it, and sends back its
result. It writes nothing: the step alone writes its output, all or nothing (:mod:`.atomic`). A
step killed at any point takes its helper with it: the helper reads the end of the pipe the step
held and stops.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

JOIN_TIMEOUT = 60  # seconds a finished step waits for its helper to end


class Helper:
    """The step's side of the helper process: :meth:`hand` it its input, then ask for :meth:`result`."""

    def __init__(self, connection) -> None:
        self._connection = connection

    def hand(self, value: Any) -> None:
        """Start the work on ``value`` (picklable), returning at once."""
        self._connection.send(value)

    def result(self) -> Any:
        """The work's result, once it is done; :class:`ChildProcessError` (which the step reports
        as an error, exit 1) if the work raised, with the helper's traceback, or if the helper died."""
        try:
            ok, value = self._connection.recv()
        except EOFError as error:
            raise ChildProcessError("the helper process ended without a result") from error
        if not ok:
            raise ChildProcessError(f"the work done beside the step failed:\n{value}")
        return value


@contextmanager
def helper(work: Callable[[Any], Any], ready: Callable[[], None] = lambda: None) -> Iterator[Helper]:
    """A process forked now that runs ``ready()`` at once, then ``work(value)`` on the value
    :meth:`Helper.hand` gives it. Leaving the block ends the process (killed at once when the block
    ends in an error).

    >>> with helper(lambda n: n * 2) as doubling:
    ...     doubling.hand(21)
    ...     doubling.result()
    42
    """
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    process = context.Process(target=_run, args=(ours, theirs, work, ready), daemon=True)
    process.start()
    theirs.close()
    try:
        yield Helper(ours)
    except BaseException:
        process.kill()
        raise
    finally:
        ours.close()
        process.join(JOIN_TIMEOUT)
        if process.is_alive():
            process.kill()
            process.join()


def _run(ours, theirs, work: Callable[[Any], Any], ready: Callable[[], None]) -> None:
    """In the helper: the step's end of the pipe closed, so that the step's death reads as its end."""
    ours.close()
    prepared = _attempt(ready)
    try:
        value = theirs.recv()
    except EOFError:  # the step ended before handing anything: nothing to do
        return
    outcome = _attempt(work, value) if prepared[0] else prepared
    try:
        theirs.send(outcome)
    except OSError:  # the step is gone
        pass


def _attempt(function: Callable[..., Any], *args: Any) -> tuple[bool, Any]:
    """(True, the result) or (False, the traceback), for the step to raise."""
    try:
        return True, function(*args)
    except BaseException:  # noqa: BLE001 - sent to the step, which raises it
        return False, traceback.format_exc()
