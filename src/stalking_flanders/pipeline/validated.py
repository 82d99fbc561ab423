"""Step 2, data/validated/: all sources' tables together, checked, and written sorted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import csv_tables
from ..checks import check_tables
from ..model import csv_line
from ..problems import Problem, raise_if_any
from ..sources import load_registry, text_problems, unregistered
from ..text import ArchivedText
from .atomic import replacing
from .definitions import Definitions


def registered_texts(
    archive_dir: Path, source_questions: pd.DataFrame, file: str
) -> tuple[dict[str, ArchivedText], list[Problem]]:
    """The archived text of each source question, each checked against the registered hash."""
    registry = load_registry(archive_dir)
    texts, problems = {}, []
    for index, row in enumerate(source_questions.itertuples()):
        source = registry.get(row.source_question)
        if source is None:
            problems.append(unregistered(row.source_question, registry, file, csv_line(index)))
            continue
        data = source.text_path.read_bytes()
        found = text_problems(source, data, str(source.text_path), row.sha256, (file, csv_line(index)))
        problems += found
        if not found:
            texts[source.id] = ArchivedText(data.decode("utf-8"), str(source.text_path))
    return texts, problems


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
    texts, problems = registered_texts(archive_dir, tables["source_questions"], files["source_questions"])
    problems += check_tables(tables, defs.schemas, texts, files)
    raise_if_any(problems, str(extracted_dir))
    with replacing(out_dir) as tmp:
        for name, schema in defs.schemas.items():
            table = tables[name].sort_values(defs.sort_key(name), kind="stable", ignore_index=True)
            csv_tables.write(table, tmp / csv_tables.file_name(name), schema)
