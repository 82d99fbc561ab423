"""Whether a spreadsheet shows the text of every cell format of a workbook readably: its font
neither too small nor of the colour of its fill, its indent within a column's width. A workbook's
values may all be those of the CSV files and still not be seen: a white font on no fill, a font of
one point, the theme's text colour made white, black fill behind black text. Colours are resolved
as a spreadsheet resolves them: a colour of its own (``rgb``), of the theme (its colour scheme,
with the tint), of the legacy palette (``indexed``), or automatic (black text).

The contrast asked for is that of the Web Content Accessibility Guidelines for large text (3:1),
on the relative luminance they define.
"""

from __future__ import annotations

import colorsys
import math
from xml.parsers import expat

from ..problems import printable

MIN_FONT_POINTS = 6.0  # the smallest font a reader reads (a release's: 11; its notes': 8)
MAX_INDENT = 15  # indent levels (a spreadsheet's go to 250, beyond a column's width; a release's: none)
MIN_CONTRAST = 3.0  # of text to its fill
DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
# the theme's colours by a cell's index: light 1 and dark 1 (the window and its text), light 2 and
# dark 2, six accents, and the links'
SCHEME = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6", "hlink", "folHlink")
OFFICE = ("FFFFFF", "000000", "EEECE1", "1F497D", "4F81BD", "C0504D", "9BBB59", "8064A2", "4BACC6", "F79646", "0000FF", "800080")
BLACK, WHITE = "000000", "FFFFFF"


def theme_colours(data: bytes | None) -> tuple[str, ...]:
    """The twelve colours of a theme part's colour scheme (``data``; Office's where there is none
    or it leaves one out), as RRGGBB."""
    if data is None:
        return OFFICE
    found: dict[str, str] = {}
    open_: list[str] = []

    def start(name: str, attributes: dict) -> None:
        space, _, local = name.rpartition("}")
        if space == DRAWING and len(open_) >= 2 and open_[-2] == "clrScheme" and open_[-1] in SCHEME:
            colour = attributes.get("lastClr") if local == "sysClr" else attributes.get("val") if local == "srgbClr" else None
            if colour is not None and open_[-1] not in found:
                found[open_[-1]] = str(colour)[-6:].upper()
        open_.append(local)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler, parser.EndElementHandler = start, lambda _name: open_.pop()
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return OFFICE  # openpyxl and a spreadsheet read none either
    return tuple(found.get(key, default) for key, default in zip(SCHEME, OFFICE))


def resolved(colour: dict | None, theme: tuple[str, ...], default: str) -> str:
    """The RRGGBB of a font's or fill's colour element's attributes ``colour`` (``default`` where
    there is none, or it is automatic).

    >>> said = ({"rgb": "FF1F497D"}, {"theme": "1"}, {"theme": "0", "tint": "-0.5"}, {"indexed": "9"}, None)
    >>> [resolved(colour, OFFICE, BLACK) for colour in said]
    ['1F497D', '000000', '808080', 'FFFFFF', '000000']
    """
    from openpyxl.styles.colors import COLOR_INDEX

    if not colour or str(colour.get("auto", "0")).lower() in ("1", "true"):
        return default
    if "rgb" in colour:
        rgb = str(colour["rgb"])[-6:].upper()
        return rgb if len(rgb) == 6 and all(c in "0123456789ABCDEF" for c in rgb) else default
    if "theme" in colour and str(colour["theme"]).isdigit() and int(colour["theme"]) < len(theme):
        return _tinted(theme[int(colour["theme"])], float(colour.get("tint", 0) or 0))
    if "indexed" in colour and str(colour["indexed"]).isdigit():
        index = int(colour["indexed"])
        return COLOR_INDEX[index][-6:] if index < len(COLOR_INDEX) else (BLACK if index != 65 else WHITE)
    return default


def _tinted(rgb: str, tint: float) -> str:
    """``rgb`` lightened (a tint above 0) or darkened (below) as a spreadsheet applies a tint."""
    hue, light, saturation = colorsys.rgb_to_hls(*(int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4)))
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    return "".join(f"{round(v * 255):02X}" for v in colorsys.hls_to_rgb(hue, min(1.0, max(0.0, light)), saturation))


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two RRGGBB colours (1 to 21).

    >>> round(contrast("000000", "FFFFFF"), 1), round(contrast("777777", "FFFFFF"), 1), contrast("FFFFFF", "FFFFFF")
    (21.0, 4.5, 1.0)
    """
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(rgb: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(rgb[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def unreadable(fonts: list[dict], fills: list[dict], formats: list[dict], theme: tuple[str, ...]) -> str | None:
    """How the first cell format (``formats``: each its ``fontId``, ``fillId`` and ``indent``) of
    ``fonts`` (each its ``size`` and ``color``) and ``fills`` (each its ``pattern`` and ``fgColor``)
    shows its text unreadably, as a sentence; or None."""
    for number, cell_format in enumerate(formats):
        font = _item(fonts, cell_format.get("fontId"))
        fill = _item(fills, cell_format.get("fillId"))
        size = font.get("size", 11.0)
        if not size >= MIN_FONT_POINTS:  # nan too, for which no comparison holds
            return f"holds a cell format ({number}) of a font of {size:g} points: a spreadsheet shows its text too small to read"
        tints = [str(c.get("tint")) for c in (font.get("color"), fill.get("fgColor")) if c and not _finite(c.get("tint", 0))]
        if tints:
            return f"holds a cell format ({number}) of a colour tinted {printable(tints[0])}: a tint runs from -1 to 1"
        text = resolved(font.get("color"), theme, BLACK)
        solid = fill.get("pattern", "none") not in ("none", "gray125")
        ground = resolved(fill.get("fgColor"), theme, WHITE) if solid else WHITE
        if contrast(text, ground) < MIN_CONTRAST:
            return (
                f"holds a cell format ({number}) of text coloured {printable(text)} on {printable(ground)} (a contrast of "
                f"{contrast(text, ground):.1f}, less than {MIN_CONTRAST:g}): a spreadsheet shows its text unreadably"
            )
        if cell_format.get("indent", 0) > MAX_INDENT:
            levels = cell_format["indent"]
            return f"holds a cell format ({number}) indented {levels} levels: a spreadsheet may show its text past the column"
    return None


def _finite(tint) -> bool:
    try:
        return math.isfinite(float(tint or 0))
    except (TypeError, ValueError):  # not a number: what resolved() makes of it is said where it reads it
        return True


def _item(items: list[dict], index) -> dict:
    return items[int(index)] if str(index).isdigit() and int(index) < len(items) else {}
