"""The chart of a release: the counts by year of every series, one panel each, stacked (narrow
enough for a phone), as SVG and PNG whose bytes depend only on the figures."""

from __future__ import annotations

import io
import textwrap

import pandas as pd

from ..facts import SPECIFIC

CHART_SVG, CHART_PNG = "chart.svg", "chart.png"
SALT = "stalking-flanders"  # fixes the ids matplotlib writes into SVG, so the bytes are stable
CHART_WIDTH_IN = 3.6  # 346 CSS px: shown at full size on a 390 px phone, so no label is scaled down
CHART_FONT = 9  # points: 12 CSS px; the smallest text (the legend, 8.5 pt) is 11.3 CSS px


def draw(tables: dict[str, pd.DataFrame]) -> tuple[bytes, bytes]:
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
