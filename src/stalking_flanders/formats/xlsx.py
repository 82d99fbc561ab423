"""XLSX: one workbook for spreadsheet users (Excel shows the CSV files' UTF-8 as mojibake and
expects ``;`` in Belgian and Dutch locales). A first sheet "Lees dit eerst - Read first" (caveats,
licence, how to cite, in Dutch and English), a second with the figures on
'belaging', which covers stalking, by year and their caveats, then one sheet per table with typed
cells (integers as numbers, dates as dates, true/false as booleans), columns as wide as their
text, its header row frozen.

Written with XlsxWriter, byte-stable: its ZIP entries carry the fixed ZIP epoch (1980-01-01), and
so does the document's creation time; neither is a date of the data. Text is always written as
text: a cell starting with ``=`` never becomes a formula. Read back with openpyxl.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..hashes import file_facts, sha256_bytes
from ..model import TYPES, FieldType, Schema, kind_of_cell, same_value, same_values
from ..problems import apart, printable
from ..texts import both, text, topic  # the first sheet names its topics in texts.toml's words
from ..untrusted import MAX_COLUMNS, MAX_ROWS
from .base import Content, Format, ShownOtherwise
from .workbook_limits import within_a_spreadsheets_limits
from .workbook_parts import Made, how_made
from .workbook_shown import cell_name, hidden_or_past, notes, notes_differ, quiet

READ_ME = "Lees dit eerst - Read first"  # the first sheet: what the figures count and do not, in both languages
HEADER = ("onderwerp / topic", "Nederlands", "English")  # the first sheet's header row
# The second: the figures on 'belaging', which covers stalking, by year, with their caveats. Named after the
# category as published: "Stalking per jaar" (until 2.5.1) read as a count of stalking the answer does not give.
STALKING = "Belaging per jaar - by year"
FIXED_TIME = datetime.datetime(1980, 1, 1)  # the ZIP epoch: the same data gives the same bytes
FILE_NAME = "stalking-flanders.xlsx"
RESOURCE_NAME = "workbook"
WIDEST = 60  # characters: the widest a column is set; longer text wraps
# Columns a table's sheet adds so that it reads on its own (not fields of the table: the CSV files
# are the reference): (column, the table it is looked up in, the shared field).
DERIVED = {"observations": [("stalking_specific", "series", "series")]}
SHEETS = {
    "nl": "Het werkblad ‘{stalking}’ toont de cijfers over belaging, waaronder stalking, per jaar. Daarna één werkblad per "
    "tabel, met dezelfde rijen als het CSV-bestand, dat de referentie is: {tables}. Elk cijfer "
    "vermeldt de regel van het gearchiveerde antwoord waarop het steunt (source_line). "
    "Bij elke kolomkop staat een notitie met de Nederlandse en de "
    "Engelse naam van de kolom; de lijst staat hieronder.",
    "en": "The sheet '{stalking}' shows the figures on 'belaging', which covers stalking, by year. Then one sheet per table, "
    "with the same rows as its CSV file (the reference): {tables}. Every figure carries "
    "the line of the archived answer it stands on (source_line). "
    "Each column header carries a note with the column's Dutch and English name; the list "
    "follows.",
}


# the number format of each field type other than the default (a date's), a cell format each
NUMBER_FORMATS = sorted({t.number_format for t in TYPES.values()} - {FieldType.number_format})


def write(path: Path, tables: dict, schemas: dict[str, Schema], package: dict) -> None:
    """The workbook at ``path``: what to read first (:func:`about_rows` of the ``package``'s facts)
    on the first sheet, the stalking figures of ``tables`` (:func:`stalking_rows`) on the second,
    then every table with its derived columns."""
    import xlsxwriter

    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(path), options) as book:
        about = about_rows(package, schemas, tables)
        book.set_properties({"created": FIXED_TIME, "title": f"{about[0][1]} / {about[0][2]}"})  # Dutch first
        formats = {
            "bold": book.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
            "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
            # each field type's own number format, by that format (what a type's write_cell asks for)
            **{shown: book.add_format({"num_format": shown}) for shown in NUMBER_FORMATS},
        }
        _text_sheet(book.add_worksheet(READ_ME), [list(HEADER), *about], formats)
        _text_sheet(book.add_worksheet(STALKING), stalking_rows(tables), formats)
        for name in schemas:
            _table_sheet(book.add_worksheet(name), tables, name, schemas, formats)


def _text_sheet(sheet, rows: list[list], formats: dict) -> None:
    """Rows of text and numbers, the first a bold header, each column as wide as its text needs."""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, int):
                sheet.write_string(r, c, str(value), formats["bold"] if r == 0 or c == 0 else formats["wrap"])
            else:
                kind_of_cell(value).write_cell(sheet, r, c, value, formats)
    _widths(sheet, rows)
    sheet.freeze_panes(1, 0)


def _widths(sheet, rows: list[list]) -> None:
    """Set each column as wide as its longest value (at most ``WIDEST``: longer text wraps)."""
    for c in range(max(map(len, rows), default=0)):
        longest = max((len(str(row[c])) for row in rows if c < len(row)), default=0)
        sheet.set_column(c, c, min(WIDEST, longest + 2))


def _table_sheet(sheet, tables: dict, name: str, schemas: dict[str, Schema], formats: dict) -> None:
    from ..tableschema import python_rows

    schema = schemas[name]
    fields, derived = schema.fields, DERIVED.get(name, [])
    looked_up = [dict(zip(tables[other][key], tables[other][column])) for column, other, key in derived]
    body = python_rows(tables[name], schema)
    header = schema.field_names + [column for column, _, _ in derived]
    sheet.write_row(0, 0, header, formats["bold"])
    for c, note in enumerate(header_notes(name, schemas)):  # each header's Dutch and English name, shown on pointing at it
        sheet.write_comment(0, c, note, {"x_scale": 2})
    for r, row in enumerate(body, start=1):
        for c, field in enumerate(fields):
            if row[field.name] is not None:
                field.type.write_cell(sheet, r, c, row[field.name], formats)
        for k, ((column, other, key), values) in enumerate(zip(derived, looked_up)):
            schemas[other].field(column).type.write_cell(sheet, r, len(fields) + k, values[row[key]], formats)
    _widths(sheet, [header] + [[row[f.name] for f in fields] for row in body])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(body), 1), len(header) - 1)


def about_rows(package: dict, schemas: dict[str, Schema], tables: dict) -> list[tuple[str, str, str]]:
    """(topic, Dutch, English) rows of the sheet "Lees dit eerst - Read first", from the package's
    facts (its title, name, version, description, translations, licences and sources, the
    descriptions without the caveats the descriptor adds: :func:`package_facts`), its Table Schemas
    by table and its tables' frames. The publish step writes it, and ``validate`` holds the sheet to it."""
    from ..caveats import caveat_list
    from ..datapackage import cite
    from ..facts import CODES
    from ..texts import licence_statement

    nl = package.get("translations", {}).get("nl", {})
    rows = [
        (topic("title"), nl.get("title", ""), package["title"]),
        (topic("version"), package["version"], package["version"]),
        (topic("about"), nl.get("description", "").strip(), package["description"].strip()),
    ]
    pairs = zip(caveat_list(tables, "nl"), caveat_list(tables), strict=True)
    rows += [(topic("caveat"), dutch.removeprefix("- "), english.removeprefix("- ")) for dutch, english in pairs]
    rows += [(topic("licence"), licence_statement(lic, "nl"), licence_statement(lic)) for lic in package["licenses"]]
    rows += [(topic("source"), s["title"], s["title"]) for s in package["sources"]]
    rows += [(topic("cite"), cite(package, "nl"), cite(package, "en"))]
    rows += [(topic("sheets"), *(SHEETS[lang].format(stalking=STALKING, tables=", ".join(schemas)) for lang in CODES))]
    columns = {field.name: field for schema in schemas.values() for field in schema.fields}
    rows += [(topic("column"), f"{name}: {dutch_name(f)}", f"{name}: {f.title or name}") for name, f in columns.items()]
    return rows


def package_facts(descriptor: dict, tables: dict) -> dict:
    """What :func:`about_rows` takes, from a descriptor (the publish step's, or the one
    ``validate`` reads): its descriptions without the caveats of ``tables`` it adds to them."""
    from ..caveats import without_caveats as plain
    from ..facts import CODES

    translations = {  # the sheet is in the package's languages: a translation into another is not on it
        lang: {**t, "description": plain(t.get("description", ""), tables, lang)}
        for lang, t in descriptor.get("translations", {}).items()
        if isinstance(t, dict) and lang in CODES
    }
    keys = ("title", "name", "version", "licenses")
    return {
        **{k: descriptor[k] for k in keys},
        "sources": descriptor.get("sources", []),  # Data Package's are optional: none, and the sheet's differ
        "description": plain(descriptor["description"], tables, "en"),
        "translations": translations,
    }


def stalking_rows(tables: dict) -> list[list]:
    """The sheet of the figures on stalking (the tables' frames by name): year, count,
    category and line, then what each figure counts, the answer's words, the answer's own reading
    and the package's note; each quotation with the lines it stands on. The publish step writes
    it, and ``validate`` holds the sheet to it."""
    from ..caveats import Readings, several_sources
    from ..tableschema import records

    series, observations, readings = tables["series"], tables["observations"], Readings(tables["subquestions"])
    stalking, several = series[series["stalking_specific"]].drop_duplicates("series"), several_sources(tables)
    rows: list[list] = [[both("year"), _counted(stalking), both("category"), both("line")]]
    # each series once, and its figures found once, in one pass: a series named twice (a key the
    # checks refuse) would otherwise repeat every figure of it (3,400 times 35,000 rows took
    # validate past 1 GiB), and a sort for each of 40,000 series took 55 s
    figures_of: dict[str, list[list]] = {}
    for o in records(observations.sort_values("year", kind="stable")):
        figures_of.setdefault(o.series, []).append([int(o.year), int(o.count), o.category, int(o.source_line)])
    for s in records(stalking):
        if several:  # whose figures follow: two answers' figures of one year must not read as one series'
            rows += [[_organisations(s, several)]]
        rows += figures_of.get(s.series, []) + _beside_figures(s, readings, several)
    return rows


def _organisations(s, several: bool) -> str:
    """Series ``s``'s organisation in Dutch and English, and its question where there are ``several``."""
    from ..caveats import organisation_named

    named = f"{organisation_named(s, 'nl', False)} / {organisation_named(s, 'en', False)}"
    return f"{named} ({s.source_question})" if several else named


def _beside_figures(s, readings, several: bool) -> list[list]:
    """What stands below a series' figures on the second sheet: what each counts, the answer's words,
    its reading and the package's note, each quotation with its lines, in Dutch and English."""
    from ..caveats import caveat_words, full_text, lines_named, reading_label

    def on(span, lang: str) -> str:
        return f" ({lines_named(span, lang)})"

    def whole(span, lang: str) -> str:  # the lines of a statement quoted in part: its full text's
        return f" ({full_text(span, lang)})"

    read = readings.of(s)
    return [
        [],
        [_organisations(s, several), "Nederlands", "English (translation made for this package)"],
        [
            "Wat elk cijfer telt / What each figure counts",
            f"“{s.measure_nl}”{on(s.measure_lines, 'nl')}",
            f"“{s.measure_en}”{on(s.measure_lines, 'en')}",
        ],
        [
            f"{caveat_words('nl')['answer']} / {caveat_words('en')['answer']}",
            f"“{s.caveat_nl}”{on(s.caveat_lines, 'nl')}",
            f"“{s.caveat_en}”{on(s.caveat_lines, 'en')}",
        ],
        *(
            [
                [
                    f"{reading_label(s, 'nl')} / {reading_label(s, 'en')}",
                    readings.quoted(read, "nl") + whole(read["statement_lines"], "nl"),
                    readings.quoted(read, "en") + whole(read["statement_lines"], "en"),
                ]
            ]
            if read is not None
            else []
        ),
        [f"{caveat_words('nl')['note']} / {caveat_words('en')['note']}", s.note_nl, s.note_en],
    ]


def _counted(stalking) -> str:
    """The head of the stalking sheet's column of figures: what they count (the series' unit, in
    the chart's words) where the stalking series share one, else only that they are counts (as
    releases before 2.1.0, which give no unit, head it)."""
    if "unit_nl" not in stalking or "unit_en" not in stalking:
        return both("counts")
    units = list(dict.fromkeys(zip(stalking["unit_nl"], stalking["unit_en"])))
    if len(units) != 1:
        return both("counts")
    (nl, en) = units[0]
    return f"{text('chart', 'count', 'nl', unit=nl)} / {text('chart', 'count', 'en', unit=en)}"


def dutch_name(field) -> str:
    """A column's Dutch name (texts.toml, section columns)."""
    return text("columns", field.name, "nl")


def header_notes(table: str, schemas: dict[str, Schema]) -> list[str]:
    """The notes on the header cells of sheet ``table``, one a column (its fields, then its derived
    columns): each column's Dutch and English name (:func:`column_names`)."""
    named = [*schemas[table].fields, *(schemas[other].field(column) for column, other, _ in DERIVED.get(table, []))]
    return [column_names(field) for field in named]


def column_names(field) -> str:
    """A column's names: Dutch, then English (its schema's title)."""
    return f"{dutch_name(field)} / {field.title or field.name}"


def rows(data: bytes, table: str, schema: Schema, limit: int) -> list[dict]:
    """The first ``limit`` rows of sheet ``table`` as Python values (dates as ``datetime.date``,
    empty as None)."""
    with opened(data) as read:
        return read(table, schema, limit)


@contextmanager
def opened(data: bytes) -> Iterator[Callable[[str, Schema, int], list[dict]]]:
    """The workbook ``data``, checked and parsed once: yields a function (table, schema, limit) ->
    the first ``limit`` rows of sheet ``table``, as :func:`rows`."""
    import zipfile

    import openpyxl

    from ..untrusted import MAX_UNPACKED_BYTES

    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # a workbook from anywhere: no ZIP bomb is unpacked
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise ValueError(f"the workbook unpacks to {unpacked} bytes, more than {MAX_UNPACKED_BYTES}")
        within_a_spreadsheets_limits(archive)
    if not openpyxl.xml.DEFUSEDXML:
        raise ValueError("openpyxl would parse the workbook without defusedxml (entity expansion); install defusedxml")
    with quiet():
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)  # a formula: as saved
    try:
        yield Opened(book, sha256_bytes(data))
    finally:
        book.close()


def _sheet_differs(read: Opened, sheet: str, rows: list) -> list[str]:
    """Sheet ``sheet`` holds ``rows`` (and no more), value for value and shown as written: the first
    row that differs, or the first cell shown otherwise (a sentence), or nothing."""
    expected = [tuple(row) for row in rows]
    try:
        found = read.sheet(sheet, len(expected) + 1, max(map(len, expected), default=0) + 1)
    except ValueError as error:
        return [str(error)]
    found += [()] * (len(expected) + 1 - len(found))  # rows past the sheet's last are empty
    for n, (cells, want) in enumerate(zip(found, [*expected, ()]), start=1):
        got = tuple(cell.value for cell in cells)
        if not same_values(got, want):  # 21.0 is not 21: a figure is a whole number
            return [_row_differs(sheet, n, got, want)]
    misshown = (_misshown(sheet, cell, kind_of_cell(cell.value)) for cells in found for cell in cells)
    return [said for said in misshown if said][:1]


def _row_differs(sheet: str, n: int, got: tuple, want: tuple) -> str:
    """Row ``n`` of ``sheet`` holds ``got``, not ``want``, as a sentence: the first cell that
    differs, its two values shown from where they part (:func:`~stalking_flanders.problems.apart`)."""
    c = next(c for c in range(max(len(got), len(want))) if c >= min(len(got), len(want)) or not same_value(got[c], want[c]))
    found, given = (value[c] if c < len(value) else None for value in (got, want))
    if found is None or given is None:  # an empty cell, said so
        holds = f"holds {printable(repr(found))}" if found is not None else "is empty"
        gives = f"gives {printable(repr(given))}" if given is not None else "gives it no value"
        return f"cell {cell_name(n, c + 1)} (row {n}) of sheet {sheet!r} {holds}; the package {gives}"
    found, given = apart(found, given)
    return f"cell {cell_name(n, c + 1)} (row {n}) of sheet {sheet!r} holds {found}; the package gives {given}"


_LAST_MADE: dict[str, Made] = {}  # the last workbook's parts as made, by its sha256 (one entry: a bounded size)


class Opened:
    """A workbook parsed once: called as (table, schema, limit) it gives a table's rows, as
    :func:`rows`; :meth:`sheet` gives the cells of another sheet, :meth:`sheet_names` the sheets
    in order, :meth:`hidden_or_past` what a sheet hides or holds past its cells, :meth:`notes`
    its notes."""

    def __init__(self, book, digest: str) -> None:
        self._book, self._digest = book, digest
        self._made: Made | None = None

    def made(self) -> Made:
        """How the workbook's parts are made (:func:`~.workbook_parts.how_made`), read once for
        each content (by its sha256): the last workbook's is kept for the process, where copies of
        one release are checked again and again."""
        if self._made is None:
            last = _LAST_MADE.get(self._digest)
            self._made = last if last is not None else how_made(self._book._archive)
            _LAST_MADE.clear()
            _LAST_MADE[self._digest] = self._made
        return self._made

    def __call__(self, table: str, schema: Schema, limit: int) -> list[dict]:
        return _sheet_rows(self._book, table, schema, limit)

    def sheet_names(self) -> list[str]:
        """The workbook's sheets, in the order a spreadsheet shows their tabs."""
        return list(self._book.sheetnames)

    def hidden_or_past(self, name: str, rows: int, columns: int) -> str | None:
        """What sheet ``name`` hides from a reader, shows otherwise or holds past its first
        ``rows`` rows and ``columns`` columns, as a sentence, or None
        (:func:`~.workbook_shown.hidden_or_past`), within the bounds :func:`opened` checked."""
        return hidden_or_past(self._book, name, rows, columns, self.made().named)

    def notes(self, name: str) -> dict[str, str]:
        """The notes on the cells of sheet ``name`` (what a spreadsheet shows on pointing at a
        cell), by cell name."""
        return notes(self._book, self._book[name], name)

    def sheet(self, name: str, rows: int, columns: int) -> list[tuple]:
        """The cells of the first ``rows`` rows and ``columns`` columns of sheet ``name`` (each
        row as long as its last cell that holds a value); ValueError without such a sheet."""
        if name not in self._book.sheetnames:
            raise ValueError(f"the workbook has no sheet {name!r}")
        with quiet():
            found = list(self._book[name].iter_rows(max_row=rows, max_col=min(MAX_COLUMNS, columns)))
        trimmed = []
        for row in found:
            held = [k for k, cell in enumerate(row) if cell.value is not None]
            trimmed.append(tuple(row[: held[-1] + 1]) if held else ())
        return trimmed


def _as_derived(book, table: str, header: list, body: list, derived: tuple[str, str, str]) -> None:
    """A derived column of sheet ``table`` (``column`` looked up in sheet ``other`` by ``key``)
    holds in every row what that sheet gives, which is itself held to its CSV file; ValueError
    where it does not (a reader sees the column beside the figures)."""
    column, other, key = derived
    with quiet():
        theirs_header = list(next(book[other].iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), ()))
        for name, where in ((column, header), (key, header), (key, theirs_header), (column, theirs_header)):
            if name not in where:
                raise ValueError(f"a sheet lacks the column {name} by which the column {column} of sheet {table} is looked up")
        k, c = theirs_header.index(key), theirs_header.index(column)
        rows = book[other].iter_rows(min_row=2, max_row=MAX_ROWS + 1, max_col=max(k, c) + 1, values_only=True)
        theirs = {r[k]: r[c] for r in rows}
    at, by = header.index(column), header.index(key)
    for n, row in enumerate(body, start=2):
        if row[at] != theirs.get(row[by]):
            given, found = theirs.get(row[by]), row[at]
            raise ValueError(f"row {n} of sheet {table} has {column} {found!r}; sheet {other} gives {given!r} for {row[by]!r}")


def _shown_as_written(table: str, schema: Schema, header: list, cells: list) -> None:
    """Every cell of sheet ``table`` that holds a value is shown with its type's number format (the
    header row as text; a derived column's as the type of what it holds); :class:`ShownOtherwise`
    at the first that is not: a format decides what a reader sees, whatever the cell holds."""
    kinds, derived = {f.name: f.type for f in schema.fields}, {c for c, _, _ in DERIVED.get(table, [])}
    for r, row in enumerate(cells):
        for name, cell in zip(header, row):
            if cell.value is None or (r > 0 and name not in kinds and name not in derived):
                continue  # an empty cell, or a column the table does not have (reported as such)
            said = _misshown(table, cell, kinds.get(name) if r > 0 and name in kinds else kind_of_cell(cell.value))
            if said:
                raise ShownOtherwise(said)


def _misshown(sheet: str, cell, kind) -> str | None:
    """Why ``cell`` (that holds a value of ``kind``) is not shown as written, or None where it is."""
    shown = getattr(cell, "number_format", kind.number_format)
    if cell.value is None or kind.shows_as_written(shown):
        return None
    return (
        f"cell {cell.coordinate} of sheet {sheet} is shown with the number format {shown!r}, not "
        f"{kind.number_format!r}: a reader may see another value than the cell holds"
    )


def _sheet_rows(book, table: str, schema: Schema, limit: int) -> list[dict]:

    sheet = book[table]  # rows and columns capped: no cell past them is kept, no row past them is parsed
    columns = len(schema.fields) + len(DERIVED.get(table, [])) + 1  # one more: an extra column shows
    last = min(MAX_ROWS, limit) + 1  # the header row, then the rows asked for
    with quiet():
        cells = list(sheet.iter_rows(max_row=last, max_col=min(MAX_COLUMNS, columns)))
    values = [tuple(cell.value for cell in row) for row in cells]
    header, body = list(values[0]), values[1:]
    while body and all(v is None for v in body[-1]):  # a row that holds nothing (a styled one) shows nothing
        body.pop()
    _shown_as_written(table, schema, header, cells)
    twice = sorted({str(h) for h in header if h is not None and header.count(h) > 1})
    if twice:  # a row read by name would keep one of them only
        raise ValueError(f"the header of sheet {table} names {', '.join(twice)} more than once")
    for column, other, key in DERIVED.get(table, []):
        _as_derived(book, table, header, body, (column, other, key))
    types, derived = {f.name: f.type for f in schema.fields}, {column for column, _, _ in DERIVED.get(table, [])}
    return [{h: types[h].read_cell(v) if h in types else v for h, v in zip(header, row) if h not in derived} for row in body]


@dataclass(frozen=True)
class Workbook(Format):
    """Every table in one file, after the sheets of caveats and of the stalking figures."""

    per_table: bool = False
    for_spreadsheets: bool = True
    standard: str | None = None  # a workbook is not a Table Schema table

    def beside_tables(self, read: Opened, package, tables: dict) -> list[str]:
        """The workbook holds the sheets the package gives, in its order, and nothing else: the
        sheets before the tables hold what the package's descriptor and tables give
        (:func:`about_rows`, :func:`stalking_rows`), value for value and shown as written (for
        each, the first row that differs, or the first cell shown otherwise); no sheet, row or
        column is hidden, no sheet holds a value past the rows and columns it should, and the only
        notes on cells are those on the tables' header cells, each column's names."""
        schemas = {name: package.schema(name) for name in package.tables()}
        sheets, found = [READ_ME, STALKING, *schemas], read.sheet_names()
        if read.made().otherwise is not None:  # a part a spreadsheet reads otherwise than openpyxl
            return [f"the workbook's part {read.made().otherwise}"]
        if found != sheets:
            return [f"the workbook's sheets are {printable(found)}; the package gives {printable(sheets)}, in this order"]
        try:
            about = [HEADER, *about_rows(package_facts(package.descriptor, tables), schemas, tables)]
        except (KeyError, TypeError, AttributeError, ValueError) as error:  # a descriptor without what the sheet says
            return [f"the descriptor lacks what sheet {READ_ME!r} says ({type(error).__name__}: {printable(error)})"]
        front = {READ_ME: about, STALKING: stalking_rows(tables)}
        extents = {name: (len(rows), max(map(len, rows))) for name, rows in front.items()}
        for name, schema in schemas.items():  # each table's rows under its header, its fields and derived columns
            extents[name] = (len(tables[name]) + 1, len(schema.fields) + len(DERIVED.get(name, [])))
        said = []
        for name, extent in extents.items():  # one problem a sheet: what differs, else what it hides, holds past or notes
            differs = _sheet_differs(read, name, front[name]) if name in front else []
            header = header_notes(name, schemas) if name in schemas else []
            said += differs or [s for s in (read.hidden_or_past(name, *extent), notes_differ(read, name, header)) if s][:1]
        return said

    def write(self, folder: Path, content: Content) -> None:
        frames = {name: table.frame for name, table in content.tables.items()}
        schemas = {name: table.schema for name, table in content.tables.items()}
        write(folder / FILE_NAME, frames, schemas, package_facts(content.package, frames))

    def resources(self, content: Content, folder: Path) -> list[dict]:
        return [
            {
                "name": RESOURCE_NAME,
                "path": FILE_NAME,
                "title": "Workbook for spreadsheet users: open this file in Excel or LibreOffice (XLSX)",
                "description": f"A first sheet '{READ_ME}' with the caveats, the licence and how to cite in Dutch "
                f"and English, a second sheet '{STALKING}' with the figures on 'belaging', which covers stalking, by "
                "year and what the answer and this package say about them, then one sheet per table "
                f"({', '.join(content.tables)}) with the same rows as its CSV file, typed cells and a frozen header "
                "row (the observations with the column stalking_specific of their series). The CSV files are the "
                "reference.",
                "translations": {
                    "nl": {
                        "title": "Werkmap voor wie met een rekenblad werkt: open dit bestand in Excel of LibreOffice (XLSX)",
                        "description": f"Een eerste werkblad '{READ_ME}' met de kanttekeningen, de licentie en hoe te citeren, "
                        f"in het Nederlands en het Engels, een tweede werkblad '{STALKING}' met de cijfers over "
                        "belaging, waaronder stalking, per jaar en wat het antwoord en dit pakket erover zeggen, dan "
                        f"één werkblad per tabel ({', '.join(content.tables)}) met dezelfde rijen als het CSV-bestand, "
                        "cellen met een vast gegevenstype en een vastgezette kopregel (de waarnemingen met de kolom "
                        "stalking_specific van hun reeks). De CSV-bestanden zijn de referentie.",
                    }
                },
                "format": self.name,
                "mediatype": self.mediatype,
                **file_facts(folder / FILE_NAME),
            }
        ]

    def rows(self, data: bytes, table: str, schema: Schema, limit: int) -> list[dict]:
        return rows(data, table, schema, limit)

    def opened(self, data: bytes):
        return opened(data)


FORMAT = Workbook(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", "XLSX", title_nl="Excel-werkmap"
)
