"""Validate a whole data package: the descriptor, every file's hash and size, the Frictionless
checks, the pandera models, the rules across tables, every non-CSV copy of a table against its
CSV file (value for value and type for type, each workbook cell shown as written), what a file of
every table holds beside the tables (the workbook's sheets before them, against the descriptor
and the tables, its notes, and nothing hidden, merged or past its cells: the format's
``beside_tables``), and every
figure against the archived answer, whose hash must be the one registered with this package (each
under its category's label, letter for letter, and each source question's number and date as the
answer's heading gives them, its minister with their title as the answer is signed, and its other
names as the text gives them).

Every kind of problem is reported, not only the first problem (the checks of values list 1,000
of each kind in a file and count the rest). Imports frictionless, pandera and pyarrow.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from . import sums
from .checks import check_tables
from .datapackage import BUNDLED, DESCRIPTOR_NAME, DataPackage, IntegrityError, bundled, descriptor_file
from .formats import BY_NAME, FORMATS, LISTED, REFERENCE, TEXT, ShownOtherwise, csv
from .frictionless_report import frictionless_problems
from .hashes import facts, sha256_bytes
from .limits import bounded, temporary_folder
from .model import Schema, csv_line, same_value
from .problems import MAX_PROBLEMS_KEPT, Code, DataError, Kept, Problem
from .releases import as_what, history, release_problems
from .rooting import folder_of, in_release
from .sources import load_registry, registered_texts
from .tableschema import python_rows
from .untrusted import Total, file_problem, offline, read_file

REGISTRY_DIR = Path(__file__).resolve().parent  # registry.toml, as shipped with the package
SKIP_FRICTIONLESS = frozenset({"hash-count", "byte-count", "scheme-error"})  # reported by the file checks


def validate_package(descriptor: Path | str | None = None) -> list[Problem]:
    """Every problem found in the data package at ``descriptor`` (a ``datapackage.json`` or its
    folder; the bundled release when None). An empty list means valid.

    The package is read as untrusted (:mod:`stalking_flanders.untrusted`): a package whose
    descriptor or files could lead a reader elsewhere, or past the bounds, is reported as such and
    read no further. :class:`~stalking_flanders.untrusted.NotFound` where nothing is at ``descriptor``.
    The check runs within the limits (:mod:`stalking_flanders.limits`).
    """
    with bounded("validate_package"):
        return _problems(descriptor_file(descriptor))


def _problems(path: Path) -> list[Problem]:
    try:
        package = DataPackage(path)
    except DataError as error:
        return error.problems
    problems = _files(package) + _sources_named(package) + _tables_of_this_package(package)
    if problems:
        return problems  # nothing unsafe goes further: Frictionless never sees this package
    problems += release_problems(package.descriptor, str(path), _bundled())
    problems += _sums(package)
    names = package.tables()
    contents = {name: read_file(package.path(package.resource(name)), root=package.root) for name in names}
    others = {  # CSV files that are not tables of this package: Frictionless reads them
        str(package.path(r)): read_file(package.path(r), root=package.root)
        for r in package.descriptor["resources"]
        if r["format"] == REFERENCE.name and r["name"] not in names
    }
    if past := csv.cells_past_the_cap({**contents, **others}, str(path)):
        return problems + [past]  # every reader of the tables costs a few microseconds a value
    tables, table_problems = csv.read_all(
        {n: package.path(package.resource(n)) for n in names}, {n: package.schema(n) for n in names}, contents
    )
    table_problems += [problem for file, data in others.items() for problem in csv.cap_problems(data, file)]
    if not any(p.code == "csv-unreadable" for p in table_problems):  # past a cap: Frictionless knows none
        with offline():
            problems += _frictionless(package)
    problems += table_problems
    if table_problems or len(tables) < len(names):
        return problems
    problems += _contents(package, tables)
    problems += _other_formats(package, tables)
    problems += _unchecked(package, tables)
    return problems


def _unchecked(package: DataPackage, tables: dict) -> list[Problem]:
    """A file of another format than the reference's that no table of the package stands for (a
    Parquet file of another name, a second workbook): nothing would hold its values to the CSV
    files', so it is refused rather than passed unread."""
    held = {id(r) for name in tables for f in FORMATS if not f.reference and (r := _resource_of(package, f, name)) is not None}
    others = {f.name for f in FORMATS if not f.reference}
    return [
        Problem(
            Code.DESCRIPTOR_SHAPE,
            str(package.descriptor_path),
            f"a {resource['format']} file that stands for no table of the package: nothing checks its values",
            column=f"resources[{i}].name",
            found=resource["name"],
            expected="the resource of a table of the package in that format, named as the release names it",
        )
        for i, resource in enumerate(package.descriptor["resources"])
        if resource.get("format") in others and id(resource) not in held
    ]


def _frictionless(package: DataPackage) -> list[Problem]:
    """What Frictionless finds, run on a staged copy: the descriptor as this package parsed it and
    the bytes of each file as the checks read them, in a private folder of its own. Frictionless
    never parses the descriptor again from the user's file or opens a path of the user's folder
    (a second parser might read another file than the one checked); its problems name the user's files.

    Frictionless checks the reference format's tables (CSV) and the files no format reads (the
    archived text). The other formats' files (Parquet, the workbook) are read only by this
    package's own bounded readers, which hold them to the CSV rows value for value
    (:func:`_other_formats`): Frictionless' readers of those formats know no bounds.

    A CSV table is staged with the dialect this package reads it by (:func:`_as_checked`). The
    foreign keys are left out of the staged descriptor: to check them Frictionless reads every
    row of the table a key refers to and makes an object of each bad cell in it, with no cap (its
    count of errors stops only the rest of its check); :func:`~stalking_flanders.checks.check_tables`
    checks them.

    A copy whose staged descriptor and files are those of the last one checked (by sha256) is not
    handed to Frictionless again: its problems are the last one's, naming its own files."""
    checked = [_as_checked(r) for r in package.descriptor["resources"] if r["format"] in LISTED]
    checked = [r for r in checked if not _held_to_the_reference(r)]
    staged = {r["path"]: read_file(package.path(r), root=package.root) for r in checked}
    descriptor = json.dumps({**package.descriptor, "resources": checked})
    key = sha256_bytes(json.dumps([descriptor, _errors_each(checked), {p: sha256_bytes(d) for p, d in staged.items()}]).encode())
    root, found = _LAST_STAGED.get(key) or _staged_and_checked(descriptor, staged, _errors_each(checked))
    _LAST_STAGED.clear()
    _LAST_STAGED[key] = (root, found)
    given = str(package.descriptor_path.parent)
    return [replace(p, file=given + p.file[len(root) :] if p.file.startswith(root) else p.file) for p in found]


# The last staged copy's problems, by the sha256 of all it staged (one entry: a bounded size), with
# the folder they name: copies of one package are checked again and again, as a test suite does.
_LAST_STAGED: dict[str, tuple[str, list[Problem]]] = {}


def _staged_and_checked(descriptor: str, staged: dict[str, bytes], errors_each: int) -> tuple[str, list[Problem]]:
    """What Frictionless finds in a private folder holding ``descriptor`` and the ``staged`` files
    (by path), and that folder's name, which the problems' files start with."""
    with temporary_folder("stalking-flanders-") as tmp:  # removed even where the watchdog ends the run
        (Path(tmp) / DESCRIPTOR_NAME).write_text(descriptor, encoding="utf-8")
        for path, data in staged.items():
            target = Path(tmp) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return tmp, frictionless_problems(Path(tmp) / DESCRIPTOR_NAME, SKIP_FRICTIONLESS, errors_each)


def _errors_each(checked: list[dict]) -> int:
    """How many errors Frictionless may report of each resource: a thousand shared among them (at
    least ten each). Frictionless makes an object of each, whose message quotes the check the cell
    fails; a thousand of each of 88 tables took a check to 370 MB. This package's own checks of the
    same constraints keep a thousand problems of each kind in a file and count the rest."""
    return max(10, MAX_PROBLEMS_KEPT // max(1, len(checked)))


def _as_checked(resource: dict) -> dict:
    """``resource`` as Frictionless is handed it: without foreign keys, and as its format pins how
    its files are read (:meth:`~stalking_flanders.formats.base.Format.as_checked`)."""
    if (fmt := BY_NAME.get(resource.get("format"))) is not None:
        resource = fmt.as_checked(resource)
    if "schema" not in resource or "foreignKeys" not in resource["schema"]:
        return resource
    return {**resource, "schema": {k: v for k, v in resource["schema"].items() if k != "foreignKeys"}}


def _held_to_the_reference(resource: dict) -> bool:
    """A file of a format that :func:`_other_formats` checks against the reference format's rows."""
    fmt = BY_NAME.get(resource.get("format"))
    return fmt in FORMATS and not fmt.reference


def _tables_of_this_package(package: DataPackage) -> list[Problem]:
    """The package holds the tables of the release bundled with this package (but those added after
    its version, :data:`~.model.TABLES_ADDED_IN`), laid out as they are (every check of the figures
    reads them by name and type); a later version may hold more (:meth:`DataPackage.layout_problems`)."""
    try:
        reference = bundled()
    except (OSError, DataError):
        return []
    return package.layout_problems(reference)


def _sums(package: DataPackage) -> list[Problem]:
    """Every file of the release folder is listed in its SHA256SUMS with its sha256, and the list is
    the one of the published release the copy claims to be: the bundled release's for this
    package's own version, the recorded sha256 for an earlier one. A release published before lists
    existed (1.0.0, 1.0.1) may lack one."""
    folder = package.root / folder_of(package.descriptor)
    version, file = package.descriptor.get("version"), str(folder / sums.NAME)
    bundled, recorded = _bundled(), history().get(version)
    mine = bundled is not None and version == bundled.get("version")
    theirs = (BUNDLED / sums.NAME) if mine and (BUNDLED / sums.NAME).is_file() else None
    # the list as published (recorded), or the bundled one's (a build of this version not yet cut)
    published, built = recorded.sums_sha256 if recorded else None, theirs and sha256_bytes(read_file(theirs))
    expected = list(dict.fromkeys(digest for digest in (published, built) if digest))
    problems = sums.check(folder)
    if not expected:  # a release that predates the lists, or one this package does not know
        return [p for p in problems if p.code != "sums-missing"]
    if not problems and sha256_bytes(read_file(folder / sums.NAME, root=folder)) not in expected:
        problems.append(
            Problem(
                "release-differs",
                file,
                f"differs from the {sums.NAME} of version {version} {_as_what(published, built)}",
                expected=" or ".join(f"sha256 {digest}" for digest in expected),
            )
        )
    return problems


def _as_published(package: DataPackage) -> bool:
    """Whether ``package`` is the release of its version as recorded when it was cut, byte for byte
    (its SHA256SUMS the recorded one, and every file as that list says), where this installed
    package builds that version otherwise (main changed its words since): it is then held to that
    list (:func:`_sums`), not to this build's words. Where this build is the release as recorded (a
    release being cut, or main just after it), a copy is held to it as any other."""
    recorded = history().get(package.descriptor.get("version"))
    folder = package.root / folder_of(package.descriptor)
    if recorded is None or recorded.sums_sha256 is None:
        return False
    try:
        if sha256_bytes(read_file(BUNDLED / sums.NAME)) == recorded.sums_sha256:
            return False
        return sha256_bytes(read_file(folder / sums.NAME, root=folder)) == recorded.sums_sha256 and not sums.check(folder)
    except OSError:  # none, a link, too large: not as published (:func:`_sums` says why)
        return False


def _as_what(published: str | None, built: str | None) -> str:
    """What a copy of the current version was compared with, as :func:`releases.as_what` says it."""
    return as_what(published is not None, built is not None and built != published)


def _bundled() -> dict | None:
    try:
        return bundled().descriptor
    except (OSError, DataError):
        return None


def _file(package: DataPackage, resource: dict) -> str:
    return str(package.root / resource["path"])


def _sources_named(package: DataPackage) -> list[Problem]:
    """Each source with a path names an archived answer of the package (a resource of the text
    format), which the checks read: a source's path to a file beside the package, to a page
    elsewhere, or to one of the tables would send a reader to another text than the answer the
    checks have read."""
    paths = {resource["path"] for resource in package.descriptor["resources"] if resource.get("format") == TEXT.name}
    return [
        Problem(
            Code.FILE_MISSING,
            str(package.descriptor_path),
            "a source names no archived answer of the package: nothing checks the text its path leads to",
            column=f"sources[{i}].path",
            found=source["path"],
            expected="the path of one of the package's archived answers (a resource of format txt)",
        )
        for i, source in enumerate(package.descriptor.get("sources", []))
        if "path" in source and source["path"] not in paths
    ]


def _files(package: DataPackage) -> list[Problem]:
    """Every file is of a format this package reads, inside the folder, reached through no link, a
    regular file within the bounds, and (where its format records them) of the size and sha256 the
    descriptor states."""
    problems, total = [], Total(str(package.descriptor_path))
    for resource in package.descriptor["resources"]:
        file = _file(package, resource)
        # no reader of ours, or (JSON) one of Frictionless' that knows no bounds: refused unread
        if resource["format"] not in LISTED:
            problems.append(
                Problem(
                    "descriptor-shape",
                    str(package.descriptor_path),
                    f"the resource {resource['name']} is of a format this package does not read",
                    column="format",
                    found=resource["format"],
                    expected=", ".join(LISTED),
                )
            )
            continue
        try:
            package.path(resource)
        except IntegrityError:
            where = str(package.descriptor_path)
            problems.append(
                Problem(
                    "path-outside",
                    where,
                    "the path leads outside the package",
                    column="path",
                    found=resource["path"],
                    expected="a path inside the package",
                )
            )
            continue
        problem, size = file_problem(package.root, resource["path"])
        problems += filter(None, [total.add(size)])
        if problem:
            code, message = problem
            problems.append(Problem(code, file, message, expected=f"the file of resource {resource['name']!r}"))
            continue
        problems += _recorded_facts(package, resource, package.path(resource))
    return problems


def _recorded_facts(package: DataPackage, resource: dict, path: Path) -> list[Problem]:
    """The file's sha256 and size equal the descriptor's: both where its format records them, and
    each one the descriptor gives for a file of another format (a portal states it)."""
    fmt = BY_NAME.get(resource.get("format", ""))
    recorded = fmt is None or fmt.hashed
    if not (recorded or "hash" in resource or "bytes" in resource):
        return []
    file = _file(package, resource)
    try:
        actual = facts(read_file(path, root=package.root))
    except OSError as error:  # a folder on the way that can be searched but not opened (its mode), say
        return [Problem("file-unsafe", file, f"cannot be read ({error.strerror or error})", expected="a file that can be read")]
    problems = []
    if (recorded or "hash" in resource) and actual["hash"] != resource.get("hash"):
        problems.append(
            Problem(
                "file-hash",
                file,
                "the file's sha256 differs from the descriptor",
                found=actual["hash"],
                expected=str(resource.get("hash")),
            )
        )
    if (recorded or "bytes" in resource) and actual["bytes"] != resource.get("bytes"):
        problems.append(
            Problem(
                "file-size",
                file,
                "the file's size differs from the descriptor",
                found=actual["bytes"],
                expected=f"{resource.get('bytes')} bytes",
            )
        )
    return problems


def _archived_texts(package: DataPackage, source_questions, file: str) -> tuple[dict, list[Problem]]:
    """The archived text of each source question, if it is a file of the package whose hash is
    the one registered with this package."""

    def in_the_package(source, row, line: int) -> tuple[bytes, str] | Problem:
        resource = _text_resource(package, row.archived_text)
        if resource is None or not package.path(resource).is_file():
            return Problem(
                "file-missing",
                file,
                "the archived text is not a file of the package",
                line,
                "archived_text",
                found=row.archived_text,
                expected="the path of a text resource",
            )
        return read_file(package.path(resource), root=package.root), _file(package, resource)

    return registered_texts(load_registry(REGISTRY_DIR), source_questions, file, in_the_package)


def _text_resource(package: DataPackage, archived_text: str) -> dict | None:
    """The resource of an archived text. ``archived_text`` is its path in the release folder; a
    descriptor elsewhere (the repository's root descriptor) puts the release folder before it."""
    for resource in package.descriptor["resources"]:
        if in_release(package.descriptor, resource["path"]) == archived_text:
            return resource
    return None


def _contents(package: DataPackage, tables: dict) -> list[Problem]:
    schemas = {name: package.schema(name) for name in package.tables()}
    files = {name: _file(package, package.resource(name)) for name in schemas}
    texts, problems = _archived_texts(package, tables["source_questions"], files["source_questions"])
    return problems or check_tables(tables, schemas, texts, files)


def _other_formats(package: DataPackage, tables: dict, formats=FORMATS) -> list[Problem]:
    """Every other format's file (of ``formats``) holds the rows of each table's CSV file, value for
    value. A file that holds every table (the workbook) is opened once for all of them; a file per
    table is opened and closed in turn."""
    problems = []
    with ExitStack() as whole:
        shared = {}  # (format, resource name) -> the reader of a file of every table, or why it cannot be read
        for name, table in tables.items():
            schema, reference = package.schema(name), package.resource(name)["path"]  # the table's reference file
            expected = python_rows(table, schema)
            for fmt in [f for f in formats if not f.reference]:
                resource = _resource_of(package, fmt, name)
                if resource is None or not _readable(package, resource):
                    continue
                if fmt.per_table:  # its schema is the table's: its readers go by it as by the table's
                    problems += _same_schema(resource, package.resource(name), _file(package, resource), reference)
                with ExitStack() as one:
                    if fmt.per_table:
                        read = _open(one, fmt, package, resource)
                    else:
                        key = (fmt.name, resource["name"])
                        if key not in shared:
                            shared[key] = _open(whole, fmt, package, resource)
                        read = shared[key]
                    problems += _same_rows(read, _file(package, resource), fmt, expected, schema, name, reference)
        problems += _beside_tables(package, shared, tables)
    return problems


def _beside_tables(package: DataPackage, shared: dict, tables: dict) -> list[Problem]:
    """What each file of every table (the workbook) holds beside the tables, held to the tables. A
    release as this package records it is not: its wording was that of its day, and its files are
    held to the SHA256SUMS recorded when it was cut (:func:`_sums`). So an earlier release, and a
    copy of this package's own version as published where this package's build of it says
    otherwise (code changed on main since the release, installed from git)."""
    version, mine = package.descriptor.get("version"), (_bundled() or {}).get("version")
    if version in history() and (version != mine or _as_published(package)):
        return []
    problems = []
    for (name, resource_name), read in shared.items():
        if isinstance(read, Exception):  # reported for each table it should hold
            continue
        file, fmt = _file(package, next(r for r in package.descriptor["resources"] if r["name"] == resource_name)), BY_NAME[name]
        try:
            problems += [Problem("format-differs", file, said) for said in fmt.beside_tables(read, package, tables)]
        except MemoryError:  # the bound on memory, not the file
            raise
        except Exception as error:  # noqa: BLE001 - any unreadable file is a problem to report
            problems.append(_unreadable(file, fmt, error))
    return problems


def _unreadable(file: str, fmt, error: Exception) -> Problem:
    return Problem("format-unreadable", file, f"cannot be read as {fmt.label} ({error})", expected=f"a {fmt.label} file")


def _same_schema(resource: dict, table: dict, file: str, reference: str) -> list[Problem]:
    """The fields, primary key and missing values of a file of another format are those of the
    table's CSV file, as its readers (Frictionless among them) read it by them; its foreign keys
    may name the resources of its own format."""
    ours, theirs = resource.get("schema", {}), table["schema"]
    defaults = {"missingValues": [""]}  # Table Schema's, where none is given
    return [
        Problem(
            "format-differs",
            file,
            f"its schema's {key} differs from that of {reference}",
            column=key,
            expected=f"the {key} of {reference}",
        )
        for key in ("fields", "primaryKey", "missingValues")
        if ours.get(key, defaults.get(key)) != theirs.get(key, defaults.get(key))
    ]


def _open(stack: ExitStack, fmt, package: DataPackage, resource: dict):
    """A reader of the tables in the file of ``resource`` (closed with ``stack``), or the error that
    stopped it (reported for each table the file should hold)."""
    try:
        return stack.enter_context(fmt.opened(read_file(package.path(resource), root=package.root)))
    except MemoryError:  # the bound on memory, not the file: reported as such (exit 1), not as unreadable
        raise
    except Exception as error:  # noqa: BLE001 - any unreadable file is a problem to report
        return error


def _resource_of(package: DataPackage, fmt, table: str) -> dict | None:
    if not fmt.per_table:
        return next((r for r in package.descriptor["resources"] if r.get("format") == fmt.name), None)
    return package.resources.get(fmt.resource_name(table))


def _readable(package: DataPackage, resource: dict) -> bool:
    try:
        return package.path(resource).is_file()
    except IntegrityError:
        return False


def _read_rows(read, name: str, schema: Schema, limit: int) -> list[dict] | Exception:
    """The rows ``read`` (an opened file's reader, or why it could not be opened) gives for table
    ``name``, or the error that stopped it."""
    if isinstance(read, Exception):
        return read
    try:
        return read(name, schema, limit)
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - any unreadable file is a problem to report
        return error


def _same_rows(read, file: str, fmt, expected: list[dict], schema: Schema, name: str, reference: str) -> list[Problem]:
    """The rows of table ``name`` in a file of format ``fmt`` are ``expected`` (the reference file's,
    as Python values), value for value: a thousand differing values listed, the rest counted."""
    rows = _read_rows(read, name, schema, len(expected) + 1)  # one more: an extra row shows
    if isinstance(rows, ShownOtherwise):  # it reads, but shows a reader another value
        return [Problem("format-differs", file, str(rows), expected=f"what {reference} holds, shown as it is")]
    if isinstance(rows, Exception):
        return [_unreadable(file, fmt, rows)]
    if len(rows) != len(expected):
        fewer = len(rows) < len(expected)
        return [
            Problem(
                "format-differs",
                file,
                f"holds {'fewer' if fewer else 'more'} rows than {reference}",
                found=len(rows) if fewer else None,  # past one more row, none is read
                expected=f"{len(expected)} rows",
            )
        ]
    kept, extra = Kept(file), set()
    for index, (got, want) in enumerate(zip(rows, expected)):
        extra.update(str(k) for k, v in got.items() if k not in want and (k is not None or v is not None))
        for column in want:
            if not same_value(got.get(column), want[column]) and kept.keep("format-differs"):
                message, found = f"row {index + 1} differs from line {csv_line(index)} of {reference}", got.get(column)
                message += " (it holds no value there)" if found is None else ""  # a problem shows no found None
                kept.add(Problem("format-differs", file, message, None, column, found=found, expected=repr(want[column])))
    for column in sorted(extra)[:MAX_PROBLEMS_KEPT]:  # a column the table does not have, shown beside its values
        message = f"holds a column of table {name} that {reference} does not"
        kept.add(Problem("format-differs", file, message, None, column, expected=f"the columns of {reference}"))
    return kept.problems()
