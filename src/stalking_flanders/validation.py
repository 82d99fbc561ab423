"""Validate a whole data package: the descriptor, every file's hash and size, the Frictionless
checks, the pandera models, the rules across tables, Parquet against CSV, and every figure against
the archived answer, whose hash must be the one registered with this package.

Every problem is reported, not only the first. Imports frictionless, pandera and pyarrow.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .problems import DataError, Problem
from .release import BUNDLED, DESCRIPTOR_NAME, IntegrityError, Release
from .sources import load_registry
from .text import ArchivedText

REGISTRY_DIR = Path(__file__).resolve().parent  # registry.toml, as shipped with the package
SKIP_FRICTIONLESS = {"hash-count", "byte-count", "scheme-error"}  # reported by the file checks


def validate_package(descriptor: Path | str | None = None) -> list[Problem]:
    """Every problem found in the data package at ``descriptor`` (a ``datapackage.json`` or its
    folder; the bundled release when None). An empty list means valid."""
    path = Path(descriptor) if descriptor is not None else BUNDLED / DESCRIPTOR_NAME
    if path.is_dir():
        path = path / DESCRIPTOR_NAME
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [Problem(str(path), "there is no such file", expected="a datapackage.json")]
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None)
        column = f"character {error.colno}" if hasattr(error, "colno") else None
        return [Problem(str(path), f"the descriptor is not JSON ({getattr(error, 'msg', error)})", line, column,
                        expected="a Data Package descriptor in JSON")]
    release = Release(path)
    problems = _files(release)
    problems += _frictionless(path)
    tables, table_problems = _tables(release)
    problems += table_problems
    if table_problems or len(tables) < len(release.tables()):
        return problems
    problems += _contents(release, tables)
    problems += _parquet(release, tables)
    return problems


def _file(release: Release, resource: dict) -> str:
    return str(release.root / resource["path"])


def _files(release: Release) -> list[Problem]:
    problems = []
    for resource in release.descriptor["resources"]:
        try:
            path = release.path(resource)
        except IntegrityError as error:
            problems.append(Problem(str(release.descriptor_path), str(error), column="path", found=resource["path"],
                                    expected="a path inside the package folder"))
            continue
        if not path.is_file():
            problems.append(Problem(_file(release, resource), "the file is missing",
                                    expected=f"the file of resource {resource['name']!r}"))
            continue
        data = path.read_bytes()
        actual = "sha256:" + hashlib.sha256(data).hexdigest()
        if actual != resource.get("hash"):
            problems.append(Problem(_file(release, resource), "the file's sha256 differs from the descriptor",
                                    found=actual, expected=str(resource.get("hash"))))
        if len(data) != resource.get("bytes"):
            problems.append(Problem(_file(release, resource), "the file's size differs from the descriptor",
                                    found=len(data), expected=f"{resource.get('bytes')} bytes"))
    return problems


def _frictionless(path: Path) -> list[Problem]:
    from frictionless import validate

    report = validate(str(path))
    problems = [Problem(str(path), error.message, expected=error.type) for error in report.errors]
    for task in report.tasks:
        for error in task.errors:
            if error.type in SKIP_FRICTIONLESS:
                continue
            row = getattr(error, "row_number", None)
            problems.append(Problem(str(path.parent / str(task.place)), f"Frictionless: {error.message}",
                                    row, getattr(error, "field_name", None),
                                    found=getattr(error, "cell", None), expected=error.type))
    return problems


def _tables(release: Release):
    from .tableschema import read_csv

    tables, problems = {}, []
    for name in release.tables():
        resource = release.resource(name)
        try:
            path = release.path(resource)
        except IntegrityError:
            continue  # reported by the file checks
        if not path.is_file():
            continue
        try:
            tables[name] = read_csv(path, resource["schema"])
        except DataError as error:
            problems += error.problems
    return tables, problems


def _contents(release: Release, tables: dict) -> list[Problem]:
    from .build import check_tables
    from .package import Definitions

    schemas = {name: release.resource(name)["schema"] for name in release.tables()}
    defs = Definitions(meta={"tables": {n: {} for n in schemas}}, schemas=schemas, version=release.descriptor.get("version"))
    files = {name: _file(release, release.resource(name)) for name in schemas}
    registry = load_registry(REGISTRY_DIR)
    by_path = {r["path"]: r for r in release.descriptor["resources"]}
    texts, problems = {}, []
    for index, row in enumerate(tables["source_questions"].itertuples()):
        where = dict(file=files["source_questions"], line=index + 2)
        registered = registry.get(row.source_question)
        if registered is None:
            problems.append(Problem(**where, message="the source question is not registered with this package",
                                    column="source_question", found=row.source_question,
                                    expected=f"one of {', '.join(registry)}"))
            continue
        resource = by_path.get(row.archived_text)
        if resource is None or not release.path(resource).is_file():
            problems.append(Problem(**where, message="the archived text is not a file of the package",
                                    column="archived_text", found=row.archived_text, expected="the path of a text resource"))
            continue
        data = release.path(resource).read_bytes()
        actual = hashlib.sha256(data).hexdigest()
        if actual != registered.sha256 or row.sha256 != registered.sha256:
            problems.append(Problem(_file(release, resource), "the archived answer is not the registered one",
                                    found=f"sha256 {actual} (source_questions says {row.sha256})",
                                    expected=f"sha256 {registered.sha256}"))
            continue
        texts[row.source_question] = ArchivedText(data.decode("utf-8"), _file(release, resource))
    if problems:
        return problems
    return check_tables(tables, defs, texts, files)


def _parquet(release: Release, tables: dict) -> list[Problem]:
    import pyarrow.parquet as pq

    from .descriptor import PARQUET_SUFFIX

    problems = []
    for name, csv in tables.items():
        resource = release.resources.get(name + PARQUET_SUFFIX)
        if resource is None or not release.path(resource).is_file():
            continue
        file = _file(release, resource)
        try:
            parquet = pq.read_table(release.path(resource)).to_pylist()
        except Exception as error:  # noqa: BLE001 - any unreadable file is a problem to report
            problems.append(Problem(file, f"cannot be read as Parquet ({error})", expected="a Parquet file"))
            continue
        rows = csv.astype(object).where(csv.notna(), None).to_dict("records")
        if len(parquet) != len(rows):
            problems.append(Problem(file, f"holds another number of rows than {name}.csv",
                                    found=len(parquet), expected=f"{len(rows)} rows"))
            continue
        for index, (p, c) in enumerate(zip(parquet, rows)):
            for column in c:
                if p.get(column) != c[column]:
                    problems.append(Problem(file, f"row {index + 1} differs from line {index + 2} of {name}.csv",
                                            None, column, found=p.get(column), expected=repr(c[column])))
    return problems
