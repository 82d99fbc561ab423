"""The tables as CSV files (UTF-8, comma, LF, a header row): the one reader of the tables, which
reads a file by its Table Schema, every cell checked against its field's type, every problem
reported; and the one writer. The loader, ``diff`` and the pipeline's steps before the release
(extract, validate, draw) read and write tables with it alone, without the formats of a release:
a change to a format re-runs only the steps that publish. The CSV format of a release is
:mod:`~stalking_flanders.formats.csv`, which uses this module.

>>> file_name("observations")
'observations.csv'
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .model import TABLE_FORMAT, Schema, csv_line
from .problems import Code, DataError, Kept, Problem

if TYPE_CHECKING:
    import pandas as pd


NAME = TABLE_FORMAT  # the files' suffix, and the name of the CSV format of a release


def file_name(table: str) -> str:
    """The CSV file of ``table``, as every step and the CSV format of a release name it."""
    return f"{table}.{NAME}"


def write(df: pd.DataFrame, path: Path, schema: Schema) -> None:
    """Write the typed table ``df`` as UTF-8 CSV with a header row, LF line endings and no BOM."""
    from .tableschema import format_cell

    _write_text({f.name: [format_cell(v, f) for v in df[f.name]] for f in schema.fields}, path, schema)


def write_rows(rows: list[dict], path: Path, schema: Schema) -> None:
    r"""Write ``rows`` (plain Python values of the fields' types, None or absent where missing) as
    :func:`write` writes a table, without pandas (the extract step imports none).

    >>> import tempfile
    >>> s = Schema.parse({"fields": [{"name": "n", "type": "integer"}, {"name": "t", "type": "string"}]}, "s")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_rows([{"n": 1, "t": "a, b"}, {"n": 2}], Path(tmp) / "s.csv", s)
    ...     (Path(tmp) / "s.csv").read_bytes()
    b'n,t\n1,"a, b"\n2,\n'
    """
    unknown = sorted({key for row in rows for key in row} - set(schema.field_names))
    if unknown:  # a field written but not defined would be left out without a word
        said = "the rows hold a field the table's schema (in schemas/) does not define"
        expected = f"a field of the schema ({', '.join(schema.field_names)}), or the field added to it"
        problems = [Problem(Code.COLUMN_EXTRA, path.name, said, None, name, name, expected) for name in unknown]
        raise DataError(problems, path.name)  # the table's file: the one written here is a temporary copy
    cells = {f.name: ["" if (v := r.get(f.name)) is None else f.type.text(v) for r in rows] for f in schema.fields}
    _write_text(cells, path, schema)


def _write_text(cells: dict[str, list[str]], path: Path, schema: Schema) -> None:
    """The one writer of a table's CSV text (``cells``: each field's cells as text, in schema order);
    quoted only where a cell needs it, as pandas' own writer quotes."""
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(schema.field_names)
        writer.writerows(zip(*(cells[name] for name in schema.field_names)))


def _columns(raw: pd.DataFrame, schema: Schema, name: str) -> list[Problem]:
    expected = schema.field_names
    if list(raw.columns) == expected:
        return []
    problems = [
        Problem("column-missing", name, "a column is missing", 1, c, expected=f"the columns {expected}")
        for c in expected
        if c not in raw.columns
    ]
    problems += [
        Problem("column-extra", name, "a column is not in the Table Schema", 1, c, expected=f"the columns {expected}")
        for c in raw.columns
        if c not in expected
    ]
    return problems or [
        Problem("column-order", name, "the columns are out of order", 1, found=list(raw.columns), expected=str(expected))
    ]


def _labels_as_written(text: str, raw: pd.DataFrame, name: str) -> list[Problem]:
    """Each label of the header that pandas read otherwise than the csv module reads it (a label
    written twice is read ``a``, ``a.1``; an empty one ``Unnamed: 1``): a schema naming the
    renamed column would pass a file that does not hold it."""
    header, columns = next(csv.reader(io.StringIO(text, newline="")), []), list(raw.columns)
    if header == columns:
        return []
    if len(header) != len(columns) or not "".join(header).strip(" \t"):  # pandas took a later line: the first is blank
        return [Problem("column-missing", name, "the first line holds no labels", 1, expected="the header row first")]
    return [
        Problem(
            "column-extra",
            name,
            "a column's label is written twice, or not at all",
            1,
            written,
            found=read,
            expected="a label of its own, as the Table Schema names the column",
        )
        for written, read in zip(header, columns)
        if written != read
    ]


def read(source: Path | bytes, schema: Schema, name: str | None = None) -> pd.DataFrame:
    """The typed DataFrame of a CSV file (a path, or its bytes), as its Table Schema says.

    Raises :class:`DataError` listing the cells that are not of their field's type (with their
    line, the header being line 1) and the missing required values, 1,000 of each kind and the rest
    counted (:class:`~stalking_flanders.problems.Kept`), and every missing or extra column.
    Constraints beyond the types are the pandera model's work.
    """
    import pandas as pd

    from .tableschema import frame

    name = name or ("the CSV bytes given" if isinstance(source, bytes) else str(source))
    text = _bounded_text(source, name)
    if apart := _row_problem(text, name):
        raise DataError([apart], name)
    try:
        # every cell as the Python string it is (object, not pandas' Arrow-backed str: the cells are
        # only read once each, by the field's type below, which gives the frame its dtypes)
        raw = pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False, na_filter=False, index_col=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise _unreadable(name, error) from None
    problems = _labels_as_written(text, raw, name) or _columns(raw, schema, name)
    if problems:
        raise DataError(problems, name)
    missing, kept = set(schema.missing_values), Kept(name)
    columns = {field.name: _typed(raw[field.name], field, missing, kept) for field in schema.fields}
    problems = kept.problems()
    if problems:
        raise DataError(problems, name)
    return frame(columns, schema)


# A row as RFC 4180 writes it: values apart by commas, each quoted whole (a quote in it doubled) or
# holding no quote, comma or line break, ended by a line break (CRLF, LF, or a carriage return
# alone, which every reader ends a row at too) or the end; possessive, so that a row that is not
# one fails at once. QUOTED: a quoted value, left out where a row's commas are counted.
RFC_4180_ROW = re.compile(r'(?:"(?:[^"]|"")*+"|[^",\r\n]*+)(?:,(?:"(?:[^"]|"")*+"|[^",\r\n]*+))*+(?:\r\n?|\n|\Z)')
QUOTED = re.compile(r'"(?:[^"]|"")*+"')


def _row_problem(text: str, name: str) -> Problem | None:
    """The first row of ``text`` its readers would read apart, as a problem; or None. A row that
    quotes otherwise than RFC 4180 (a quote inside a value not quoted whole, text after a closing
    quote, a space before an opening one): Python's csv module (Frictionless) reads ``"Quo"ted`` as
    ``Quoted`` and ``Quo"ted`` as written, the npm reader ``datapackage`` refuses both, and reads
    `` "Quoted"`` as ``Quoted``. An empty line (or one of spaces alone), which pandas skips and others
    read as a row (a generated test holds pandas to the csv module: ``tests/test_csv_tables.py``). A row
    of another number of values than its header: pandas makes the first value of a row of one more
    its index and moves every other one column to the left, and fills a row of one fewer."""
    at, width, line = 0, None, 1
    while at < len(text):
        row = RFC_4180_ROW.match(text, at)
        said = None
        if row is None or row.end() == at:
            said = "a row that quotes otherwise than RFC 4180, which its readers read apart"
            expected = 'each value quoted whole ("…", a quote in it doubled) or holding no quote, comma or line break'
        elif not row.group().strip(" \t\r\n") and width is not None:  # pandas skips a line of spaces too
            said, expected = "an empty line, which some readers skip and others read as a row", "no empty line"
        else:
            values = (QUOTED.sub("", row.group()) if '"' in row.group() else row.group()).count(",") + 1
            width = values if width is None else width
            if values != width:
                said = f"a row of {values} value{'s' * (values != 1)} under a header of {width}"
                expected = f"{width} values in every row"
        if said:
            return Problem("csv-unreadable", name, said, line, expected=expected)
        line += row.group().count("\n") + (row.group().count("\r") - row.group().count("\r\n"))
        at = row.end()
    return None


def _unreadable(name: str, error) -> DataError:
    return DataError(
        [
            Problem(
                "csv-unreadable",
                name,
                f"cannot be read as CSV ({error})",
                expected="a UTF-8 CSV file with a header row, within the caps",
            )
        ],
        name,
    )


def cells_past_the_cap(contents: dict[str, bytes], file: str) -> Problem | None:
    """A problem where the CSV files ``contents`` (bytes by table) hold more than ``MAX_CELLS``
    values together, counted before any is parsed: each file's line breaks times its header's
    commas and one (never fewer than a parser finds); or None."""
    from .untrusted import MAX_CELLS

    rows = {name: max(data.count(b"\n"), data.count(b"\r")) for name, data in contents.items()}
    total = sum(rows[name] * (data.split(b"\n", 1)[0].count(b",") + 1) for name, data in contents.items())
    if total <= MAX_CELLS:
        return None
    return Problem(
        "csv-unreadable",
        file,
        f"its tables hold up to {total:,} values together, more than {MAX_CELLS:,} (more than a workbook's sheets can hold)",
        expected=f"at most {MAX_CELLS:,} values in all tables",
    )


def cap_problems(data: bytes, name: str) -> list[Problem]:
    """Where the CSV file ``data`` passes a cap (the problems :func:`read` raises before it parses)."""
    try:
        _bounded_text(data, name)
    except DataError as error:
        return error.problems
    return []


def _bounded_text(source: Path | bytes, name: str) -> str:
    """The text of a CSV file, refused before any parser reads all of it where it is not UTF-8 or
    passes a cap (:mod:`stalking_flanders.untrusted`): the length of a line, then columns and rows
    as a CSV parser counts them. Where the text holds no carriage return and its header no quote,
    a row ends only where a line does, and the header's commas are its columns; otherwise a
    parser counts them (a quoted value may hold a line break, and a carriage return alone ends a
    row, for pandas as for Python's csv module, which Frictionless reads with)."""
    import pandas as pd

    from .untrusted import MAX_COLUMNS, MAX_LINE_CHARS, MAX_ROWS, read_file

    try:
        text = (source if isinstance(source, bytes) else read_file(Path(source))).decode("utf-8")
    except (UnicodeDecodeError, OSError) as error:
        raise _unreadable(name, error) from None
    if text.startswith("\ufeff"):  # pandas and Frictionless skip it; Python's csv module makes it part of the first column's name
        raise _unreadable(name, "it starts with a byte-order mark, which the tables do not have")
    lines = text.split("\n", MAX_ROWS + 2)
    if len(lines) - 1 - (lines[-1] == "") > MAX_ROWS:  # the header, and the empty text after a final line break
        raise _unreadable(name, f"more than {MAX_ROWS} rows")
    if max(map(len, lines), default=0) > MAX_LINE_CHARS:
        raise _unreadable(name, f"a line longer than {MAX_LINE_CHARS} characters")
    if "\r" not in text and '"' not in lines[0]:  # rows then end only where lines do, and the header's commas are its
        if lines[0].count(",") + 1 > MAX_COLUMNS:
            raise _unreadable(name, f"more than {MAX_COLUMNS} columns")
        return text
    plain = {"dtype": str, "keep_default_na": False, "na_filter": False}
    try:  # the header alone, then the first column alone of at most one row past the cap, blank rows too
        header = pd.read_csv(io.StringIO(text), nrows=0, **plain).columns
        # index_col=False: a first row wider than the header is a row of the table, whose width the
        # checks of its rows report with its line (pandas took its first value for an index, and failed)
        count = dict(usecols=[0], nrows=MAX_ROWS + 1, skip_blank_lines=False, index_col=False)
        rows = 0 if len(header) > MAX_COLUMNS else len(pd.read_csv(io.StringIO(text), **count, **plain))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise _unreadable(name, error) from None
    if len(header) > MAX_COLUMNS:
        raise _unreadable(name, f"more than {MAX_COLUMNS} columns")
    if rows > MAX_ROWS:
        raise _unreadable(name, f"more than {MAX_ROWS} rows")
    return text


def _typed(cells, field, missing: set[str], kept: Kept) -> list:
    """The typed values of one column's ``cells``; each bad cell adds a problem to ``kept``."""
    values, name = [], kept.file
    for i, cell in enumerate(cells):
        if cell in missing:
            if field.constraints.required and kept.keep("value-required"):
                kept.add(
                    Problem(
                        "value-required",
                        name,
                        "a required value is missing",
                        csv_line(i),
                        field.name,
                        found=cell,
                        expected="a value",
                    )
                )
            values.append(None)
            continue
        try:
            values.append(field.type.parse(cell))
        except ValueError as wanted:
            if kept.keep("value-type"):
                kept.add(
                    Problem(
                        "value-type",
                        name,
                        f"not a value of type {field.type.name}",
                        csv_line(i),
                        field.name,
                        found=cell,
                        expected=str(wanted),
                    )
                )
            values.append(None)
    return values


def read_all(
    files: dict[str, Path], schemas: dict[str, Schema], contents: dict[str, bytes] | None = None
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Every table ``name`` from the CSV file ``files[name]`` (or, where given, from its bytes
    ``contents[name]``), and every problem of every file (not only the first file's): the tables
    that read cleanly, and the problems."""
    import pandas as pd

    tables, problems = {}, []
    for name, path in files.items():
        try:
            source = contents[name] if contents and name in contents else Path(path)
            tables[name] = read(source, schemas[name], str(path))
        except DataError as error:
            problems += error.problems
        except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
            problems.append(
                Problem(
                    "csv-unreadable", str(path), f"cannot be read as CSV ({error})", expected="a UTF-8 CSV file with a header row"
                )
            )
    return tables, problems
