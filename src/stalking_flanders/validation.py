"""Validate a whole data package: the descriptor, every file's hash and size, the Frictionless
checks, the pandera models, the rules across tables, every non-CSV copy of a table against its
CSV file, and every figure against the archived answer, whose hash must be the one registered
with this package.

Every problem is reported, not only the first. Imports frictionless, pandera and pyarrow.
"""

from __future__ import annotations

import json
from pathlib import Path

from .checks import check_tables
from .datapackage import BUNDLED, DESCRIPTOR_NAME, DataPackage, IntegrityError
from .formats import BY_NAME, PACKAGE_FORMATS, TABLE_FORMATS, csv
from .frictionless_report import frictionless_problems
from .hashes import facts, sha256_bytes
from .problems import Problem
from .sources import load_registry
from .tableschema import python_rows
from .text import ArchivedText

REGISTRY_DIR = Path(__file__).resolve().parent  # registry.toml, as shipped with the package
SKIP_FRICTIONLESS = frozenset({"hash-count", "byte-count", "scheme-error"})  # reported by the file checks


def validate_package(descriptor: Path | str | None = None) -> list[Problem]:
    """Every problem found in the data package at ``descriptor`` (a ``datapackage.json`` or its
    folder; the bundled release when None). An empty list means valid."""
    path = Path(descriptor) if descriptor is not None else BUNDLED / DESCRIPTOR_NAME
    if path.is_dir():
        path = path / DESCRIPTOR_NAME
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [Problem("file-missing", str(path), "there is no such file", expected="a datapackage.json")]
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None)
        column = f"character {error.colno}" if hasattr(error, "colno") else None
        return [
            Problem(
                "descriptor-json",
                str(path),
                f"the descriptor is not JSON ({getattr(error, 'msg', error)})",
                line,
                column,
                expected="a Data Package descriptor in JSON",
            )
        ]
    package = DataPackage(path)
    problems = _files(package)
    problems += frictionless_problems(path, SKIP_FRICTIONLESS)
    files = {name: package.path(package.resource(name)) for name in package.tables() if _inside(package, name)}
    tables, table_problems = csv.read_all(
        {n: p for n, p in files.items() if p.is_file()}, {n: package.resource(n)["schema"] for n in files}
    )
    problems += table_problems
    if table_problems or len(tables) < len(package.tables()):
        return problems
    problems += _contents(package, tables)
    problems += _other_formats(package, tables)
    return problems


def _inside(package: DataPackage, name: str) -> bool:
    try:
        package.path(package.resource(name))
    except IntegrityError:
        return False  # reported by the file checks
    return True


def _file(package: DataPackage, resource: dict) -> str:
    return str(package.root / resource["path"])


def _files(package: DataPackage) -> list[Problem]:
    problems = []
    for resource in package.descriptor["resources"]:
        try:
            path = package.path(resource)
        except IntegrityError as error:
            problems.append(
                Problem(
                    "path-outside",
                    str(package.descriptor_path),
                    str(error),
                    column="path",
                    found=resource["path"],
                    expected="a path inside the package folder",
                )
            )
            continue
        if not path.is_file():
            problems.append(
                Problem(
                    "file-missing",
                    _file(package, resource),
                    "the file is missing",
                    expected=f"the file of resource {resource['name']!r}",
                )
            )
            continue
        problems += _recorded_facts(package, resource, path)
    return problems


def _recorded_facts(package: DataPackage, resource: dict, path: Path) -> list[Problem]:
    """The file's sha256 and size, where its format records them, equal the descriptor's."""
    fmt = BY_NAME.get(resource.get("format", ""))
    if fmt is not None and not fmt.hashed:
        return []
    file, actual = _file(package, resource), facts(path.read_bytes())
    problems = []
    if actual["hash"] != resource.get("hash"):
        problems.append(Problem("file-hash", file, "the file's sha256 differs from the descriptor", found=actual["hash"],
                                expected=str(resource.get("hash"))))  # fmt: skip
    if actual["bytes"] != resource.get("bytes"):
        problems.append(Problem("file-size", file, "the file's size differs from the descriptor", found=actual["bytes"],
                                expected=f"{resource.get('bytes')} bytes"))  # fmt: skip
    return problems


def _archived_texts(package: DataPackage, source_questions, file: str) -> tuple[dict, list[Problem]]:
    """The archived text of each source question, if it is a file of the package whose hash is
    the one registered with this package."""
    registry = load_registry(REGISTRY_DIR)
    texts, problems = {}, []
    for index, row in enumerate(source_questions.itertuples()):
        where = dict(file=file, line=index + 2)
        registered = registry.get(row.source_question)
        if registered is None:
            problems.append(
                Problem(
                    "source-unregistered",
                    **where,
                    message="the source question is not registered with this package",
                    column="source_question",
                    found=row.source_question,
                    expected=f"one of {', '.join(registry)}",
                )
            )
            continue
        resource = _text_resource(package, row.archived_text)
        if resource is None or not package.path(resource).is_file():
            problems.append(
                Problem(
                    "file-missing",
                    **where,
                    message="the archived text is not a file of the package",
                    column="archived_text",
                    found=row.archived_text,
                    expected="the path of a text resource",
                )
            )
            continue
        data = package.path(resource).read_bytes()
        actual = sha256_bytes(data)
        if actual != registered.sha256 or row.sha256 != registered.sha256:
            problems.append(
                Problem(
                    "source-text-changed",
                    _file(package, resource),
                    "the archived answer is not the registered one",
                    found=f"sha256 {actual} (source_questions says {row.sha256})",
                    expected=f"sha256 {registered.sha256}",
                )
            )
            continue
        texts[row.source_question] = ArchivedText(data.decode("utf-8"), _file(package, resource))
    return texts, problems


def _text_resource(package: DataPackage, archived_text: str) -> dict | None:
    """The resource of an archived text. ``archived_text`` is its path in the release folder; a
    descriptor elsewhere (the repository's root descriptor) puts the release folder before it."""
    for resource in package.descriptor["resources"]:
        if resource["path"] == archived_text or resource["path"].endswith("/" + archived_text):
            return resource
    return None


def _contents(package: DataPackage, tables: dict) -> list[Problem]:
    schemas = {name: package.resource(name)["schema"] for name in package.tables()}
    files = {name: _file(package, package.resource(name)) for name in schemas}
    texts, problems = _archived_texts(package, tables["source_questions"], files["source_questions"])
    return problems or check_tables(tables, schemas, texts, files)


def _other_formats(package: DataPackage, tables: dict) -> list[Problem]:
    """Every other format's file holds the rows of each table's CSV file, value for value."""
    problems = []
    for name, table in tables.items():
        schema = package.resource(name)["schema"]
        for fmt in [f for f in TABLE_FORMATS if f is not csv.FORMAT] + PACKAGE_FORMATS:
            resource = _resource_of(package, fmt, name)
            if resource is not None and _readable(package, resource):
                problems += _same_rows(_file(package, resource), fmt, package.path(resource), table, schema, name)
    return problems


def _resource_of(package: DataPackage, fmt, table: str) -> dict | None:
    if fmt in PACKAGE_FORMATS:
        return next((r for r in package.descriptor["resources"] if r.get("format") == fmt.name), None)
    return package.resources.get(fmt.resource_name(table))


def _readable(package: DataPackage, resource: dict) -> bool:
    try:
        return package.path(resource).is_file()
    except IntegrityError:
        return False


def _same_rows(file: str, fmt, path: Path, table, schema: dict, name: str) -> list[Problem]:
    try:
        rows = fmt.rows(path, name, schema)
    except Exception as error:  # noqa: BLE001 - any unreadable file is a problem to report
        return [
            Problem(f"{fmt.name}-unreadable", file, f"cannot be read as {fmt.label} ({error})", expected=f"a {fmt.label} file")
        ]
    expected = python_rows(table, schema)
    if len(rows) != len(expected):
        return [
            Problem(
                f"{fmt.name}-differs",
                file,
                f"holds another number of rows than {name}.csv",
                found=len(rows),
                expected=f"{len(expected)} rows",
            )
        ]
    return [
        Problem(
            f"{fmt.name}-differs",
            file,
            f"row {index + 1} differs from line {index + 2} of {name}.csv",
            None,
            column,
            found=got.get(column),
            expected=repr(want[column]),
        )
        for index, (got, want) in enumerate(zip(rows, expected))
        for column in want
        if got.get(column) != want[column]
    ]
