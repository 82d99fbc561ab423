"""The first sheet of the workbook, "Read before use": what the figures count and do not, the
licence, the source and how to cite, built from the same definitions as the descriptor."""

from __future__ import annotations

import pandas as pd

from ..caveats import caveats
from ..datapackage import cite
from ..texts import licence_statement
from .definitions import Definitions


def about(defs: Definitions, tables: dict[str, pd.DataFrame], sources: list[dict]) -> list[tuple[str, str]]:
    """(topic, text) rows of the sheet "Read before use"."""
    meta = defs.meta
    nl = meta.get("translations", {}).get("nl", {})
    cited = {"title": meta["title"], "name": meta["name"], "version": defs.version, "sources": sources}
    rows = [("Title", meta["title"]), ("Titel (nl)", nl.get("title", "")), ("Version", defs.version)]
    rows += [("About", part) for part in meta["description"].strip().split("\n\n")]
    rows += [("Caveat", line.removeprefix("- ")) for line in caveats(tables).splitlines()]
    rows += [("Kanttekening (nl)", line.removeprefix("- ")) for line in caveats(tables, "nl").splitlines()]
    rows += [("Licence", licence_statement(lic)) for lic in meta["licenses"]]
    rows += [("Licentie (nl)", licence_statement(lic, "nl")) for lic in meta["licenses"]]
    rows += [("Source", s["title"]) for s in sources]
    rows += [
        ("How to cite", cite(cited)),
        (
            "Sheets",
            "One sheet per table, with the same rows as its CSV file (the reference): "
            + ", ".join(defs.tables)
            + ". Every figure carries the line of the archived answer it "
            "stands on (source_line).",
        ),
    ]
    return rows
