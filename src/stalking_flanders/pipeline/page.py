"""The dataset pages of a release, beside its files: index.html in Dutch (the answer's language)
and index.en.html in English, each one link away from the other, self-contained (no external
scripts, fonts or images). The first screen shows the stalking figures with the answer's own
reading of them and the package's note; then the caveats, every table with the source line of each
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

from ..caveats import (
    NO_FIGURES,
    Readings,
    caveat_words,
    first_shown,
    lines_named,
    organisation_named,
    sentences,
    several_sources,
    subquestions_named,
)
from ..datapackage import DESCRIPTOR_NAME, cite
from ..facts import CODES, LANGUAGES, SPECIFIC
from ..formats import BY_NAME, JSON
from ..hashes import file_facts, hex_of
from ..tableschema import records
from ..texts import text, words
from . import chart, jsonld

# The pages of a release, Dutch first (the answer's language): index.html is the Dutch page, each
# other language has a page of its own one link away.
PAGES = {language.code: "index.html" if i == 0 else f"index.{language.code}.html" for i, language in enumerate(LANGUAGES)}
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _words(lang: str) -> dict:
    """The page's own words in ``lang`` (the section ``page`` of texts.toml)."""
    return words("page", lang)


def _size(n: int) -> str:
    """A size that never breaks over lines: thin no-break spaces between thousands.

    >>> _size(2317)
    '2\u202f317\u00a0bytes'
    """
    return f"{n:,}".replace(",", "\u202f") + "\u00a0bytes"


def _reading(s, readings: Readings, lang: str) -> dict:
    """The answer's own reading of series ``s`` in ``lang`` (its first sentences, whether any are
    left out, their label and the lines of the whole statement), shown beside its figures; empty
    texts where the answer gives none."""
    read = readings.of(s)
    quoted, cut = readings.excerpt(read, lang) if read is not None else ("", False)
    return {
        "reading": quoted,
        "reading_cut": cut,
        "reading_label": caveat_words(lang)["reading"].format(n=s.reading_subquestion),
        "reading_lines": lines_named(read["statement_lines"], lang) if read is not None else "",
    }


def _series(s, tables: dict[str, pd.DataFrame], lang: str, words: dict, readings: Readings) -> dict:
    obs = tables["observations"][tables["observations"]["series"] == s.series]
    cats = tables["categories"][tables["categories"]["series"] == s.series]
    years = sorted(obs["year"].unique())
    rows = []
    for c in records(cats):
        # not translated: said so, in the page's language, beside the English label
        kept = text("caveats", "kept", lang) if c.label_en == c.category else ""
        cells = [{"nl": c.category, "en": c.label_en, "kept": kept}]
        for year in years:
            hit = obs[(obs["category"] == c.category) & (obs["year"] == year)]
            cells.append("" if hit.empty else {"count": int(hit["count"].iloc[0]), "line": int(hit["source_line"].iloc[0])})
        rows.append(cells)
    organisation = organisation_named(s, lang, several_sources(tables))
    return {
        "id": s.series,
        "organisation": organisation,
        "specific": bool(s.stalking_specific),
        "kind": SPECIFIC[lang][bool(s.stalking_specific)],
        "counted": _counted(s, lang),
        "measure_en": s.measure_en,
        "measure_nl": s.measure_nl,
        "measure_lines": lines_named(s.measure_lines, lang),
        "caveat_en": s.caveat_en,
        "caveat_nl": s.caveat_nl,
        "caveat_lines": lines_named(s.caveat_lines, lang),
        "note": getattr(s, f"note_{lang}"),
        "note_label": caveat_words(lang)["note"],
        **_reading(s, readings, lang),
        "header": [words["category"]] + [str(y) for y in years],
        "caption": words["series_caption"].format(organisation=organisation),
        "rows": rows,
    }


def _counted(s, lang: str) -> str:
    """What each figure of series ``s`` counts, in the chart's words (``aantal daders``)."""
    return text("chart", "count", lang, unit=getattr(s, f"unit_{lang}"))


def _summary(tables: dict[str, pd.DataFrame], lang: str, words: dict) -> dict:
    """What the first screen says, in ``lang``: for each series what the answer says its figures
    count and says of them (both quoted with their lines) and the package's note sentence by
    sentence; for a series that counts stalking, its figures (after their category's label) and the
    answer's own reading of them (its first sentences); for one that does not, that it does not,
    and where its table is; and which sub-questions have no figures. Nothing here is computed from
    the figures."""
    items, readings, several = [], Readings(tables["subquestions"]), several_sources(tables)
    for s in records(first_shown(tables["series"])):
        obs = tables["observations"][tables["observations"]["series"] == s.series].sort_values("year")
        categories = tables["categories"][tables["categories"]["series"] == s.series]
        items.append(
            {
                "id": s.series,
                "organisation": organisation_named(s, lang, several),
                "specific": bool(s.stalking_specific),
                "kind": SPECIFIC[lang][bool(s.stalking_specific)],
                "counted": _counted(s, lang),
                "measure": getattr(s, f"measure_{lang}"),
                "answer_label": caveat_words(lang)["answer"],  # the measure is the answer's words (in English, translated)
                "measure_lines": lines_named(s.measure_lines, lang),
                "caveat": getattr(s, f"caveat_{lang}"),  # the answer on the figures, quoted where they are not of stalking
                "caveat_lines": lines_named(s.caveat_lines, lang),
                "figures": list(zip(obs["year"], obs["count"])) if len(categories) == 1 else [],
                "category": categories["category" if lang == "nl" else f"label_{lang}"].iloc[0] if len(categories) == 1 else "",
                "extent": words["extent"].format(n=len(categories), first=s.first_year, last=s.last_year),
                **_reading(s, readings, lang),
                "note_label": caveat_words(lang)["note"],
                "note": sentences(getattr(s, f"note_{lang}")),
            }
        )
    subquestions = tables["subquestions"]
    none = [
        named
        for named, figures in zip(subquestions_named(subquestions, several), subquestions["figures"])
        if figures == NO_FIGURES
    ]
    listed = ", ".join(none[:-1]) + f" {words['and']} " + none[-1] if len(none) > 1 else "".join(none)
    no_figures = words["no_figures_many" if len(none) > 1 else "no_figures"].format(list=listed) if none else ""
    return {"items": items, "no_figures": no_figures}


def _coverage(tables: dict[str, pd.DataFrame], words: dict, lang: str) -> dict:
    kinds = {"specific": SPECIFIC[lang][True], **words["figures_kinds"]}  # a sub-question's figures, as its series is named
    return {
        "caption": words["coverage_caption"],
        "header": words["coverage_header"],
        "rows": [
            [
                named,
                {"nl": q.question_nl, "en": q.question_en},
                {"kind": kinds.get(q.figures, q.figures), "code": q.figures},
                {"nl": q.statement_nl, "en": q.statement_en, "quoted": True},
                f"{q.question_lines} / {q.statement_lines}",
            ]
            for q, named in zip(
                records(tables["subquestions"]), subquestions_named(tables["subquestions"], several_sources(tables))
            )
        ],
    }


def _files(release: Path, descriptor: dict) -> dict[str, dict]:
    """The size and hash of every file of the release and of its descriptor, by path: each file read once."""
    paths = [r["path"] for r in descriptor["resources"]] + [DESCRIPTOR_NAME]
    return {path: file_facts(release / path) for path in paths}


def _downloads(descriptor: dict, files: dict[str, dict]) -> list[list]:
    """Every file with its format, size and sha256: the files for spreadsheets first."""
    listed = [(r["path"], r["format"]) for r in descriptor["resources"]] + [(DESCRIPTOR_NAME, JSON.name)]
    listed.sort(key=lambda item: not _for_spreadsheets(item[1]))
    return [[{"link": path}, fmt, _size(files[path]["bytes"]), {"code": hex_of(files[path]["hash"])}] for path, fmt in listed]


def _for_spreadsheets(fmt: str) -> bool:
    return getattr(BY_NAME.get(fmt), "for_spreadsheets", False)


def _paragraphs(description: str) -> list[dict]:
    """A description's parts: a list where every line starts with "- ", else a paragraph."""
    parts = []
    for part in description.split("\n\n"):
        lines = part.splitlines()
        bullets = bool(lines) and all(line.startswith("- ") for line in lines)
        parts.append({"bullets": [line[2:] for line in lines] if bullets else None, "text": part})
    return parts


def _svg(svg: bytes) -> Markup:
    """The chart, inline, named for screen readers by the title and description it carries
    (:func:`chart.described`)."""
    svg_text = svg.decode("utf-8")
    svg_text = svg_text[svg_text.index("<svg") :]
    labelled = f'<svg role="img" aria-labelledby="{chart.TITLE_ID} {chart.DESC_ID}" '
    return Markup(svg_text.replace("<svg ", labelled, 1))


def page(release: Path, descriptor: dict, tables: dict[str, pd.DataFrame], svg: bytes, lang: str) -> str:
    """The page in ``lang`` of the release in ``release`` (whose files and descriptor are written already)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "indent": 1}  # tojson: <, >, & and ' escaped
    nl = descriptor.get("translations", {}).get("nl", {})
    titles = {"en": descriptor["title"], "nl": nl.get("title", descriptor["title"])}
    descriptions = {"en": descriptor["description"], "nl": nl.get("description", "")}
    keywords = {"en": descriptor.get("keywords", []), "nl": nl.get("keywords") or descriptor.get("keywords", [])}
    said = {
        code: {"title": titles[code], "description": descriptions[code] or descriptor["description"], "keywords": keywords[code]}
        for code in CODES
    }
    others = [code for code in CODES if code != lang]
    files = _files(release, descriptor)
    words = _words(lang)
    spreadsheet = [r["path"] for r in descriptor["resources"] if _for_spreadsheets(r["format"])]
    readings = Readings(tables["subquestions"])  # each series' reading, found once for all of them
    return env.get_template("index.html.j2").render(
        lang=lang,
        w=words,
        d=descriptor,
        title=titles[lang],
        other_titles=[(code, titles[code]) for code in others],
        switch=[(code, PAGES[code], _words(code)["switch"]) for code in others],
        ld=jsonld.dataset(descriptor, tables, files, said, lang),
        meta_description=said[lang]["description"].split("\n\n")[0],
        caveats=_paragraphs(descriptions[lang]),
        caveats_other=[(code, words["other_language"], _paragraphs(descriptions[code])) for code in others],
        svg=_svg(svg),
        chart_svg=chart.file_names(lang)[0],
        chart_png=chart.file_names(lang)[1],
        series=[_series(s, tables, lang, words, readings) for s in records(first_shown(tables["series"]))],
        coverage=_coverage(tables, words, lang),
        summary=_summary(tables, lang, words),
        spreadsheet=words["spreadsheet"].format(file=", ".join(spreadsheet)) if spreadsheet else "",
        downloads=_downloads(descriptor, files),
        sources=descriptor.get("sources", []),
        licence={"title": descriptor["licenses"][0].get("title", descriptor["licenses"][0]["name"]), **descriptor["licenses"][0]},
        licence_scope=text("licence", "scope", lang),
        licence_archived=text("licence", "archived_text", lang),
        citation=cite(descriptor, lang),
    )


def write(release: Path, descriptor: dict, tables: dict[str, pd.DataFrame], charts: dict[str, tuple[bytes, bytes]]) -> bytes:
    """Write every language's page and chart (``charts``: SVG and PNG by language, from
    :func:`.drawn.read_charts`) into ``release``; return the PNG bytes of the first language's chart."""
    for lang in CODES:
        svg, png = charts[lang]
        svg_name, png_name = chart.file_names(lang)
        (release / svg_name).write_bytes(svg)
        (release / png_name).write_bytes(png)
        (release / PAGES[lang]).write_text(page(release, descriptor, tables, svg, lang), encoding="utf-8")
    return charts[CODES[0]][1]
