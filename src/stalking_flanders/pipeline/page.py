"""The dataset page of a release: index.html beside its files, self-contained (no external
scripts, fonts or images), with the caveats up front, every table with the source line of each
figure, the chart (:mod:`.chart`), the sub-question coverage, the downloads with size and sha256,
the licence, the citation, and schema.org Dataset JSON-LD (:mod:`.jsonld`).

This module builds the page's view as plain values; the markup is the template's
(``templates/index.html.j2``, with a macro per kind of cell), which escapes every value, and the
JSON-LD goes through Jinja's ``tojson``. The one value marked safe is the chart's SVG, which this
package draws.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from markupsafe import Markup

from ..datapackage import DESCRIPTOR_NAME, cite
from ..formats import JSON
from ..hashes import file_facts, hex_of
from ..texts import text
from . import chart, jsonld
from .chart import CHART_PNG, CHART_SVG, in_answer_order

PAGE = "index.html"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _lines(span: str) -> str:
    return f"line {span}" if "-" not in str(span) else f"lines {span}"


def _size(n: int) -> str:
    """A size that never breaks over lines: thin no-break spaces between thousands.

    >>> _size(2317)
    '2\u202f317\u00a0bytes'
    """
    return f"{n:,}".replace(",", "\u202f") + "\u00a0bytes"


def _series(s, tables: dict[str, pd.DataFrame]) -> dict:
    obs = tables["observations"][tables["observations"]["series"] == s.series]
    cats = tables["categories"][tables["categories"]["series"] == s.series]
    years = sorted(obs["year"].unique())
    rows = []
    for c in cats.itertuples():
        cells = [{"nl": c.category, "en": c.label_en}]
        for year in years:
            hit = obs[(obs["category"] == c.category) & (obs["year"] == year)]
            cells.append("" if hit.empty else {"count": int(hit["count"].iloc[0]), "line": int(hit["source_line"].iloc[0])})
        rows.append(cells)
    return {
        "id": s.series,
        "specific": s.stalking_specific,
        "measure_en": s.measure_en,
        "measure_nl": s.measure_nl,
        "measure_lines": _lines(s.measure_lines),
        "caveat_en": s.caveat_en,
        "caveat_nl": s.caveat_nl,
        "caveat_lines": _lines(s.caveat_lines),
        "header": ["Category (as published; English)"] + [str(y) for y in years],
        "caption": f"{s.organisation_en}: counts by year, with the line of the archived answer each figure stands on",
        "rows": rows,
    }


def _summary(tables: dict[str, pd.DataFrame]) -> dict:
    """What the first screen says: each series' organisation, whether it counts stalking, what it
    counts, its figures (or how many, where a table has many) and the first sentence of its caveat;
    and which sub-questions have no figures. Nothing here is computed from the figures."""
    from ..caveats import NO_FIGURES

    items = []
    for s in in_answer_order(tables["series"]).itertuples():
        obs = tables["observations"][tables["observations"]["series"] == s.series].sort_values("year")
        categories = tables["categories"][tables["categories"]["series"] == s.series]
        items.append(
            {
                "id": s.series,
                "organisation": s.organisation_en,
                "specific": bool(s.stalking_specific),
                "measure": s.measure_en,
                "caveat": s.caveat_en.split(". ")[0].rstrip(".") + ".",
                "figures": list(zip(obs["year"], obs["count"])) if len(categories) == 1 else [],
                "extent": f"{len(categories)} categories, {s.first_year}–{s.last_year}",
            }
        )
    none = [str(q.subquestion) for q in tables["subquestions"].itertuples() if q.figures == NO_FIGURES]
    no_figures = (
        f"The answer gives no figures for sub-question{'s' if len(none) > 1 else ''} "
        + (", ".join(none[:-1]) + " and " + none[-1] if len(none) > 1 else "".join(none))
        + "."
    )
    return {"items": items, "no_figures": no_figures if none else ""}


def _coverage(tables: dict[str, pd.DataFrame]) -> dict:
    return {
        "caption": "Sub-questions: does the answer give figures? (specific: stalking figures; related: not "
        "stalking-specific; no-figures: none)",
        "header": ["Sub-question", "Question (as put)", "Figures", "What the answer says (quoted)", "Lines"],
        "rows": [
            [
                q.subquestion,
                {"nl": q.question_nl, "en": q.question_en},
                q.figures,
                {"nl": q.statement_nl, "en": q.statement_en, "quoted": True},
                f"{q.question_lines} / {q.statement_lines}",
            ]
            for q in tables["subquestions"].itertuples()
        ],
    }


def _files(release: Path, descriptor: dict) -> dict[str, dict]:
    """The size and hash of every file of the release and of its descriptor, by path: each file read once."""
    paths = [r["path"] for r in descriptor["resources"]] + [DESCRIPTOR_NAME]
    return {path: file_facts(release / path) for path in paths}


def _downloads(descriptor: dict, files: dict[str, dict]) -> list[list]:
    listed = [(r["path"], r["format"]) for r in descriptor["resources"]] + [(DESCRIPTOR_NAME, JSON.name)]
    return [[{"link": path}, fmt, _size(files[path]["bytes"]), {"code": hex_of(files[path]["hash"])}] for path, fmt in listed]


def _paragraphs(description: str) -> list[dict]:
    """A description's parts: a list where every line starts with "- ", else a paragraph."""
    parts = []
    for part in description.split("\n\n"):
        lines = part.splitlines()
        bullets = bool(lines) and all(line.startswith("- ") for line in lines)
        parts.append({"bullets": [line[2:] for line in lines] if bullets else None, "text": part})
    return parts


def _svg(svg: bytes, tables: dict[str, pd.DataFrame]) -> Markup:
    """The chart, inline, with a title and a description for screen readers."""
    from markupsafe import escape

    svg_text = svg.decode("utf-8")
    svg_text = svg_text[svg_text.index("<svg") :]
    svg_text = svg_text.replace("<svg ", '<svg role="img" aria-labelledby="chart-title chart-desc" ', 1)
    description = escape("; ".join(f"{s.series}: {s.organisation_en}" for s in tables["series"].itertuples()))
    return Markup(
        svg_text.replace(
            ">",
            '><title id="chart-title">Counts by year, one panel per series</title>'
            f'<desc id="chart-desc">The same figures as the tables below: {description}</desc>',
            1,
        )
    )


def page(release: Path, descriptor: dict, tables: dict[str, pd.DataFrame], svg: bytes) -> str:
    """index.html of the release in ``release`` (whose files and descriptor are written already)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "indent": 1}  # tojson: <, >, & and ' escaped
    nl = descriptor.get("translations", {}).get("nl", {})
    files = _files(release, descriptor)
    return env.get_template("index.html.j2").render(
        d=descriptor,
        nl={"title": nl.get("title", "")},
        ld=jsonld.dataset(descriptor, tables, files),
        caveats_en=_paragraphs(descriptor["description"]),
        caveats_nl=_paragraphs(nl.get("description", "")),
        svg=_svg(svg, tables),
        chart_svg=CHART_SVG,
        chart_png=CHART_PNG,
        series=[_series(s, tables) for s in in_answer_order(tables["series"]).itertuples()],
        coverage=_coverage(tables),
        summary=_summary(tables),
        downloads=_downloads(descriptor, files),
        sources=descriptor.get("sources", []),
        licence={"title": descriptor["licenses"][0].get("title", descriptor["licenses"][0]["name"]), **descriptor["licenses"][0]},
        licence_scope=text("licence", "scope"),
        licence_archived=text("licence", "archived_text"),
        citation=cite(descriptor),
    )


def write(release: Path, descriptor: dict, tables: dict[str, pd.DataFrame]) -> bytes:
    """Write index.html, chart.svg and chart.png into ``release``; return the PNG bytes."""
    svg, png = chart.draw(tables)
    (release / CHART_SVG).write_bytes(svg)
    (release / CHART_PNG).write_bytes(png)
    (release / PAGE).write_text(page(release, descriptor, tables, svg), encoding="utf-8")
    return png
