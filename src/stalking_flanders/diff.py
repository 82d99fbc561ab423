"""What changed between two releases: tables, fields, rows and figures, and the semantic-version
bump the change needs (a figure changed or removed: major; rows or tables added: minor; metadata
or documentation only: patch)."""

from __future__ import annotations

from .datapackage import DataPackage
from .problems import printable

# The cells that are figures of the answer: a change to one is a major change.
FIGURES = {"observations": ["count"]}
BUMPS = ["none", "patch", "minor", "major"]
IGNORED_KEYS = {"version", "resources"}  # compared on their own, or expected to differ
FILE_FACTS = {"hash", "bytes"}


def _rows(package: DataPackage, name: str) -> list[dict[str, str]]:
    """The rows of table ``name``, read by the one CSV reader, each cell as its CSV text."""
    from .formats import csv
    from .tableschema import format_cell

    resource, schema = package.resource(name), package.schema(name)
    table = csv.read(package.read_bytes(resource), schema, str(package.path(resource)))
    return [{k: format_cell(v, schema.field(k)) for k, v in row.items()} for row in table.to_dict("records")]


def _strip(resource: dict) -> dict:
    return {k: v for k, v in resource.items() if k not in FILE_FACTS and k != "schema"}


def diff_releases(old, new) -> dict:
    """The differences between the releases whose descriptors (or folders) are ``old`` and ``new``.

    Files are read only after their hashes are checked against their descriptor.
    """
    a, b = DataPackage(old), DataPackage(new)
    result = {
        "old": {"path": str(a.descriptor_path), "version": a.descriptor.get("version")},
        "new": {"path": str(b.descriptor_path), "version": b.descriptor.get("version")},
        "tables_added": [t for t in b.tables() if t not in a.tables()],
        "tables_removed": [t for t in a.tables() if t not in b.tables()],
        "tables": {},
        "metadata_changed": sorted(
            k
            for k in set(a.descriptor) | set(b.descriptor)
            if k not in IGNORED_KEYS and a.descriptor.get(k) != b.descriptor.get(k)
        ),
    }
    for name in (t for t in b.tables() if t in a.tables()):
        result["tables"][name] = _diff_table(a, b, name)
    result["bump"] = _bump(result)
    return result


def _diff_table(a: DataPackage, b: DataPackage, name: str) -> dict:
    ra, rb = a.resource(name), b.resource(name)
    fa = {f["name"]: f for f in ra["schema"]["fields"]}
    fb = {f["name"]: f for f in rb["schema"]["fields"]}
    key = rb["schema"].get("primaryKey", [])
    out = {
        "fields_added": [f for f in fb if f not in fa],
        "fields_removed": [f for f in fa if f not in fb],
        "fields_changed": [f for f in fb if f in fa and fa[f] != fb[f]],
        "described_differently": _strip(ra) != _strip(rb)
        or {k: v for k, v in ra["schema"].items() if k != "fields"} != {k: v for k, v in rb["schema"].items() if k != "fields"},
        "key": key,
        "rows_added": [],
        "rows_removed": [],
        "cells_changed": [],
    }
    if not key or any(k not in fa for k in key):
        out["key_changed"] = True
        return out
    old_by_key = {tuple(r[k] for k in key): r for r in _rows(a, name)}
    new_by_key = {tuple(r[k] for k in key): r for r in _rows(b, name)}
    out["rows_added"] = [list(k) for k in new_by_key if k not in old_by_key]
    out["rows_removed"] = [list(k) for k in old_by_key if k not in new_by_key]
    shared = [f for f in fb if f in fa and f not in key]
    for k, row in new_by_key.items():
        if k in old_by_key:
            for field in shared:
                if old_by_key[k][field] != row[field]:
                    out["cells_changed"].append(
                        {
                            "key": list(k),
                            "field": field,
                            "old": old_by_key[k][field],
                            "new": row[field],
                            "figure": field in FIGURES.get(name, []),
                        }
                    )
    return out


def _bump(result: dict) -> str:
    level = 0
    if result["metadata_changed"]:
        level = 1
    if result["tables_added"]:
        level = max(level, 2)
    if result["tables_removed"]:
        level = 3
    for t in result["tables"].values():
        if t["described_differently"] or t["fields_changed"] or any(not c["figure"] for c in t["cells_changed"]):
            level = max(level, 1)
        if t["fields_added"] or t["rows_added"]:
            level = max(level, 2)
        if t["fields_removed"] or t["rows_removed"] or t.get("key_changed") or any(c["figure"] for c in t["cells_changed"]):
            level = 3
    return BUMPS[level]


def _key(values: list) -> str:
    return "(" + ", ".join(values) + ")"


def as_text(result: dict) -> str:
    """The differences as readable text (also the CHANGELOG's data-change summary, as Markdown)."""
    lines = [f"{result['old']['version']} -> {result['new']['version']}: change level {result['bump']}"]
    for label, names in (("Tables added", result["tables_added"]), ("Tables removed", result["tables_removed"])):
        if names:
            lines.append(f"- {label}: {', '.join(names)}")
    if result["metadata_changed"]:
        lines.append(f"- Package metadata changed: {', '.join(result['metadata_changed'])}")
    for name, t in result["tables"].items():
        parts = []
        for label in ("fields_added", "fields_removed", "fields_changed"):
            if t[label]:
                parts.append(f"  - {label.replace('_', ' ').capitalize()}: {', '.join(t[label])}")
        if t.get("key_changed"):
            parts.append("  - The primary key changed; rows cannot be compared")
        if t["described_differently"]:
            parts.append("  - Title, description or keys described differently")
        for label, sign in (("rows_added", "+"), ("rows_removed", "-")):
            if t[label]:
                parts.append(f"  - {len(t[label])} row(s) {label.split('_')[1]}:")
                parts += [f"    {sign} {_key(k)}" for k in t[label]]
        figures = [c for c in t["cells_changed"] if c["figure"]]
        others = [c for c in t["cells_changed"] if not c["figure"]]
        for label, cells in (("figure(s) changed", figures), ("other value(s) changed", others)):
            if cells:
                parts.append(f"  - {len(cells)} {label}:")
                parts += [f"    ~ {_key(c['key'])} {c['field']}: {c['old']} -> {c['new']}" for c in cells]
        if parts:
            lines.append(f"- Table {name} ({', '.join(t['key'])}):")
            lines += parts
    if len(lines) == 1:
        lines.append("- No differences in tables, rows, figures or metadata")
    return "\n".join(printable(line, 2000) for line in lines) + "\n"  # what a package says, escaped
