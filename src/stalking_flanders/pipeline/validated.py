"""Step 2, data/validated/: all sources' tables together, checked, and written sorted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import csv_tables
from ..checks import check_tables
from ..problems import raise_if_any
from ..sources import Source, load_registry, registered_texts
from .atomic import replacing
from .definitions import Definitions


def _in_the_archive(source: Source, row, line: int) -> tuple[bytes, str]:
    return source.text_path.read_bytes(), str(source.text_path)


def make_validated(extracted_dir: Path, archive_dir: Path, defs: Definitions, out_dir: Path) -> None:
    """Every source's tables from ``extracted_dir``, checked together and written sorted to ``out_dir``."""
    folders = sorted(p for p in Path(extracted_dir).iterdir() if p.is_dir() and not p.name.startswith("."))
    problems, parts = [], {name: [] for name in defs.schemas}
    for folder in folders:
        tables, found = csv_tables.read_all({n: folder / csv_tables.file_name(n) for n in defs.schemas}, defs.schemas)
        problems += found
        for name, table in tables.items():
            parts[name].append(table)
    raise_if_any(problems, str(extracted_dir))
    tables = {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
    files = {name: f"{extracted_dir}/*/{csv_tables.file_name(name)}" for name in defs.schemas}
    registry = load_registry(archive_dir)
    texts, problems = registered_texts(registry, tables["source_questions"], files["source_questions"], _in_the_archive)
    problems += check_tables(tables, defs.schemas, texts, files)
    raise_if_any(problems, str(extracted_dir))
    with replacing(out_dir) as tmp:
        for name, schema in defs.schemas.items():
            table = tables[name].sort_values(defs.sort_key(name), kind="stable", ignore_index=True)
            csv_tables.write(table, tmp / csv_tables.file_name(name), schema)
