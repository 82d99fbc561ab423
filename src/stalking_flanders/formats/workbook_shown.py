"""What a sheet of the workbook shows a reader beside the values of its cells, for ``validate``:
whether it hides a row, a column or itself, holds a value past the cells it should, merges cells,
formats them by conditions, shows text on pointing at them (links, input prompts, notes), or refers
to parts beyond its notes. The workbook's own sheets do none of these, but the notes on the tables'
header cells (each column's names). Each sheet is read whole with openpyxl's parser of a sheet,
within the bounds :mod:`.workbook_limits` checked before openpyxl opened the workbook.
"""

from __future__ import annotations

import re
import warnings
from contextlib import contextmanager
from functools import cache

from ..problems import apart, printable
from .base import ShownOtherwise
from .workbook_parts import named_otherwise, referred_otherwise, relationships


@contextmanager
def quiet():
    """openpyxl warns of parts it does not know, quoting them: none of its warnings is shown."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="openpyxl")
        yield


def hidden_or_past(book, name: str, rows: int, columns: int, named: dict) -> str | None:
    """What sheet ``name`` of the workbook ``book`` (openpyxl's, read only) hides from a reader,
    shows otherwise, or holds past its first ``rows`` rows and ``columns`` columns, as a sentence
    (the first such thing: the sheet hidden, a part its elements name, a value past those cells,
    a formula, merged cells, conditional formats, extensions, links or input prompts, a hidden row
    or column); or None. The whole sheet is read, whatever its dimension record claims. ``named``
    gives, by part, the parts its elements name (:attr:`~.workbook_parts.Made.named`)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    sheet = book[name]
    if not isinstance(sheet, ReadOnlyWorksheet):
        return f"sheet {name!r} is not a sheet of cells"
    if sheet.sheet_state != "visible":
        return f"sheet {name!r} is {sheet.sheet_state}: a reader does not see it"
    made = named_otherwise(book._archive, sheet._worksheet_path, named.get(sheet._worksheet_path, []), name)
    if made is not None:
        return made
    dates = {"date_formats": book._date_formats, "timedelta_formats": book._timedelta_formats}
    with quiet(), sheet._get_source() as source:
        parser = _parser_keeping_every_line()(source, sheet._shared_strings, data_only=book.data_only, epoch=book.epoch, **dates)
        for _, cells in parser.parse():
            past = next((c for c in cells if c["value"] is not None and (c["row"] > rows or c["column"] > columns)), None)
            if past is not None:
                return (
                    f"cell {cell_name(past['row'], past['column'])} of sheet {name!r} holds {printable(repr(past['value']))}, "
                    f"past the {rows} rows and {columns} columns the package gives"
                )
    return _shown_otherwise(name, parser) or _hidden_lines(name, parser, rows, columns)


def notes(book, sheet, name: str) -> dict[str, str]:
    """The notes on the cells of ``sheet`` (named ``name``) of ``book``, by cell name, read from
    its one part of notes; :class:`~.base.ShownOtherwise` where the sheet refers to another kind
    of part than :data:`~.workbook_parts.SHEET_PARTS`, to more than one part of notes, or gives a
    cell two notes."""
    from openpyxl.comments.comment_sheet import CommentSheet
    from openpyxl.xml.functions import fromstring  # defusedxml's, as openpyxl.xml.DEFUSEDXML was checked

    archive, related = book._archive, relationships(book._archive, sheet._worksheet_path)
    otherwise = referred_otherwise(archive, related, name)
    if otherwise is not None:
        raise ShownOtherwise(otherwise)
    notes: dict[str, str] = {}
    for _, target in (part for part in related.values() if part[0] == "comments"):  # within the bounds checked
        if target not in archive.namelist():
            raise ShownOtherwise(f"sheet {name!r} refers to notes the workbook does not hold")
        with quiet():
            found = CommentSheet.from_tree(fromstring(archive.read(target))).comments
        for cell, note in found:
            if str(cell) in notes:
                raise ShownOtherwise(f"cell {printable(cell)} of sheet {name!r} has more than one note: a reader sees one")
            notes[str(cell)] = note.text
    return notes


def notes_differ(read, name: str, expected: list[str]) -> str | None:
    """The first note of sheet ``name`` of the opened workbook ``read`` (its ``notes``) that is not
    the one the package gives (``expected``, on the header cells from A1 on), or a note the
    package gives none for, as a sentence; or what else the sheet refers to beside its notes
    (:data:`~.workbook_parts.SHEET_PARTS`); or None."""
    given = {cell_name(1, c): note for c, note in enumerate(expected, start=1)}
    try:
        found = read.notes(name)
    except ShownOtherwise as error:
        return str(error)
    for cell in sorted(set(given) | set(found), key=lambda cell: (len(cell), cell)):
        if found.get(cell) != given.get(cell):
            says, gives = apart(found.get(cell), given.get(cell))
            return f"the note on cell {printable(cell)} of sheet {name!r} says {says}; the package gives {gives}"
    return None


def cell_name(row, column) -> str:
    return f"{column_letter(column)}{row}"


def column_letter(number) -> str:
    """A column's letters (E for 5), or its number as a sheet wrote it where it is none."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(int(number)) if str(number).isdigit() and 0 < int(number) <= 16_384 else printable(number)


@cache
def _parser_keeping_every_line():
    """openpyxl's parser of a sheet, keeping the attributes of every row and column element as
    they come (its own keeps the last of each number, so that a second element could hide what
    the first shows) and the extensions it would only warn of."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.lines: list[tuple[str, dict]] = []
            self.extensions = 0
            self.formula: tuple[dict, str | None] | None = None  # the first that may show another value

        def parse_cell(self, element) -> dict:
            cell = super().parse_cell(element)
            formula = element.find(FORMULA_TAG)
            if formula is not None and self.formula is None and not _constant(formula, cell["value"]):
                self.formula = (cell, formula.text)
            return cell

        def parse_column_dimensions(self, col) -> None:
            self.lines.append(("column", dict(col.attrib)))

        def parse_row(self, row):
            index, cells = super().parse_row(row)
            if set(row.attrib) - {"r", "spans"}:  # a row of its own height, hidden or styled
                self.lines.append(("row", {**row.attrib, "r": index}))
            return index, cells

        def parse_extensions(self, element) -> None:
            self.extensions += 1

    return Parser


# the formulas a cell may hold, by the value it holds: LibreOffice writes a boolean as one of these
CONSTANTS = {True: "TRUE()", False: "FALSE()"}


def _constant(formula, value) -> bool:
    """Whether the ``<f>`` element ``formula`` gives ``value`` (its cell's value as saved) whenever a
    spreadsheet computes it: a boolean's constant (TRUE(), as LibreOffice saves one), for that
    boolean, of its own cell alone (an array or shared formula fills other cells too), written
    whole (no space within a name)."""
    attributes = {k: v for k, v in formula.attrib.items() if k != "aca"}  # LibreOffice's "calculate always": false
    alone = attributes in ({}, {"t": "normal"}) and len(formula) == 0
    return alone and isinstance(value, bool) and str(formula.text).strip().upper() == CONSTANTS[value]


def _shown_otherwise(name: str, parser) -> str | None:
    """What makes sheet ``name`` show other than its cells hold: a formula (a spreadsheet that
    computes it may show another value than the one saved), merged cells (a reader sees the first
    alone), conditional formats (a rule's format may show another value), or extensions of the
    sheet (conditional formats among them). The release's sheets have none but a boolean's
    constant formula."""
    if parser.formula is not None:
        cell, formula = parser.formula
        written = "=" + (formula or "")
        return (
            f"cell {cell_name(cell['row'], cell['column'])} of sheet {name!r} holds the formula {printable(repr(written))}: "
            f"a spreadsheet that computes it may show another value than {printable(repr(cell['value']))}"
        )
    merged = getattr(getattr(parser, "merged_cells", None), "mergeCell", None) or []
    if merged:
        return f"cells {printable(merged[0].ref)} of sheet {name!r} are merged: a reader sees the first cell's value alone"
    if parser.formatting or parser.extensions:
        return f"sheet {name!r} formats cells by conditions or carries extensions: a reader may see other values than it holds"
    links = getattr(getattr(parser, "hyperlinks", None), "hyperlink", None)
    prompts = getattr(getattr(parser, "data_validations", None), "dataValidation", None)
    if links or prompts:
        return f"sheet {name!r} shows text on pointing at its cells (links or input prompts), which the package writes none of"
    return None


MIN_ROW_POINTS = 6.0  # a row lower than this shows no line of text (the workbook's is 15 points)
MIN_COLUMN_CHARACTERS = 2.0  # a column narrower than this shows no figure (the workbook's are 10 and wider)


def _hidden_lines(name: str, parser, rows: int, columns: int) -> str | None:
    """A row or column of the sheet's first ``rows`` rows and ``columns`` columns that a reader
    does not see (hidden, or too low or narrow to show its text), or such rows or columns by
    default, as the sheet's ``parser`` (read through) found them."""
    default = getattr(parser, "sheet_format", None)  # a sheet need not say
    if default is not None and (
        default.zeroHeight
        or _below(default.defaultRowHeight, MIN_ROW_POINTS)
        or _below(default.defaultColWidth, MIN_COLUMN_CHARACTERS)
        or _below(default.baseColWidth, MIN_COLUMN_CHARACTERS)
    ):
        return f"sheet {name!r} hides its rows or columns by default (too low or narrow): a reader does not see them"
    # a row without a height has the sheet's; a column without a width has none (a spreadsheet shows it so)
    sizes = {"row": ("r", rows, "ht", None, MIN_ROW_POINTS), "column": ("min", columns, "width", 0, MIN_COLUMN_CHARACTERS)}
    for kind, attrs in parser.lines:
        first, held, size, unsized, least = sizes[kind]
        if not _below(attrs.get(first), held + 1):
            continue  # past what the sheet holds: nothing to hide there
        if str(attrs.get("hidden", "0")).lower() not in ("0", "false") or _below(attrs.get(size, unsized), least):
            where = attrs["r"] if kind == "row" else _columns(attrs)
            return f"{kind} {where} of sheet {name!r} is hidden: a reader does not see what it holds"
    return None


def _columns(attrs: dict) -> str:
    """The columns a ``<col>`` element sets, as a spreadsheet names them (B, or A:C)."""
    first, last = column_letter(attrs.get("min")), column_letter(attrs.get("max", attrs.get("min")))
    return first if last == first else f"{first}:{last}"


SIZE = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,20})?")  # a size both readers read alike (Python's float() takes "1_00")


def _below(size, least: float) -> bool:
    """Whether ``size`` (a number as a sheet writes it, or None where it says none) is below
    ``least``: a size that is no number written in ASCII digits is none a reader can see."""
    if size is None:
        return False
    return not SIZE.fullmatch(str(size)) or float(size) < least
