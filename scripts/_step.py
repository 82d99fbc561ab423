"""What every pipeline step shares: the definitions, and a clear message instead of a traceback
when the data is wrong."""

import errno
import sys
from pathlib import Path

# Each checkout runs its own code: an older version rebuilt from git uses that version's package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from stalking_flanders import repo  # noqa: E402
from stalking_flanders.problems import PackageError  # noqa: E402


def definitions():
    from stalking_flanders.pipeline.definitions import load_definitions  # pandas: only the steps that need it

    return load_definitions(repo.SCHEMAS, repo.PYPROJECT)


UNTOUCHED = "Nothing was written; the last good output is untouched."


def run_step(step) -> None:
    """Run ``step``; on bad data, a full disk or another fault, print what happened and exit 1
    (nothing was written: every step writes all or nothing)."""
    try:
        step()
    except PackageError as error:  # bad data, an unknown name, a busy step
        sys.exit(f"error: {error}\n{UNTOUCHED}")
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            sys.exit(
                f"error: the disk is full ({error.filename or 'while writing'}). {UNTOUCHED} Free some space "
                "and run the step again."
            )
        sys.exit(f"error: {error}\n{UNTOUCHED}")
