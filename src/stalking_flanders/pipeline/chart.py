"""The chart of a release, one per language (Dutch first): the counts by year of every series, as
bars, the stalking figures first and no smaller than the others, one panel each, stacked (narrow
enough for a phone). The image carries what it needs when it is reused on its own: a title, beside each
panel what the answer says of its figures, its own reading of them and the package's note (the
2021 figure may not cover the whole year: its year is marked with an asterisk, said below the panel),
the source (the question, its number and date) and the licence. SVG and PNG whose bytes depend
only on the figures and the descriptor's names; :func:`alt_text` says the same in words."""

from __future__ import annotations

import io
import re
import textwrap

import pandas as pd

from ..caveats import Readings, caveat_parts, first_shown, organisation_named, several_sources
from ..facts import CODES, SPECIFIC
from ..tableschema import records
from ..text import dutch_date
from ..texts import text

LABELLED_BARS = 6  # a panel of at most this many bars shows each count above its bar
CHART_SVG, CHART_PNG = "chart.svg", "chart.png"  # the first language's; others insert their code
SALT = "stalking-flanders"  # fixes the ids matplotlib writes into SVG, so the bytes are stable
CHART_WIDTH_IN = 3.6  # 346 CSS px: shown at full size on a 390 px phone, so no label is scaled down
CHART_FONT = 9  # points: 12 CSS px; the smallest text (legend and notes, 8.5 pt) is 11.3 CSS px
SMALL = CHART_FONT - 0.5
WRAP = 52  # characters per line of the notes at SMALL points within the chart's width
LEGEND_WRAP = 34  # characters per line of a legend label (it starts after the marker)
AXIS_WRAP = 44  # characters per line of a note below a panel (it starts at the panel's left edge, after the axis)
LINE_IN = 0.165  # inches per line of SMALL text
STYLE = {"svg.hashsalt": SALT, "svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": CHART_FONT}
PANEL_IN = 2.0  # inches of every panel's plot area: the stalking figures' is no smaller
BAR_GROUP = 0.8  # of a year's width on the axis, the bars of that year together


def file_names(lang: str) -> tuple[str, str]:
    """(SVG, PNG) file names of the chart in ``lang``: chart.svg for the first language, chart.en.svg for English."""
    if lang == CODES[0]:
        return CHART_SVG, CHART_PNG
    return tuple(name.replace(".", f".{lang}.", 1) for name in (CHART_SVG, CHART_PNG))


def _wrap(label: str, width: int = WRAP) -> str:
    return textwrap.fill(label, width)


# English month names, as the package's English title dates the question ("of 21 December 2021")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July")
MONTHS_EN += ("August", "September", "October", "November", "December")


def _date(date, lang: str) -> str:
    """A question's date in the chart's words: as the answer writes it in Dutch, as the package's
    title writes it in English.

    >>> import datetime
    >>> _date(datetime.date(2021, 12, 21), "nl"), _date(datetime.date(2021, 12, 21), "en")
    ('21 december 2021', '21 December 2021')
    """
    return dutch_date(date) if lang == "nl" else f"{date.day} {MONTHS_EN[date.month - 1]} {date.year}"


def printed(meta: dict) -> dict[str, str]:
    """What the chart prints of the package's metadata ``meta``: its name and licence. The one list
    of it: the draw step pins these (:func:`.drawn.read_validated`) and hands the chart nothing else.

    >>> printed({"name": "p", "licenses": [{"name": "CC-BY-4.0"}], "title": "not printed"})
    {'licence': 'CC-BY-4.0', 'name': 'p'}
    """
    return {"licence": meta["licenses"][0]["name"], "name": meta["name"]}


def _source(tables: dict[str, pd.DataFrame], lang: str, facts: dict) -> tuple[str, str]:
    """The chart's title, and its source and licence lines, in ``lang``; ``facts`` are what
    :func:`printed` gives."""
    questions = tables["source_questions"]
    title = text("chart", "title", lang, number=", ".join(str(n) for n in questions["number"]))
    sources = " ".join(
        text("chart", "source", lang, number=r.number, date=_date(r.date, lang), parliament=r.parliament, minister=r.minister)
        for r in records(questions)
    )
    licence = facts["licence"].replace("-", " ")
    scope, archived = text("licence", "scope", lang), text("licence", "archived_text", lang)  # the chart quotes the answer
    return title, sources + " " + text(
        "chart", "licence", lang, licence=licence, name=facts["name"], scope=scope, archived=archived
    )


def _beside(s, readings: Readings, lang: str, wrapped: bool = True) -> str:
    """What stands beside a series' figures in the image: its caveat's parts
    (:func:`~stalking_flanders.caveats.caveat_parts`), each wrapped into the image's lines, or (not
    ``wrapped``) as one line of words, as a text alternative reads it."""
    parts = caveat_parts(s, readings, lang)
    return "\n".join(_wrap(p) for p in parts) if wrapped else " ".join(parts)


def _labels(tables: dict[str, pd.DataFrame], lang: str) -> dict[str, str]:
    column = "category" if lang == "nl" else f"label_{lang}"
    return dict(zip(tables["categories"]["category"], tables["categories"][column]))


def figure(tables: dict[str, pd.DataFrame], lang: str, facts: dict, laid_out: bool = True):
    """The chart in ``lang`` as a matplotlib Figure, laid out unless ``laid_out`` is false (the
    first save lays it out then), and its panels by series (call it within
    ``matplotlib.rc_context(STYLE)``)."""
    from matplotlib.figure import Figure  # no pyplot: nothing global, and a faster import
    from matplotlib.transforms import blended_transform_factory

    series = first_shown(tables["series"])
    title, footer = _source(tables, lang, facts)
    title, footer = _wrap(title, 44), _wrap(footer)
    blocks = [("title", _lines(title) * LINE_IN * 1.15, title)]  # (kind, height in inches, what)
    readings = Readings(tables["subquestions"])
    for s in records(series):
        labels = _category_labels(s, tables, lang)
        legend = sum(_lines(_wrap(label, LEGEND_WRAP)) for label in labels) * LINE_IN * 1.15 + len(labels) * 0.08
        blocks.append(("panel", PANEL_IN, s))  # the plot area alone: the layout adds heading and ticks
        blocks.append(("legend", legend, s))
        beside = _beside(s, readings, lang)
        blocks.append(("note", _lines(beside) * LINE_IN, beside))
    blocks.append(("note", _lines(footer) * LINE_IN, footer))
    # the layout adds each panel's heading and tick labels around its plot area
    several = several_sources(tables)
    decorations = sum(_lines(_heading(s, lang, several)) * CHART_FONT * 1.3 / 72 + 0.5 for s in records(series))
    decorations += sum(  # the note below a panel with a figure of the year its question was put
        _lines(_wrap(partial_note(s, tables, lang), AXIS_WRAP)) * SMALL * 1.3 / 72
        for s in records(series)
        if partial_year(s, tables)
    )
    fig = Figure(figsize=(CHART_WIDTH_IN, sum(h for _, h, _ in blocks) + decorations + 0.3), layout="constrained")
    axes = fig.subplots(len(blocks), 1, squeeze=False, height_ratios=[h for _, h, _ in blocks])[:, 0]
    panels = {}
    for ax, (kind, _, what) in zip(axes, blocks):
        if kind == "panel":
            _panel(ax, what, tables, lang, several)
            panels[what.series] = ax
            continue
        ax.axis("off")  # the legend, or a block of text from the figure's left edge (not the panels' axes)
        if kind == "legend":
            lines, labels = panels[what.series].get_legend_handles_labels()
            ax.legend(lines, labels, fontsize=SMALL, loc="upper left", bbox_to_anchor=(0, 1), frameon=False, borderaxespad=0)
            continue
        place = blended_transform_factory(fig.transFigure, ax.transAxes)
        big = kind == "title"
        ax.text(
            0.02,
            1,
            what,
            va="top",
            ha="left",
            transform=place,
            fontsize=CHART_FONT if big else SMALL,
            weight="bold" if big else "normal",
        )
    if laid_out:
        fig.draw_without_rendering()
    return fig, panels


def draw(tables: dict[str, pd.DataFrame], lang: str, facts: dict) -> tuple[bytes, bytes]:
    """The chart in ``lang`` as (SVG, PNG) bytes. The layout is worked out once, by the first save,
    and kept for the second: each layout costs as much as a drawing."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig, _ = figure(tables, lang, facts, laid_out=False)
        svg, png = io.BytesIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        fig.set_layout_engine("none")
        fig.savefig(png, format="png", dpi=110, metadata={"Software": None})
    return described(numbered(svg.getvalue()), tables, lang, facts), png.getvalue()


HASHED_ID = re.compile(r'(?<=id=")([mp][0-9a-f]{10})(?=")')


def numbered(svg: bytes) -> bytes:
    """The SVG with the ids matplotlib makes by hashing a clip rectangle's or a marker's numbers
    (``p3b75c80c27``, written at full precision, so that a last digit moved by the drawing's order in
    a process changed the bytes) numbered in the order they are defined: ``chart-p1``, ``chart-m1``.

    >>> numbered(b'<path id="p3b75c80c27"/><use xlink:href="#p3b75c80c27" clip-path="url(#p3b75c80c27)"/>')
    b'<path id="chart-p1"/><use xlink:href="#chart-p1" clip-path="url(#chart-p1)"/>'
    """
    text_ = svg.decode("utf-8")
    names: dict[str, str] = {}
    for hashed in HASHED_ID.findall(text_):
        kind = hashed[0]
        names.setdefault(hashed, f"chart-{kind}{sum(1 for n in names if n[0] == kind) + 1}")
    if not names:
        return svg
    pattern = re.compile(r'(?<=id=")(' + "|".join(names) + r')(?=")|(?<=#)(' + "|".join(names) + r')(?=[")])')
    return pattern.sub(lambda m: names[m.group()], text_).encode("utf-8")


TITLE_ID, DESC_ID = "chart-title", "chart-desc"  # a page that shows the SVG inline names them (aria-labelledby)


def described(svg: bytes, tables: dict[str, pd.DataFrame], lang: str, facts: dict) -> bytes:
    """The SVG with a title and a description (:func:`alt_text`) first inside it: what a screen
    reader says of the image, in the file itself, wherever it is opened."""
    from markupsafe import escape

    svg_text = svg.decode("utf-8")
    start = svg_text.index(">", svg_text.index("<svg")) + 1
    title = escape(text("page", "chart_title", lang))
    said = f'<title id="{TITLE_ID}">{title}</title><desc id="{DESC_ID}">{escape(alt_text(tables, lang, facts))}</desc>'
    return (svg_text[:start] + said + svg_text[start:]).encode("utf-8")


def import_matplotlib() -> None:
    """Import what drawing needs (about a third of a second), once, before the work is shared out."""
    import matplotlib.figure  # noqa: F401
    import matplotlib.transforms  # noqa: F401


def _lines(text_: str) -> int:
    return text_.count("\n") + 1


def _heading(s, lang: str, several: bool) -> str:
    return f"{_wrap(organisation_named(s, lang, several), 44)}\n{SPECIFIC[lang][bool(s.stalking_specific)]}"


def _category_labels(s, tables: dict[str, pd.DataFrame], lang: str) -> list[str]:
    labels = _labels(tables, lang)
    rows = tables["observations"][tables["observations"]["series"] == s.series]
    return [labels.get(c, c) for c in dict.fromkeys(rows["category"])]


def _panel(ax, s, tables: dict[str, pd.DataFrame], lang: str, several: bool) -> None:
    """A series' counts as bars, grouped by year (one bar a category): counts of separate years, not
    a line that joins them (the answer draws no trend from them). A panel of at most
    ``LABELLED_BARS`` bars carries each count above its bar, as published (the image reused on its
    own still gives them); more would not stand apart at a phone's width."""
    labels = _labels(tables, lang)
    rows = tables["observations"][tables["observations"]["series"] == s.series]
    groups = list(rows.groupby("category", sort=False))
    width = BAR_GROUP / len(groups)
    for k, (category, group) in enumerate(groups):
        group = group.sort_values("year")
        at = group["year"] - BAR_GROUP / 2 + width * (k + 0.5)
        bars = ax.bar(at, group["count"], width=width, label=_wrap(labels.get(category, category), LEGEND_WRAP))
        if len(rows) <= LABELLED_BARS:
            ax.bar_label(bars, labels=[str(n) for n in group["count"]], padding=2, fontsize=CHART_FONT)
    years, partial = sorted(rows["year"].unique()), partial_year(s, tables)
    ax.set_xticks(years, [f"{y}*" if y == partial else str(y) for y in years])
    if partial is not None:  # the answer says not up to what date it counted: said where the figure stands
        ax.set_xlabel(_wrap(partial_note(s, tables, lang), AXIS_WRAP), fontsize=SMALL, loc="left")
    ax.set_ylim(bottom=0)
    if len(rows) <= LABELLED_BARS:
        ax.set_ylim(top=rows["count"].max() * 1.15)  # room for the counts above the bars
    ax.set_ylabel(text("chart", "count", lang, unit=getattr(s, f"unit_{lang}")))
    ax.set_title(_heading(s, lang, several), fontsize=CHART_FONT)
    ax.grid(axis="y", linewidth=0.3)


def _asked_on(s, tables: dict[str, pd.DataFrame]):
    """The date the question of series ``s`` was put."""
    questions = tables["source_questions"]
    return questions.loc[questions["source_question"] == s.source_question, "date"].iloc[0]


def partial_year(s, tables: dict[str, pd.DataFrame]) -> int | None:
    """The year of series ``s`` whose figure may not cover the whole year: the year its question was
    put, where the series has a figure of it (the answer does not say up to what date it counted), or None."""
    year = int(_asked_on(s, tables).year)
    years = tables["observations"].loc[tables["observations"]["series"] == s.series, "year"]
    return year if (years == year).any() else None


def partial_note(s, tables: dict[str, pd.DataFrame], lang: str) -> str:
    """What the asterisk beside :func:`partial_year` says, in ``lang``: that the makers' note of the
    series says why."""
    return text("chart", "partial", lang, year=partial_year(s, tables))


def alt_text(tables: dict[str, pd.DataFrame], lang: str, facts: dict | None = None) -> str:
    """What the chart in ``lang`` shows, in words: every figure by series, category and year, what
    stands beside them, and (given ``facts``, :func:`printed`) the title, source and licence."""
    labels, parts, readings = _labels(tables, lang), [], Readings(tables["subquestions"])
    several = several_sources(tables)
    for s in records(first_shown(tables["series"])):
        rows = tables["observations"][tables["observations"]["series"] == s.series].sort_values(
            ["category", "year"], kind="stable"
        )
        marked = partial_year(s, tables)  # its year marked with an asterisk, as on the panel
        figures = "; ".join(
            f"{labels.get(c, c)}: " + ", ".join(f"{y}{'*' * (y == marked)}: {n}" for y, n in zip(g["year"], g["count"]))
            for c, g in rows.groupby("category", sort=False)
        )
        organisation, kind = organisation_named(s, lang, several), SPECIFIC[lang][bool(s.stalking_specific)]
        counted = text("chart", "count", lang, unit=getattr(s, f"unit_{lang}"))  # as the panel's axis says
        partial = f"{partial_note(s, tables, lang)} " if marked else ""  # the note below its panel
        parts.append(f"{organisation} ({kind}; {counted}): {figures}. {partial}{_beside(s, readings, lang, wrapped=False)}")
    if facts is not None:
        title, footer = _source(tables, lang, facts)
        parts = [title + "."] + parts + [footer]
    return " ".join(parts)
