"""The one registry of the formats of a release: each format is a module of this folder with a
``FORMAT`` (a :class:`~stalking_flanders.formats.base.Format`), named once in ``PLUGINS`` below.
The publish step writes every format, the descriptor describes it, ``validate`` checks it against
the reference format (CSV), and the dataset page and the portal record list it: none of them asks
which format it is. Adding a format is one module in this folder and its name in ``PLUGINS``.

>>> from stalking_flanders.formats import BY_NAME, FORMATS
>>> [f.name for f in FORMATS][:3]  # a format added later comes after these
['csv', 'parquet', 'xlsx']
>>> BY_NAME["parquet"].resource_name("observations")
'observations-parquet'
>>> BY_NAME["csv"].resource_name("observations")
'observations'
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Content, Document, Format, ShownOtherwise, Table

PLUGINS = ["csv", "parquet", "xlsx"]  # in the order a release lists them


@cache
def _documents() -> dict[str, Document]:
    """Files that are not tables: the archived answer, and the descriptor itself."""
    from .base import DATA_PACKAGE, Document

    return {  # the archived answer states no licence
        "TEXT": Document("txt", "text/plain", "TXT", "TXT", encoding="utf-8", texts="archived_text", licensed=False),
        "JSON": Document("json", "application/json", "JSON", "JSON", standard=DATA_PACKAGE, texts="descriptor"),
    }


@cache
def _registry() -> tuple[list[Format], dict[str, Format]]:
    """Every plugin, imported once the registry is first asked for: a module that needs one format
    imports that one, not the others, and one that only reads tables (the loader, through
    :mod:`~stalking_flanders.csv_tables`) imports none, nor the interface."""
    formats = [import_module(f".{name}", __name__).FORMAT for name in PLUGINS]
    if sum(f.reference for f in formats) != 1:  # a slip of ours in PLUGINS or a plugin, never of the input
        raise RuntimeError(f"exactly one format must be the reference one, found {[f.name for f in formats if f.reference]}")
    return formats, {f.name: f for f in [*formats, *_documents().values()]}


def __getattr__(name: str):
    if name == "FORMATS":
        return _registry()[0]
    if name == "BY_NAME":
        return _registry()[1]
    if name == "REFERENCE":
        return next(f for f in _registry()[0] if f.reference)
    if name == "LISTED":
        return [*(f.name for f in _registry()[0]), _documents()["TEXT"].name]
    if name in ("TEXT", "JSON"):
        return _documents()[name]
    if name in ("DATA_PACKAGE", "Content", "Format", "ShownOtherwise", "Table"):
        from . import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


FORMATS: list[Format]  # every format of a release, in the order of PLUGINS
BY_NAME: dict[str, Format]  # every format and document by name
REFERENCE: Format  # the format every other one is checked against, value for value (CSV)
# the formats a release lists its files in: every format of its tables, and the archived answers'
# text (the descriptor's own, JSON, is none: no release lists a file of it as a resource)
LISTED: list[str]
TEXT: Document  # the archived answer
JSON: Document  # the descriptor

__all__ = [
    "BY_NAME",
    "DATA_PACKAGE",
    "FORMATS",
    "JSON",
    "LISTED",
    "REFERENCE",
    "TEXT",
    "Content",
    "Format",
    "ShownOtherwise",
    "Table",
]
