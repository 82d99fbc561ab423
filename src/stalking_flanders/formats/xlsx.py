"""XLSX: one workbook for spreadsheet users (Excel shows the CSV files' UTF-8 as mojibake and
expects ``;`` in Belgian and Dutch locales). A first sheet "Read before use" (caveats, licence,
how to cite), then one sheet per table with typed cells (integers as numbers, dates as dates,
true/false as booleans), its header row frozen.

Written with XlsxWriter, byte-stable: its ZIP entries carry the fixed ZIP epoch (1980-01-01), and
so does the document's creation time; neither is a date of the data. Text is always written as
text: a cell starting with ``=`` never becomes a formula. Read back with openpyxl.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from ..hashes import file_facts
from ..model import Schema
from .base import Content, Format

READ_ME = "Read before use"
FIXED_TIME = datetime.datetime(1980, 1, 1)  # the ZIP epoch: the same data gives the same bytes
FILE_NAME = "stalking-flanders.xlsx"
RESOURCE_NAME = "workbook"


def write(path: Path, tables: dict, schemas: dict[str, Schema], about: list[tuple[str, str]]) -> None:
    """The workbook at ``path``: ``about`` ((topic, text) rows) on the first sheet, then every table."""
    import xlsxwriter

    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(path), options) as book:
        book.set_properties({"created": FIXED_TIME, "title": about[0][1] if about else ""})
        bold = book.add_format({"bold": True})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        dates = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet = book.add_worksheet(READ_ME)
        sheet.write_row(0, 0, ["topic", "text"], bold)
        for row, (topic, text) in enumerate(about, start=1):
            sheet.write_string(row, 0, topic, bold)
            sheet.write_string(row, 1, text, wrap)
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, 1, 120)
        sheet.freeze_panes(1, 0)
        for name, schema in schemas.items():
            _table_sheet(book.add_worksheet(name), tables[name], schema, bold, {"date": dates})


def _table_sheet(sheet, table, schema: Schema, bold, formats: dict) -> None:
    from ..tableschema import python_rows

    fields = schema.fields
    sheet.write_row(0, 0, schema.field_names, bold)
    for r, row in enumerate(python_rows(table, schema), start=1):
        for c, field in enumerate(fields):
            if row[field.name] is not None:
                field.type.write_cell(sheet, r, c, row[field.name], formats)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(table), 1), len(fields) - 1)


def rows(data: bytes, table: str, schema: Schema) -> list[dict]:
    """The rows of sheet ``table`` as Python values (dates as ``datetime.date``, empty as None)."""
    import zipfile

    import openpyxl

    from ..untrusted import MAX_COLUMNS, MAX_ROWS, MAX_UNPACKED_BYTES

    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # a workbook from anywhere: no ZIP bomb is unpacked
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValueError(f"the workbook unpacks to {unpacked} bytes, more than {MAX_UNPACKED_BYTES}")
    if not openpyxl.xml.DEFUSEDXML:
        raise ValueError("openpyxl would parse the workbook without defusedxml (entity expansion); install defusedxml")
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = book[table]  # rows and columns capped: padding to 16,384 columns is never read
        values = list(sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=min(MAX_COLUMNS, len(schema.fields) + 1), values_only=True))
    finally:
        book.close()
    header, body = list(values[0]), values[1:]
    types = {f.name: f.type for f in schema.fields}
    return [{h: types[h].read_cell(v) if h in types else v for h, v in zip(header, row)} for row in body]


@dataclass(frozen=True)
class Workbook(Format):
    """Every table in one file, after the sheet "Read before use"."""

    per_table: bool = False
    standard: str | None = None  # a workbook is not a Table Schema table

    def write(self, folder: Path, content: Content) -> None:
        frames = {name: table.frame for name, table in content.tables.items()}
        write(folder / FILE_NAME, frames, {name: table.schema for name, table in content.tables.items()}, content.about)

    def resources(self, content: Content, folder: Path) -> list[dict]:
        return [
            {
                "name": RESOURCE_NAME,
                "path": FILE_NAME,
                "title": "Workbook for spreadsheet users: every table on a sheet of its own (XLSX)",
                "description": f"A first sheet '{READ_ME}' with the caveats, the licence and how to cite, then one sheet "
                f"per table ({', '.join(content.tables)}) with the same rows as its CSV file, typed cells and a frozen "
                "header row. The CSV files are the reference.",
                "format": self.name,
                "mediatype": self.mediatype,
                **file_facts(folder / FILE_NAME),
            }
        ]

    def rows(self, data: bytes, table: str, schema: Schema) -> list[dict]:
        return rows(data, table, schema)


FORMAT = Workbook(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", "XLSX", title_nl="Excel-werkboek"
)
