"""The dated entries of CHANGELOG.md ("## [X.Y.Z] - YYYY-MM-DD"), for the release script (the
installed package reads no changelog). The moment of each release is recorded in ``releases.toml``
when it is cut (see :mod:`stalking_flanders.releases`).

>>> released("# Changelog\\n\\n## [Unreleased]\\n\\n## [1.1.0] - 2026-12-01\\n\\n## [1.0.0] - 2026-11-30\\n")
{'1.1.0': datetime.date(2026, 12, 1), '1.0.0': datetime.date(2026, 11, 30)}
"""

from __future__ import annotations

import datetime
import re

NAME = "CHANGELOG.md"
ENTRY = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.M)  # a heading(), as read back


def heading(version: str, day: datetime.date) -> str:
    """The heading of the entry of release ``version`` of ``day``, as :data:`ENTRY` reads it.

    >>> heading("2.4.0", datetime.date(2026, 12, 7)), released(heading("2.4.0", datetime.date(2026, 12, 7)))
    ('## [2.4.0] - 2026-12-07', {'2.4.0': datetime.date(2026, 12, 7)})
    """
    return f"## [{version}] - {day.isoformat()}"


def released(text: str) -> dict[str, datetime.date]:
    """Every released version of a CHANGELOG's text, with its date, newest first (as written)."""
    return {version: datetime.date.fromisoformat(day) for version, day in ENTRY.findall(text)}
