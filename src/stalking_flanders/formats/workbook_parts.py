"""How the workbook's parts are made and what its sheets refer to, read as a spreadsheet reads
them, for ``validate``: openpyxl skips what it does not know, and a spreadsheet may show it.
LibreOffice reads elements of the strict namespace openpyxl skips (a shared text among them, which
shifts every later one), the last of a cell's two values where openpyxl reads the first, and a part
by the id a sheet's element names, whatever type its relationship gives. So every part of the
spreadsheet namespace must be made of elements of that namespace alone (but within an extension),
each cell of one value, formula and inline text at most, a formula of text alone, a text of one
text or of runs (:data:`ALLOWED`); a sheet's elements may name its notes' drawing and a drawing of
nothing only; and its relationships (read here, not by openpyxl, which reads none of a list it
cannot build) its notes, their drawing, printer settings and a drawing of nothing. All within the
bounds :mod:`.workbook_limits` checked: every part was parsed once already.
"""

from __future__ import annotations

import posixpath
import re
import weakref
from dataclasses import dataclass
from xml.parsers import expat

from ..problems import printable
from .base import ShownOtherwise
from .workbook_colours import MAX_INDENT, theme_colours, unreadable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"  # the spreadsheet namespace (transitional)
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"  # a sheet's r:id
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"  # a .rels part's
IN_A_CELL = {"v", "f", "is"}  # a cell's value, formula and inline text: one each at most
# what a sheet's elements may name a part for: its notes' drawing, and a drawing (of nothing)
NAMED_BY = {"legacyDrawing": "vmlDrawing", "drawing": "drawing"}
# what a sheet may refer to: its notes, and the drawing that shows them (and a spreadsheet's printer
# settings and a drawing of nothing, which show nothing); any other part (threaded comments,
# drawings, text boxes, tables) a reader may see beside the cells, and the package writes none
SHEET_PARTS = {"comments", "vmlDrawing", "printerSettings", "empty drawing"}


class _Made(ShownOtherwise):
    """How a part is made otherwise than a spreadsheet and openpyxl read it alike."""


class _Foreign(ShownOtherwise):
    """A part whose root is not of the spreadsheet namespace (a drawing, a list of relationships):
    not held to it, left to its reader."""


# what an element may hold, by its name, where it is held to it, and which of that at most once: a
# sheet's data rows; a row cells; a cell its value, formula and inline text; a value, a formula and a
# text text alone (openpyxl reads a value's text up to its first element); a text (shared, or a
# cell's inline one) one text or runs of text, and its phonetic guide; a run one text; a list of
# number formats number formats
TEXT = ({"t", "r", "rPh", "phoneticPr"}, {"t", "phoneticPr"})
ALLOWED = {"sheetData": ({"row"}, set()), "row": ({"c"}, set()), "c": (IN_A_CELL, IN_A_CELL), "f": (set(), set())}
ALLOWED |= {"si": TEXT, "is": TEXT, "r": ({"t"}, {"t"}), "v": (set(), set()), "t": (set(), set())}  # notes: read as text
ALLOWED |= {"numFmts": ({"numFmt"}, set())}
# where an element openpyxl finds wherever it stands must stand for a spreadsheet to read it too
PARENTS = {"si": {"sst"}, "row": {"sheetData"}, "c": {"row"}, "numFmt": {"numFmts"}, "sheet": {"sheets"}}
PARENTS |= {"xf": {"cellXfs", "cellStyleXfs"}}
ONCE = {"sheets", "sheetData", "numFmts", "cellXfs", "cellStyleXfs"}  # in a part (openpyxl keeps the last)

# how values are written that both readers read alike (openpyxl converts with Python's int() and
# float(), which take "9_55" and other scripts' digits; LibreOffice reads ASCII digits alone)
INDEX = re.compile(r"[0-9]{1,10}")
NUMBER = re.compile(r"-?[0-9]{1,20}(?:\.[0-9]{1,20})?(?:[eE][-+]?[0-9]{1,3})?")
TRUTH, FALSE, TRUE, ZERO = (re.compile(p) for p in ("0|1|false|true", "0|false", "1|true", "0"))
CELL_NAME = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
# an element's attributes that both readers must read alike, and how each is written (None: absent):
# a row's and a column's own formats (a column's: one of General), outline levels and folds (a
# folded row is hidden), a cell's name, format and type (a type of neither reader's, an error, a
# date as text, rich values, are shown otherwise), zeros shown, the workbook's first date
# (openpyxl takes "False" as 1904), a cell format's number format and the cell style it is of
ATTRIBUTES = {
    "row": {"r": INDEX, "s": None, "customFormat": FALSE, "outlineLevel": ZERO, "collapsed": FALSE},
    "c": {"r": CELL_NAME, "s": INDEX, "t": re.compile("n|s|b|str|inlineStr"), "vm": None, "cm": None},
    "col": {"min": INDEX, "max": INDEX, "style": INDEX, "outlineLevel": ZERO, "collapsed": FALSE},
    "sheetFormatPr": {"outlineLevelRow": ZERO, "outlineLevelCol": ZERO},
    "sheetView": {"showZeros": TRUE},
    "workbookPr": {"date1904": TRUTH},
    "numFmt": {"numFmtId": INDEX},
    "xf": {"numFmtId": INDEX, "applyNumberFormat": TRUTH, "xfId": INDEX},
    "cellStyle": {"xfId": INDEX, "builtinId": INDEX},
}
REQUIRED = {"row": "r", "c": "r", "numFmt": "numFmtId"}  # an attribute each reader would otherwise count on its own
VALUES = {"n": NUMBER, "s": INDEX, "b": re.compile("[01]"), "str": re.compile(".*", re.DOTALL)}  # a cell's <v>, by type
ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_|x005F_")  # a character escaped in a text, which openpyxl reads otherwise
STYLES = "xl/styles.xml"  # where openpyxl reads the styles (whatever the workbook's relationships say)
THEME = "xl/theme/theme1.xml"  # and the theme, whose colours a cell's text and fill may be of


def _attributes_otherwise(local: str, attributes: dict) -> str | None:
    """The first attribute of element ``local`` written otherwise than :data:`ATTRIBUTES` allows, as a
    sentence; or None."""
    for attribute, written in ATTRIBUTES.get(local, {}).items():
        value = attributes.get(attribute)
        if value is None and REQUIRED.get(local) == attribute:
            return f"holds an element {local!r} without its {attribute!r}: a spreadsheet may place it otherwise"
        if value is not None and (written is None or not written.fullmatch(value)):
            return (
                f"holds an element {local!r} whose {attribute!r} is {printable(repr(value))}: a spreadsheet may read it otherwise"
            )
    return None


class _Styles:
    """The number formats of the styles part as met: the codes it defines, each cell style's, and
    the cell formats a spreadsheet shows as General. LibreOffice shows a cell format of General
    (numFmtId 0) with its cell style's number format; openpyxl, with its own."""

    def __init__(self) -> None:
        self.codes: dict[int, str] = {0: "General"}
        self.of_styles: list[int] = []  # each cell style's number format
        self.general: set[int] = set()  # the cell formats shown as General
        self.formats = 0  # the cell formats met
        # what a cell's text is shown with (:mod:`.workbook_colours`): the fonts (size, colour), the
        # fills (pattern, colour) and each cell format's font, fill and indent, as met
        self.fonts: list[dict] = []
        self.fills: list[dict] = []
        self.cell_formats: list[dict] = []

    def is_general(self, kind: int) -> bool:
        return self.codes.get(kind, "").strip().lower() == "general"

    def default(self, style: int) -> None:
        """The cell style a spreadsheet shows a cell of no format with (Normal) is one of General."""
        if not (style < len(self.of_styles) and self.is_general(self.of_styles[style])):
            raise _Made(f"holds a default cell style ({style}) of another number format than General, which LibreOffice shows")

    def met(self, parent: str, attributes: dict) -> None:
        kind = int(attributes.get("numFmtId", "0"))
        if parent == "cellStyleXfs":
            self.of_styles.append(kind)
            return
        if kind not in self.codes or FALSE.fullmatch(attributes.get("applyNumberFormat", "1")):
            said = printable(repr(attributes.get("numFmtId")))
            raise _Made(f"holds a cell format of the number format {said}, which it does not define")
        style = int(attributes.get("xfId", "0"))
        if self.is_general(kind) and not (style < len(self.of_styles) and self.is_general(self.of_styles[style])):
            raise _Made(
                f"holds a cell format of General whose cell style {style} has another number format, which LibreOffice shows"
            )
        if self.is_general(kind):
            self.general.add(self.formats)
        self.formats += 1


class _Scan:
    """Every element of a part of the spreadsheet namespace, as expat meets it: each of that
    namespace (but within an extension, which is reported as such, or a note's), held to
    :data:`ALLOWED`, :data:`PARENTS`, :data:`ONCE` and :data:`ATTRIBUTES`; rows and cells in order,
    each where its name says; each cell's value written as its type is; the number formats of the
    styles (:class:`_Styles`); and the parts its elements name by a relationship id. ``styles``: the
    styles part's, read before (a column's format must be one of General)."""

    def __init__(self, styles: _Styles | None = None) -> None:
        self.open: list[tuple[str, set]] = []  # the open elements' names, and what each holds
        self.named: list[tuple[str, str]] = []  # (element, relationship id)
        self.extension = 0  # how deep within an extension (extLst)
        self.row, self.column, self.type = 0, 0, "n"  # the last row and cell met, and the cell's type
        self.styles = styles or _Styles()
        self.once: set[str] = set()
        self.text: list[str] | None = None  # the text of the value or text being read

    def declared(self, _version, encoding, _standalone) -> None:
        if encoding is not None and encoding.lower() not in ("utf-8", "utf8"):
            raise _Made(f"declares the encoding {printable(repr(encoding))}: a spreadsheet may read it as another, or not at all")

    def start(self, name: str, attributes: dict) -> None:
        space, _, local = name.rpartition("}")
        if not self.open and space != MAIN:
            raise _Foreign
        parent, held = self.open[-1] if self.open else ("", set())
        self.open.append((local, set()))
        note = self.open[0][0] == "comments"  # a note is read as text: its markup beside the text is its own
        if self.extension or local == "extLst" or note and space != MAIN:
            self.extension += 1
            if space == MAIN and local in PARENTS:  # openpyxl finds it here too
                raise _Made(f"holds {local!r} within an extension: openpyxl reads it and a spreadsheet does not")
            return
        self._where(space, local, parent, held, note)
        said = _attributes_otherwise(local, attributes)
        if said is not None:
            raise _Made(said)
        self._placed(local, parent, attributes)
        self.named += [(local, str(v)) for k, v in attributes.items() if k.rpartition("}")[0] == RELATIONSHIP]
        self.text = [] if local in ("v", "t") else None

    def _where(self, space: str, local: str, parent: str, held: set, note: bool) -> None:
        """Element ``local`` of the namespace ``space`` stands where both readers read it alike."""
        if space != MAIN:
            raise _Made(
                f"holds the element {printable(local)!r} of the namespace {printable(space or 'none')!r}, which a "
                "spreadsheet may show and openpyxl skips"
            )
        allowed, once = ALLOWED.get(parent, (None, set())) if not note else (None, set())
        if allowed is not None and (local not in allowed or local in once & held):
            which = "a second" if local in held else "an element"
            raise _Made(f"holds {which} {local!r} within {parent!r}: a spreadsheet may show it")
        if local in PARENTS and parent not in PARENTS[local] or local in ONCE & self.once:
            which = "a second" if local in ONCE & self.once else "an element"
            raise _Made(f"holds {which} {local!r} within {parent!r}: a spreadsheet may read another")
        if parent in ("si", "is") and {"t", "r"} <= held | {local}:
            raise _Made(f"holds a text of {local!r} beside {'r' if local == 't' else 't'!r}: a spreadsheet may show another")
        held.add(local)
        self.once.add(local)

    def _placed(self, local: str, parent: str, attributes: dict) -> None:
        """Rows in order, cells in order within the row their names give; a column's format one of
        General; the number formats a cell may be shown with (:class:`_Styles`)."""
        if local == "row":
            if int(attributes["r"]) <= self.row:
                raise _Made(f"holds row {attributes['r']} after row {self.row}: a spreadsheet may show either")
            self.row, self.column = int(attributes["r"]), 0
        elif local == "c":
            self._cell(attributes)
        elif local == "col" and int(attributes.get("style", "0")) not in self.styles.general | {0}:
            raise _Made(
                f"holds a column of the cell format {attributes['style']}, not one of General: a spreadsheet shows its cells so"
            )
        elif local == "numFmt":
            self.styles.codes[int(attributes["numFmtId"])] = str(attributes.get("formatCode", ""))
        elif local == "xf":
            self.styles.met(parent, attributes)
        elif local == "cellStyle" and attributes.get("builtinId") == "0":
            self.styles.default(int(attributes.get("xfId", "0")))
        elif local == "v" and self.type not in VALUES:
            raise _Made(f"holds a value in a cell of the type {self.type!r}: a spreadsheet may show another")
        self._shown_with(local, attributes)

    def _shown_with(self, local: str, attributes: dict) -> None:
        """The fonts, fills and cell formats of the styles part, as met (:class:`_Styles`)."""
        path, styles = tuple(name for name, _ in self.open[-4:]), self.styles
        if path[-2:] in (("fonts", "font"), ("fills", "fill")):
            (styles.fonts if local == "font" else styles.fills).append({})
        elif path[-3:] == ("fonts", "font", "sz"):
            styles.fonts[-1]["size"] = _points(attributes.get("val"))
        elif path[-3:] == ("fonts", "font", "color"):
            styles.fonts[-1]["color"] = dict(attributes)
        elif path[-3:] == ("fills", "fill", "gradientFill"):
            raise _Made("holds a gradient fill, whose colours behind a cell's text this package does not read")
        elif path[-3:] == ("fills", "fill", "patternFill"):
            styles.fills[-1]["pattern"] = str(attributes.get("patternType", "none"))
        elif path[-4:] == ("fills", "fill", "patternFill", "fgColor"):
            styles.fills[-1]["fgColor"] = dict(attributes)
        elif path[-2:] == ("cellXfs", "xf"):
            styles.cell_formats.append({"fontId": attributes.get("fontId", "0"), "fillId": attributes.get("fillId", "0")})
        elif path[-3:] == ("cellXfs", "xf", "alignment"):
            indent = str(attributes.get("indent", "0"))
            styles.cell_formats[-1]["indent"] = int(indent) if INDEX.fullmatch(indent) else MAX_INDENT + 1

    def _cell(self, attributes: dict) -> None:
        from openpyxl.utils import column_index_from_string

        letters, number = CELL_NAME.fullmatch(attributes["r"]).groups()
        column = column_index_from_string(letters) if letters <= "XFD" or len(letters) < 3 else 16_385
        if int(number) != self.row or column <= self.column or column > 16_384:
            where = f"in row {self.row}" if int(number) != self.row else "after a cell to its right, or past the last column"
            raise _Made(f"holds cell {attributes['r']} {where}: a reader may see it elsewhere")
        self.column, self.type = column, attributes.get("t", "n")

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def end(self, _name: str) -> None:
        local = self.open.pop()[0]
        self.extension = max(0, self.extension - 1)
        if self.text is None or self.extension:
            return
        text, self.text = "".join(self.text), None
        if local == "v" and not VALUES[self.type].fullmatch(text):
            raise _Made(
                f"holds a cell of the type {self.type!r} whose value is {printable(repr(text))}: a spreadsheet may show another"
            )
        if local == "t" and ESCAPE.search(text):
            raise _Made(
                f"holds a text with an escape, {printable(repr(ESCAPE.search(text).group()))}: a spreadsheet may show another"
            )


def _points(value) -> float:
    """A font's size as written (11, a spreadsheet's default, where it cannot be read)."""
    try:
        return float(str(value))
    except ValueError:
        return 11.0


@dataclass(frozen=True)
class Made:
    """How the workbook's parts are made: the first made otherwise than openpyxl reads it (a
    sentence), or None; and, by part, the parts its elements name (element, relationship id)."""

    otherwise: str | None
    named: dict[str, list[tuple[str, str]]]


def how_made(archive) -> Made:
    """Every part of the workbook's ``archive`` that is of the spreadsheet namespace, held to what
    a spreadsheet and openpyxl read alike (see the module's docstring), the styles first; a part of
    another namespace or no XML (a drawing, an image) is left to its reader. The workbook, its
    shared texts and styles must be the parts both find (:func:`parts_otherwise`)."""
    try:
        otherwise = parts_otherwise(archive)
    except ShownOtherwise as error:
        otherwise = str(error)
    if otherwise is not None:
        return Made(otherwise, {})
    named, styles = {}, _Styles()
    for info in sorted(archive.infolist(), key=lambda info: info.filename != STYLES):
        scan = _Scan(styles)
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler, parser.EndElementHandler = scan.start, scan.end
        parser.CharacterDataHandler, parser.XmlDeclHandler = scan.data, scan.declared
        try:
            with archive.open(info) as source:
                parser.ParseFile(source)
        except _Foreign:
            continue
        except _Made as made:
            return Made(f"{printable(info.filename)} {made}", named)
        except (expat.ExpatError, LookupError, ValueError):
            continue  # no XML: openpyxl refuses what it reads of it
        named[info.filename] = scan.named
    theme = theme_colours(archive.read(THEME) if THEME in archive.namelist() else None)
    said = unreadable(styles.fonts, styles.fills, styles.cell_formats, theme)
    return Made(f"{STYLES} {said}" if said else None, named)


def parts_otherwise(archive) -> str | None:
    """Whether the workbook, its shared texts and its styles are the parts a spreadsheet finds by the
    package's relationships and openpyxl by their content types (the workbook, the shared texts) and
    by name (:data:`STYLES`), as a sentence; or None."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.packaging.relationship import get_rels_path
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS
    from openpyxl.xml.functions import fromstring  # defusedxml's, as openpyxl.xml.DEFUSEDXML was checked

    try:
        manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
        workbook = _find_workbook_part(manifest).PartName[1:]
    except (KeyError, IndexError, TypeError, ValueError, SyntaxError, LookupError):
        return None  # openpyxl refuses it as it opens it
    strings = [override.PartName[1:] for override in manifest.Override if override.ContentType == SHARED_STRINGS][:1]
    found = {
        "workbook": ([workbook], "", "officeDocument"),
        "shared texts": (strings, workbook, "sharedStrings"),
        "styles": ([STYLES], workbook, "styles"),
        "theme": ([THEME] if THEME in archive.namelist() else [], workbook, "theme"),  # its colours
    }
    for what, (read, part, kind) in found.items():
        related = [target for k, target in relationships(archive, part).values() if k == kind]
        if read != related:
            said = f"gives as the workbook's {what} {printable(related)}, where openpyxl reads {printable(read)}"
            return f"{printable(get_rels_path(part))} {said}: a spreadsheet reads another"
    return None


def named_otherwise(archive, part: str, named: list[tuple[str, str]], name: str) -> str | None:
    """What the elements of sheet ``name`` (the part ``part``) name (``named``, by :func:`how_made`)
    beyond its notes' drawing and a drawing of nothing, as a sentence; or None."""
    try:
        related = relationships(archive, part)
    except ShownOtherwise as error:
        return str(error)
    for element, rid in named:
        kind, target = related.get(rid, ("none", None))
        drawn = kind == "drawing" and not draws_nothing(archive, target)
        if NAMED_BY.get(element) != kind or drawn:
            return f"sheet {name!r} refers to a part by its element {printable(element)!r}, which the package does not write"
    return None


def relationships(archive, part: str) -> dict[str, tuple[str, str | None]]:
    """The parts ``part`` of the workbook's ``archive`` refers to, by id: (their kind, as the last
    word of the relationship's type, their path in the archive, or None outside it).
    :class:`~.base.ShownOtherwise` where the list holds other than relationships."""
    from openpyxl.packaging.relationship import get_rels_path
    from openpyxl.xml.functions import fromstring  # defusedxml's, as openpyxl.xml.DEFUSEDXML was checked

    path = get_rels_path(part)
    if path not in archive.namelist():
        return {}
    try:
        listed = fromstring(archive.read(path))
    except (SyntaxError, ValueError, LookupError) as error:
        raise ShownOtherwise(f"{printable(path)} is no list of relationships a spreadsheet reads ({printable(error)})") from None
    found = {}
    for element in listed:
        if element.tag != f"{{{PACKAGE}}}Relationship":
            raise ShownOtherwise(f"{printable(path)} holds {printable(element.tag)!r}, which is no relationship")
        if str(element.get("Id")) in found:  # a spreadsheet takes the first, this reading the last
            raise ShownOtherwise(f"{printable(path)} gives the relationship {printable(element.get('Id'))!r} twice")
        target = str(element.get("Target", ""))
        if element.get("TargetMode") == "External":
            where = None
        else:
            where = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
        found[str(element.get("Id"))] = (str(element.get("Type", "")).rsplit("/", 1)[-1], where)
    return found


def referred_otherwise(archive, related: dict, name: str) -> str | None:
    """What sheet ``name`` refers to (``related``, :func:`relationships`) beyond
    :data:`SHEET_PARTS`, or more than one part of notes, as a sentence; or None."""
    kinds = ["empty drawing" if k == "drawing" and draws_nothing(archive, t) else k for k, t in related.values()]
    other = next((kind for kind in kinds if kind not in SHEET_PARTS), None)
    if other is None and kinds.count("comments") <= 1:
        return None
    said = f"a part of the kind {printable(other)!r}" if other is not None else "more than one part of notes"
    return f"sheet {name!r} refers to {said}, which the package does not write: a reader may see it"


# by archive, whether each drawing it holds draws nothing: a sheet's relationships may name one drawing
# thousands of times (3,000 times a drawing of 1 MiB took validate past its time bound, 120 s)
_DRAWN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def draws_nothing(archive, target: str | None) -> bool:
    """Whether the drawing part ``target`` of the workbook's ``archive`` places nothing on the sheet
    (no anchor: LibreOffice writes such a part beside a sheet's notes when it saves a workbook).
    Each drawing of an archive is parsed once, however often it is named."""
    if target is None:
        return False
    known = _DRAWN.setdefault(archive, {})
    if target not in known:
        known[target] = _draws_nothing(archive, target)
    return known[target]


def _draws_nothing(archive, target: str) -> bool:
    from openpyxl.xml.functions import fromstring  # defusedxml's, as openpyxl.xml.DEFUSEDXML was checked

    try:
        data = archive.read(target)
    except KeyError:  # no such part
        return False
    try:
        return len(fromstring(data)) == 0  # within the bounds checked: every part was parsed once
    except (SyntaxError, ValueError, LookupError):  # no XML, or XML the parser refuses: a drawing unread
        return False
