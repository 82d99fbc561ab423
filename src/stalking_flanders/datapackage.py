"""A data package on disk: its descriptor, and its files, each handed out only after its sha256
and size are checked against the descriptor.

This module imports nothing heavy; it is what ``import stalking_flanders`` costs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path

from . import untrusted  # its readers are looked up there at each read (a test may watch one)
from .hashes import facts
from .limits import bounded
from .model import Schema, ShapeError, added_after, added_in, check_descriptor, check_references, table_names, version_order
from .problems import Code, DataError, PackageError, Problem, raise_if_any, refuse
from .texts import text
from .untrusted import DESCRIPTOR_NAME, NotFound, Total

BUNDLED = Path(__file__).resolve().parent / "data"  # the release, shipped inside the package


def cite(descriptor: dict, lang: str = "en") -> str:
    """How to cite a data package and its sources, from its descriptor, in ``lang`` (the title as
    the descriptor's ``translations`` give it in that language).

    >>> d = {"title": "T", "name": "n", "version": "1.0.0", "sources": [{"title": "S"}]}
    >>> cite({**d, "translations": {"nl": {"title": "T-nl"}}}, "nl")
    'T-nl. n, versie 1.0.0. Bron: S.'
    >>> cite({**d, "sources": [{"path": "a.txt"}]})  # a package that names no source gets no empty "Source: ."
    'T. n, version 1.0.0.'
    """

    version, source = text("cite", "version", lang), text("cite", "source", lang)
    title = descriptor.get("translations", {}).get(lang, {}).get("title", descriptor["title"])
    sources = "; ".join(s["title"] for s in descriptor.get("sources", []) if s.get("title"))
    cited = f"{title}. {descriptor['name']}, {version} {descriptor['version']}."
    return f"{cited} {source}: {sources}." if sources else cited


def descriptor_file(given: os.PathLike | str | bytes | None) -> Path:
    """The descriptor a user means: ``given`` itself, or the ``datapackage.json`` in the folder
    ``given``; the bundled release's when None. A path may be given as bytes, as :func:`open` takes it.

    >>> descriptor_file(b"release") == descriptor_file("release") == Path("release")
    True
    """
    if given is not None:
        try:
            named = os.fsdecode(given)  # text, bytes, or a path object that gives either
        except TypeError:
            kind = type(given).__name__
            raise NotAPath(f"a package is named by a path (text, bytes or a path object), not by {kind}") from None
    if given is not None and not named:
        raise NotFound("an empty path names no package: give its folder or its datapackage.json (the current folder is '.')")
    path = Path(named) if given is not None else BUNDLED / DESCRIPTOR_NAME
    try:
        folder = path.is_dir()
    except OSError:  # a name too long, say: not a folder (reading it as a file then says why it cannot be)
        folder = False
    return path / DESCRIPTOR_NAME if folder and path.name != DESCRIPTOR_NAME else path


def _folder(descriptor: Path) -> Path:
    """The folder of ``descriptor``, resolved: :class:`DataError` where it cannot be (a loop of links
    or a name swapped since the descriptor was read; Python raises ``RuntimeError`` for a loop)."""

    try:
        return descriptor.parent.resolve()
    except (OSError, RuntimeError, ValueError) as error:
        said = f"its folder cannot be found ({error})"
        raise refuse(Code.DESCRIPTOR_SHAPE, str(descriptor), said, expected="a folder") from None


def bundled() -> DataPackage:
    """The release bundled with this package, read once a process while its descriptor stays the
    same file (the same object each time: what the checks, the loader and the command line compare
    with, and only read; :class:`DataPackage` ``()`` gives one of your own).

    >>> bundled() is bundled(), bundled().descriptor == DataPackage().descriptor
    (True, True)
    """
    path = BUNDLED / DESCRIPTOR_NAME
    try:
        stat = path.stat()
        same = (str(path), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    except OSError:
        same = (str(path),)  # DataPackage() says what is missing, and nothing is kept
    return _bundled(same)


@lru_cache(maxsize=1)
def _bundled(same: tuple) -> DataPackage:
    return DataPackage()


class IntegrityError(PackageError, ValueError):
    """A file of the package is not the one its descriptor describes."""


class UnverifiedRelease(UserWarning):
    """Warned where :func:`~stalking_flanders.load` or :func:`~stalking_flanders.loader.citation`
    reads a package of a version this installed package does not know (a later one, or none of
    ours): what it says is not checked against a published release."""


class NotAPath(PackageError, TypeError):
    """What names a package is no path (a number, a list): a ``TypeError``, as :func:`open` raises."""


class NotFetched(PackageError):
    """The release of a revision or repository could not be fetched through DVC
    (:func:`stalking_flanders.load` with ``rev`` or ``repo``)."""


class ReleaseMissing(PackageError):
    """The release bundled with this package is not there: a damaged install, or a checkout whose
    release was never built. Not a usage error: the user named nothing."""


class UnknownNameError(PackageError, KeyError):
    """A table, or another name a user gives, is not in the package. A ``LookupError`` (a
    ``KeyError``, as 1.0.0 raised, so code that catches that keeps working); the command line
    reports it as a usage error, and no other ``KeyError``.

    >>> str(UnknownNameError("no table 'x'"))
    "no table 'x'"
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _typed(descriptor: dict, file: str) -> None:
    """Refuse a descriptor of a shape this package does not understand
    (:func:`~stalking_flanders.model.check_descriptor`), with the key path and what was expected."""

    try:
        check_descriptor(descriptor)
    except ShapeError as error:
        problem = Problem(
            "descriptor-shape", file, error.message, column=error.where, expected="a descriptor of stalking-flanders"
        )
        raise DataError([problem], file) from None


def _schemas(descriptor: dict, file: str) -> dict:
    """The typed Table Schema of every table resource, by resource name; :class:`DataError`
    naming the key path and what was expected where one is not understood."""

    schemas, where = {}, {}
    try:
        for index, resource in enumerate(descriptor["resources"]):
            if resource.get("type") == "table" or "schema" in resource:
                where[resource["name"]] = f"resources[{index}].schema"
                schemas[resource["name"]] = Schema.parse(resource.get("schema"), where[resource["name"]])
        check_references(schemas, where)
    except ShapeError as error:
        problem = Problem(
            "descriptor-shape", file, error.message, column=error.where, expected="a Table Schema this package understands"
        )
        raise DataError([problem], file) from None
    return schemas


def _kind(field, reference=None) -> str:
    """A field's type, and whether every row must have a value where ``reference`` (the bundled
    release's field) requires one: the code reads such a value as given. A field the reference lets
    be empty may be required."""
    required = field.constraints.required if reference is None else reference.constraints.required and field.constraints.required
    return f"{field.type.name}, {'required' if required else 'may be empty'}"


def _hints(earlier: bool) -> dict[str, str]:
    """Why a package lacks a table (``tables``) or a field (``field``) the bundled release holds, or
    holds its keys otherwise (``keys``), and what to do, where its version is ``earlier`` than the
    bundled release's or the same (a build not cut yet): it may predate what it lacks; or later."""
    if not earlier:
        return dict.fromkeys(("tables", "field", "keys"), " (a later version may need a newer stalking-flanders)")
    return {
        "tables": " (this stalking-flanders reads no version without them; in a checkout, a table added after this"
        " version belongs in model.TABLES_ADDED_IN)",
        "field": " (if it was added after this version, model.ADDED_IN must say so)",
        "keys": " (this stalking-flanders reads no version laid out otherwise)",
    }


def _no_such_table(name, version, tables: list[str]) -> str:
    """What a reader asking a package of ``version`` for the table ``name`` it lacks is told: the
    tables it has, and where a later version added that table (:data:`~.model.TABLES_ADDED_IN`), which."""
    later = ""
    if isinstance(name, str) and added_after(name, None, version):
        later = f" (it is version {version}; the table was added in version {added_in(name)}: read that release or a later one)"
    return f"no table {name!r} in this release{later}; the tables are: {', '.join(tables)}"


def _keys_and_missing_values_unlike(package: DataPackage, name: str, reference: DataPackage, newer: str) -> list:
    """Where table ``name`` of ``package`` does not hold ``reference``'s keys and missing values as
    this package reads them: its primary key (the loader finds a series' caveats by its key, and
    ``diff`` compares rows by it), the values read as missing (``NA`` made one, a required English
    label could be empty), and its foreign keys to the table categories, by which the loader
    labels a table's categories (without one, a table loaded in English would keep its Dutch
    labels, unsaid). A key the reference adds to another table, an earlier release of its major
    version lacks and may lack (``diff`` calls adding one minor); ``validate`` checks every key a
    package declares. Every release since 2.0.0 has the same keys and missing values."""
    file, ours, theirs = str(package.descriptor_path), package.schema(name), reference.schema(name)
    problems = []
    if set(ours.primary_key) != set(theirs.primary_key):  # the same fields in another order are the same key
        found, expected = ", ".join(ours.primary_key) or "none", ", ".join(theirs.primary_key)
        said = f"the table {name} has another primary key than this package reads{newer}"
        problems.append(Problem(Code.DESCRIPTOR_SHAPE, file, said, column=f"{name}.primaryKey", found=found, expected=expected))
    if set(ours.missing_values) != set(theirs.missing_values):
        said = f"the table {name} reads other values as missing than this package reads{newer}"
        found, expected = repr(list(ours.missing_values)), repr(list(theirs.missing_values))
        column = f"{name}.missingValues"
        problems.append(Problem(Code.DESCRIPTOR_SHAPE, file, said, column=column, found=found, expected=expected))
    held = {key.same for key in ours.foreign_keys}
    return problems + [
        Problem(
            Code.DESCRIPTOR_SHAPE,
            file,
            f"the table {name} lacks a foreign key this package reads{newer}",
            column=f"{name}.foreignKeys",
            found="; ".join(map(str, ours.foreign_keys)) or "none",
            expected=str(key),
        )
        for key in theirs.foreign_keys
        if key.resource == "categories" and key.same not in held
    ]


class DataPackage:
    """The data package whose descriptor is ``descriptor`` (a ``datapackage.json`` or its
    folder; the release bundled with this package when None).

    >>> package = DataPackage()
    >>> "observations" in package.tables()
    True
    """

    def __init__(self, descriptor: os.PathLike | str | bytes | None = None):

        path = descriptor_file(descriptor)
        self.descriptor_path = path
        # A package handed to us may be a trap: it is opened within the limits. The bundled release
        # is not handed to us, and reading it sets no alarm and no memory limit in the caller's process.
        with bounded("DataPackage") if descriptor is not None else nullcontext():
            try:
                self.descriptor = untrusted.read_descriptor(path)  # bounded, a regular file, a JSON object
            except NotFound as error:
                if path != descriptor_file(None):
                    raise  # what the user named is not there
                missing = "the release bundled with this package is missing (reinstall it; in a checkout, run make release)"
                raise ReleaseMissing(f"{error}: {missing}") from None
            self.root = _folder(path)  # once the descriptor is read: a loop of links on the way is refused there
            raise_if_any(untrusted.shape_problems(self.descriptor, str(path)), str(path))  # nothing that leads elsewhere
            _typed(self.descriptor, str(path))
            self.schemas = _schemas(self.descriptor, str(path))  # typed (each pattern tested) before anything reads them
        self.resources = {r["name"]: r for r in self.descriptor["resources"]}

    def layout_problems(self, reference: DataPackage) -> list:
        """Where this package lacks what ``reference`` (the bundled release) holds: each of its
        tables, and in each table each of its fields, of the same type, required where the
        reference requires it (a table or a field added after this package's version,
        :data:`~.model.TABLES_ADDED_IN`, :data:`~.model.ADDED_IN`, it may lack). Everything that
        reads the figures by name (the checks across tables, the loader's captions, the record)
        reads those; a later version may add tables and fields, which nothing here reads, or
        require what the reference lets be empty."""

        file, mine = str(self.descriptor_path), str(self.descriptor.get("version"))
        hint = _hints(version_order(mine) <= version_order(str(reference.descriptor.get("version"))))
        mine_too = [name for name in reference.tables() if not added_after(name, None, mine)]
        missing = [name for name in mine_too if name not in self.tables()]
        if missing:
            message = f"the package lacks tables this package reads{hint['tables']}"
            return [
                Problem(
                    Code.DESCRIPTOR_SHAPE,
                    file,
                    message,
                    column="resources",
                    found=", ".join(self.tables()),
                    expected=", ".join(missing),
                )
            ]
        problems = []
        for name in (name for name in reference.tables() if name in self.tables()):
            theirs = {field.name: field for field in reference.schema(name).fields}
            kinds = {field.name: _kind(field, theirs.get(field.name)) for field in self.schema(name).fields}
            problems += [
                Problem(
                    Code.DESCRIPTOR_SHAPE,
                    file,
                    f"the table {name} lacks a field this package reads{hint['field']}"
                    if field.name not in kinds
                    else f"the field {field.name} of the table {name} is not of the kind this package reads",
                    column=f"{name}.{field.name}",
                    found=kinds.get(field.name, "no such field"),
                    expected=f"a field {field.name}: {_kind(field)}",
                )
                for field in reference.schema(name).fields
                if kinds.get(field.name) != _kind(field)
                and not (field.name not in kinds and added_after(name, field.name, self.descriptor.get("version")))
            ]
            problems += _keys_and_missing_values_unlike(self, name, reference, hint["keys"])
        return problems

    def tables(self) -> list[str]:
        """The names of the tables (the CSV resources), in the descriptor's order."""

        return table_names(self.descriptor["resources"])

    def resource(self, name: str) -> dict:
        """The descriptor of table ``name``; :class:`UnknownNameError` listing the tables if there is none."""
        resource = self.resources.get(name) if isinstance(name, str) else None  # a list is no name, and no key
        if resource is None or name not in self.tables():
            raise UnknownNameError(_no_such_table(name, self.descriptor.get("version"), self.tables()))
        return resource

    def schema(self, name: str):
        """The typed Table Schema of table ``name`` (:class:`~stalking_flanders.model.Schema`)."""
        self.resource(name)
        return self.schemas[name]

    def path(self, resource: dict) -> Path:
        """The file of ``resource``, which must lie inside the package folder. The path is joined,
        never resolved: no link is followed here (a link on the way is refused where the file is
        read), and a loop of links cannot stop it."""
        path = self.root / resource["path"]
        if ".." in Path(resource["path"]).parts or Path(resource["path"]).is_absolute() or not path.is_relative_to(self.root):
            raise IntegrityError(
                f"{self.descriptor_path}: resource {resource['name']!r} has the path "
                f"{resource['path']!r}, which leads outside the package folder {self.root}"
            )
        return path

    def read_file(self, resource: dict) -> bytes:
        """The bytes of ``resource``'s file, read within the bounds (a regular file, no link on the
        way, not too large: :func:`~stalking_flanders.untrusted.read_file`): the one way the
        package's files are read. :class:`IntegrityError` where it cannot be."""

        path = self.path(resource)
        problem, _ = untrusted.file_problem(self.root, resource["path"])  # each part of the path as given: a link is refused
        if problem is not None:
            raise IntegrityError(f"{path}: {problem[1]}; nothing was loaded")
        try:
            return untrusted.read_file(path, root=self.root)  # each folder on the way opened in turn, none through a link
        except OSError as error:
            raise IntegrityError(f"{path} cannot be read ({error.strerror or error}); nothing was loaded") from None

    def _advice(self) -> str:
        """What to do about a file that differs: for the bundled release, reinstall; for a folder
        of one's own, restore the file or describe the change."""
        if self.root == BUNDLED.resolve():
            return "Reinstall the package (pip install --force-reinstall, as it was installed); in a checkout, run make release."
        return (
            "If this folder is a copy of a release, restore the file from that release (dvc get, or the "
            "release's download); if you changed it on purpose, this is no longer that release: give the "
            "copy its own version and describe the file anew. `stalking-flanders validate` lists every difference."
        )

    def read_bytes(self, resource: dict) -> bytes:
        """The bytes of ``resource``'s file (:meth:`read_file`), after checking its size and sha256."""
        path = self.path(resource)
        data = self.read_file(resource)
        actual = facts(data)
        expected = resource.get("hash", "")
        if actual["hash"] != expected or actual["bytes"] != resource.get("bytes"):
            raise IntegrityError(
                f"{path} is not the file the descriptor describes: it has {actual['hash']} and {actual['bytes']} "
                f"bytes, the descriptor {self.descriptor_path} says {expected or 'no hash'} and "
                f"{resource.get('bytes')} bytes. The file was changed or damaged; nothing was loaded. {self._advice()}"
            )
        return data


def checked_files(package: DataPackage) -> Iterator[tuple[dict, bytes]]:
    """Every resource of ``package`` with its file's bytes, in the descriptor's order: each file
    there, and of the size and sha256 the descriptor records where it records them
    (:meth:`DataPackage.read_bytes`, :class:`IntegrityError` otherwise), all of them within the
    bound on the files together (:class:`~stalking_flanders.problems.DataError` past it; a file
    many resources name counts each time)."""

    total = Total(str(package.descriptor_path))
    for resource in package.descriptor["resources"]:
        data = package.read_bytes(resource) if "hash" in resource else package.read_file(resource)
        if too_large := total.add(len(data)):
            raise DataError([too_large], too_large.file)
        yield resource, data
