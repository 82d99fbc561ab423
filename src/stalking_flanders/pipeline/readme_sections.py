"""Sections of the README and the docs generated from the descriptor and the release's tables,
so that nothing in them is typed twice.

A section stands between ``<!-- begin NAME -->`` and ``<!-- end NAME -->`` in a file of
``FILES``; ``scripts/readme.py`` rewrites them and a test proves the files hold what they generate.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..caveats import (
    Readings,
    caveat_words,
    first_shown,
    full_text,
    lines_named,
    no_figures,
    organisation_named,
    quoted_reading,
    several_sources,
)
from ..datapackage import DataPackage, cite
from ..facts import CODES, SPECIFIC
from ..formats import FORMATS
from ..model import table_names
from ..tableschema import records
from ..texts import both, text

if TYPE_CHECKING:
    import pandas as pd

FIGURE_TABLES = ("observations", "categories", "series", "subquestions")  # what the sections of tables are made of


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
    tables = set(table_names(descriptor["resources"]))
    for resource in descriptor["resources"]:
        if resource["name"] not in tables:
            continue
        schema = resource["schema"]
        names = [fmt.resource_name(resource["name"]) for fmt in FORMATS if fmt.per_table]
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


def citation(descriptor: dict) -> str:
    """Markdown: how to cite this version of the package, Dutch first."""
    return "\n".join(f"> {cite(descriptor, lang)}\n>" for lang in CODES).removesuffix(">")


def licence(descriptor: dict) -> str:
    """Markdown: the licence statement of the package (its one home is ``texts.toml``), Dutch first."""
    from ..texts import licence_statement

    return "".join(
        f"- {text('licence', 'package', lang)}: {licence_statement(lic, lang)}\n"
        for lic in descriptor.get("licenses", [])
        for lang in CODES
    )


def _cell(value) -> str:
    return str(value).replace("|", "&#124;")


def figures(tables: dict[str, pd.DataFrame]) -> str:
    """Markdown: every figure, one table a series, the stalking figures first, each under what it
    counts (quoted from the answer) and whether its figures are on stalking, and beside it what the answer says of the figures
    and the package's note: Dutch first, then English. Nothing is computed from the figures (the
    answer gives no totals)."""
    obs, categories, series, subquestions = (tables[name] for name in FIGURE_TABLES)
    out, readings, several = [], Readings(subquestions), several_sources(tables)
    for s in records(first_shown(series)):
        rows = obs[obs["series"] == s.series]
        years = sorted(int(y) for y in rows["year"].unique())
        counts = {(c, int(y)): int(n) for c, y, n in zip(rows["category"], rows["year"], rows["count"])}
        for lang in CODES:
            organisation = organisation_named(s, lang, several)
            counted = text("chart", "count", lang, unit=getattr(s, f"unit_{lang}"))  # what each figure counts
            named = f", series `{s.series}`" if lang == "en" else ""
            kind = f"{SPECIFIC[lang][bool(s.stalking_specific)]}; {counted}{named}"
            # quoted with its lines, the English as a translation
            said = f"{caveat_words(lang)['answer']}: “{getattr(s, f'measure_{lang}')}” ({lines_named(s.measure_lines, lang)})."
            if isinstance(s.heading_nl, str) and s.heading_nl:  # the table's own heading, as published (Dutch)
                said += f" {text('caveats', 'heading', lang)}: “{s.heading_nl}” ({lines_named(s.header_line, lang)})."
            out += [f"**{organisation}** ({kind}). {said}", ""]
        out += [f"| {both('category')} | {both('label')} | " + " | ".join(map(str, years)) + " |"]
        out += ["| --- | --- |" + " ---: |" * len(years)]
        for c in records(categories[categories["series"] == s.series]):
            cells = [_cell(c.category), _english_label(c)] + [str(counts.get((c.category, y), "")) for y in years]
            out.append("| " + " | ".join(cells) + " |")
        out += ["", *_read_with(s, readings), ""]
    return "\n".join(out).rstrip() + "\n"


def _english_label(category) -> str:
    """The category's English label; where it is the label as published (kept untranslated), marked so
    in both languages, under a header that says the English labels are made for this package."""
    if category.label_en != category.category:
        return _cell(category.label_en)
    return f"{_cell(category.label_en)} ({' / '.join(text('caveats', 'kept', lang) for lang in CODES)})"


def _read_with(s, readings: Readings) -> list[str]:
    """Markdown lines: what stands beside a series' figures, Dutch first: what the answer says of
    them, its own reading of them where that is another sub-question's statement (its first
    sentences, with the lines of the whole statement), and the package's note."""
    read, lines = readings.of(s), []
    for lang in CODES:
        words = caveat_words(lang)
        lines.append(f"- {words['answer']}: “{getattr(s, f'caveat_{lang}')}” ({lines_named(s.caveat_lines, lang)})")
        if read is not None and read["subquestion"] != s.subquestion:
            where = full_text(read["statement_lines"], lang)
            lines.append(f"- {quoted_reading(s, readings, lang)} ({where})")
        lines.append(f"- {words['note']}: {getattr(s, f'note_{lang}')}")
    return [f"**{text('page', 'note_lead', 'nl')} / {text('page', 'note_lead', 'en')}:**", "", *lines]


def also_in_the_answer(tables: dict[str, pd.DataFrame]) -> str:
    """Markdown: the sub-questions the answer gives no figures for, with what it says of each,
    Dutch first."""
    return "\n".join(line for lang in CODES for line in no_figures(tables, lang)) + "\n"


def read_tables(package: DataPackage) -> dict[str, pd.DataFrame]:
    """The tables the figures section is made of, each read after its file's sha256 is checked."""
    from ..formats import csv

    return {name: csv.read(package.read_bytes(package.resource(name)), package.schema(name), name) for name in FIGURE_TABLES}


FROM_DESCRIPTOR = {"data-dictionary": data_dictionary, "citation": citation, "licence": licence}
FROM_TABLES = {"figures": figures, "also-in-the-answer": also_in_the_answer}
# The files with generated sections, and their sections. A release rewrites the citation, which
# stands in README.md; the release script commits both files.
FILES = {
    Path("README.md"): ("figures", "also-in-the-answer", "citation", "licence"),
    Path("docs/data-package.md"): ("data-dictionary",),
}


def sections(descriptor: dict, tables: dict[str, pd.DataFrame] | None = None) -> dict[str, str]:
    """Every section, name to Markdown: those of ``descriptor``, and, given ``tables`` (see
    :func:`read_tables`), those of the tables."""
    rendered = {name: render(descriptor) for name, render in FROM_DESCRIPTOR.items()}
    if tables is not None:
        rendered |= {name: render(tables) for name, render in FROM_TABLES.items()}
    return rendered


def update(text: str, rendered: dict[str, str]) -> str:
    """``text`` with each section of ``rendered`` (name to Markdown) written between its markers.

    >>> update("a\\n<!-- begin x -->\\nold\\n<!-- end x -->\\n", {"x": "new\\n"})
    'a\\n<!-- begin x -->\\nnew\\n<!-- end x -->\\n'
    """
    for name, markdown in rendered.items():
        pattern = re.compile(rf"(<!-- begin {name} -->\n).*?(<!-- end {name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"no section '<!-- begin {name} -->' … '<!-- end {name} -->'")
        text = pattern.sub(lambda m, markdown=markdown: m.group(1) + markdown + m.group(2), text)
    return text
