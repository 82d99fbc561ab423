"""The dataset page of a release: index.html beside its files, self-contained (no external
scripts, fonts or images), with the caveats up front, every table with the source line of each
figure, a chart, the sub-question coverage, the downloads with size and sha256, the licence, the
citation, and schema.org Dataset JSON-LD. Also the chart as SVG and PNG (byte-stable)."""

from __future__ import annotations

import hashlib
import html
import io
import json
from pathlib import Path

import pandas as pd

from .release import DESCRIPTOR_NAME, cite

CHART_SVG, CHART_PNG, PAGE = "chart.svg", "chart.png", "index.html"
SALT = "stalking-flanders"  # fixes the ids matplotlib writes into SVG, so the bytes are stable


def chart(tables: dict[str, pd.DataFrame]) -> tuple[bytes, bytes]:
    """The counts by year of every series, one panel each, as (SVG, PNG) bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = in_answer_order(tables["series"])
    labels = dict(zip(tables["categories"]["category"], tables["categories"]["label_en"]))
    with plt.rc_context({"svg.hashsalt": SALT, "svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 9}):
        fig, axes = plt.subplots(1, len(series), figsize=(5.2 * len(series), 4.8), squeeze=False, layout="constrained")
        for ax, s in zip(axes[0], series.itertuples()):
            rows = tables["observations"][tables["observations"]["series"] == s.series]
            for category, group in rows.groupby("category", sort=False):
                group = group.sort_values("year")
                ax.plot(group["year"], group["count"], marker="o", label=labels.get(category, category))
            years = sorted(rows["year"].unique())
            ax.set_xticks(years, [str(y) for y in years])
            ax.set_ylim(bottom=0)
            ax.set_ylabel("count")
            kind = "stalking-specific" if s.stalking_specific else "NOT stalking-specific"
            ax.set_title(f"{s.organisation_en}\n{s.series} ({kind})", fontsize=9)
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0, -0.08), frameon=False)
            ax.grid(axis="y", linewidth=0.3)
        svg, png = io.BytesIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        fig.savefig(png, format="png", dpi=110, metadata={"Software": None})
        plt.close(fig)
    return svg.getvalue(), png.getvalue()


def in_answer_order(series: pd.DataFrame) -> pd.DataFrame:
    """The series in the order the answer gives them."""
    return series.sort_values(["source_question", "subquestion", "header_line"], kind="stable").reset_index(drop=True)


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _lines(span: str) -> str:
    return f"line {span}" if "-" not in str(span) else f"lines {span}"


def _size(n: int) -> str:
    return f"{n:,} bytes".replace(",", " ")


def _table(caption: str, header: list[str], rows: list[list[str]], lang: str | None = None) -> str:
    """An HTML table; cells are already escaped HTML. The first cell of each row is a row header."""
    attr = f' lang="{lang}"' if lang else ""
    head = "".join(f'<th scope="col">{h}</th>' for h in header)
    body = "".join("<tr>" + f'<th scope="row">{r[0]}</th>' + "".join(f"<td>{c}</td>" for c in r[1:]) + "</tr>" for r in rows)
    return f"<table{attr}><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _series_section(s, tables: dict[str, pd.DataFrame]) -> str:
    obs = tables["observations"][tables["observations"]["series"] == s.series]
    cats = tables["categories"][tables["categories"]["series"] == s.series]
    years = sorted(obs["year"].unique())
    rows = []
    for c in cats.itertuples():
        cells = [f'<span lang="nl">{_e(c.category)}</span><br><span class="en">{_e(c.label_en)}</span>']
        for year in years:
            hit = obs[(obs["category"] == c.category) & (obs["year"] == year)]
            cells.append("" if hit.empty else
                         f'<span class="n">{int(hit["count"].iloc[0])}</span> <span class="line">line {int(hit["source_line"].iloc[0])}</span>')
        rows.append(cells)
    totals = ["Total"] + [f'<span class="n">{int(obs[obs["year"] == y]["count"].sum())}</span>' for y in years]
    rows.append(totals)
    kind = "stalking-specific" if s.stalking_specific else "<strong>NOT stalking-specific</strong>"
    table = _table(f"{_e(s.organisation_en)}: counts by year, with the line of the archived answer each figure stands on",
                   ["Category (as published; English)"] + [str(y) for y in years], rows)
    return (f'<section aria-labelledby="s-{_e(s.series)}"><h3 id="s-{_e(s.series)}">{_e(s.series)} ({kind})</h3>'
            f'<p>{_e(s.measure_en)}</p><p lang="nl"><q>{_e(s.measure_nl)}</q> ({_lines(s.measure_lines)})</p>'
            f'<p class="caveat">{_e(s.caveat_en)}</p><p lang="nl" class="caveat"><q>{_e(s.caveat_nl)}</q> '
            f'({_lines(s.caveat_lines)})</p>{table}</section>')


def _downloads(release: Path, descriptor: dict) -> str:
    rows = []
    for r in descriptor["resources"]:
        rows.append([f'<a href="{_e(r["path"])}">{_e(r["path"])}</a>', _e(r["format"]), _size(r["bytes"]),
                     f'<code>{_e(r["hash"].split(":", 1)[1])}</code>'])
    data = (release / DESCRIPTOR_NAME).read_bytes()
    rows.append([f'<a href="{DESCRIPTOR_NAME}">{DESCRIPTOR_NAME}</a>', "json", _size(len(data)),
                 f"<code>{hashlib.sha256(data).hexdigest()}</code>"])
    return _table("Files of this release", ["File", "Format", "Size", "sha256"], rows)


def json_ld(descriptor: dict, tables: dict[str, pd.DataFrame]) -> dict:
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
        "inLanguage": ["nl", "en"],
        "isAccessibleForFree": True,
        "spatialCoverage": {"@type": "Place", "name": "Vlaanderen (Flanders), België (Belgium)"},
        "temporalCoverage": f"{int(series['first_year'].min())}/{int(series['last_year'].max())}",
        "isBasedOn": [s["title"] for s in descriptor.get("sources", [])],
        "citation": cite(descriptor),
        "distribution": [
            {"@type": "DataDownload", "name": r["name"], "contentUrl": r["path"], "encodingFormat": r["mediatype"],
             "contentSize": f"{r['bytes']} B", "sha256": r["hash"].split(":", 1)[1]}
            for r in descriptor["resources"]
        ],
    }


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;max-width:62rem;margin:0 auto;padding:1rem 1.25rem;line-height:1.45;color:#111;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1.05rem}
.caveats{border:2px solid #b00020;padding:.5rem 1rem;background:#fff5f5}.caveat{font-style:italic}
table{border-collapse:collapse;margin:.75rem 0;font-size:.9rem}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}thead th{background:#eee}
td .n{font-weight:600}.line{color:#555;font-size:.8em}.en{color:#444}code{font-size:.8em;word-break:break-all}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}a:focus,a:hover{outline:3px solid #1a73e8;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
"""


def page(release: Path, descriptor: dict, tables: dict[str, pd.DataFrame], svg: bytes) -> str:
    """index.html of the release in ``release`` (whose files and descriptor are written already)."""
    nl = descriptor.get("translations", {}).get("nl", {})
    en_caveats = descriptor["description"].split("\n\n")
    nl_caveats = nl.get("description", "").split("\n\n")

    def paragraphs(parts: list[str], lang: str) -> str:
        out = []
        for part in parts:
            lines = part.splitlines()
            if all(line.startswith("- ") for line in lines):
                out.append(f'<ul lang="{lang}">' + "".join(f"<li>{_e(line[2:])}</li>" for line in lines) + "</ul>")
            else:
                out.append(f'<p lang="{lang}">{_e(part)}</p>')
        return "".join(out)

    svg_text = svg.decode("utf-8")
    svg_text = svg_text[svg_text.index("<svg"):]
    svg_text = svg_text.replace("<svg ", '<svg role="img" aria-labelledby="chart-title chart-desc" ', 1)
    svg_text = svg_text.replace(">", '><title id="chart-title">Counts by year, one panel per series</title>'
                                '<desc id="chart-desc">The same figures as the tables below: ' +
                                _e("; ".join(f"{s.series}: {s.organisation_en}" for s in tables["series"].itertuples())) +
                                "</desc>", 1)
    subquestions = _table(
        "Sub-questions: does the answer give figures? (specific: stalking figures; related: not stalking-specific; none)",
        ["Sub-question", "Question (as put)", "Figures", "What the answer says (quoted)", "Lines"],
        [[_e(q.subquestion), f'<span lang="nl">{_e(q.question_nl)}</span><br><span class="en">{_e(q.question_en)}</span>',
          _e(q.figures), f'<span lang="nl"><q>{_e(q.statement_nl)}</q></span><br><span class="en">{_e(q.statement_en)}</span>',
          f"{_e(q.question_lines)} / {_e(q.statement_lines)}"] for q in tables["subquestions"].itertuples()])
    series_html = "".join(_series_section(s, tables) for s in in_answer_order(tables["series"]).itertuples())
    licence = descriptor["licenses"][0]
    sources = "".join(f'<li lang="nl">{_e(s["title"])} (<a href="{_e(s["path"])}">{_e(s["path"])}</a>)</li>'
                      for s in descriptor.get("sources", []))
    ld = json.dumps(json_ld(descriptor, tables), ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{_e(descriptor["title"])} (version {_e(descriptor["version"])})</title>
<style>{STYLE}</style>
<script type="application/ld+json">
{ld}
</script>
</head>
<body>
<a class="skip" href="#data">Skip to the data</a>
<header>
<h1>{_e(descriptor["title"])}</h1>
<p lang="nl"><strong>{_e(nl.get("title", ""))}</strong></p>
<p>{_e(descriptor["name"])}, version {_e(descriptor["version"])}</p>
</header>
<main>
<section class="caveats" aria-labelledby="caveats">
<h2 id="caveats">Read before use <span lang="nl">/ Lees dit eerst</span></h2>
{paragraphs(en_caveats, "en")}
<details><summary lang="nl">In het Nederlands</summary>{paragraphs(nl_caveats, "nl")}</details>
</section>
<section aria-labelledby="data"><h2 id="data">The figures</h2>
<figure>{svg_text}<figcaption>Counts by year for each series (also as <a href="{CHART_SVG}">SVG</a> and <a href="{CHART_PNG}">PNG</a>). The tables below hold the same figures, each with the line of the archived answer it stands on.</figcaption></figure>
{series_html}
</section>
<section aria-labelledby="coverage"><h2 id="coverage">What the answer covers</h2>{subquestions}</section>
<section aria-labelledby="downloads"><h2 id="downloads">Downloads</h2>{_downloads(release, descriptor)}</section>
<section aria-labelledby="source"><h2 id="source">Source</h2><ul>{sources}</ul></section>
<section aria-labelledby="licence"><h2 id="licence">Licence</h2>
<p>{_e(licence.get("title", licence["name"]))} ({_e(licence["name"])}, <a href="{_e(licence["path"])}">{_e(licence["path"])}</a>) for this package's tables, translations and metadata; attribute the Flemish Parliament as the source. The archived text of the question and answer states no licence; none is claimed for it.</p></section>
<section aria-labelledby="cite"><h2 id="cite">How to cite</h2><p>{_e(cite(descriptor))}</p></section>
</main>
</body>
</html>
"""


def write(release: Path, descriptor: dict, tables: dict[str, pd.DataFrame]) -> bytes:
    """Write index.html, chart.svg and chart.png into ``release``; return the PNG bytes."""
    svg, png = chart(tables)
    (release / CHART_SVG).write_bytes(svg)
    (release / CHART_PNG).write_bytes(png)
    (release / PAGE).write_text(page(release, descriptor, tables, svg), encoding="utf-8")
    return png
