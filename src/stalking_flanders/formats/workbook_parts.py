"""What a sheet of the workbook is made of and refers to, read as a spreadsheet reads it, for
``validate``: openpyxl skips what it does not know, and a spreadsheet may show it. LibreOffice reads
elements of the strict namespace openpyxl skips, the last of a cell's two values where openpyxl
reads the first, and a part by the id a sheet's element names, whatever type its relationship
gives. So a sheet part must be made of elements of the spreadsheet namespace alone, each cell of
one value, formula and inline text at most (a formula of text alone), and refer by its elements
to its notes' drawing and to a drawing of nothing only; its relationships (read here, not by
openpyxl, which reads none of a list it cannot build) to its notes, their drawing, printer
settings and a drawing of nothing. All within the bounds :mod:`.workbook_limits` checked: every
part was parsed once already.
"""

from __future__ import annotations

import posixpath
from xml.parsers import expat

from ..problems import printable
from .base import ShownOtherwise

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
    """How a sheet part is made otherwise than a spreadsheet and openpyxl read it alike."""


class _Scan:
    """Every element of a sheet part, as expat meets it: each of the spreadsheet namespace, a row of
    cells, a cell of :data:`IN_A_CELL` one each, a formula of text; the parts its elements name."""

    def __init__(self) -> None:
        self.open: list[tuple[str, set]] = []  # the open elements' names, and what each holds
        self.named: list[tuple[str, str]] = []  # (element, relationship id)

    def start(self, name: str, attributes: dict) -> None:
        space, _, local = name.rpartition("}")
        if any(element == "extLst" for element, _ in self.open):  # an extension's: reported as such (workbook_shown)
            self.open.append((local, set()))
            return
        if space != MAIN:
            raise _Made(
                f"holds the element {printable(local)!r} of the namespace {printable(space or 'none')!r}, which a "
                "spreadsheet may show and the package does not write"
            )
        parent, held = self.open[-1] if self.open else ("", set())
        if parent == "row" and local != "c" or parent == "f":
            raise _Made(f"holds {local!r} within {parent!r}, which a spreadsheet may read otherwise")
        if parent == "c" and (local not in IN_A_CELL or local in held):
            raise _Made(f"holds a cell with {'a second' if local in held else 'an element'} {local!r}: a spreadsheet may show it")
        held.add(local)
        self.named += [(local, str(v)) for k, v in attributes.items() if k.rpartition("}")[0] == RELATIONSHIP]
        self.open.append((local, set()))

    def end(self, _name: str) -> None:
        self.open.pop()


def made_otherwise(book, sheet, name: str) -> str | None:
    """How sheet ``name`` (``sheet`` of openpyxl's read-only ``book``) is made or refers otherwise
    than openpyxl reads it (see the module's docstring), as a sentence; or None."""
    scan = _Scan()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler, parser.EndElementHandler = scan.start, scan.end
    try:
        with book._archive.open(sheet._worksheet_path) as source:
            parser.ParseFile(source)
    except _Made as made:
        return f"sheet {name!r} {made}"
    except (expat.ExpatError, LookupError, ValueError) as error:
        return f"sheet {name!r} is no XML a spreadsheet reads alike ({printable(error)})"
    try:
        related = relationships(book._archive, sheet._worksheet_path)
    except ShownOtherwise as error:
        return str(error)
    for element, rid in scan.named:
        kind, target = related.get(rid, ("none", None))
        drawn = kind == "drawing" and not draws_nothing(book._archive, target)
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


def draws_nothing(archive, target: str | None) -> bool:
    """Whether the drawing part ``target`` of the workbook's ``archive`` places nothing on the sheet
    (no anchor: LibreOffice writes such a part beside a sheet's notes when it saves a workbook)."""
    from openpyxl.xml.functions import fromstring  # defusedxml's, as openpyxl.xml.DEFUSEDXML was checked

    if target is None or target not in archive.namelist():
        return False
    try:
        return len(fromstring(archive.read(target))) == 0  # within the bounds checked: every part was parsed once
    except (SyntaxError, ValueError, LookupError):  # no XML, or XML the parser refuses: a drawing unread
        return False
