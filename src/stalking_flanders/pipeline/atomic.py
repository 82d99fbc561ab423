"""Writing a step's output all or nothing: into a temporary folder beside it, moved into place
only when the step has succeeded."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(target: Path):
    """Yield a fresh temporary folder; on success it replaces ``target`` (the old one is removed
    only after the new one is in place); on failure it is removed and ``target`` is untouched."""
    target = Path(target)
    new = target.with_name(f".{target.name}.new")
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    try:
        yield new
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)
