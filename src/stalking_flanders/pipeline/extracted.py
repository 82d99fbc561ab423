"""Step 1, data/extracted/<source>/: the tables of one archived source, as CSV files."""

from __future__ import annotations

from pathlib import Path

from .. import csv_tables
from ..datapackage import UnknownNameError
from ..sources import REGISTRY_NAME, load_registry
from .atomic import replacing
from .definitions import Definitions
from .extract import extract

SOURCES_FOLDER = "sources"  # where a release keeps its copies of the archived texts


def archived_name(source_id: str) -> str:
    """The path of a source's archived text inside a release."""
    return f"{SOURCES_FOLDER}/{source_id}.txt"


def make_extracted(source_id: str, archive_dir: Path, defs: Definitions, out_dir: Path) -> None:
    """The tables of the archived source ``source_id``, as CSV files in ``out_dir``."""
    registry = load_registry(archive_dir)
    if source_id not in registry:
        raise UnknownNameError(
            f"source {source_id!r} is not in {Path(archive_dir) / REGISTRY_NAME}; registered: {', '.join(sorted(registry))}"
        )
    rows = extract(registry[source_id], archived_name(source_id))
    with replacing(out_dir) as tmp:
        for name, schema in defs.schemas.items():
            csv_tables.write_rows(rows[name], tmp / csv_tables.file_name(name), schema)
