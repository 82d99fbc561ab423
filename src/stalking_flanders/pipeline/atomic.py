"""Writing a step's output all or nothing.

A step builds its output in a temporary folder of its own beside the target (unique: two runs
never share one), then switches it in with one atomic exchange (``renameat2`` with
``RENAME_EXCHANGE`` on Linux): at every instant a reader finds either the whole old output or the
whole new one. A lock keeps two runs of a step from switching at once. A run killed at any point
leaves at most a temporary folder or file, which the next run removes; a failed run removes its own
at once. Where the system has no atomic exchange, two renames are used and the next run restores
the old output if a run was killed between them.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from contextlib import contextmanager, nullcontext
from pathlib import Path

from filelock import FileLock, Timeout

from ..problems import PackageError

TEMPORARY = ".tmp-"  # in the names of temporary folders and files: ".<target>.tmp-<random>"
LOCK_WAIT = 600  # seconds a run waits for another run of the same step to finish


class Busy(PackageError, OSError):
    """Another run of the same step holds the lock."""


def temporary_name(target: Path) -> str:
    return f".{Path(target).name}{TEMPORARY}"


def clean_leftovers(target: Path) -> None:
    """Remove what killed runs left beside ``target``; restore ``target`` from the old-style
    ``.<name>.old`` where a run was killed between two renames."""
    target = Path(target)
    old = target.with_name(f".{target.name}.old")
    if not target.exists() and old.is_dir():
        os.rename(old, target)
    for leftover in [*target.parent.glob(temporary_name(target) + "*"), old, target.with_name(f".{target.name}.new")]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        elif leftover.exists() or leftover.is_symlink():
            leftover.unlink()


@contextmanager
def locked(target: Path, wait: float = LOCK_WAIT):
    """Hold the lock of ``target`` (a file ``.<name>.lock`` beside it, taken with ``filelock``) for the block."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(target.with_name(f".{target.name}.lock"), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise Busy(f"another run is writing {target} (waited {wait:.0f} s); try again when it is done") from None
    try:
        yield
    finally:
        lock.release()


def exchange(a: Path, b: Path) -> bool:
    """Swap the folders ``a`` and ``b`` in one atomic step; False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:
        return False
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def switch(new: Path, target: Path) -> None:
    """Put the folder ``new`` in the place of ``target`` (which may not exist yet); the old one is removed."""
    if not target.exists():
        os.rename(new, target)
    elif exchange(new, target):
        shutil.rmtree(new)  # now the old output
    else:
        old = target.with_name(f".{target.name}.old")
        os.rename(target, old)
        os.rename(new, target)
        shutil.rmtree(old)


@contextmanager
def replacing(target: Path, lock: bool = True):
    """Yield a fresh temporary folder; on success it replaces ``target`` in one atomic step; on
    failure it is removed and ``target`` is untouched. With ``lock`` (the default), the block holds
    the lock of ``target``; a caller that holds it already passes ``lock=False``."""
    target = Path(target)
    with locked(target) if lock else nullcontext():
        clean_leftovers(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        new = Path(tempfile.mkdtemp(dir=target.parent, prefix=temporary_name(target)))
        new.chmod(0o777 & ~_umask())  # as a folder made the ordinary way (mkdtemp makes it private)
        try:
            yield new
            switch(new, target)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise


def write_atomically(path: Path, data: bytes) -> None:
    """Replace the file ``path`` with ``data`` in one atomic step (a temporary file beside it, renamed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=temporary_name(path))
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        os.chmod(name, 0o666 & ~_umask())  # as a file written the ordinary way (mkstemp makes it private)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
