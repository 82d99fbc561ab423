"""The limits every command runs within, whatever it is handed: time and memory, enforced so that
nothing can catch them.

- Time: after ``TIME_LIMIT`` seconds an alarm raises :class:`LimitExceeded`, which derives from
  ``BaseException``, so that no ``except Exception`` (this package's or a library's) swallows it.
  The alarm is set only where the process's real-time timer is free (in the main thread, and not
  while the caller's own ``signal.setitimer`` or ``signal.alarm`` runs, which is left as it was).
- Past that, and for memory: a watchdog thread ends the process (exit 1, with a message) when the
  run goes ``GRACE`` seconds past the limit (the alarm was swallowed anyway, or the code never
  returned to Python) or its resident memory passes ``MEMORY_LIMIT`` (or, for a process that held
  more before the run, what it held plus ``HEADROOM``). Nothing in the process can stop that.
- Memory, where the platform has resource limits (Linux, macOS): the writable memory the process
  may map (``RLIMIT_DATA``) is limited to ``ADDRESS_LIMIT`` (or what it already maps plus
  ``ADDRESS_LIMIT``) for the run, so that an allocation past it fails at once (``MemoryError``,
  reported as a limit, exit 1), even memory that is reserved and never touched, which the watchdog
  cannot see. The previous limit is restored afterwards.

The command line runs every command within them, and so does the Python API wherever it opens a
package it was handed (:class:`~stalking_flanders.datapackage.DataPackage` with a path,
:func:`~stalking_flanders.validation.validate_package`, :func:`~stalking_flanders.loader.load` with
a ``release``, :func:`~stalking_flanders.diff.diff_releases`), never when it reads the bundled
release: there a run past the time limit raises :class:`LimitExceeded` (which ``except Exception``
does not catch) and one past the memory bound ``MemoryError``; the watchdog still ends a process
whose run swallowed the alarm. The caps on what is read are in :mod:`stalking_flanders.untrusted`,
:mod:`stalking_flanders.model` (the descriptor's), :mod:`stalking_flanders.sums` and :mod:`stalking_flanders.formats`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from contextlib import contextmanager

from .process_wide import ProcessWide

TIME_LIMIT = 120  # seconds: the longest any command may run on any input
GRACE = 5  # seconds past the time limit before the watchdog ends the process
MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of resident memory
POLL = 0.05  # seconds between the watchdog's looks
HEADROOM = 256 * 1024 * 1024  # bytes a run may add to what its process held before it
ADDRESS_LIMIT = 1536 * 1024 * 1024  # bytes of writable memory mapped (touched or not)


class LimitExceeded(BaseException):
    """A run went past a limit. Not an ``Exception``: nothing that catches those can swallow it."""


def _statm(column: int) -> int:
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[column]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def resident_bytes() -> int:
    """The process's resident memory, where the system tells it (Linux), else 0."""
    return _statm(1)


def data_bytes() -> int:
    """The process's writable private memory (its data segment, mapped or not yet touched), where
    the system tells it (Linux), else 0."""
    return _statm(5)


def _lowered(resource, limit: int):
    """Lower the limit on the writable memory the process may map to ``limit`` (or what it maps
    plus ``limit``), and have pyarrow allocate with the system's allocator; return what puts both
    back."""
    pool = _system_allocator()
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        mapped = data_bytes()
        wanted = limit if mapped < limit // 2 else mapped + limit
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        restore = None
        if soft == resource.RLIM_INFINITY or wanted < soft:
            resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))
            restore = (soft, hard)
    except BaseException:
        pool()
        raise

    def undo() -> None:
        if restore is not None:
            resource.setrlimit(resource.RLIMIT_DATA, restore)
        pool()

    return undo


def _system_allocator():
    """Have pyarrow allocate with the system's allocator (malloc) for the run, and return what puts
    back the caller's. pyarrow's own (mimalloc) maps a gigabyte of writable memory at its first
    allocation, which the limit on writable memory counts: two thirds of it gone before anything
    is read. A pyarrow already imported has its allocator swapped; one not yet imported is told by
    ``ARROW_DEFAULT_MEMORY_POOL``, which it reads when it is imported (a process that first
    imports it within a run keeps the system's allocator). Nothing is imported here."""
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is None:
        if "ARROW_DEFAULT_MEMORY_POOL" in os.environ:
            return lambda: None
        os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
        return lambda: os.environ.pop("ARROW_DEFAULT_MEMORY_POOL", None)
    try:
        previous = pyarrow.default_memory_pool()
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    except Exception:  # noqa: BLE001 - a pyarrow without these: its allocator stays
        return lambda: None
    return lambda: pyarrow.set_memory_pool(previous)


_ADDRESS_SPACE = ProcessWide()  # a resource limit belongs to the process, not a thread


@contextmanager
def address_space(limit: int = ADDRESS_LIMIT):
    """Limit the writable memory the process may map, for the block (a resource limit: an
    allocation past it fails at once); a process that already maps much is allowed what it maps
    plus ``limit``. Blocks of several threads at once share one limit, set by the first and
    restored by the last. Where the platform has no such limit, nothing changes."""
    try:
        import resource
    except ImportError:  # not a POSIX system: the watchdog alone bounds memory
        yield
        return
    with _ADDRESS_SPACE.held(lambda: _lowered(resource, limit)):
        yield


_MADE: set[str] = set()  # the temporary folders of the runs now going, removed when the watchdog ends the process


# The signals that stop a command at once by default (no ``finally`` runs then); SIGINT raises
# KeyboardInterrupt instead, whose unwinding removes what the run staged.
STOPS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class _Stops:
    """What a stop finds: how many temporary folders are being made now (a stop waits until each is
    known), and the stop that waited."""

    making = 0
    waiting: int | None = None
    lock = threading.Lock()


@contextmanager
def temporary_folder(prefix: str):
    """A temporary folder (``tempfile.TemporaryDirectory``) that is removed even where the
    watchdog ends the process in the middle of the run, or a stop does (:func:`stopped_cleanly`):
    no ``finally`` runs then. A stop that comes while the folder is made waits until it is known."""
    import tempfile

    with _stops_waiting():
        made = tempfile.TemporaryDirectory(prefix=prefix)
        _MADE.add(made.name)
    try:
        with made as folder:
            yield folder
    finally:  # known until it is gone: a stop while it is removed removes the rest
        _MADE.discard(made.name)


@contextmanager
def _stops_waiting():
    with _Stops.lock:
        _Stops.making += 1
    try:
        yield
    finally:
        with _Stops.lock:
            _Stops.making -= 1
            waiting = None
            if _Stops.making == 0:
                waiting, _Stops.waiting = _Stops.waiting, None
        if waiting is not None:
            _stop(waiting, None)


def _remove_staged() -> None:
    import shutil

    for folder in list(_MADE):  # what the run staged (copies of a package's files) is not left behind
        shutil.rmtree(folder, ignore_errors=True)


def _stop(signum: int, frame) -> None:
    """The command line's handler of a stop: what the run staged is removed, then the signal ends
    the process as it would have (a shell reports 128 + its number). It runs in the main thread
    between two steps of Python code (a long step of C code delays it): a stop that comes while a
    temporary folder is made, before it is known, waits for it."""
    if _Stops.making:
        _Stops.waiting = signum
        return
    _remove_staged()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


@contextmanager
def stopped_cleanly():
    """Within the block, a stop (SIGTERM, SIGHUP) removes what the run staged before it ends the
    process (:func:`_stop`). Only where the signal has its default action: one the program
    ignores (``nohup`` ignores SIGHUP) or handles itself keeps its handling. The defaults are back
    after the block. For the command line, which owns its process; the Python API sets no
    handler. Outside the main thread, where Python sets none, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    ours = [number for number in STOPS if signal.getsignal(number) == signal.SIG_DFL]
    for number in ours:
        signal.signal(number, _stop)
    try:
        yield
    finally:
        for number in ours:
            signal.signal(number, signal.SIG_DFL)


def _end(message: str) -> None:
    from .problems import escaped

    stream = sys.__stderr__
    if stream is not None:
        stream.write(escaped(message) + "\n")
        stream.flush()
    _remove_staged()
    os._exit(1)


@contextmanager
def bounded(what: str, seconds: float | None = None, memory: int | None = None):
    """Run the block within the limits (see the module; by default ``TIME_LIMIT`` and
    ``MEMORY_LIMIT``): ``what`` names it in the messages. Within a block already bounded (a
    command calling the Python API), the outer limits hold and nothing more is set."""
    if getattr(_running, "what", None) is not None:  # already within the limits (a command's run)
        yield
        return
    _running.what = what
    try:
        with _bounded(what, seconds, memory):
            yield
    finally:
        _running.what = None


_running = threading.local()  # the run this thread is bounding, if any


@contextmanager
def _bounded(what: str, seconds: float | None, memory: int | None):
    seconds = TIME_LIMIT if seconds is None else seconds
    memory = MEMORY_LIMIT if memory is None else memory
    done = threading.Event()
    started = time.monotonic()
    # The bound is the process's resident memory; a process that held much before the run (a long
    # Python session calling the command line in-process) is allowed its own plus a margin.
    memory = max(memory, resident_bytes() + HEADROOM)

    def watch() -> None:
        while not done.wait(POLL):
            if time.monotonic() - started > seconds + GRACE:
                _end(f"stalking-flanders: {what} took longer than {seconds:g} s, the bound on any input; stopped")
            if resident_bytes() > memory:
                _end(
                    f"stalking-flanders: {what} needed more than {memory // 2**20} MiB of memory, the bound on any input; stopped"
                )

    def alarm(signum, frame):
        raise LimitExceeded(f"{what} took longer than {seconds:g} s, the bound on any input; stopped")

    watchdog = threading.Thread(target=watch, name="stalking-flanders-limits", daemon=True)
    watchdog.start()
    # The alarm needs the main thread and the process's one real-time timer: where the caller's own
    # timer is running (a Python program calling the API within a timeout of its own), it is left
    # alone, and the watchdog alone bounds the run's time.
    alarmed = (
        threading.current_thread() is threading.main_thread()
        and hasattr(signal, "SIGALRM")
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    previous = signal.signal(signal.SIGALRM, alarm) if alarmed else None
    if alarmed:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with address_space():
            yield
    finally:
        done.set()
        if alarmed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)  # None: set outside Python
