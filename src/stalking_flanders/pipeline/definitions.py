"""The package metadata and the Table Schemas, read from the repository's schemas folder."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..model import Schema
from ..tableschema import load_schema

PACKAGE_META = "package.toml"


@dataclass(frozen=True)
class Definitions:
    meta: dict  # package.toml
    schemas: dict[str, Schema]  # table name -> Table Schema, in the order of package.toml
    version: str

    @property
    def tables(self) -> list[str]:
        return list(self.schemas)

    def sort_key(self, table: str) -> list[str]:
        """The columns a table's rows are sorted by when written: stable row order."""
        return self.meta["tables"][table].get("sort_by", list(self.schemas[table].primary_key))


def load_definitions(schema_dir: Path, pyproject: Path) -> Definitions:
    with (Path(schema_dir) / PACKAGE_META).open("rb") as fh:
        meta = tomllib.load(fh)
    with Path(pyproject).open("rb") as fh:
        version = tomllib.load(fh)["project"]["version"]
    schemas = {name: load_schema(Path(schema_dir) / f"{name}.schema.json") for name in meta["tables"]}
    return Definitions(meta, schemas, version)
