"""Rules across tables, and the reconciliation of every figure with the archived answer."""

from __future__ import annotations

import re

import pandas as pd

from .problems import Problem
from .text import ArchivedText

INTEGER_TOKEN = re.compile(r"^[0-9]+$")


def foreign_keys(tables: dict[str, pd.DataFrame], schemas: dict[str, dict], files: dict[str, str]) -> list[Problem]:
    """Rows whose foreign key has no row in the table it refers to."""
    problems = []
    for name, schema in schemas.items():
        for fk in schema.get("foreignKeys", []):
            ref = fk["reference"]
            target = tables[ref["resource"]]
            known = set(target[ref["fields"]].itertuples(index=False, name=None))
            for index, row in enumerate(tables[name][fk["fields"]].itertuples(index=False, name=None)):
                if row not in known:
                    problems.append(Problem(
                        files[name], f"refers to no row of {ref['resource']}", index + 2, ",".join(fk["fields"]),
                        found=row if len(row) > 1 else row[0],
                        expected=f"a value of {ref['resource']}.({', '.join(ref['fields'])})"))
    return problems


def years_within_series(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> list[Problem]:
    """Observations whose year lies outside the years of their series' table."""
    bounds = {s.series: (s.first_year, s.last_year) for s in tables["series"].itertuples()}
    problems = []
    for index, row in enumerate(tables["observations"].itertuples()):
        if row.series in bounds:
            lo, hi = bounds[row.series]
            if not lo <= row.year <= hi:
                problems.append(Problem(files["observations"], f"the year is outside the table of series {row.series}",
                                        index + 2, "year", found=row.year, expected=f"a year from {lo} to {hi}"))
    return problems


def trailing_integers(line: str) -> list[str]:
    """The whole-number tokens at the end of a line.

    >>> trailing_integers("Belaging (stalking) 21 47 57")
    ['21', '47', '57']
    """
    tokens = line.split()
    k = len(tokens)
    while k > 0 and INTEGER_TOKEN.match(tokens[k - 1]):
        k -= 1
    return tokens[k:]


def reconcile(tables: dict[str, pd.DataFrame], texts: dict[str, ArchivedText], files: dict[str, str]) -> list[Problem]:
    """Every figure equals the one at its recorded place in the archived answer, and every figure
    of the answer's tables is in the data.

    ``texts`` maps a source question to its archived text, already checked against its hash.
    The place of a figure is its line (``source_line``) and the position of its year among the
    years on its series' header line.
    """
    problems = []
    obs_file = files["observations"]
    series = {s.series: s for s in tables["series"].itertuples()}
    header_years: dict[str, list[int]] = {}
    for s in series.values():
        text = texts.get(s.source_question)
        if text is None or not 1 <= s.header_line <= len(text):
            problems.append(Problem(files["series"], "the header line is not in the archived text", None, "header_line",
                                    found=s.header_line, expected=f"a line of the text of {s.source_question}"))
            continue
        header_years[s.series] = [int(t) for t in trailing_integers(text.line(s.header_line))]

    for index, row in enumerate(tables["observations"].itertuples()):
        line = index + 2
        text = texts.get(row.source_question)
        years = header_years.get(row.series)
        if text is None or years is None:
            continue
        if not 1 <= row.source_line <= len(text):
            problems.append(Problem(obs_file, "the source line is not in the archived text", line, "source_line",
                                    found=row.source_line, expected=f"1 to {len(text)}"))
            continue
        if row.year not in years:
            problems.append(Problem(obs_file, f"the year is not in the table header of series {row.series} "
                                    f"(line {series[row.series].header_line} of {text.name})", line, "year",
                                    found=row.year, expected=f"one of {years}"))
            continue
        tokens = trailing_integers(text.line(row.source_line))
        position = years.index(row.year)
        published = tokens[position - len(years)] if len(tokens) >= len(years) else None
        if published is None or int(published) != row.count:
            problems.append(Problem(obs_file, f"the count differs from the answer (line {row.source_line} of {text.name}, "
                                    f"year {row.year})", line, "count", found=row.count, expected=published or "a figure on that line"))

    observed = set(tables["observations"][["series", "category", "year"]].itertuples(index=False, name=None))
    for index, cat in enumerate(tables["categories"].itertuples()):
        for year in header_years.get(cat.series, []):
            if (cat.series, cat.category, year) not in observed:
                problems.append(Problem(obs_file, "a figure of the answer is missing", None, "year",
                                        found=None, expected=f"a row for series {cat.series}, category {cat.category!r}, year {year}"))
        s = series.get(cat.series)
        text = texts.get(s.source_question) if s is not None else None
        if text is not None:
            first, _, last = cat.source_lines.partition("-")
            if text.find(cat.category, int(first), int(last or first)) is None:
                problems.append(Problem(files["categories"], "the category does not stand on its source lines",
                                        index + 2, "category", found=cat.category,
                                        expected=f"the label as on lines {cat.source_lines} of {text.name}"))
    return problems
