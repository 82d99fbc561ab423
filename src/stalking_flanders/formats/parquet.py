"""Parquet: the same rows as the CSV file, with the column types of the Table Schema (zstd).

The descriptor records no bytes and sha256 for a Parquet file: Frictionless, which checks its
content against the Table Schema, cannot count them for Parquet and would report every file as
damaged. ``stalking-flanders validate`` compares every value with the CSV file, whose hash is
recorded; the dataset page and the DCAT record give every file's size and sha256.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Schema
from .base import Format

if TYPE_CHECKING:
    import pandas as pd


def arrow_schema(schema: Schema):
    """The Arrow schema of the Parquet file of a table."""
    import pyarrow as pa

    return pa.schema([pa.field(f.name, f.type.arrow(), nullable=not f.constraints.required) for f in schema.fields])


def write(df: pd.DataFrame, path: Path, schema: Schema) -> None:
    """Write ``df`` as Parquet with the column types the Table Schema gives."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..tableschema import for_arrow

    table = pa.Table.from_pandas(for_arrow(df, schema), schema=arrow_schema(schema), preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def rows(data: bytes, table: str, schema: Schema) -> list[dict]:
    """The rows of a Parquet file as Python values (dates as ``datetime.date``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..untrusted import MAX_UNPACKED_BYTES

    parquet = pq.ParquetFile(pa.BufferReader(data))
    meta = parquet.metadata  # a file from anywhere: nothing that unpacks past the bound
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValueError(f"the file unpacks to {unpacked} bytes, more than {MAX_UNPACKED_BYTES}")
    return parquet.read().to_pylist()


@dataclass(frozen=True)
class Parquet(Format):
    def write_table(self, frame, path: Path, schema: Schema) -> None:
        write(frame, path, schema)

    def rows(self, data: bytes, table: str, schema: Schema) -> list[dict]:
        return rows(data, table, schema)


FORMAT = Parquet(
    "parquet", "application/vnd.apache.parquet", "PARQUET", "Parquet", title_nl="Parquet", suffix="-parquet", hashed=False
)
