"""The interface every format of a release implements, and what a format is handed to write.

A format is a :class:`Format` (its facts: name, media type, EU file type, label) with these
methods: :meth:`~Format.write` puts its files into a release folder, :meth:`~Format.resources`
describes them for the descriptor, :meth:`~Format.rows` reads a table back for ``validate`` (and
:meth:`~Format.opened` every table of one file, parsed once), :meth:`~Format.beside_tables` says
what a file holds beside the tables that differs from the package, and
:meth:`~Format.dutch_title` names a file in the portal record. The publish step, the descriptor,
``validate``, the dataset page and the portal record call these for every registered format and
never ask which one it is. Problems with a format's file have the codes ``format-unreadable`` and
``format-differs`` whatever the format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..csv_tables import file_name
from ..hashes import file_facts
from ..problems import PackageError
from ..texts import text

if TYPE_CHECKING:
    import pandas as pd

    from ..datapackage import DataPackage
    from ..model import Schema

TABLE_SCHEMA = "https://datapackage.org/standard/table-schema/"
DATA_PACKAGE = "https://datapackage.org/standard/data-package/"


@dataclass(frozen=True)
class Table:
    """One table as a format is handed it: its rows, its Table Schema, and how the package names it."""

    frame: pd.DataFrame
    schema: Schema
    title: str
    description: str
    title_nl: str = ""
    description_nl: str = ""


@dataclass(frozen=True)
class Content:
    """What a release holds, as every format is handed it: the tables in the package's order, and
    the package's facts as its descriptor will give them (the descriptor but its resources: title,
    name, version, descriptions with their caveats, translations, licences, sources), which a
    format with room for them carries."""

    tables: dict[str, Table]
    package: dict = field(default_factory=dict)


class ShownOtherwise(PackageError, ValueError):
    """A file that reads, but would show a reader other values than it holds (a workbook cell with
    another number format than its type's): ``validate`` reports it as ``format-differs``, as what
    the file shows beside the tables, not as a file it cannot read."""


def reference_file(table: str) -> str:
    """The file of ``table`` in the tables' own format (``observations.csv``), as every format names a file."""
    return file_name(table)


@dataclass(frozen=True)
class Format:
    """A format of the package's files. The base class describes a file per table; a format that
    holds every table in one file sets ``per_table`` to False and overrides what differs."""

    name: str  # the descriptor's "format", and the files' suffix
    mediatype: str  # IANA media type
    eu_file_type: str  # code in the EU file-type vocabulary
    label: str  # what people call it
    title_nl: str = ""  # how a Dutch title names it
    # how a table's resource name ends: every format but the reference one (CSV, whose file is the
    # table's own resource) needs one, else two resources share a name and the publish step stops
    suffix: str = ""
    encoding: str | None = None
    hashed: bool = True  # whether the descriptor records the file's bytes and sha256
    per_table: bool = True  # a file per table, or one file for the package
    for_spreadsheets: bool = False  # the file to open in Excel or LibreOffice (listed first, and named so)
    reference: bool = False  # the format every other is checked against, value for value
    standard: str | None = TABLE_SCHEMA  # what its resources conform to, for the portal record
    licensed: bool = True  # whether the package's licence covers its files

    def resource_name(self, table: str) -> str:
        return table + self.suffix

    def file_name(self, table: str) -> str:
        return f"{table}.{self.name}"

    def table_of(self, resource_name: str) -> str:
        return resource_name.removesuffix(self.suffix) if self.suffix else resource_name

    # -- the interface ----------------------------------------------------------------------

    def write_table(self, frame: pd.DataFrame, path: Path, schema: Schema) -> None:
        raise NotImplementedError(f"the format {self.name} writes no table")

    def write(self, folder: Path, content: Content) -> None:
        """Write this format's files of ``content`` into ``folder``."""
        for name, table in content.tables.items():
            self.write_table(table.frame, folder / self.file_name(name), table.schema)

    def resources(self, content: Content, folder: Path) -> list[dict]:
        """The descriptor's entries of this format's files (written already in ``folder``)."""
        return [self.table_resource(name, table, folder) for name, table in content.tables.items()]

    def table_resource(self, name: str, table: Table, folder: Path) -> dict:
        if self.reference:
            named = {
                "name": name,
                "type": "table",
                "path": self.file_name(name),
                "title": table.title,
                "description": table.description,
            }
            schema = table.schema.raw
        else:
            # A table of its own, so that Frictionless checks its content against the Table
            # Schema; the foreign keys are the reference tables'.
            same = text("portal", "same_rows", file=reference_file(name), format=self.label)
            named = {
                "name": self.resource_name(name),
                "type": "table",
                "path": self.file_name(name),
                "title": f"{table.title} ({self.label})",
                "description": f"{table.description} {same}",
            }
            schema = {k: v for k, v in table.schema.raw.items() if k != "foreignKeys"}
        if table.title_nl:
            named["translations"] = {"nl": self.dutch(name, table)}
        resource = {**named, "format": self.name, "mediatype": self.mediatype}
        if self.encoding:
            resource["encoding"] = self.encoding
        if self.hashed:
            resource.update(file_facts(folder / named["path"]))
        resource.update(self.extra_description())
        resource["schema"] = dict(schema)
        return resource

    def dutch(self, name: str, table: Table) -> dict:
        """The Dutch title and description of the file of ``table`` (a resource's ``translations.nl``)."""
        if self.reference:
            return {"title": table.title_nl, "description": table.description_nl}
        same = text("portal", "same_rows", "nl", file=reference_file(name), format=self.label)
        return {"title": f"{table.title_nl} ({self.label})", "description": f"{table.description_nl} {same}"}

    def extra_description(self) -> dict:
        """Properties a format adds to each resource's entry (the CSV dialect, say): only keys the
        typed model knows (:data:`~stalking_flanders.model.RESOURCE_KEYS`), or the publish step refuses the release."""
        return {}

    def as_checked(self, resource: dict) -> dict:
        """``resource`` (of a file of this format) as ``validate`` hands it to Frictionless: as it
        stands, unless the format pins how its files are read."""
        return resource

    def rows(self, data: bytes, table: str, schema: Schema, limit: int) -> list[dict]:
        """The rows of ``table`` in a file of this format (its bytes, read within bounds), as
        Python values, for ``validate``; no more than ``limit`` of them (``validate`` asks for one
        more than the CSV file holds, so that an extra row still shows, and nothing past it is
        parsed). A reader never opens a path of its own. It raises :class:`ShownOtherwise` for a
        file that reads but would show other values (``format-differs``); any other error makes
        the file ``format-unreadable``."""
        raise NotImplementedError(f"the format {self.name} reads no rows")

    @contextmanager
    def opened(self, data: bytes) -> Iterator[Callable[[str, Schema, int], list[dict]]]:
        """A file of this format (its bytes), opened once for every table it holds: yields a
        function (table, schema, limit) -> rows, as :meth:`rows`. A format whose file holds every
        table overrides it, so that ``validate`` parses the file once, not once per table."""
        yield lambda table, schema, limit: self.rows(data, table, schema, limit)

    def beside_tables(self, read, package: DataPackage, tables: dict[str, pd.DataFrame]) -> list[str]:
        """What a file of ``package`` in this format holds beside the tables (opened as ``read``,
        from :meth:`opened`) and differs from what the package's descriptor and ``tables`` (the
        reference frames by name) give, a sentence each, for ``validate``: none for a format that
        holds the tables alone."""
        return []

    def dutch_title(self, resource: dict) -> str:
        """The Dutch title of a file of this format in the portal record: its ``translations.nl``,
        else (a release before 2.0.0) one made of its table's name."""
        given = resource.get("translations", {}).get("nl", {}).get("title")
        if given:
            return given
        if self.per_table:
            return text("portal", "table_title", "nl", table=self.table_of(resource["name"]), format=self.label)
        return f"{self.title_nl} ({self.label})"


@dataclass(frozen=True)
class Document(Format):
    """A file that is not a table: the archived answer, or the descriptor itself."""

    per_table: bool = False
    standard: str | None = None
    texts: str = ""  # the section of texts.toml that names it

    def resources(self, content: Content, folder: Path) -> list[dict]:
        return []

    def write(self, folder: Path, content: Content) -> None:
        return None

    def dutch_title(self, resource: dict) -> str:
        """Its ``translations.nl`` title, else this kind of file's Dutch title (the descriptor itself)."""
        return resource.get("translations", {}).get("nl", {}).get("title") or text(self.texts, "title", "nl")
