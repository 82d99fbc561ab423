"""The caps a workbook (xlsx) from anywhere is held to before openpyxl opens it.

openpyxl builds every part of a workbook but the worksheets' rows whole, reads every shared text as
it opens the workbook, and keeps every element of a worksheet it does not use until the part ends;
within the cap on unpacking (64 MiB), a few MiB of any of them take gigabytes or many seconds.
So each part is read first by the parser openpyxl reads it with (expat, as ElementTree drives it),
which sees every element as openpyxl will (under any prefix, in any encoding it reads), and each
kind of element is counted where it belongs, in the whole workbook (every part is read, whether
or not the workbook refers to it: the counts bound what reading them all costs):

- a row of a sheet's data, at most ``MAX_ROWS`` + 1 (the header) in a part;
- a cell of a row, at most ``MAX_ROW_CELLS`` in a row; rows and cells together, at most
  ``MAX_GRID`` in the workbook;
- a shared text, at most ``MAX_SHARED_STRINGS``; a style record, at most ``MAX_STYLE_RECORDS``;
- one value in a cell and one text in a shared text;
- anything else (views, column settings, merged ranges, rich text, a cell outside a row, elements
  of no meaning), at most ``MAX_OTHER_ELEMENTS``, nested at most ``MAX_DEPTH`` deep.

Before that, in the archive: a part is stored or deflated (Python unpacks a part compressed
otherwise, bzip2 or LZMA, whole, whatever size the archive gives it). In the bytes: a part other
than the worksheets and the shared strings may unpack to ``MAX_PART_BYTES`` at most; no part may be
UTF-16 (its markup would hide from the next check); and no start tag with its attributes, namespaces
and the text after it may run past ``MAX_TAG_BYTES`` (the parser gathers a tag's attributes before
anything may count them); nor may a text between two tags (of an element, or after its end: a
CDATA section and a comment within it do not end it) run past ``MAX_TAG_BYTES`` characters. No
DOCTYPE is read: a workbook has none, and its entities could expand to gigabytes.
"""

from __future__ import annotations

import re
import zipfile
from xml.parsers import expat

from ..problems import printable
from ..untrusted import MAX_ROWS

MAX_PART_BYTES = 1024 * 1024  # what a part other than the worksheets and shared strings may unpack to
LARGE_PARTS = re.compile(r"xl/worksheets/sheet[0-9]+\.xml|xl/sharedStrings\.xml")  # as a workbook names them
MAX_ROW_CELLS = 16_384  # the columns of a worksheet (A to XFD): no spreadsheet's row holds more cells
# the rows and cells of all sheets together (a release's: under 700): counting them takes about
# 1.3 s a million, and openpyxl reads about half a million cells a second
MAX_GRID = 1_000_000
# the cell formats and cell styles together (a release's: 5), capped at the cell formats a spreadsheet
# holds: openpyxl builds each, at about 20 µs
MAX_STYLE_RECORDS = 65_490
# the texts a workbook may share (a release's shares under 300): openpyxl reads every one as it opens
# the workbook, whatever is then asked of it, at about 8 µs each (a million took 8 s, from 60 kB of ZIP)
MAX_SHARED_STRINGS = 100_000
# everything else in the workbook (a release's: under 2,000): openpyxl builds each, or keeps it until
# its part ends (300,000 sheet views took 6 s and 370 MB; 8 million stray values, 900 MB)
MAX_OTHER_ELEMENTS = 65_536
MAX_DEPTH = 64  # how deep elements may nest (a release's: 7)
# how far a start tag, with its attributes and namespaces, and the text after it may run before the
# next markup: a cell's text is a CSV value (at most 64 KiB of characters); two million attributes
# on one element took openpyxl 18 s and 700 MB, and as many namespaces 160 s
MAX_TAG_BYTES = 1024 * 1024
_LONG_TAG = re.compile(rb"<[^\s<>/!?][^<]{%d}" % MAX_TAG_BYTES)  # an attribute value may hold ">", never "<"
# how a part may be compressed: Python unpacks only these a little at a time, within the size the
# archive gives the part; bzip2 and LZMA it unpacks whole (256 MiB from 332 bytes, in 2 s)
COMPRESSIONS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
UTF_16 = (b"\xff\xfe", b"\xfe\xff")  # its byte-order marks; without one, a NUL in the first two bytes tells it

# (parent, element) -> what it counts as, where it belongs; every other element counts as "other"
COUNTED = {
    ("sheetData", "row"): "rows",
    ("row", "c"): "cells",
    ("sst", "si"): "texts",
    ("cellXfs", "xf"): "styles",
    ("cellStyleXfs", "xf"): "styles",
}
ONE_EACH = {("c", "v"), ("si", "t")}  # the one value of a cell, the one text of a shared text: not counted
WHAT = {
    "rows": "rows",
    "row_cells": "cells in a row, a worksheet's columns",
    "grid": "rows and cells in all sheets together",
    "texts": "shared texts",
    "styles": "style records",
    "other": "elements other than rows, cells, values and texts where they belong",
}


def within_a_spreadsheets_limits(archive, scale: int = 1) -> None:
    """Refuse (ValueError) a workbook (an open ``zipfile.ZipFile``) with a part past a cap (each
    cap but the depth divided by ``scale``: the tests hold a release to a tenth of them). Every
    part is read, one at a time (a sheet may be stored under any name), as far as its size in the
    archive says, and its elements counted with those of the parts before it."""
    infos, names = archive.infolist(), {}
    for info in infos:
        # a part's name is compared without case (Office Open XML's packages), and an entry that
        # ends in "/" (a folder) stands for the part of its name: of two of the same name, a
        # spreadsheet and openpyxl (which reads the last) may read different ones
        key = info.filename.rstrip("/").lower()
        if key in names:
            twin = names[key]
            both = printable(twin) if twin == info.filename else f"{printable(twin)} and {printable(info.filename)}"
            raise ValueError(
                f"two parts are named {both} (as a spreadsheet compares names: without letter case, and a folder's"
                " final '/' aside): a spreadsheet may read the other"
            )
        names[key] = info.filename
        if "\\" in info.filename:  # no part's name: a spreadsheet refuses the whole workbook
            raise ValueError(f"{info.filename!r} is no part's name (a backslash): a spreadsheet does not open the workbook")
        if info.compress_type not in COMPRESSIONS:
            raise ValueError(
                f"{info.filename} is compressed by method {info.compress_type}: a workbook's parts are stored or deflated"
            )
    elements = _Elements(scale)
    for info in infos:
        if info.file_size > MAX_PART_BYTES // scale and not LARGE_PARTS.fullmatch(info.filename):
            raise ValueError(f"{info.filename} unpacks to {info.file_size} bytes, more than {MAX_PART_BYTES // scale}")
        data = archive.read(info)
        if data[:2] in UTF_16 or b"\0" in data[:2]:  # how an XML parser tells UTF-16 (and would read it)
            raise ValueError(f"{info.filename} starts as UTF-16 does (a byte-order mark or a NUL byte): no part may be UTF-16")
        tag = _LONG_TAG if scale == 1 else re.compile(rb"<[^\s<>/!?][^<]{%d}" % (MAX_TAG_BYTES // scale))
        if tag.search(data):
            raise ValueError(f"{info.filename} holds a tag and its text of more than {MAX_TAG_BYTES // scale} bytes")
        elements.count(info.filename, data)


class _Elements:
    """The elements of a workbook's parts, counted as the parser meets them (see the module's
    docstring): rows in a part, cells in a row, the rest in the whole workbook."""

    def __init__(self, scale: int) -> None:
        self.part, self.depth = "", 0
        # by depth, the open elements' names, and whether each has had its one value or text
        self.names, self.filled = [""] * (MAX_DEPTH + 2), [False] * (MAX_DEPTH + 2)
        self.counts = dict.fromkeys(WHAT, 0)
        caps = (MAX_ROWS + 1, MAX_ROW_CELLS, MAX_GRID, MAX_SHARED_STRINGS, MAX_STYLE_RECORDS, MAX_OTHER_ELEMENTS)
        self.caps = {kind: cap // scale for kind, cap in zip(WHAT, caps)}
        # the characters of the text since the last tag: ElementTree joins them into one string, CDATA
        # sections and comments within it too (a 63 MiB text in CDATA took validate to 950 MB)
        self.run, self.text_cap = 0, MAX_TAG_BYTES // scale

    def count(self, part: str, data: bytes) -> None:
        """Count every element of ``data``, the part named ``part``; a part that is not XML (an
        image, or XML broken on the way) is left to openpyxl, which refuses it as far as it could
        read it, counted here."""
        self.part, self.depth, self.counts["rows"] = part, 0, 0
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.StartDoctypeDeclHandler = self.doctype
        parser.buffer_text, parser.CharacterDataHandler, self.run = True, self.text, 0
        try:
            parser.Parse(data, True)
        except expat.ExpatError:
            return

    def doctype(self, *_) -> None:
        raise ValueError(f"{self.part} declares a DOCTYPE, which no workbook has")

    def text(self, data: str) -> None:
        self.run += len(data)
        if self.run > self.text_cap:
            raise ValueError(f"{self.part} holds a text of more than {self.text_cap} characters between two tags")

    def start(self, name: str, _attributes) -> None:
        self.run = 0
        depth = self.depth
        local, parent = name.rpartition("}")[2], self.names[depth]
        if (parent, local) in ONE_EACH and not self.filled[depth]:
            self.filled[depth] = True
        else:
            kind = COUNTED.get((parent, local), "other")
            if kind == "rows":
                self.counts["row_cells"] = 0
                self._add("grid")
            elif kind == "cells":
                self._add("row_cells")
                kind = "grid"
            self._add(kind)
        if depth == MAX_DEPTH:
            raise ValueError(f"{self.part} nests elements more than {MAX_DEPTH} deep")
        self.depth = depth = depth + 1
        self.names[depth], self.filled[depth] = local, False

    def end(self, _name: str) -> None:
        self.run = 0
        self.depth -= 1

    def _add(self, kind: str) -> None:
        self.counts[kind] += 1
        if self.counts[kind] > self.caps[kind]:
            raise ValueError(f"{self.part} holds more than {self.caps[kind]} {WHAT[kind]}")
