"""The one registry of output formats: each format's file suffix, resource name, media type, EU
file type and label, and its writer and reader.

Table formats (CSV, Parquet) hold one file per table; the workbook (XLSX) holds every table in one
file. The publish step writes every format; the descriptor, the DCAT record, the dataset page, the
README and ``stalking-flanders validate`` read the facts from here. Adding a format is one module
in this folder and one line below.

>>> [f.name for f in TABLE_FORMATS]
['csv', 'parquet']
>>> BY_NAME["parquet"].resource_name("observations")
'observations-parquet'
>>> BY_NAME["csv"].resource_name("observations")
'observations'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Format:
    name: str  # the descriptor's "format"
    mediatype: str  # IANA media type
    eu_file_type: str  # code in the EU file-type vocabulary
    label: str  # what people call it
    suffix: str = ""  # how a resource's name ends (the CSV file is the table's own resource)
    title_nl: str = ""  # how the Dutch title of a distribution names it
    write: Callable | None = field(default=None, compare=False)  # (DataFrame, path, schema) -> None
    read: Callable | None = field(default=None, compare=False)  # (path, schema, name) -> DataFrame
    rows: Callable | None = field(default=None, compare=False)  # (path, table, schema) -> rows as Python values
    encoding: str | None = None
    hashed: bool = True  # whether the descriptor records the file's bytes and sha256 (see parquet.py)

    def resource_name(self, table: str) -> str:
        return table + self.suffix

    def file_name(self, table: str) -> str:
        return f"{table}.{self.name}"

    def table_of(self, resource_name: str) -> str:
        return resource_name.removesuffix(self.suffix) if self.suffix else resource_name


def _table_formats() -> list[Format]:
    from . import csv, parquet

    return [csv.FORMAT, parquet.FORMAT]


def _package_formats() -> list[Format]:
    from . import xlsx

    return [xlsx.FORMAT]


TABLE_FORMATS: list[Format] = _table_formats()
PACKAGE_FORMATS: list[Format] = _package_formats()  # one file for all tables
# Files that are not tables: the archived answer, and the descriptor itself.
TEXT = Format("txt", "text/plain", "TXT", "TXT", encoding="utf-8")
JSON = Format("json", "application/json", "JSON", "JSON")
BY_NAME: dict[str, Format] = {f.name: f for f in [*TABLE_FORMATS, *PACKAGE_FORMATS, TEXT, JSON]}
