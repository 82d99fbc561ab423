"""CSV: UTF-8, no byte-order mark, comma, LF, a header row: the reference format, every other
format's file is checked against it. Its reader and writer, the one reader of the tables, are
:mod:`~stalking_flanders.csv_tables` (re-exported here), which a module that only reads or writes
tables (the loader, ``diff``, the steps before the release) imports without the formats."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..csv_tables import NAME, cap_problems, cells_past_the_cap, read, read_all, write
from ..model import TABULAR_PROFILE, Schema
from .base import Format

__all__ = ["DIALECT", "FORMAT", "cap_problems", "cells_past_the_cap", "read", "read_all", "write"]

DIALECT = {"delimiter": ",", "header": True}


@dataclass(frozen=True)
class CSV(Format):
    """The reference format: every other format's file is checked against it, value for value."""

    def write_table(self, frame, path: Path, schema: Schema) -> None:
        write(frame, path, schema)

    def extra_description(self) -> dict:
        # The v1 profile too: the R reader (frictionless 1.2.1, CRAN) reads only resources that
        # name it; v2 readers accept it. Other formats never name it, so R refuses them.
        return {"profile": TABULAR_PROFILE, "dialect": dict(DIALECT)}

    def as_checked(self, resource: dict) -> dict:
        # the dialect this package reads a CSV file by: without one, Frictionless would guess another
        # delimiter, and read columns the caps did not count
        return {**resource, "dialect": dict(DIALECT)}

    def rows(self, data: bytes, table: str, schema: Schema, limit: int) -> list[dict]:
        from ..tableschema import python_rows

        return python_rows(read(data, schema, table), schema)[:limit]


FORMAT = CSV(NAME, "text/csv", "CSV", "CSV", title_nl="CSV", encoding="utf-8", reference=True)
