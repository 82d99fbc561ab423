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
ENTRY = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.M)


def released(text: str) -> dict[str, datetime.date]:
    """Every released version of a CHANGELOG's text, with its date, newest first (as written)."""
    return {version: datetime.date.fromisoformat(day) for version, day in ENTRY.findall(text)}
