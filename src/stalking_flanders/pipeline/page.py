"""The dataset page of a release: index.html beside its files, self-contained (no external
scripts, fonts or images), with the caveats up front, every table with the source line of each
figure, a chart, the sub-question coverage, the downloads with size and sha256, the licence, the
citation, and schema.org Dataset JSON-LD. Also the chart as SVG and PNG (byte-stable).

The HTML is a Jinja2 template (``templates/index.html.j2``) that escapes every value; cells that
hold markup are built with :class:`markupsafe.Markup`, which escapes what it is given.
"""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from ..datapackage import DESCRIPTOR_NAME, cite
from ..facts import CODES, PLACES, SPECIFIC
from ..formats import JSON
from ..hashes import file_facts, hex_of
from ..texts import text

CHART_SVG, CHART_PNG, PAGE = "chart.svg", "chart.png", "index.html"
SALT = "stalking-flanders"  # fixes the ids matplotlib writes into SVG, so the bytes are stable
TEMPLATES = Path(__file__).resolve().parent / "templates"


CHART_WIDTH_IN = 3.6  # 346 CSS px: shown at full size on a 390 px phone, so no label is scaled down
CHART_FONT = 9  # points: 12 CSS px; the smallest text (the legend, 8.5 pt) is 11.3 CSS px


def chart(tables: dict[str, pd.DataFrame]) -> tuple[bytes, bytes]:
    """The counts by year of every series, one panel each, stacked (narrow enough for a phone),
    as (SVG, PNG) bytes."""
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: nothing global, and a faster import

    series = in_answer_order(tables["series"])
    heights = [2.2 + 0.32 * _legend_lines(s, tables) for s in series.itertuples()]
    style = {"svg.hashsalt": SALT, "svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": CHART_FONT}
    with matplotlib.rc_context(style):
        fig = Figure(figsize=(CHART_WIDTH_IN, sum(heights) + 0.6), layout="constrained")
        axes = fig.subplots(len(series), 1, squeeze=False, height_ratios=heights)
        for ax, s in zip(axes[:, 0], series.itertuples()):
            _panel(ax, s, tables)
        svg, png = io.BytesIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        fig.savefig(png, format="png", dpi=110, metadata={"Software": None})
    return svg.getvalue(), png.getvalue()


def _legend_lines(s, tables: dict[str, pd.DataFrame]) -> int:
    labels = tables["categories"][tables["categories"]["series"] == s.series]["label_en"]
    return sum(len(_wrap(label).splitlines()) for label in labels)


def _wrap(label: str) -> str:
    return textwrap.fill(label, 36)


def _panel(ax, s, tables: dict[str, pd.DataFrame]) -> None:
    labels = dict(zip(tables["categories"]["category"], tables["categories"]["label_en"]))
    rows = tables["observations"][tables["observations"]["series"] == s.series]
    for category, group in rows.groupby("category", sort=False):
        group = group.sort_values("year")
        ax.plot(group["year"], group["count"], marker="o", label=_wrap(labels.get(category, category)))
    years = sorted(rows["year"].unique())
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylim(bottom=0)
    ax.set_ylabel("count")
    kind = SPECIFIC["en"][bool(s.stalking_specific)]
    ax.set_title(f"{s.organisation_en}\n{kind}", fontsize=CHART_FONT)
    ax.legend(fontsize=CHART_FONT - 0.5, loc="upper left", bbox_to_anchor=(0, -0.12), frameon=False)
    ax.grid(axis="y", linewidth=0.3)


def in_answer_order(series: pd.DataFrame) -> pd.DataFrame:
    """The series in the order the answer gives them."""
    return series.sort_values(["source_question", "subquestion", "header_line"], kind="stable").reset_index(drop=True)


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
        cells = [Markup('<span lang="nl">{}</span><br><span class="en">{}</span>').format(c.category, c.label_en)]
        for year in years:
            hit = obs[(obs["category"] == c.category) & (obs["year"] == year)]
            cells.append(
                ""
                if hit.empty
                else Markup('<span class="n">{}</span> <span class="line">line {}</span>').format(
                    int(hit["count"].iloc[0]), int(hit["source_line"].iloc[0])
                )
            )
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
    both = '<span lang="nl">{}</span><br><span class="en">{}</span>'
    return {
        "caption": "Sub-questions: does the answer give figures? (specific: stalking figures; related: not "
        "stalking-specific; no-figures: none)",
        "header": ["Sub-question", "Question (as put)", "Figures", "What the answer says (quoted)", "Lines"],
        "rows": [
            [
                q.subquestion,
                Markup(both).format(q.question_nl, q.question_en),
                q.figures,
                Markup('<span lang="nl"><q>{}</q></span><br><span class="en">{}</span>').format(q.statement_nl, q.statement_en),
                f"{q.question_lines} / {q.statement_lines}",
            ]
            for q in tables["subquestions"].itertuples()
        ],
    }


def _downloads(release: Path, descriptor: dict) -> list[list]:
    rows = [
        [
            Markup('<a href="{0}">{0}</a>').format(r["path"]),
            r["format"],
            _size(file_facts(release / r["path"])["bytes"]),
            Markup("<code>{}</code>").format(hex_of(file_facts(release / r["path"])["hash"])),
        ]
        for r in descriptor["resources"]
    ]
    facts = file_facts(release / DESCRIPTOR_NAME)
    rows.append(
        [
            Markup('<a href="{0}">{0}</a>').format(DESCRIPTOR_NAME),
            JSON.name,
            _size(facts["bytes"]),
            Markup("<code>{}</code>").format(hex_of(facts["hash"])),
        ]
    )
    return rows


def json_ld(descriptor: dict, tables: dict[str, pd.DataFrame], release: Path) -> dict:
    """schema.org Dataset metadata of the release."""
    series = tables["series"]
    nl = descriptor.get("translations", {}).get("nl", {})
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": descriptor["title"],
        "alternateName": [t for t in [nl.get("title"), descriptor["name"]] if t],
        "description": descriptor["description"],
        "version": descriptor["version"],
        "keywords": descriptor.get("keywords", []),
        "license": descriptor["licenses"][0]["path"],
        "inLanguage": list(CODES),
        "isAccessibleForFree": True,
        "spatialCoverage": {"@type": "Place", "name": ", ".join(f"{place.nl} ({place.en})" for place in PLACES)},
        "temporalCoverage": f"{int(series['first_year'].min())}/{int(series['last_year'].max())}",
        "isBasedOn": [s["title"] for s in descriptor.get("sources", [])],
        "citation": cite(descriptor),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": r["name"],
                "contentUrl": r["path"],
                "encodingFormat": r["mediatype"],
                "contentSize": f"{file_facts(release / r['path'])['bytes']} B",
                "sha256": hex_of(file_facts(release / r["path"])["hash"]),
            }
            for r in descriptor["resources"]
        ],
    }


def json_for_script(value) -> Markup:
    """``value`` as JSON that is safe inside a ``<script>`` block: ``<``, ``>`` and ``&`` escaped.

    >>> str(json_for_script({"a": "</script><!--&"}))
    '{\\n "a": "\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u0026"\\n}'
    """
    dumped = json.dumps(value, ensure_ascii=False, indent=1)
    return Markup(dumped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


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
    nl = descriptor.get("translations", {}).get("nl", {})
    return env.get_template("index.html.j2").render(
        d=descriptor,
        nl={"title": nl.get("title", "")},
        ld=json_for_script(json_ld(descriptor, tables, release)),
        caveats_en=_paragraphs(descriptor["description"]),
        caveats_nl=_paragraphs(nl.get("description", "")),
        svg=_svg(svg, tables),
        chart_svg=CHART_SVG,
        chart_png=CHART_PNG,
        series=[_series(s, tables) for s in in_answer_order(tables["series"]).itertuples()],
        coverage=_coverage(tables),
        summary=_summary(tables),
        downloads=_downloads(release, descriptor),
        sources=descriptor.get("sources", []),
        licence={"title": descriptor["licenses"][0].get("title", descriptor["licenses"][0]["name"]), **descriptor["licenses"][0]},
        licence_scope=text("licence", "scope"),
        licence_archived=text("licence", "archived_text"),
        citation=cite(descriptor),
    )


def write(release: Path, descriptor: dict, tables: dict[str, pd.DataFrame]) -> bytes:
    """Write index.html, chart.svg and chart.png into ``release``; return the PNG bytes."""
    svg, png = chart(tables)
    (release / CHART_SVG).write_bytes(svg)
    (release / CHART_PNG).write_bytes(png)
    (release / PAGE).write_text(page(release, descriptor, tables, svg), encoding="utf-8")
    return png
