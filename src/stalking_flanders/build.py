"""The pipeline's steps: extract each archived source, validate all tables together, publish.

Each step reads the layer before it and writes the next: data/archive -> data/extracted ->
data/validated -> data/release (see :mod:`stalking_flanders.repo`). A step writes into a
temporary folder beside its output and moves it into place only when it has succeeded, so a
failed run leaves the last good output untouched.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from . import checks
from .extract import extract
from .package import Definitions, sort_key
from .problems import DataError, Problem, raise_if_any
from .sources import load_registry, read_text
from .tableschema import read_csv, rows_frame, validate_frame, write_csv, write_parquet
from .text import ArchivedText

SOURCES_FOLDER = "sources"  # where a release keeps its copies of the archived texts


@contextmanager
def replacing(target: Path):
    """Yield a fresh temporary folder; on success it replaces ``target`` (the old one is removed
    only after the new one is in place); on failure it is removed and ``target`` is untouched."""
    target = Path(target)
    new = target.with_name(f".{target.name}.new")
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    try:
        yield new
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)


def archived_name(source_id: str) -> str:
    """The path of a source's archived text inside a release."""
    return f"{SOURCES_FOLDER}/{source_id}.txt"


def extract_source(source_id: str, archive_dir: Path, defs: Definitions, out_dir: Path) -> None:
    """Step 1: the tables of one archived source, as CSV files in ``out_dir``."""
    registry = load_registry(archive_dir)
    if source_id not in registry:
        raise KeyError(f"source {source_id!r} is not in {Path(archive_dir) / 'registry.toml'}; "
                       f"registered: {', '.join(sorted(registry))}")
    rows = extract(registry[source_id], archived_name(source_id))
    with replacing(out_dir) as tmp:
        for name, schema in defs.schemas.items():
            write_csv(rows_frame(rows[name], schema), tmp / f"{name}.csv", schema)


def check_tables(tables: dict[str, pd.DataFrame], defs: Definitions, texts: dict[str, ArchivedText],
                 files: dict[str, str]) -> list[Problem]:
    """Every problem in a set of typed tables: each table's pandera model, the foreign keys, the
    years of each series, and the reconciliation of every figure with the archived answer."""
    problems = []
    for name, schema in defs.schemas.items():
        problems += validate_frame(tables[name], schema, name, files[name])
    if problems:
        return problems
    problems += checks.foreign_keys(tables, defs.schemas, files)
    problems += checks.years_within_series(tables, files)
    if problems:
        return problems
    return checks.reconcile(tables, texts, files)


def registered_texts(archive_dir: Path, source_questions: pd.DataFrame, file: str) -> tuple[dict[str, ArchivedText], list[Problem]]:
    """The archived text of each source question, each checked against the registered hash."""
    registry = load_registry(archive_dir)
    texts, problems = {}, []
    for index, row in enumerate(source_questions.itertuples()):
        source = registry.get(row.source_question)
        if source is None:
            problems.append(Problem(file, "the source question is not registered", index + 2, "source_question",
                                    found=row.source_question, expected=f"an id in {Path(archive_dir) / 'registry.toml'}"))
            continue
        if row.sha256 != source.sha256:
            problems.append(Problem(file, "the hash differs from the registry", index + 2, "sha256",
                                    found=row.sha256, expected=source.sha256))
        texts[source.id] = ArchivedText(read_text(source), str(source.text_path))
    return texts, problems


def validate(extracted_dir: Path, archive_dir: Path, defs: Definitions, out_dir: Path) -> None:
    """Step 2: all sources' tables together, checked, and written sorted to ``out_dir``."""
    folders = sorted(p for p in Path(extracted_dir).iterdir() if p.is_dir() and not p.name.startswith("."))
    problems, parts = [], {name: [] for name in defs.schemas}
    for folder in folders:
        for name, schema in defs.schemas.items():
            try:
                parts[name].append(read_csv(folder / f"{name}.csv", schema))
            except (DataError, OSError, ValueError) as error:  # every file's problems are reported together
                problems += getattr(error, "problems", [Problem(str(folder / f"{name}.csv"), str(error))])
    raise_if_any(problems, str(extracted_dir))
    tables = {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
    files = {name: f"{extracted_dir}/*/{name}.csv" for name in defs.schemas}
    texts, problems = registered_texts(archive_dir, tables["source_questions"], files["source_questions"])
    problems += check_tables(tables, defs, texts, files)
    raise_if_any(problems, str(extracted_dir))
    with replacing(out_dir) as tmp:
        for name, schema in defs.schemas.items():
            table = tables[name].sort_values(sort_key(defs, name), kind="stable", ignore_index=True)
            write_csv(table, tmp / f"{name}.csv", schema)


def load_tables(folder: Path, defs: Definitions) -> dict[str, pd.DataFrame]:
    problems, tables = [], {}
    for name, schema in defs.schemas.items():
        try:
            tables[name] = read_csv(Path(folder) / f"{name}.csv", schema)
        except (DataError, OSError, ValueError) as error:
            problems += getattr(error, "problems", [Problem(str(Path(folder) / f"{name}.csv"), str(error))])
    raise_if_any(problems, str(folder))
    return tables


def publish(validated_dir: Path, archive_dir: Path, defs: Definitions, release_dir: Path, root_descriptor: Path,
            readme_chart: Path) -> None:
    """Step 3: the release: CSV and Parquet of every table, the archived texts, and the descriptor
    (in the release, with paths relative to it, and at ``root_descriptor``, with paths from the
    repository root), and the dataset page with its chart (the PNG also at ``readme_chart``).
    The release is validated with Frictionless before it replaces the last one."""
    from . import page
    from .descriptor import build_descriptor, dump, relocate

    tables = load_tables(validated_dir, defs)
    registry = load_registry(archive_dir)
    with replacing(release_dir) as tmp:
        for name, schema in defs.schemas.items():
            write_csv(tables[name], tmp / f"{name}.csv", schema)
            write_parquet(tables[name], tmp / f"{name}.parquet", schema)
        (tmp / SOURCES_FOLDER).mkdir()
        for source_id in tables["source_questions"]["source_question"]:
            source = registry[source_id]
            read_text(source)  # refuses a text whose hash is not the registered one
            shutil.copyfile(source.text_path, tmp / archived_name(source_id))
        descriptor = build_descriptor(defs, tables, tmp)
        (tmp / "datapackage.json").write_text(dump(descriptor), encoding="utf-8")
        frictionless_problems(tmp / "datapackage.json")
        chart_png = page.write(tmp, descriptor, tables)
        rooted = relocate(descriptor, os.path.relpath(release_dir, Path(root_descriptor).parent))
        staged = Path(root_descriptor).with_name(f".{Path(root_descriptor).name}.new")
        staged.write_text(dump(rooted), encoding="utf-8")
        staged_png = Path(readme_chart).with_name(f".{Path(readme_chart).name}.new")
        staged_png.parent.mkdir(parents=True, exist_ok=True)
        staged_png.write_bytes(chart_png)
    os.replace(staged, root_descriptor)
    os.replace(staged_png, readme_chart)


def frictionless_problems(descriptor: Path) -> None:
    """Validate a data package with Frictionless; raise listing every error it reports."""
    from frictionless import validate as frictionless_validate

    report = frictionless_validate(str(descriptor))
    problems = [
        Problem(str(descriptor.parent / str(task.place or task.name)), error.message, getattr(error, "row_number", None),
                getattr(error, "field_name", None), expected=error.type)
        for task in report.tasks for error in task.errors
    ] + [Problem(str(descriptor), error.message, expected=error.type) for error in report.errors]
    raise_if_any(problems, f"{descriptor} (Frictionless validation)")
