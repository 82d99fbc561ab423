"""CSV: UTF-8, no byte-order mark, comma, LF, a header row: the reference format, every other
format's file is checked against it. Its reader, the one reader of the tables, is
:mod:`~stalking_flanders.formats.csv_parser` (re-exported here), which a module that only reads
tables (the loader, ``diff``) imports without the format interface."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import TABULAR_PROFILE, Schema
from .base import Format
from .csv_parser import cap_problems, read, read_all

__all__ = ["DIALECT", "FORMAT", "cap_problems", "read", "read_all", "write"]

if TYPE_CHECKING:
    import pandas as pd

DIALECT = {"delimiter": ",", "header": True}


def write(df: pd.DataFrame, path: Path, schema: Schema) -> None:
    """Write ``df`` as UTF-8 CSV with a header row, LF line endings and no BOM."""
    import pandas as pd

    from ..tableschema import format_cell

    text = pd.DataFrame({f.name: [format_cell(v, f) for v in df[f.name]] for f in schema.fields}, columns=schema.field_names)
    text.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


@dataclass(frozen=True)
class CSV(Format):
    """The reference format: every other format's file is checked against it, value for value."""

    def write_table(self, frame, path: Path, schema: Schema) -> None:
        write(frame, path, schema)

    def extra_description(self) -> dict:
        # The v1 profile too: the R reader (frictionless 1.2.1, CRAN) reads only resources that
        # name it; v2 readers accept it. Other formats never name it, so R refuses them.
        return {"profile": TABULAR_PROFILE, "dialect": dict(DIALECT)}

    def rows(self, data: bytes, table: str, schema: Schema, limit: int) -> list[dict]:
        from ..tableschema import python_rows

        return python_rows(read(data, schema, table), schema)[:limit]


FORMAT = CSV("csv", "text/csv", "CSV", "CSV", title_nl="CSV", encoding="utf-8", reference=True)
