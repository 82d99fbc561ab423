"""Parquet: the same rows as the CSV file, with the column types of the Table Schema (zstd).

The descriptor records no bytes and sha256 for a Parquet file: Frictionless, which checks its
content against the Table Schema, cannot count them for Parquet and would report every file as
damaged. The release's SHA256SUMS pins it; ``stalking-flanders validate`` also checks it by
construction (exactly the Table Schema's columns and types, no pandas metadata, no statistics,
caps from the footer before decoding) and compares every value with the CSV file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Schema
from .base import Format
from .parquet_footer import footer_problem

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
    # No pandas metadata (a reader would trust it over the columns) and no statistics (a reader
    # would skip rows by them): the file is its columns, typed as the Table Schema says.
    pq.write_table(table.replace_schema_metadata(None), path, compression="zstd", write_statistics=False)


# pyarrow builds a file's whole footer (its row groups, columns and schema) before anything may
# look at it: 200,000 empty row groups, or 800,000 columns, took it past 1 GiB. A release's footers
# are under 4 KB, and so the footer is capped, and each list and text in it.
MAX_FOOTER_BYTES = 64 * 1024
MAX_ROW_GROUPS = 1024  # a release writes one a file
# rows decoded at a time: each batch carries its column chunk's whole dictionary (64 rows a batch
# took 40 s over a dictionary of 51 MB); a batch's numbers, dates and indices take at most 8 bytes
# a cell, 2 MiB for 64 columns
BATCH_ROWS = 4096
# At most this many batches a file: delta-encoded text of long values, read within the decode cap
# a few rows at a time, took 100,000 batches of one row (67 s); a release reads each file in one.
MAX_BATCHES = 1000
# text encodings that pyarrow decodes only as text, not as a dictionary
DELTA_TEXT = {"DELTA_BYTE_ARRAY", "DELTA_LENGTH_BYTE_ARRAY"}


def rows(data: bytes, table: str, schema: Schema, limit: int) -> list[dict]:
    """The rows of a Parquet file as Python values (dates as ``datetime.date``), the first
    ``limit`` of them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..untrusted import MAX_ROWS, MAX_UNPACKED_BYTES

    footer = int.from_bytes(data[-8:-4], "little") if len(data) >= 8 and data.endswith(b"PAR1") else 0
    if footer > MAX_FOOTER_BYTES:
        raise ValueError(f"its footer is {footer} bytes long, more than {MAX_FOOTER_BYTES}")
    if 0 < footer <= len(data) - 8 and (problem := footer_problem(data[-8 - footer : -8])):  # nothing ahead of it is needed
        raise ValueError(problem)  # before pyarrow reads a column's metadata: some it would end the process on

    def opened(**options):
        limits = {"thrift_string_size_limit": MAX_FOOTER_BYTES, "thrift_container_size_limit": MAX_FOOTER_BYTES}
        return pq.ParquetFile(pa.BufferReader(data), **limits, **options)

    parquet = opened()
    meta = parquet.metadata  # a file from anywhere: its footer is checked before anything is decoded
    if meta.num_row_groups > MAX_ROW_GROUPS:
        raise ValueError(f"{meta.num_row_groups} row groups, more than {MAX_ROW_GROUPS}")
    sizes = [meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)]
    if any(size < 0 for size in sizes):
        raise ValueError(f"a row group unpacks to {min(sizes)} bytes, which no row group can (it would hide the others' size)")
    if sum(sizes) > MAX_UNPACKED_BYTES:
        raise ValueError(f"the file unpacks to {sum(sizes)} bytes, more than {MAX_UNPACKED_BYTES}")
    if meta.num_rows > MAX_ROWS or meta.num_columns != len(schema.fields):
        raise ValueError(f"{meta.num_rows} rows of {meta.num_columns} columns, not the table's {len(schema.fields)} columns")
    if not _same_columns(parquet.schema_arrow, arrow_schema(schema)):
        raise ValueError(
            f"its columns are not those of the Table Schema (names, order, types, no metadata): {parquet.schema_arrow}"
        )
    if any(meta.row_group(g).column(c).is_stats_set for g in range(meta.num_row_groups) for c in range(meta.num_columns)):
        raise ValueError("it carries column statistics, which readers trust to skip rows; a release writes none")
    # Text is read as dictionaries (each value once, and indices), so that what a batch would be
    # once written out row by row is known before it is: one long value repeated in every row of a
    # dictionary column otherwise takes its length once a row. Decoded a batch at a time, a
    # run-length or dictionary bomb stops early. pyarrow cannot decode a delta-encoded column into a
    # dictionary: such a column is read as text, in batches small enough (:func:`_batch_rows`).
    delta = _delta_encoded(meta)
    texts = [field.name for field in parquet.schema_arrow if _is_text(field.type) and field.name not in delta]
    rows, decoded, size = [], 0, _batch_rows(meta, delta, MAX_UNPACKED_BYTES)
    held = sum(meta.row_group(g).num_rows for g in range(meta.num_row_groups))  # not the footer's own count
    if (batches := -(-min(held, limit) // size)) > MAX_BATCHES:
        raise ValueError(
            f"its delta-encoded text would be decoded in {batches} batches of {size} row(s) to stay within"
            f" {MAX_UNPACKED_BYTES} bytes, more than {MAX_BATCHES}"
        )
    for batch in opened(read_dictionary=texts).iter_batches(batch_size=size):
        decoded += _written_out(batch)
        if decoded > MAX_UNPACKED_BYTES:
            raise ValueError(f"the file decodes to more than {MAX_UNPACKED_BYTES} bytes")
        rows += batch.to_pylist()
        if len(rows) >= limit:
            break
    return rows[:limit]


def _is_text(kind) -> bool:
    import pyarrow as pa

    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _same_columns(found, expected) -> bool:
    """Whether the Arrow schema ``found`` (a file's) has the columns ``expected`` (the Table
    Schema's): names, order, types and metadata (none), text as text of either offset width
    (pandas and Polars write large strings, readers see text alike), and whatever each says of
    nulls (where a value is missing that the table requires, the rows differ from the CSV file's,
    and say so)."""
    return (
        found.metadata == expected.metadata
        and len(found) == len(expected)
        and all(
            a.name == b.name and a.metadata == b.metadata and (a.type == b.type or _is_text(a.type) and _is_text(b.type))
            for a, b in zip(found, expected)
        )
    )


def _batch_rows(meta, dense: set[str], cap: int) -> int:
    """How many rows of the file with ``meta`` to decode at a time: ``BATCH_ROWS``, and where the
    columns ``dense`` are read as text, not dictionaries, no more than keep a batch of them within
    ``cap`` bytes. No value of a column chunk is longer than the chunk unpacked (each repeats at
    most what the values before it wrote there), so a row of a batch holds at most the largest
    chunk of each of those columns. A footer that understates them meets the bound on memory."""
    widest = [
        max(meta.row_group(g).column(c).total_uncompressed_size for g in range(meta.num_row_groups))
        for c in range(meta.num_columns)
        if meta.schema.column(c).name in dense and meta.num_row_groups
    ]
    return max(1, min(BATCH_ROWS, cap // max(1, sum(widest)))) if widest else BATCH_ROWS


def _delta_encoded(meta) -> set[str]:
    """The columns of the file with ``meta`` whose text is delta-encoded in a row group."""
    return {
        meta.schema.column(c).name
        for c in range(meta.num_columns)
        for g in range(meta.num_row_groups)
        if DELTA_TEXT & set(meta.row_group(g).column(c).encodings)
    }


def _written_out(batch) -> int:
    """The bytes of ``batch`` with each dictionary column's values written out row by row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = 0
    for column in batch.columns:
        if pa.types.is_dictionary(column.type):
            lengths = pc.take(pc.binary_length(column.dictionary), column.indices)
            total += column.indices.nbytes + (pc.sum(lengths).as_py() or 0)
        else:
            total += column.nbytes
    return total


@dataclass(frozen=True)
class Parquet(Format):
    def write_table(self, frame, path: Path, schema: Schema) -> None:
        write(frame, path, schema)

    def rows(self, data: bytes, table: str, schema: Schema, limit: int) -> list[dict]:
        return rows(data, table, schema, limit)


FORMAT = Parquet(
    "parquet", "application/vnd.apache.parquet", "PARQUET", "Parquet", title_nl="Parquet", suffix="-parquet", hashed=False
)
