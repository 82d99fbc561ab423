"""A package handed to ``validate``, ``diff`` or ``dcat`` may come from anywhere: this module checks
it before anything else reads it, and reads its files within bounds.

- Nothing outside the package's folder is opened: a resource path must be relative, inside the
  folder, with no symbolic link on the way, and name a regular file (not a device, a FIFO or a
  folder).
- Nothing is fetched: a path, schema, dialect or profile given as a URL or as a reference to
  another file is refused before Frictionless sees the package; Frictionless itself runs with an
  HTTP session that refuses every request.
- Nothing runs unbounded: the descriptor may hold at most ``MAX_DESCRIPTOR_BYTES`` (JSON nested
  more than ``MAX_JSON_DEPTH`` levels deep is refused), each file at most ``MAX_FILE_BYTES``, all files
  together ``MAX_TOTAL_BYTES``.
- Nothing the package says is printed raw: :func:`printable` escapes control characters and cuts
  long values.
"""

from __future__ import annotations

import json
import os
import re
import stat
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from .problems import Code, PackageError, Problem, printable, refuse
from .process_wide import ProcessWide

DESCRIPTOR_NAME = "datapackage.json"  # a package's descriptor, at the top of its folder

MAX_DESCRIPTOR_BYTES = 2 * 1024 * 1024
MAX_FILE_BYTES = 4 * 1024 * 1024  # a release stays within a tenth of each cap (tests/test_caps.py)
MAX_TOTAL_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # what a workbook's ZIP or a Parquet file may unpack to
MAX_ROWS = 100_000  # the most rows a table may have in any format
MAX_COLUMNS = 64  # the most columns a table may have
# the values of all tables together (a release's: under 700): a workbook's sheets hold no more
# (formats/workbook_limits.py, MAX_GRID), and each costs every reader a few microseconds: seven
# tables of 2 million values within every other cap took validate 93 s
MAX_CELLS = 1_000_000
MAX_LINE_CHARS = 64 * 1024  # the longest line of a CSV file
MAX_JSON_DEPTH = 32  # the deepest a descriptor's objects and lists may nest (a release's: 8)
MAX_PROBLEMS_PER_CODE = 20  # how many problems of one kind are listed; the rest are counted
V2_PROFILES = "https://datapackage.org/profiles/2.0/"
# The only profiles a descriptor may name, by where they stand and key: those Frictionless has built
# in for that place. Elsewhere it takes a profile for a path or a URL: a package whose "profile" is
# "data-resource" had it open a file of that name in the working folder, or fetch the v2 URL.
PROFILES = {
    "package": {"$schema": {V2_PROFILES + "datapackage.json"}, "profile": {"data-package", "tabular-data-package"}},
    "resource": {"$schema": {V2_PROFILES + "dataresource.json"}, "profile": {"data-resource", "tabular-data-resource"}},
    "schema": {"$schema": {V2_PROFILES + "tableschema.json"}},
    "dialect": {"$schema": {V2_PROFILES + "tabledialect.json"}},
}
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Frictionless reads a resource's path as a URL: ``urllib.parse`` ends the path at "?", "#" and
# ";", drops tabs and line breaks and strips leading control characters. A path holding one names
# another file for Frictionless than for this package's readers ("bomb.bz2?x" is a bzip2 file to
# it, "c\tsv:categories.csv" a URL of scheme "csv" whose check it skips): it is refused, as are
# white space and control characters anywhere, "%" (an escape to URL readers, though the pinned
# Frictionless does not unescape a path), and a leading "~" or a "$", which Frictionless would
# expand as a home folder or a variable and refuses as unsafe.
URL_SPECIAL = re.compile(r"^~|[?#;%$\s\x00-\x1f\x7f-\x9f]")


class NotFound(PackageError, FileNotFoundError):
    """What the user named is not there."""


def read_descriptor(path: Path) -> dict:
    """The descriptor at ``path`` (a ``datapackage.json``), parsed within bounds.

    :class:`NotFound` where there is no such file; :class:`DataError` where it is not a regular
    file, too large, not JSON (a key twice in one object included: parsers keep different ones),
    nested too deeply or not a JSON object.
    """
    name = str(path)
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError, ValueError):  # nothing there, a file where a folder should be, a NUL
        raise NotFound(f"no such file: {printable(path)}") from None
    except OSError as error:  # a name too long, a loop of links on the way, ...
        message = f"cannot be read ({error.strerror or error})"
        raise refuse(Code.DESCRIPTOR_SHAPE, name, message, expected="a datapackage.json file") from None
    if not stat.S_ISREG(info.st_mode):
        raise refuse(
            Code.DESCRIPTOR_SHAPE, name, "not a regular file (a folder, a link or a device)", expected="a datapackage.json file"
        )
    if info.st_size > MAX_DESCRIPTOR_BYTES:
        raise refuse(
            Code.DESCRIPTOR_SHAPE,
            name,
            "the descriptor is too large",
            found=f"{info.st_size} bytes",
            expected=f"at most {MAX_DESCRIPTOR_BYTES} bytes",
        )
    try:
        data = read_file(path, MAX_DESCRIPTOR_BYTES)
    except OSError as error:  # not ours to read (its mode), or swapped since it was looked at
        message = f"cannot be read ({error.strerror or error})"
        raise refuse(Code.DESCRIPTOR_SHAPE, name, message, expected="a datapackage.json file") from None
    try:
        text = data.decode("utf-8")
        descriptor = json.loads(text, object_pairs_hook=_unique_keys)
    except RecursionError:  # deeper than Python's parser goes: where is not known
        raise refuse(Code.DESCRIPTOR_JSON, name, NESTED, expected=DEPTH_EXPECTED) from None
    except ValueError as error:  # not JSON, not UTF-8, a key twice, a number too long to convert
        message = printable(getattr(error, "msg", None) or str(error) or type(error).__name__)
        column = f"character {error.colno}" if hasattr(error, "colno") else None
        raise refuse(
            Code.DESCRIPTOR_JSON,
            name,
            f"the descriptor is not JSON this package reads ({message})",
            getattr(error, "lineno", None),
            column,
            expected="a Data Package descriptor in JSON",
        ) from None
    if not isinstance(descriptor, dict):
        raise refuse(
            Code.DESCRIPTOR_SHAPE,
            name,
            "the descriptor is not a JSON object",
            found=type(descriptor).__name__,
            expected="an object with resources",
        )
    _plain_json(descriptor, name, texts=SURROGATE_ESCAPE.search(text) is not None)
    return descriptor


SURROGATE = re.compile("[\ud800-\udfff]")  # what JSON's \ud800 written alone gives: no Unicode text
# How JSON writes a surrogate (in either case), the only way one reaches a text read from UTF-8: a
# JSON text without it holds no text to look into (an escaped backslash before "ud800" matches too)
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
NESTED, DEPTH_EXPECTED = "the JSON nests too deeply", f"at most {MAX_JSON_DEPTH} levels of objects and lists"


def _plain_json(descriptor: dict, name: str, texts: bool = True) -> None:
    """Refuse a descriptor whose objects and lists nest deeper than ``MAX_JSON_DEPTH``, or with a
    key or text that is not Unicode text (a lone surrogate): nothing read later, in keys the gate
    types or not, meets either. The problem names the key path where it stands. The walk keeps no
    stack of its own calls. With ``texts`` False (its JSON text writes no surrogate:
    ``SURROGATE_ESCAPE``) it looks into no key or text, only at the nesting."""
    pending: list[tuple[object, int, tuple | None]] = [(descriptor, 1, None)]  # value, depth, (parent's, key or index)
    while pending:
        value, depth, where = pending.pop()
        if isinstance(value, str):
            if SURROGATE.search(value):
                message = "a text holds a lone surrogate (\\ud800 to \\udfff)"
                raise refuse(Code.DESCRIPTOR_JSON, name, message, column=_key_path(where), expected="Unicode text")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise refuse(Code.DESCRIPTOR_JSON, name, NESTED, column=_key_path(where), expected=DEPTH_EXPECTED)
        if isinstance(value, dict):
            if texts:
                pending.extend((key, depth + 1, (where, key)) for key in value)  # a key is a text too
            pending.extend((child, depth + 1, (where, key)) for key, child in value.items() if texts or _nests(child))
        else:
            pending.extend((child, depth + 1, (where, i)) for i, child in enumerate(value) if texts or _nests(child))


def _nests(value) -> bool:
    return isinstance(value, dict | list)


def _key_path(where: tuple | None) -> str | None:
    """The key path ``where`` leads to (``licenses[0].title``), or None at the top.

    >>> _key_path((((None, "licenses"), 0), "title"))
    'licenses[0].title'
    """
    steps = []
    while where is not None:
        where, step = where
        steps.append(f"[{step}]" if isinstance(step, int) else f".{step}")
    return "".join(reversed(steps)).removeprefix(".") or None


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object whose keys are all different (ValueError otherwise)."""
    found = dict(pairs)
    if len(found) != len(pairs):  # the first key met again (in linear time: an object may hold 100,000 keys)
        seen = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise ValueError(f"the key {printable(repr(twice))} stands twice in one object")
    return found


def shape_problems(descriptor: dict, name: str) -> list[Problem]:
    """Everything in ``descriptor`` that this package cannot read safely: the wrong types, and
    any path, schema, dialect or profile that would make a reader fetch or open something else."""
    problems = []

    def bad(where: str, message: str, found=None, expected: str | None = None):
        problems.append(Problem("descriptor-shape", name, message, column=where, found=found, expected=expected))

    for key in ("$schema", "profile"):
        if key in descriptor and not _known_profile(descriptor[key], "package", key):
            bad(
                key,
                "names a profile this package does not know (it is never fetched)",
                printable(descriptor[key]),
                _profiles_named("package", key),
            )
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        bad("resources", "there is no list of resources", printable(type(resources).__name__), "a list of objects")
        return problems
    for index, resource in enumerate(resources):
        where = f"resources[{index}]"
        if not isinstance(resource, dict):
            bad(where, "a resource is not an object", printable(type(resource).__name__), "an object")
            continue
        if not isinstance(resource.get("name"), str):
            bad(f"{where}.name", "a resource has no name", printable(resource.get("name")), "a string")
        problem = path_problem(resource.get("path"))
        if problem:
            bad(f"{where}.path", problem, printable(resource.get("path")), "a relative path inside the package folder")
        for key in ("schema", "dialect"):
            if key in resource and not isinstance(resource[key], dict):
                bad(
                    f"{where}.{key}",
                    f"the {key} is a reference to elsewhere (it is never fetched)",
                    printable(resource[key]),
                    "an object in the descriptor",
                )
        for key in ("$schema", "profile"):
            if key in resource and not _known_profile(resource[key], "resource", key):
                bad(
                    f"{where}.{key}",
                    "names a profile this package does not know",
                    printable(resource[key]),
                    _profiles_named("resource", key),
                )
        dialect = resource.get("dialect")
        if isinstance(dialect, dict) and "$schema" in dialect and not _known_profile(dialect["$schema"], "dialect"):
            bad(
                f"{where}.dialect.$schema",
                "the dialect names a profile this package does not know",
                printable(resource["dialect"]["$schema"]),
                _profiles_named("dialect"),
            )
        if isinstance(resource.get("schema"), dict):
            problems += _schema_problems(resource["schema"], where, name)
    return problems


def _schema_problems(schema: dict, where: str, name: str) -> list[Problem]:
    problems = []
    if "$schema" in schema and not _known_profile(schema["$schema"], "schema"):
        problems.append(
            Problem(
                "descriptor-shape",
                name,
                "the schema names a profile this package does not know",
                column=f"{where}.schema.$schema",
                found=printable(schema["$schema"]),
                expected=_profiles_named("schema"),
            )
        )
    fields = schema.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields):
        problems.append(
            Problem(
                "descriptor-shape",
                name,
                "the schema has no list of named fields",
                column=f"{where}.schema.fields",
                expected="a list of objects with names",
            )
        )
    keys = schema.get("foreignKeys", [])
    for i, key in enumerate(keys if isinstance(keys, list) else [None]):
        reference = key.get("reference") if isinstance(key, dict) else None
        if not isinstance(reference, dict) or not isinstance(reference.get("resource", ""), str) or "package" in reference:
            problems.append(
                Problem(
                    "descriptor-shape",
                    name,
                    "a foreign key refers outside this package or is malformed",
                    column=f"{where}.schema.foreignKeys[{i}]",
                    expected="a resource of this package",
                )
            )
    return problems


def _known_profile(value, where: str, key: str = "$schema") -> bool:
    """Whether ``value`` of ``key`` names a profile Frictionless has built in for ``where`` (a
    package, resource, schema or dialect)."""
    return isinstance(value, str) and value in PROFILES[where][key]


def _profiles_named(where: str, key: str = "$schema") -> str:
    return " or ".join(sorted(PROFILES[where][key]))


def path_problem(path) -> str | None:
    """What is wrong with a resource's path as this package reads it, or None.

    >>> [path_problem(p) for p in ("a.csv", "sources/a.txt", "../a.csv", "/etc/passwd", "http://x/a.csv", ["a", "b"])]
    [None, None, 'leads outside the package folder', 'is absolute', 'is a URL (it is never fetched)', 'is not one path']
    >>> path_problem("datapackage.json"), path_problem("datapackage.json/notes.txt")
    ("is the descriptor's own name (datapackage.json)", "is the descriptor's own name (datapackage.json)")
    >>> path_problem("."), path_problem("./")
    ('names the package folder itself, not a file', 'names the package folder itself, not a file')
    >>> path_problem("bomb.bz2?x") == path_problem("c\tsv:categories.csv") == path_problem("a.csv#")
    True
    >>> path_problem("a.csv#") == path_problem("~a.csv") == path_problem("a$HOME.csv") != None
    True
    """
    if not isinstance(path, str) or not path:
        return "is not one path"
    if SCHEME.match(path) or path.startswith("//"):
        return "is a URL (it is never fetched)"
    if path.startswith("/") or "\\" in path or "\x00" in path:
        return "is absolute"
    if URL_SPECIAL.search(path):
        return (
            "holds a character a URL reader ends, drops or expands the path at "
            "(?, #, ;, %, $, a leading ~, white space or a control character)"
        )
    if ".." in PurePosixPath(path).parts or "../" in path:  # "x../a.csv" Frictionless refuses as unsafe
        return "leads outside the package folder"
    if not PurePosixPath(path).parts:  # "." or "./"
        return "names the package folder itself, not a file"
    if PurePosixPath(path).parts[:1] == (DESCRIPTOR_NAME,):  # a checker reading the folder would take it for the descriptor
        return f"is the descriptor's own name ({DESCRIPTOR_NAME})"
    return None


def file_problem(root: Path, relative: str) -> tuple[tuple[Code, str] | None, int]:
    """What keeps the file at ``relative`` below ``root`` from being read (a missing file, a link
    on the way, not a regular file, too large) as its code and message, or None; and its size."""
    current = Path(root)
    parts = PurePosixPath(relative).parts
    if not parts:
        return (Code.FILE_UNSAFE, "the path names the package folder itself, not a file"), 0
    for i, part in enumerate(parts):
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return (Code.FILE_MISSING, "the file is missing"), 0
        except OSError as error:  # a name too long, a file where a folder should be, ...
            return (Code.FILE_UNSAFE, f"the path cannot be followed ({error.strerror or error})"), 0
        if stat.S_ISLNK(info.st_mode):
            return (Code.FILE_UNSAFE, "a symbolic link is on the way (links are never followed)"), 0
        if i < len(parts) - 1 and not stat.S_ISDIR(info.st_mode):
            return (Code.FILE_UNSAFE, "a part of the path is not a folder"), 0
    if not stat.S_ISREG(info.st_mode):
        return (Code.FILE_UNSAFE, "not a regular file (a folder, a device or a FIFO)"), 0
    if info.st_size > MAX_FILE_BYTES:
        return (Code.FILE_UNSAFE, f"the file is too large ({info.st_size} bytes; at most {MAX_FILE_BYTES})"), info.st_size
    try:  # opening a regular file reads nothing and starts nothing: whether we may read it at all
        os.close(os.open(current, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC))
    except OSError as error:
        return (Code.FILE_UNSAFE, f"the file cannot be read ({error.strerror or error})"), info.st_size
    return None, info.st_size


_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def read_file(path: Path, limit: int = MAX_FILE_BYTES, root: Path | None = None) -> bytes:
    """The bytes of the regular file at ``path``, never through a link, at most ``limit`` of them
    (:class:`OSError` otherwise). With ``root`` (a package's folder, which ``path`` lies in), each
    folder on the way from ``root`` is opened in turn, none through a link: a folder swapped for a
    link after the path was checked cannot lead the read out of the package.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     (Path(tmp) / "sub").symlink_to("/etc")
    ...     read_file(Path(tmp) / "sub" / "hostname", root=Path(tmp))
    Traceback (most recent call last):
    ...
    NotADirectoryError: [Errno 20] Not a directory: 'sub'
    """
    fd = (
        _open_below(Path(root), Path(path))
        if root is not None
        else os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC)
    )
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"{path} holds more than {limit} bytes")
    return data


def _open_below(root: Path, path: Path) -> int:
    """A descriptor of the file at ``path`` opened from ``root`` one part at a time (``openat``),
    no part through a link."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        raise OSError(f"{path} does not lie in {root}") from None
    if not parts or ".." in parts:
        raise OSError(f"{path} is not a file below {root}")
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
    try:
        for part in parts[:-1]:
            below = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC, dir_fd=folder)
            os.close(folder)
            folder = below
        return os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC, dir_fd=folder)
    finally:
        os.close(folder)


class Total:
    """The bytes of a package's files counted so far, held to ``limit`` together (``MAX_TOTAL_BYTES``):
    a file that many resources name, or that many names link to, counts each time it is read.

    >>> total = Total("datapackage.json", limit=10)
    >>> total.add(6) is None
    True
    >>> total.add(6).message, total.add(6) is None
    ('the files are too large together', True)
    """

    def __init__(self, where: str, what: str = "the files", limit: int = MAX_TOTAL_BYTES) -> None:
        self.where, self.what, self.limit, self.bytes = where, what, limit, 0

    def add(self, size: int) -> Problem | None:
        """Count ``size`` more bytes: the problem the first time the count passes the limit."""
        before, self.bytes = self.bytes, self.bytes + size
        if before <= self.limit < self.bytes:
            return Problem(
                Code.FILE_UNSAFE,
                self.where,
                f"{self.what} are too large together",
                found=f"{self.bytes} bytes so far",
                expected=f"at most {self.limit} bytes",
            )
        return None


# Frictionless' settings are the process's: the first block to start (of several threads at once)
# gives it the refusing session, the last to end puts back what it had, however the block ended.
_OFFLINE = ProcessWide()


def _refusing(session):
    """Frictionless with ``session`` for every request; return what puts its settings back.
    (Frictionless' own ``use_context`` puts nothing back when its block ends in an error: it is
    ended here as if the block had ended well.)"""
    from frictionless import system

    context = system.use_context(http_session=session, trusted=False)
    context.__enter__()
    return lambda: context.__exit__(None, None, None)  # runs use_context's restoring part


@contextmanager
def offline():
    """Frictionless with an HTTP session that refuses every request, for the block; its settings
    as they were afterwards, however the block ends."""
    import requests

    class Refused(requests.adapters.BaseAdapter):
        def send(self, request, *args, **kwargs):
            raise requests.exceptions.ConnectionError(f"not fetched: {printable(request.url)} (validation never fetches)")

        def close(self):
            pass

    session = requests.Session()
    session.mount("http://", Refused())
    session.mount("https://", Refused())
    with _OFFLINE.held(lambda: _refusing(session)):
        yield
