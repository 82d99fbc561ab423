"""The package metadata and the Table Schemas, read from the repository's schemas folder (with the
standard library alone: the extract step, which reads them, imports no pandas)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..model import Schema, ShapeError
from ..texts import text

PACKAGE_META = "package.toml"
SHARED_FIELDS = "fields.json"  # beside the Table Schemas: field kinds that several tables use
# What a description of package.toml names by a placeholder, said as texts.toml says it in its
# section [caveats]: the label of the makers' own words (in a table's), and what the package says of
# its own texts (in the package's, once in each language).
NOTE, NOT_OFFICIAL = "note", "not_official"  # their keys in texts.toml, each written as {key}
PLACEHOLDERS = {f"{{{key}}}": key for key in (NOTE, NOT_OFFICIAL)}
ONCE_IN_THE_PACKAGE = f"{{{NOT_OFFICIAL}}}"


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
    for spec in meta["tables"].values():
        for key, lang in (("description", "en"), ("description_nl", "nl")):
            if key in spec:
                spec[key] = filled(spec[key], lang)
    for lang, spec in [("en", meta), *meta.get("translations", {}).items()]:
        if spec["description"].count(ONCE_IN_THE_PACKAGE) != 1:
            raise LookupError(f"the package's description in {lang} must hold {ONCE_IN_THE_PACKAGE} once (schemas/package.toml)")
        spec["description"] = filled(spec["description"], lang)
    return Definitions(meta, schemas, version)


def filled(description: str, lang: str) -> str:
    """``description`` with each placeholder (:data:`PLACEHOLDERS`) said in ``lang`` as texts.toml says it."""
    for placeholder, key in PLACEHOLDERS.items():
        description = description.replace(placeholder, text("caveats", key, lang))
    return description


def load_schema(path: Path) -> Schema:
    """A Table Schema from ``schemas/``, with every field that names a shared kind (``"kind"``)
    completed from ``fields.json`` beside it: its type and constraints come from the kind, the
    rest (title, description, ``required``) from the field itself."""
    path = Path(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    shared = path.with_name(SHARED_FIELDS)
    kinds = json.loads(shared.read_text(encoding="utf-8"))["kinds"] if shared.is_file() else {}
    raw["fields"] = [_complete(field, kinds, path) for field in raw["fields"]]
    return Schema.parse(raw, path.name)


def _complete(field: dict, kinds: dict, path: Path) -> dict:
    if "kind" not in field:
        return field
    kind = kinds.get(field["kind"])
    if kind is None:
        raise ShapeError(
            f"{path}, field {field['name']!r}",
            f"names the kind {field['kind']!r}, which {SHARED_FIELDS} does not define (it defines: {', '.join(kinds)})",
        )
    done = {"name": field["name"], "type": kind["type"]}
    done.update({k: v for k, v in field.items() if k not in ("kind", "name", "constraints")})
    done["constraints"] = {**field.get("constraints", {}), **kind.get("constraints", {})}
    return done
