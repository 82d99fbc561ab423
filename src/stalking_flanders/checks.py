"""Rules across tables, and the reconciliation of every figure with the archived answer: what the
pipeline's validate step and ``stalking-flanders validate`` both check."""

from __future__ import annotations

import bisect
import functools
import re

import pandas as pd

from .model import WHOLE_NUMBER, Schema, csv_line
from .problems import Kept, Problem, printable
from .tableschema import records, validate_frame
from .text import ArchivedText, question_heading


def check_tables(
    tables: dict[str, pd.DataFrame], schemas: dict[str, Schema], texts: dict[str, ArchivedText], files: dict[str, str]
) -> list[Problem]:
    """Every problem in a set of typed tables: each table's pandera model, the foreign keys, the
    years of each series, and the reconciliation of every figure with the archived answer."""
    problems = []
    for name, schema in schemas.items():
        problems += validate_frame(tables[name], schema, name, files[name])
        problems += spreadsheet_safe(tables[name], schema, files[name])
    if problems:
        return problems
    problems += foreign_keys(tables, schemas, files)
    problems += years_within_series(tables, files) + series_of_their_question(tables["observations"], tables["series"], files)
    if problems:
        return problems
    problems += questions_in_their_texts(tables["source_questions"], texts, files["source_questions"])
    return problems + reconcile(tables, texts, files)


# The facts of a source question that its archived text states, and how (letter case and white space
# folded: the text prints names and the minister's title in capitals); the minister is named with
# their title, as the answer is signed (another minister the text names, to whom the question was
# also put, is not this question's minister)
STATED = ("title_nl", "questioner", "also_put_to_nl", "answer_type_nl")
MINISTER = "minister,minister_title_nl"


def questions_in_their_texts(questions: pd.DataFrame, texts: dict[str, ArchivedText], file: str) -> list[Problem]:
    """Every source question's number and date (as the answer's heading gives them), its minister
    with their title (as the answer is signed), its questioner, title and the rest of
    :data:`STATED` stand in its archived text: a copy cannot claim another question, date or
    person than the answer it carries."""
    problems = []
    for index, q in enumerate(records(questions)):
        text = texts.get(q.source_question)
        if text is None:
            continue
        signed = " ".join(str(v) for v in (q.minister, q.minister_title_nl) if pd.notna(v) and str(v))
        claims = [("number,date", question_heading(q.number, q.date)), (MINISTER, signed)]
        claims += [(c, getattr(q, c)) for c in STATED]
        problems += [
            Problem(
                "question-not-in-text",
                file,
                f"the {column.replace(',', ' and ')} of the question do not stand in {text.name}",
                csv_line(index),
                column,
                found=said,
                expected=f"the words of {text.name}",
            )
            for column, said in claims
            if pd.notna(said) and str(said) and text.find(str(said)) is None  # an optional fact left out says nothing
        ]
    return problems


# a line of the archived text, or a span of lines, as schemas/fields.json says, of at most nine digits
# each (Python converts no more than 4,300 digits to a number, and no text has a billion lines)
SPAN = re.compile(r"([0-9]{1,9})(?:-([0-9]{1,9}))?")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula


def spreadsheet_safe(table: pd.DataFrame, schema: Schema, file: str) -> list[Problem]:
    """Free-text cells (string fields with no pattern or list of values) that a spreadsheet would
    run as a formula: none may start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return.

    >>> schema = Schema.parse({"fields": [{"name": "label", "type": "string"}]}, "t")
    >>> [p.code for p in spreadsheet_safe(pd.DataFrame({"label": ["ok", "=HYPERLINK(1)"]}), schema, "t.csv")]
    ['spreadsheet-formula']
    """
    kept = Kept(file)  # a thousand listed, the rest counted
    for field in schema.fields:
        c = field.constraints
        if not field.type.holds_text or c.pattern is not None or c.enum is not None or field.name not in table:
            continue
        for index, value in enumerate(table[field.name]):
            if isinstance(value, str) and value.startswith(FORMULA_START) and kept.keep("spreadsheet-formula"):
                expected = "text that does not start with =, +, -, @, a tab or a carriage return"
                kept.add(
                    Problem(
                        "spreadsheet-formula",
                        file,
                        "a text starts as a spreadsheet formula would",
                        csv_line(index),
                        field.name,
                        found=value,
                        expected=expected,
                    )
                )
    return kept.problems()


def foreign_keys(tables: dict[str, pd.DataFrame], schemas: dict[str, Schema], files: dict[str, str]) -> list[Problem]:
    """Rows whose foreign key has no row in the table it refers to (a thousand listed in each
    file, the rest counted)."""
    problems = []
    for name, schema in schemas.items():
        kept = Kept(files[name])
        for fk in schema.foreign_keys:
            referred = fk.resource or name  # "": the table itself
            if referred not in tables:  # a resource of another format, which the checks do not read as a table
                problems.append(
                    Problem(
                        "foreign-key",
                        files[name],
                        f"refers to {referred}, which is not one of the package's CSV tables",
                        column=",".join(fk.fields),
                        expected="a CSV table of this package",
                    )
                )
                continue
            known = set(_key_rows(tables[referred], fk.reference_fields))
            for index, row in enumerate(_key_rows(tables[name], fk.fields)):
                if row not in known and kept.keep("foreign-key"):
                    kept.add(
                        Problem(
                            "foreign-key",
                            files[name],
                            f"refers to no row of {referred}",
                            csv_line(index),
                            ",".join(fk.fields),
                            found=row if len(row) > 1 else row[0],
                            expected=f"a value of {referred}.({', '.join(fk.reference_fields)})",
                        )
                    )
        problems += kept.problems()
    return problems


def _key_rows(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[tuple]:
    """The values of ``fields`` in each row, as tuples, a missing value as None: pandas' missing
    value cannot be compared (two keys of one hash, one of them missing, made a set compare it).

    >>> import pandas as pd
    >>> _key_rows(pd.DataFrame({"x": [None, "a"], "y": [7, 1]}), ("x", "y"))
    [(None, 7), ('a', 1)]
    """
    missing = frame[list(fields)].isna()
    return list(zip(*([None if gone else v for v, gone in zip(frame[f], missing[f])] for f in fields)))


def years_within_series(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> list[Problem]:
    """Observations whose year lies outside the years of their series' table."""
    bounds = {s.series: (s.first_year, s.last_year) for s in records(tables["series"])}
    kept = Kept(files["observations"])  # a thousand listed, the rest counted
    for index, row in enumerate(records(tables["observations"])):
        if row.series in bounds:
            lo, hi = bounds[row.series]
            if not lo <= row.year <= hi and kept.keep("year-outside-series"):
                kept.add(
                    Problem(
                        "year-outside-series",
                        files["observations"],
                        f"the year is outside the table of series {row.series}",
                        csv_line(index),
                        "year",
                        found=row.year,
                        expected=f"a year from {lo} to {hi}",
                    )
                )
    return kept.problems()


def series_of_their_question(observations: pd.DataFrame, series: pd.DataFrame, files: dict[str, str]) -> list[Problem]:
    """Each observation's series is one of its own source question: a figure under a series of
    another question would be read with the caveats, quoted from the lines, of that other answer."""
    asked = dict(zip(series["series"], series["source_question"]))
    kept = Kept(files["observations"])  # a thousand listed, the rest counted
    for index, (name, question) in enumerate(zip(observations["series"], observations["source_question"])):
        # an empty cell (pd.NA) of a later version's own table is another question, never compared as a truth
        if name in asked and not (isinstance(question, str) and question == asked[name]) and kept.keep("foreign-key"):
            kept.add(
                Problem(
                    "foreign-key",
                    files["observations"],
                    f"the series {printable(name)} is one of another source question",
                    csv_line(index),
                    "source_question",
                    found=question,
                    # each kept problem holds its own text: a long question once per problem, cut (1,000 took 250 MB)
                    expected=f"{printable(asked[name])}, the source question of series {printable(name)}",
                )
            )
    return kept.problems()


def trailing_integers(line: str) -> list[str]:
    """The whole-number tokens at the end of a line.

    >>> trailing_integers("Belaging (stalking) 21 47 57")
    ['21', '47', '57']
    """
    tokens = line.split()
    k = len(tokens)
    while k > 0 and WHOLE_NUMBER.match(tokens[k - 1]):
        k -= 1
    return tokens[k:]


def reconcile(tables: dict[str, pd.DataFrame], texts: dict[str, ArchivedText], files: dict[str, str]) -> list[Problem]:
    """Every figure equals the one at its recorded place in the archived answer, and every figure
    of the answer's tables is in the data.

    ``texts`` maps a source question to its archived text, already checked against its hash.
    The place of a figure is its line (``source_line``) and the position of its year among the
    years on its series' header line.
    """
    series = {s.series: s for s in records(tables["series"])}
    header_years, problems = _header_years(series, texts, files["series"])
    kept = Kept(files["observations"])  # a thousand of each kind listed, the rest counted
    for index, row in enumerate(records(tables["observations"])):
        text = texts.get(row.source_question)
        if text is not None and row.series in header_years:
            problem = _figure(row, csv_line(index), text, header_years[row.series], series[row.series], files["observations"])
            if problem is not None and kept.keep(problem.code):
                kept.add(problem)
    problems += kept.problems()
    problems += quotations_on_their_lines(tables, texts, files) + readings_of_their_question(tables, files)
    problems += english_labels_apart(tables["categories"], files["categories"])
    return problems + _under_their_labels(tables, files) + _coverage(tables, series, header_years, texts, files)


# The quotations of the answer the tables hold, each with the line or span it stands on
# (heading_nl may be empty: an optional quotation left out says nothing)
QUOTED_ON = {
    "series": (
        ("measure_nl", "measure_lines"),
        ("unit_nl", "measure_lines"),  # what each figure counts, a word of the measure
        ("caveat_nl", "caveat_lines"),
        ("heading_nl", "header_line"),
    ),
    "subquestions": (("question_nl", "question_lines"), ("statement_nl", "statement_lines")),
}


def quotations_on_their_lines(tables: dict[str, pd.DataFrame], texts: dict[str, ArchivedText], files: dict) -> list[Problem]:
    """Every quotation of the answer (:data:`QUOTED_ON`) stands, letter for letter (white space
    folded), on the line or span of lines its row gives, in its source question's archived text:
    a span reversed, past the text, or of other words is reported (a thousand of a table listed,
    the rest counted)."""
    problems = []
    for name, pairs in QUOTED_ON.items():
        kept = Kept(files[name])
        for index, row in enumerate(records(tables[name])):
            text = texts.get(row.source_question)
            for quoted, lines in pairs:
                words, span = getattr(row, quoted, None), SPAN.fullmatch(str(getattr(row, lines, "")))
                if text is None or pd.isna(words) or not str(words) or span is None:
                    continue  # a span that does not parse is the pattern's problem, an empty quotation says nothing
                found = text.find(str(words), int(span[1]), int(span[2] or span[1]), exact_case=True)
                if found is None and kept.keep("quote-not-on-lines"):
                    kept.add(
                        Problem(
                            "quote-not-on-lines",
                            files[name],
                            f"the quotation {quoted} does not stand on its lines {lines}",
                            csv_line(index),
                            lines,
                            found=str(getattr(row, lines)),
                            expected=f"the lines of {text.name} the quotation stands on, letter for letter",
                        )
                    )
        problems += kept.problems()
    return problems


def english_labels_apart(categories: pd.DataFrame, file: str) -> list[Problem]:
    """No two categories of one series share an English label: a table loaded in English would
    show their figures as of one category."""
    seen: set = set()
    kept = Kept(file)  # a thousand listed, the rest counted
    for index, (series, label) in enumerate(categories[["series", "label_en"]].itertuples(index=False, name=None)):
        if (series, label) in seen and kept.keep("value-constraint"):
            kept.add(
                Problem(
                    "value-constraint",
                    file,
                    "another category of the series has this English label",
                    csv_line(index),
                    "label_en",
                    found=label,
                    expected="an English label of its own in its series",
                )
            )
        seen.add((series, label))
    return kept.problems()


def readings_of_their_question(tables: dict[str, pd.DataFrame], files: dict) -> list[Problem]:
    """Each series' reading (``reading_subquestion``) is a sub-question of its source question:
    one of none would leave the answer's reading of the figures out of every caveat, without a word."""
    known = set(tables["subquestions"][["source_question", "subquestion"]].itertuples(index=False, name=None))
    kept = Kept(files["series"])  # a thousand listed, the rest counted
    for index, s in enumerate(records(tables["series"])):
        if (s.source_question, s.reading_subquestion) not in known and kept.keep("foreign-key"):
            kept.add(
                Problem(
                    "foreign-key",
                    files["series"],
                    "refers to no sub-question of its source question",
                    csv_line(index),
                    "reading_subquestion",
                    found=int(s.reading_subquestion),
                    expected="a sub-question of the table subquestions",
                )
            )
    return kept.problems()


@functools.lru_cache(maxsize=64)
def _shown(label: str) -> str:
    """A category's label as a problem shows it: quoted and cut (:func:`printable`), made once for
    the many problems that may name one label."""
    return printable(repr(label))


def _under_their_labels(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> list[Problem]:
    """Every figure stands under its own category's label: of the labels of its series, the last to
    begin on or before the figure's line is its category's (a label may run over lines, and its
    figures stand on the line where it ends). A figure moved to another category with its line is
    found so."""
    begins: dict[str, list[tuple[int, str]]] = {}
    for cat in records(tables["categories"]):
        lines = SPAN.fullmatch(cat.source_lines)  # one that does not parse is reported by _coverage
        if lines is not None:
            begins.setdefault(cat.series, []).append((int(lines[1]), cat.category))
    for labels in begins.values():
        labels.sort()  # by line, then label: the last to begin on or before a line is found by bisection
    firsts = {series: [first for first, _ in labels] for series, labels in begins.items()}
    kept = Kept(files["observations"])
    for index, row in enumerate(records(tables["observations"])):
        above = bisect.bisect_right(firsts.get(row.series, []), row.source_line)  # labels beginning on or before it
        label = begins[row.series][above - 1][1] if above else None
        if label != row.category and kept.keep("label-not-on-lines"):
            expected = f"the category whose label stands above it: {_shown(label)}" if label else "a label above it"
            kept.add(
                Problem(
                    "label-not-on-lines",
                    files["observations"],
                    f"the figure's line is not under its category's label (line {row.source_line})",
                    csv_line(index),
                    "category",
                    found=row.category,
                    expected=expected,
                )
            )
    return kept.problems()


def _header_years(series: dict, texts: dict[str, ArchivedText], file: str) -> tuple[dict[str, list[int]], list[Problem]]:
    """The years on each series' header line in the answer (a thousand header lines not in their
    text listed, the rest counted)."""
    years, kept = {}, Kept(file)
    for s in series.values():
        text = texts.get(s.source_question)
        if text is None or not 1 <= s.header_line <= len(text):
            if not kept.keep("source-line"):
                continue
            expected = f"a line of the text of {s.source_question}"
            kept.add(
                Problem(
                    "source-line",
                    file,
                    "the header line is not in the archived text",
                    None,
                    "header_line",
                    found=s.header_line,
                    expected=expected,
                )
            )
            continue
        years[s.series] = [int(t) for t in trailing_integers(text.line(s.header_line))]
    return years, kept.problems()


def _figure(row, line: int, text: ArchivedText, years: list[int], series, file: str) -> Problem | None:
    """The problem with one observation's figure, if it is not the one on its line of the answer."""
    if not 1 <= row.source_line <= len(text):
        return Problem(
            "source-line",
            file,
            "the source line is not in the archived text",
            line,
            "source_line",
            found=row.source_line,
            expected=f"1 to {len(text)}",
        )
    if row.year not in years:
        message = f"the year is not in the table header of series {row.series} (line {series.header_line} of {text.name})"
        return Problem("year-not-in-header", file, message, line, "year", found=row.year, expected=f"one of {years}")
    tokens = trailing_integers(text.line(row.source_line))
    published = tokens[years.index(row.year) - len(years)] if len(tokens) >= len(years) else None
    if published is None or int(published) != row.count:
        message = f"the count differs from the answer (line {row.source_line} of {text.name}, year {row.year})"
        return Problem(
            "figure-differs", file, message, line, "count", found=row.count, expected=published or "a figure on that line"
        )
    return None


def _coverage(tables, series: dict, header_years: dict, texts: dict[str, ArchivedText], files: dict) -> list[Problem]:
    """Every figure of the answer's tables is in the data, and every category label stands on its
    lines (a thousand of each kind listed in each file, the rest counted)."""
    missing, labels = Kept(files["observations"]), Kept(files["categories"])
    observed = set(tables["observations"][["series", "category", "year"]].itertuples(index=False, name=None))
    for index, cat in enumerate(records(tables["categories"])):
        for year in header_years.get(cat.series, []):
            if (cat.series, cat.category, year) not in observed and missing.keep("figure-missing"):
                expected = f"a row for series {cat.series}, category {_shown(cat.category)}, year {year}"
                missing.add(
                    Problem(
                        "figure-missing",
                        files["observations"],
                        "a figure of the answer is missing",
                        None,
                        "year",
                        expected=expected,
                    )
                )
        s = series.get(cat.series)
        text = texts.get(s.source_question) if s is not None else None
        lines = SPAN.fullmatch(cat.source_lines)  # a later version's field may have no pattern to hold it
        if lines is None:
            if labels.keep("value-constraint"):
                labels.add(
                    Problem(
                        "value-constraint",
                        files["categories"],
                        "not a line or a span of lines",
                        csv_line(index),
                        "source_lines",
                        found=cat.source_lines,
                        expected="a line (94) or a span of lines (87-88)",
                    )
                )
            continue
        first, last = int(lines[1]), int(lines[2] or lines[1])
        off_its_lines = text is not None and text.find(cat.category, first, last, exact_case=True) is None
        if off_its_lines and labels.keep("label-not-on-lines"):
            expected = f"the label as on lines {cat.source_lines} of {text.name}, letter for letter"
            labels.add(
                Problem(
                    "label-not-on-lines",
                    files["categories"],
                    "the category does not stand on its source lines",
                    csv_line(index),
                    "category",
                    found=cat.category,
                    expected=expected,
                )
            )
    return missing.problems() + labels.problems()
