"""The release history as the repository's own files record it: the dated entries of
CHANGELOG.md ("## [X.Y.Z] - YYYY-MM-DD"), and the moment each was committed, checked against the
git tags where a clone has them. Tags do not always travel with a repository; the CHANGELOG does.

>>> released("# Changelog\\n\\n## [Unreleased]\\n\\n## [1.1.0] - 2026-12-01\\n\\n## [1.0.0] - 2026-11-30\\n")
{'1.1.0': datetime.date(2026, 12, 1), '1.0.0': datetime.date(2026, 11, 30)}
"""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path

NAME = "CHANGELOG.md"
ENTRY = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.M)


class HistoryError(ValueError):
    """The release history cannot be read, or its records disagree."""


def released(text: str) -> dict[str, datetime.date]:
    """Every released version of a CHANGELOG's text, with its date, newest first (as written)."""
    return {version: datetime.date.fromisoformat(day) for version, day in ENTRY.findall(text)}


def version_key(version: str) -> tuple[int, ...]:
    """
    >>> sorted(["1.10.0", "1.9.1"], key=version_key)
    ['1.9.1', '1.10.0']
    """
    return tuple(int(part) for part in version.split("."))


def _git(repository: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(repository), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def repository_of(folder: Path, name: str) -> Path | None:
    """The git work tree that holds ``folder`` and is the repository of the package ``name``
    (its CHANGELOG.md and root datapackage.json are there), or None."""
    top = _git(Path(folder).resolve(), "rev-parse", "--show-toplevel")
    if not top:
        return None
    top = Path(top)
    descriptor = top / "datapackage.json"
    if not (top / NAME).is_file() or not descriptor.is_file() or f'"name": "{name}"' not in descriptor.read_text("utf-8"):
        return None
    return top


def release_commit(repository: Path, version: str, day: datetime.date) -> str | None:
    """The commit that wrote the CHANGELOG entry of ``version`` (its release commit), if the clone has it."""
    found = _git(repository, "log", "--format=%H", "-S", f"## [{version}] - {day.isoformat()}", "--", NAME)
    return found.splitlines()[-1] if found else None


def moment(repository: Path, version: str, day: datetime.date) -> datetime.datetime:
    """When the CHANGELOG entry of ``version`` was committed (its release commit), checked against
    the entry's date and, where the clone has it, the tag ``v<version>``."""
    line = f"## [{version}] - {day.isoformat()}"
    found = _git(repository, "log", "--format=%cI", "-S", line, "--", NAME)
    if not found:
        raise HistoryError(f"{NAME} dates {version} {day}, but the commit that recorded it is not in this clone "
                           "(a shallow clone?): give the dates explicitly")  # fmt: skip
    committed = datetime.datetime.fromisoformat(found.splitlines()[-1])
    if committed.date() != day:
        raise HistoryError(f"{NAME} dates {version} {day}, but the commit that recorded it was made on "
                           f"{committed.date()}")  # fmt: skip
    tagged = _git(repository, "for-each-ref", "--format=%(creatordate:iso-strict)", f"refs/tags/v{version}")
    if tagged and datetime.datetime.fromisoformat(tagged).date() != day:
        raise HistoryError(f"the tag v{version} was made on {tagged[:10]}, but {NAME} dates {version} {day}")
    return committed


def release_moments(repository: Path, version: str) -> tuple[datetime.datetime, datetime.datetime]:
    """(first release, release of ``version``) as date-times, from the repository's CHANGELOG.md
    and history; :class:`HistoryError` where they are not known or disagree."""
    entries = released((repository / NAME).read_text(encoding="utf-8"))
    if version not in entries:
        raise HistoryError(f"version {version} has no dated entry in {repository / NAME}: it is not released")
    first = min(entries, key=version_key)
    return moment(repository, first, entries[first]), moment(repository, version, entries[version])
