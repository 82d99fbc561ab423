"""What every pipeline step shares: the definitions, and a clear message instead of a traceback
when the data is wrong."""

import sys
from pathlib import Path

# Each checkout runs its own code: an older version rebuilt from git uses that version's package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from stalking_flanders import repo  # noqa: E402
from stalking_flanders.package import load_definitions  # noqa: E402
from stalking_flanders.problems import DataError  # noqa: E402


def definitions():
    return load_definitions(repo.SCHEMAS, repo.PYPROJECT)


def run(main, *args) -> None:
    try:
        main(*args)
    except TypeError as error:
        if "positional argument" not in str(error):
            raise
        sys.exit(f"usage: {sys.argv[0]} {main.__doc__ or ''}\n{error}")
    except (DataError, KeyError) as error:
        sys.exit(f"error: {error}\nNothing was written; the last good output is untouched.")
