"""The one registry of output formats: each format's file suffix, resource name, media type, EU
file type and label, and for table formats its writer and reader.

The publish step writes every table in every table format; the descriptor, the DCAT record, the
dataset page and the README read the facts from here. Adding a format is one module in this
folder and one line below.

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
    encoding: str | None = None

    def resource_name(self, table: str) -> str:
        return table + self.suffix

    def file_name(self, table: str) -> str:
        return f"{table}.{self.name}"

    def table_of(self, resource_name: str) -> str:
        return resource_name.removesuffix(self.suffix) if self.suffix else resource_name


def _table_formats() -> list[Format]:
    from . import csv, parquet

    return [csv.FORMAT, parquet.FORMAT]


TABLE_FORMATS: list[Format] = _table_formats()
# Files that are not tables: the archived answer, and the descriptor itself.
TEXT = Format("txt", "text/plain", "TXT", "TXT", encoding="utf-8")
JSON = Format("json", "application/json", "JSON", "JSON")
BY_NAME: dict[str, Format] = {f.name: f for f in [*TABLE_FORMATS, TEXT, JSON]}
