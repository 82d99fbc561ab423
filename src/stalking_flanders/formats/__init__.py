"""The one registry of the formats of a release: each format is a module of this folder with a
``FORMAT`` (a :class:`~stalking_flanders.formats.base.Format`), named once in ``PLUGINS`` below.
The publish step writes every format, the descriptor describes it, ``validate`` checks it against
the reference format (CSV), and the dataset page and the portal record list it: none of them asks
which format it is. Adding a format is one module in this folder and its name in ``PLUGINS``.

>>> [f.name for f in FORMATS][:3]  # a format added later comes after these
['csv', 'parquet', 'xlsx']
>>> BY_NAME["parquet"].resource_name("observations")
'observations-parquet'
>>> BY_NAME["csv"].resource_name("observations")
'observations'
"""

from __future__ import annotations

from importlib import import_module

from .base import DATA_PACKAGE, Content, Document, Format, Table

PLUGINS = ["csv", "parquet", "xlsx"]  # in the order a release lists them

FORMATS: list[Format] = [import_module(f".{name}", __name__).FORMAT for name in PLUGINS]
# Files that are not tables: the archived answer, and the descriptor itself.
TEXT = Document("txt", "text/plain", "TXT", "TXT", encoding="utf-8", texts="archived_text", licensed=False)  # it states none
JSON = Document("json", "application/json", "JSON", "JSON", standard=DATA_PACKAGE, texts="descriptor")
BY_NAME: dict[str, Format] = {f.name: f for f in [*FORMATS, TEXT, JSON]}

__all__ = ["BY_NAME", "DATA_PACKAGE", "FORMATS", "JSON", "TEXT", "Content", "Format", "Table"]
