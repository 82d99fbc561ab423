"""What changed between two releases, in every table: tables, fields, codes, rows and values, and
the semantic-version bump the change needs for a reader of the data:

- **major**: something a reader's code or filter relies on is gone or means something else: a
  table, field or row removed (a renamed one is removed and added), a file of the release (a
  table's CSV or Parquet file, the workbook, an archived text) removed or moved to another path, a
  field's type changed, a field every row had a value of that may now be empty (a reader's code
  reads its values as given, pandas reads it as another dtype), a code
  removed or renamed (a value of a field's ``enum``: ``figures == "none"`` would silently match
  nothing), the primary key changed (or rows share one, so that rows cannot be compared), a
  foreign key removed or changed (a reader's join to the table it names, or the loader's labels
  from it, are no longer held to it), a value of a foreign key changed (a row now refers to
  another row), the values a schema reads as missing changed, a field or table at another position
  (a reader by position breaks), the licence changed, or a
  value that gives meaning changed: a code or a flag (a field with an ``enum``, or a boolean such
  as ``stalking_specific``), or a label now another row's (a category's ``label_en``, of
  :data:`LABELS`, that named other rows: taken on by a row, or handed to a row added while its own
  row's changed; a filter on it finds the other row's figures); a
  table without a primary key on either side has its rows compared whole;
- **minor**: tables, other files, fields, rows, codes or foreign keys added;
- **patch**: a corrected figure, label or translation (each changed value is named), a series'
  reading corrected (``reading_subquestion``: which statement its caveats quote, as 2.0.6 did), a
  line span, unit or other text corrected (even to another row's), a field, table or other file
  described differently, a file's size or sha256 no longer recorded, a file's bytes changed
  (compared whether its descriptor records its sha256 or not), a table's file written differently
  (its values read the same), package metadata."""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import nullcontext

from .csv_tables import cells_past_the_cap
from .datapackage import BUNDLED, DESCRIPTOR_NAME, DataPackage, bundled, checked_files, descriptor_file
from .hashes import sha256_bytes
from .limits import bounded
from .model import TYPES, version_order
from .problems import MAX_PROBLEMS_KEPT, MAX_VALUE_CHARS, DataError, printable
from .rooting import unrooted

# The cells that are figures of the answer (reported as such; a corrected figure is a patch).
FIGURES = {"observations": ["count"]}
# The cells that name their row for a reader who filters on them (a category's English label): one
# that took on another row's value is a row that now means another thing. Line spans, units and
# prose shared by rows are no names: a correction of one is a patch.
LABELS = {"categories": ["label_en"]}
BUMPS = ["none", "patch", "minor", "major"]
# The characters the values listed in one list of a table (rows added, rows removed, values changed)
# hold together at most: past them, or past MAX_PROBLEMS_KEPT entries, the rest are counted (the JSON
# output holds each value whole, and a package within every cap could otherwise fill the memory bound).
MAX_LISTED_CHARS = 500_000
IGNORED_KEYS = {"version", "resources"}  # compared on their own, or expected to differ
FILE_FACTS = {"hash", "bytes"}


def _opened(given) -> DataPackage:
    """The package ``given`` names: the bundled release's own object where it names the bundled
    descriptor (its files read and its rows typed once a process: :func:`_read`), else a new one;
    a :class:`DataPackage` itself, as :func:`~stalking_flanders.load` takes one."""
    if isinstance(given, DataPackage):
        return given
    if os.path.abspath(descriptor_file(given)) == str(BUNDLED / DESCRIPTOR_NAME):
        return bundled()
    return DataPackage(given)


def _read(package: DataPackage) -> tuple[dict[str, str], Callable[[str], list[dict]]]:
    """The sha256 of each file of ``package`` (of its bytes), and a function giving each
    table's rows: every file read and checked first (:func:`_checked`). The bundled release's are
    kept (it is compared with again and again: the same object while its descriptor stays the same
    file), and only read."""
    if package is bundled():
        return _bundled_read(package)
    recorded, contents = _checked(package)
    return recorded, lambda name: _rows(package, name, contents[name])


@functools.lru_cache(maxsize=1)
def _bundled_read(package: DataPackage) -> tuple[dict[str, str], Callable[[str], list[dict]]]:
    recorded, contents = _checked(package)
    return recorded, functools.cache(lambda name: _rows(package, name, contents[name]))


def _checked(package: DataPackage) -> tuple[dict[str, str], dict[str, bytes]]:
    """Every file of ``package`` read once and checked (:func:`checked_files`): the sha256 of each
    file's bytes, whether its descriptor records one or not (a file whose recorded hash was dropped is
    still compared), and the bytes of each table, by resource name."""
    tables, recorded, contents = set(package.tables()), {}, {}
    for resource, data in checked_files(package):
        recorded[resource["name"]] = sha256_bytes(data)
        if resource["name"] in tables:
            contents[resource["name"]] = data
    if past := cells_past_the_cap(contents, str(package.descriptor_path)):
        raise DataError([past], str(package.descriptor_path))
    return recorded, contents


def _rows(package: DataPackage, name: str, data: bytes) -> list[dict[str, str]]:
    """The rows of table ``name`` (its file's checked bytes ``data``), read by the one CSV reader,
    each cell as its CSV text."""
    from . import csv_tables as csv
    from .tableschema import format_cell

    resource, schema = package.resource(name), package.schema(name)
    table = csv.read(data, schema, str(package.path(resource)))
    fields = {field.name: field for field in schema.fields}  # found at once for each cell
    return [{k: format_cell(v, fields[k]) for k, v in row.items()} for row in table.to_dict("records")]


def _strip(resource: dict) -> dict:
    """What a resource says of its file but the file's own facts (size, sha256), its schema and its path."""
    return {k: v for k, v in resource.items() if k not in FILE_FACTS | {"schema", "path"}}


def _facts_dropped(old: dict, new: dict) -> bool:
    """Whether the new resource no longer records a fact of its file (its size, its sha256) that the
    old one records: a reader can no longer check the file by it."""
    return bool(FILE_FACTS & set(old) - set(new))


def diff_releases(old, new) -> dict:
    """The differences between the releases whose descriptors (or folders) are ``old`` and ``new``.

    Every file of both is read, and checked against its descriptor where the descriptor records
    its size and sha256, before anything is compared (:class:`IntegrityError` where one is
    missing or differs): a release with a file gone or changed behind its descriptor's back is not
    compared as if it were whole.
    """
    a, b = _opened(old), _opened(new)
    # a package handed to it is read within the limits, as validate_package reads one
    both_bundled = a is bundled() and b is bundled()
    with nullcontext() if both_bundled else bounded("diff_releases"):
        return _compared(a, b)


def _compared(a: DataPackage, b: DataPackage) -> dict:
    """What :func:`diff_releases` gives for the opened packages ``a`` and ``b``."""
    (old_recorded, old_rows), (new_recorded, new_rows) = _read(a), _read(b)
    # each descriptor's paths as they stand in its release folder: the repository's root
    # datapackage.json names the release's files data/release/..., the same files
    ua, ub = unrooted(a.descriptor), unrooted(b.descriptor)
    result = {
        "old": {"path": str(a.descriptor_path), "version": a.descriptor.get("version")},
        "new": {"path": str(b.descriptor_path), "version": b.descriptor.get("version")},
        "tables_added": [t for t in b.tables() if t not in a.tables()],
        "tables_removed": [t for t in a.tables() if t not in b.tables()],
        # the tables both have, where one stands at another position: the workbook's sheets follow them
        "tables_reordered": _reordered(a.tables(), b.tables()),
        "licenses_changed": _licences(ua) != _licences(ub),
        **_diff_files(a, b, ua, ub, [old_recorded, new_recorded]),
        "tables": {},
        "metadata_changed": sorted(k for k in set(ua) | set(ub) if k not in IGNORED_KEYS and ua.get(k) != ub.get(k)),
    }
    old_resources, new_resources = _by_name(ua), _by_name(ub)
    for name in (t for t in b.tables() if t in a.tables()):
        rows = lambda t=name: (old_rows(t), new_rows(t))  # noqa: E731 - read where compared
        result["tables"][name] = _diff_table(a, b, name, old_resources[name], new_resources[name], rows)
        result["tables"][name]["file_changed"] = old_recorded.get(name) != new_recorded.get(name)
    result["bump"] = _bump(result)
    return result


def _licences(descriptor: dict) -> set:
    """Which licences ``descriptor`` states, each by its name in any letter case (a title reworded,
    or a link to the same licence written otherwise, is no other licence: package metadata changed)."""
    return {str(lic.get("name")).casefold() for lic in descriptor.get("licenses", []) if isinstance(lic, dict)}


def _by_name(descriptor: dict) -> dict[str, dict]:
    return {r["name"]: r for r in descriptor["resources"]}


def _files(package: DataPackage, descriptor: dict) -> dict[str, dict]:
    """The release's other files (every resource of ``descriptor`` but the tables' CSV files), by
    resource name."""
    tables = set(package.tables())
    return {name: r for name, r in _by_name(descriptor).items() if name not in tables}


def _diff_files(a: DataPackage, b: DataPackage, ua: dict, ub: dict, recorded: list[dict]) -> dict:
    """The other files added, removed, moved to another path, described differently (schema
    included, and which of its size and sha256 the descriptor records) or changed (by resource
    name). A file is changed where its bytes differ; its contents are not compared further: the
    CSV files are the reference, and ``validate`` checks every other format against them."""
    fa, fb = _files(a, ua), _files(b, ub)
    shared = [n for n in fb if n in fa]
    described = lambda r: _strip(r) | {"schema": r.get("schema")}  # noqa: E731
    old, new = recorded
    return {
        "files_added": [n for n in fb if n not in fa],
        "files_removed": [n for n in fa if n not in fb],
        "files_moved": [n for n in shared if _moved(fa[n], fb[n])],
        "files_described_differently": [n for n in shared if described(fa[n]) != described(fb[n])],
        # a reader can no longer check these by the descriptor
        "files_no_longer_recorded": [n for n in shared if _facts_dropped(fa[n], fb[n])],
        "files_changed": [n for n in shared if n in old and n in new and old[n] != new[n]],
    }


def _moved(old: dict, new: dict) -> bool:
    """Whether a resource's file is at another path (the gate holds paths to their plain form)."""
    return old["path"] != new["path"]


def _reordered(old: list[str], new: list[str]) -> list[str]:
    """The names both lists hold, in the new order, where one of them stands at another position
    than in the old (swapped, or pushed on by a name put before it; names added after them move
    none).

    >>> _reordered(["a", "b", "c"], ["a", "c", "b"]), _reordered(["a", "b"], ["a", "x", "b"]), _reordered(["a"], ["a", "x"])
    (['a', 'c', 'b'], ['a', 'b'], [])
    """
    at = {name: i for i, name in enumerate(old)}
    shared = [name for name in new if name in at]
    return shared if any(at[name] != i for i, name in enumerate(new) if name in at) else []


def _keys_not_in(package: DataPackage, other: DataPackage, name: str) -> list[str]:
    """The foreign keys of table ``name`` of ``package`` that the same table of ``other`` lacks (a key
    of the same fields in another order is the same key), each as text: ``series, category ->
    categories (series, category)``."""
    held = {key.same for key in other.schema(name).foreign_keys}
    return [str(key) for key in package.schema(name).foreign_keys if key.same not in held]


def _diff_table(a: DataPackage, b: DataPackage, name: str, ra: dict, rb: dict, rows) -> dict:
    """Table ``name`` of ``a`` and of ``b``, whose resources are ``ra`` and ``rb`` (paths unrooted)
    and whose rows ``rows()`` gives (old, new), read only where rows of one key can be compared."""
    fa = {f["name"]: f for f in ra["schema"]["fields"]}
    fb = {f["name"]: f for f in rb["schema"]["fields"]}
    key, old_key = list(b.schema(name).primary_key), list(a.schema(name).primary_key)
    # a value of a foreign key refers to a row of another table: changed, the row means another thing
    referring = {f for s in (a.schema(name), b.schema(name)) for k in s.foreign_keys for f in k.fields}
    out = {
        "fields_added": [f for f in fb if f not in fa],
        "fields_removed": [f for f in fa if f not in fb],
        "fields_changed": [f for f in fb if f in fa and fa[f] != fb[f]],
        "fields_retyped": [f for f in fb if f in fa and fa[f].get("type") != fb[f].get("type")],
        # a field every row had a value of that may now be empty: a reader's code, and this loader, read it as given
        "fields_made_optional": [f for f in fb if f in fa and _required(fa[f]) and not _required(fb[f])],
        # the fields both have, in the new order, where it is not the old one: a reader by position breaks
        "fields_reordered": _reordered(list(fa), list(fb)),
        "codes_removed": {f: c for f in fb if f in fa and (c := _not_in(_codes(fa[f]), _codes(fb[f])))},
        "codes_added": {f: c for f in fb if f in fa and (c := _not_in(_codes(fb[f]), _codes(fa[f])))},
        # a changed foreign key is one removed and one added
        "foreign_keys_removed": _keys_not_in(a, b, name),
        "foreign_keys_added": _keys_not_in(b, a, name),
        "missing_values_changed": set(a.schema(name).missing_values) != set(b.schema(name).missing_values),
        "file_moved": _moved(ra, rb),
        "facts_dropped": _facts_dropped(ra, rb),
        "described_differently": _strip(ra) != _strip(rb)
        or {k: v for k, v in ra["schema"].items() if k != "fields"} != {k: v for k, v in rb["schema"].items() if k != "fields"},
        "key": key,
        "key_changed": False,
        "key_repeated": False,
        "rows_added": [],
        "rows_added_more": 0,
        "rows_removed": [],
        "rows_removed_more": 0,
        "cells_changed": [],
        "cells_changed_more": 0,
        "meaning_changed": False,
    }
    # rows of one key are not rows of another (the same fields in another order are the same key: rows are keyed in the new order)
    if set(key) != set(old_key) or any(k not in fa for k in key):
        out["key_changed"] = True
        return out
    shared = [f for f in fb if f in fa and f not in key]
    old_rows, new_rows = rows()
    if not key:  # no key on either side: a row is its values, and may stand more than once
        old_count, new_count = _counted(old_rows, shared), _counted(new_rows, shared)
        out["rows_added"], out["rows_added_more"] = _listed(list(row) for row in (new_count - old_count).elements())
        out["rows_removed"], out["rows_removed_more"] = _listed(list(row) for row in (old_count - new_count).elements())
        return out
    old_by_key = {tuple(r[k] for k in key): r for r in old_rows}
    new_by_key = {tuple(r[k] for k in key): r for r in new_rows}
    if len(old_by_key) < len(old_rows) or len(new_by_key) < len(new_rows):
        # rows that share a key cannot be told apart: the same rows on both sides are no change
        whole = [f for f in fb if f in fa]
        out["key_repeated"] = _counted(old_rows, whole) != _counted(new_rows, whole)
        return out
    out["rows_added"], out["rows_added_more"] = _listed(list(k) for k in new_by_key if k not in old_by_key)
    out["rows_removed"], out["rows_removed_more"] = _listed(list(k) for k in old_by_key if k not in new_by_key)
    out |= _changed_cells(old_by_key, new_by_key, shared, name, fa, fb, referring)
    return out


def _listed(rows: Iterable[list]) -> tuple[list[list], int]:
    """The first ``MAX_PROBLEMS_KEPT`` of ``rows`` (each a row's key, or its values), as many as
    hold :data:`MAX_LISTED_CHARS` together, and how many more there are: counted, as changed values
    are, not listed one by one.

    >>> listed, more = _listed([i] for i in range(MAX_PROBLEMS_KEPT + 2))
    >>> len(listed), more
    (1000, 2)
    >>> listed, more = _listed(["x" * 200_000] for i in range(5))
    >>> len(listed), more
    (2, 3)
    """
    listed, more, room = [], 0, _Room()
    for row in rows:
        if room.takes(listed, row):
            listed.append(row)
        else:
            more += 1
    return listed, more


class _Room:
    """Whether one more entry fits a list: fewer than ``MAX_PROBLEMS_KEPT`` listed, and the
    characters of their values within :data:`MAX_LISTED_CHARS`; once one does not, none does (the
    first ones are listed, the rest counted)."""

    def __init__(self):
        self.chars, self.full = 0, False

    def takes(self, listed: list, *values) -> bool:
        if self.full:
            return False
        size = sum(len(str(v)) for value in values for v in (value if isinstance(value, (list, tuple)) else [value]))
        self.full = self.full or len(listed) >= MAX_PROBLEMS_KEPT or self.chars + size > MAX_LISTED_CHARS
        self.chars += 0 if self.full else size
        return not self.full


def _counted(rows: list[dict], fields: list) -> Counter:
    return Counter(tuple(row[f] for f in fields) for row in rows)


def _changed_cells(old_by_key: dict, new_by_key: dict, fields: list, name: str, fa: dict, fb: dict, referring: set) -> dict:
    """The values that changed in rows of the same key: the first ``MAX_PROBLEMS_KEPT`` listed
    (as many as hold :data:`MAX_LISTED_CHARS`), the rest counted; whether any of them is a code, a
    flag, a value of a foreign key (a field of ``referring``) or a label of :data:`LABELS` now
    another row's."""
    listed, more, meaning_changed, room = [], 0, False, _Room()
    labels = functools.cache(lambda field: _Labels(old_by_key, new_by_key, field) if field in LABELS.get(name, []) else None)
    for k, row in new_by_key.items():
        if k not in old_by_key:
            continue
        for field in fields:
            if old_by_key[k][field] != row[field]:
                meaning = _gives_meaning(fa[field]) or _gives_meaning(fb[field]) or field in referring
                # a label that named other rows now names this one, or this row's old one now names others
                meaning = meaning or (labels(field) is not None and labels(field).moved(k, old_by_key[k][field], row[field]))
                meaning_changed |= meaning
                old, new = old_by_key[k][field], row[field]
                if not room.takes(listed, k, old, new):
                    more += 1
                    continue
                figure = field in FIGURES.get(name, [])
                listed.append({"key": list(k), "field": field, "old": old, "new": new, "figure": figure, "meaning": meaning})
    return {"cells_changed": listed, "cells_changed_more": more, "meaning_changed": meaning_changed}


class _Labels:
    """Which rows hold each value of a text field ``field``, before (``old``) and after (``new``,
    each row's key to its row): enough to tell a label that moved to another row (a filter on it
    finds the other row's values) from one corrected.

    >>> old = {("a",): {"f": "x"}, ("b",): {"f": "y"}}
    >>> swapped = _Labels(old, {("a",): {"f": "y"}, ("b",): {"f": "x"}}, "f")
    >>> swapped.moved(("a",), "x", "y"), _Labels(old, {("a",): {"f": "z"}, ("b",): {"f": "y"}}, "f").moved(("a",), "x", "z")
    (True, False)
    >>> _Labels(old, {("a",): {"f": "z"}, ("b",): {"f": "y"}, ("c",): {"f": "x"}}, "f").moved(("a",), "x", "z")
    True
    """

    def __init__(self, old: dict, new: dict, field: str):
        self.held, self.gained = {}, {}  # a value: the keys of the old rows holding it; of rows that took it on
        for key, row in old.items():
            self.held.setdefault(row[field], set()).add(key)
        for key, row in new.items():
            if key not in old or old[key][field] != row[field]:
                self.gained.setdefault(row[field], set()).add(key)

    def moved(self, key: tuple, old: str, new: str) -> bool:
        """Whether the row ``key``, its value changed from ``old`` to ``new``, took on another row's
        value, or gave up its value to another row (a row added, or one whose own value changed);
        an empty value names no row."""
        # the row itself holds ``new``, never ``old``: any row that took on ``old`` is another
        return bool(new and self.held.get(new)) or bool(old and self.gained.get(old))


def _required(field: dict) -> bool:
    constraints = field.get("constraints")
    return isinstance(constraints, dict) and constraints.get("required") is True


def _codes(field: dict) -> list:
    """The codes a field allows (its ``enum``), if it has any."""
    return list(field.get("constraints", {}).get("enum", []))


def _not_in(codes: list, others: list) -> list:
    """The ``codes`` that ``others`` does not hold, in their order (a set: each is looked up at once)."""
    held = set(others)
    return [code for code in codes if code not in held]


def _gives_meaning(field: dict) -> bool:
    """Whether a field's values are codes or flags (a change to one changes what a row means)."""
    kind = TYPES.get(field.get("type")) if isinstance(field.get("type"), str) else None
    return bool(_codes(field)) or (kind is not None and kind.flag)


def _some(t: dict, name: str) -> bool:
    """Whether table ``t``'s list ``name`` (rows added, rows removed, values changed) holds any,
    listed or only counted (an entry too long to list is counted all the same)."""
    return bool(t[name] or t.get(f"{name}_more"))


def _bump(result: dict) -> str:
    said = ("metadata_changed", "files_described_differently", "files_no_longer_recorded", "files_changed")
    level = 1 if any(result[key] for key in said) else 0
    if result["tables_added"] or result["files_added"]:
        level = max(level, 2)
    if result["tables_removed"] or result["tables_reordered"] or result["files_removed"] or result["files_moved"]:
        level = 3
    if result["licenses_changed"]:  # what a reader may do with the data
        level = 3
    for t in result["tables"].values():
        described = t["described_differently"] or t["facts_dropped"] or t["fields_changed"]
        if described or _some(t, "cells_changed") or t["file_changed"]:
            level = max(level, 1)  # a corrected figure, label or translation; a description; a file written otherwise
        if t["fields_added"] or _some(t, "rows_added") or t["codes_added"] or t["foreign_keys_added"]:
            level = max(level, 2)
        meaning = t["meaning_changed"]  # over every changed value, listed or counted
        if (
            t["file_moved"]
            or t["fields_removed"]
            or _some(t, "rows_removed")
            or t["key_changed"]
            or t["key_repeated"]
            or t["fields_retyped"]
            or t["fields_made_optional"]
            or t["fields_reordered"]
            or t["codes_removed"]
            or t["foreign_keys_removed"]
            or t["missing_values_changed"]
            or meaning
        ):
            level = 3
    return BUMPS[level]


def _key(values: list) -> str:
    return "(" + ", ".join(values) + ")"


def _apart(old, new, limit: int = MAX_VALUE_CHARS, before: int = 20) -> tuple[str, str]:
    """A changed value as shown, old and new: whole where both are short; else each from a little
    before where they first differ, and cut on its own, so that a long value changed near its end
    shows the change.

    >>> _apart("x" * 300 + "A", "x" * 300 + "B", limit=30)
    ('…xxxxxxxxxxxxxxxxxxxxA', '…xxxxxxxxxxxxxxxxxxxxB')
    """
    old, new = str(old), str(new)
    if len(old) <= limit and len(new) <= limit:
        return old, new
    start = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    start = max(0, start - before)
    mark = "…" if start else ""
    return printable(mark + old[start:], limit), printable(mark + new[start:], limit)


# headings of the text other than the key's own words: a name pushed on by one put before it was not reordered
HEADINGS = {
    "fields_reordered": "Fields at another position",
    "tables_reordered": "Tables at another position",
    "fields_made_optional": "Fields that may now be empty (every row had a value)",
    "files_no_longer_recorded": "Files whose size or sha256 is no longer recorded",
}


def _heading(key: str) -> str:
    return HEADINGS.get(key, key.replace("_", " ").capitalize())


MEANING = "a code, a flag, a reference to another table, a label now another row's"  # the kinds, as the text says them


def _table_text(t: dict) -> list[str]:
    """What :func:`as_text` says of one table's differences ``t``, a line each."""
    parts = []
    for label in (
        "fields_added",
        "fields_removed",
        "fields_changed",
        "fields_retyped",
        "fields_made_optional",
        "fields_reordered",
        "foreign_keys_removed",
        "foreign_keys_added",
    ):
        if t[label]:
            listed = "; ".join(t[label]) if label.startswith("foreign") else ", ".join(t[label])  # a key holds commas
            parts.append(f"  - {_heading(label)}: {listed}")
    for label in ("codes_removed", "codes_added"):
        for field, codes in t[label].items():
            parts.append(f"  - {label.replace('_', ' ').capitalize()} in {field}: {', '.join(map(str, codes))}")
    if t["file_moved"]:
        parts.append("  - Its CSV file moved to another path")
    said = ("cells_changed", "rows_added", "rows_removed", "fields_added", "fields_removed", "fields_retyped")
    said += ("fields_reordered", "key_changed", "key_repeated")
    if t["file_changed"] and not any(_some(t, k) for k in said):  # nothing else says why its bytes differ
        parts.append("  - Its CSV file is written differently; its values read the same")
    if t["facts_dropped"]:
        parts.append("  - Its CSV file's size or sha256 is no longer recorded")
    if t["missing_values_changed"]:
        parts.append("  - The values read as missing changed")
    if t["key_changed"]:
        parts.append("  - The primary key changed; rows cannot be compared")
    if t["key_repeated"]:
        parts.append("  - Rows share a primary key; rows cannot be compared")
    if t["described_differently"]:
        parts.append("  - Title, description or keys described differently")
    for label, sign in (("rows_added", "+"), ("rows_removed", "-")):
        if t[label]:
            parts.append(f"  - {len(t[label]) + t.get(f'{label}_more', 0)} row(s) {label.split('_')[1]}:")
            parts += [f"    {sign} {_key(k)}" for k in t[label]]
        if t.get(f"{label}_more"):
            more = "more " if t[label] else ""  # none listed where the first is too long to
            parts.append(f"  - {t[f'{label}_more']} {more}row(s) {label.split('_')[1]}, not listed one by one")
    figures = [c for c in t["cells_changed"] if c["figure"]]
    meaning = [c for c in t["cells_changed"] if c["meaning"]]
    others = [c for c in t["cells_changed"] if not c["figure"] and not c["meaning"]]
    changed = (
        ("figure(s) changed", figures),
        (f"value(s) that change what a row means changed ({MEANING})", meaning),
        ("other value(s) changed", others),
    )
    for label, cells in changed:
        if cells:
            parts.append(f"  - {len(cells)} {label}:")
            parts += [f"    - ~ {_key(c['key'])} {c['field']}: {' -> '.join(_apart(c['old'], c['new']))}" for c in cells]
    if t.get("cells_changed_more"):
        more = "more " if t["cells_changed"] else ""
        parts.append(f"  - {t['cells_changed_more']} {more}changed value(s), not listed one by one")
        if t["meaning_changed"] and not meaning:  # the level's reason is among those only counted: said all the same
            parts.append(f"  - Among them, value(s) that change what a row means ({MEANING})")
    return parts


def as_text(result: dict) -> str:
    """The differences as readable text (also the CHANGELOG's data-change summary, as Markdown)."""
    old, new = result["old"]["version"], result["new"]["version"]
    lines = [f"{old} -> {new}: change level {result['bump']}"]
    if isinstance(old, str) and isinstance(new, str) and version_order(new) < version_order(old):
        lines.append(f"- NEW ({new}) is an earlier version than OLD ({old}): were they given the other way round?")
    if old == new and result["bump"] != "none":
        said = f"one of them is not {old} as published (a build of a version not released yet, or a changed copy)"
        lines.append(f"- Both say version {old}, yet they differ: {said}")
    for key in (
        "tables_added",
        "tables_removed",
        "tables_reordered",
        "files_added",
        "files_removed",
        "files_moved",
        "files_described_differently",
        "files_no_longer_recorded",
        "files_changed",
    ):
        if result[key]:
            lines.append(f"- {_heading(key)}: {', '.join(result[key])}")
    if result["metadata_changed"]:
        lines.append(f"- Package metadata changed: {', '.join(result['metadata_changed'])}")
    if result["licenses_changed"]:
        lines.append("- The licence changed: what a reader may do with the data")
    for name, t in result["tables"].items():
        if parts := _table_text(t):
            lines.append(f"- Table {name} ({', '.join(t['key'])}):")
            lines += parts
    if len(lines) == 1:
        lines.append("- No differences in tables, rows, figures or metadata")
    return "\n".join(printable(line, 2000) for line in lines) + "\n"  # what a package says, escaped
