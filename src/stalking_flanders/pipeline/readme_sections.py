"""README sections generated from the descriptor, so that nothing in them is typed twice.

A section stands between ``<!-- begin NAME -->`` and ``<!-- end NAME -->`` in the README;
``scripts/readme.py`` rewrites them and a test proves the README holds what they generate.
"""

from __future__ import annotations

import re

from ..datapackage import cite
from ..formats import TABLE_FORMATS


def _constraints(field: dict) -> str:
    c = field.get("constraints", {})
    parts = ["required" if c.get("required") else "optional"]
    if "minimum" in c or "maximum" in c:
        parts.append(f"{c.get('minimum', '')}…{c.get('maximum', '')}")
    if "enum" in c:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    return "; ".join(parts)


def data_dictionary(descriptor: dict) -> str:
    """Markdown: every table of the package, its fields, keys and files."""
    out = []
    resources = {r["name"]: r for r in descriptor["resources"]}
    for resource in descriptor["resources"]:
        if resource.get("type") != "table" or resource.get("format") != "csv":
            continue
        schema = resource["schema"]
        names = [fmt.resource_name(resource["name"]) for fmt in TABLE_FORMATS]
        files = [resources[n]["path"] for n in names if n in resources]
        out += [
            f"### `{resource['name']}`: {resource['title']}",
            "",
            resource["description"],
            "",
            "Files: " + ", ".join(f"`{p}`" for p in files) + ".",
            "",
            "| field | type | constraints | description |",
            "| --- | --- | --- | --- |",
        ]
        for field in schema["fields"]:
            out.append(
                f"| `{field['name']}` | {field['type']} | {_constraints(field)} | {field['description'].replace('|', '&#124;')} |"
            )
        out += ["", f"Primary key: {', '.join(f'`{k}`' for k in schema['primaryKey'])}."]
        for fk in schema.get("foreignKeys", []):
            ref = fk["reference"]
            out.append(f"Foreign key: ({', '.join(fk['fields'])}) → `{ref['resource']}` ({', '.join(ref['fields'])}).")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def caveats(descriptor: dict) -> str:
    """Markdown: the package description, whose last part says what each figure counts."""
    return descriptor["description"].strip() + "\n"


def citation(descriptor: dict) -> str:
    """Markdown: how to cite this version of the package."""
    return "> " + cite(descriptor) + "\n"


def licence(descriptor: dict) -> str:
    """Markdown: the licence statement of the package (its one home is ``texts.toml``)."""
    from ..texts import licence_statement

    return "".join(f"- The data package: {licence_statement(lic)}\n" for lic in descriptor.get("licenses", []))


SECTIONS = {"caveats": caveats, "data-dictionary": data_dictionary, "citation": citation, "licence": licence}


def update(readme: str, descriptor: dict) -> str:
    """``readme`` with every generated section rewritten from ``descriptor``."""
    for name, render in SECTIONS.items():
        pattern = re.compile(rf"(<!-- begin {name} -->\n).*?(<!-- end {name} -->)", re.S)
        if not pattern.search(readme):
            raise ValueError(f"README has no section '<!-- begin {name} -->' … '<!-- end {name} -->'")
        readme = pattern.sub(lambda m, render=render: m.group(1) + render(descriptor) + m.group(2), readme)
    return readme
