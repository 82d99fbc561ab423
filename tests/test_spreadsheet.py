"""The workbook in a real spreadsheet: LibreOffice Calc (Debian's package, headless) opens
`stalking-flanders.xlsx` and shows every cell of every sheet as the workbook holds it, every table
as its CSV file holds it; and a workbook LibreOffice saved again (as a reader who opened and saved
it would) is still the package's workbook to `validate`."""

from __future__ import annotations

import csv
import datetime
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from helpers import damaged_copy, edit_descriptor, generated, needs
from stalking_flanders.datapackage import BUNDLED
from stalking_flanders.formats import xlsx
from stalking_flanders.validation import validate_package

pytestmark = pytest.mark.system  # runs an outside program: see conftest.py

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
# LibreOffice's CSV export: comma, double quote, UTF-8 (76), ..., each cell as shown (9th), every sheet (12th)
AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


@pytest.fixture(scope="module")
def calc(tmp_path_factory):
    """Runs LibreOffice on workbooks with a profile of its own (never the user's): ``calc(path,
    to, folder)`` converts ``path`` (one workbook, or a list of them) into ``folder``."""
    needs(Path(SOFFICE).exists(), "no LibreOffice: install Debian's libreoffice-calc-nogui; .ci/run does")
    profile = tmp_path_factory.mktemp("libreoffice-profile")

    def convert(path: Path | list[Path], to: str, folder: Path) -> None:
        paths = [str(p) for p in (path if isinstance(path, list) else [path])]
        command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", to]
        shown_in = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}  # a boolean shows as TRUE, not ONWAAR
        subprocess.run([*command, "--outdir", str(folder), *paths], check=True, capture_output=True, timeout=300, env=shown_in)

    return convert


COPIED = {"sums-differs", "release-unknown"}  # what any copy is told: its SHA256SUMS, a version no release has


def edit_workbook(folder: Path, edit) -> None:
    """Rewrite the workbook of the release copy ``folder``: ``edit(parts)`` changes its parts (by
    name, as text) in place."""
    path = folder / xlsx.FILE_NAME
    with zipfile.ZipFile(path) as book:
        parts = {info.filename: book.read(info).decode("utf-8") for info in book.infolist()}
    edit(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)


def as_version_9(folder: Path) -> None:
    """Make the release copy ``folder`` a version 9.0.0, its workbook too: `validate` holds it to
    what it holds, not to the checksums of a release this package knows."""
    version = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["version"]
    strings = "xl/sharedStrings.xml"
    edit_workbook(folder, lambda parts: parts.update({strings: parts[strings].replace(version, "9.0.0")}))
    edit_descriptor(folder, lambda d: d.update(version="9.0.0"))


def shown(folder: Path, sheet: str, stem: str = Path(xlsx.FILE_NAME).stem) -> list[list[str]]:
    """The rows of ``sheet`` of the workbook ``stem`` as LibreOffice showed them, without the empty
    rows below the last."""
    with (folder / f"{stem}-{sheet}.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    while rows and not any(rows[-1]):
        rows.pop()
    return [row[: max((k + 1 for k, v in enumerate(row) if v), default=0)] for row in rows]


def as_text(value) -> str:
    """A cell's value as a spreadsheet shows it with the number format the package gives its type."""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return "" if value is None else str(value)


def test_libreoffice_shows_every_cell_as_the_workbook_holds_it_and_every_table_as_its_csv_file(calc, tmp_path):
    """Every sheet as LibreOffice shows it (each cell through its number format, in an English
    locale) is what the workbook holds; every table's sheet, column for column, what its CSV file
    holds (a boolean shown as TRUE or FALSE)."""
    import openpyxl

    calc(BUNDLED / xlsx.FILE_NAME, AS_SHOWN, tmp_path)
    book = openpyxl.load_workbook(BUNDLED / xlsx.FILE_NAME, read_only=True)
    for sheet in book.sheetnames:  # the sheets before the tables too: the caveats, the stalking figures
        held = [[as_text(v) for v in row] for row in book[sheet].iter_rows(values_only=True)]
        held = [row[: max((k + 1 for k, v in enumerate(row) if v), default=0)] for row in held]
        while held and not held[-1]:
            held.pop()
        assert shown(tmp_path, sheet) == held, sheet
    descriptor = json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8"))
    tables = [r for r in descriptor["resources"] if r.get("format") == "csv" and "schema" in r]
    assert tables
    for resource in tables:
        booleans = {f["name"] for f in resource["schema"]["fields"] if f["type"] == "boolean"}
        with (BUNDLED / resource["path"]).open(encoding="utf-8", newline="") as f:
            written = list(csv.DictReader(f))
        header, *rows = shown(tmp_path, resource["name"])
        seen = [dict(zip(header, row + [""] * (len(header) - len(row)))) for row in rows]
        assert len(seen) == len(written), resource["name"]
        for line, (csv_row, sheet_row) in enumerate(zip(written, seen), start=2):
            for column, value in csv_row.items():  # a boolean shows as TRUE or FALSE
                found = sheet_row[column].lower() if column in booleans else sheet_row[column]
                assert found == value, (resource["name"], line, column)


@pytest.mark.parametrize(
    "saved_as", [["Calc MS Excel 2007 XML", "Calc MS Excel 2007 XML"], ["Calc Office Open XML"]], ids=["twice", "OOXML"]
)
def test_a_workbook_libreoffice_saved_again_is_still_the_packages_workbook(calc, tmp_path, saved_as):
    """Opened and saved again by a spreadsheet (which writes a boolean as a formula, TRUE(), an
    empty drawing beside each sheet's notes, notes in extensions, columns of a format of General of
    its own), once or a second time, under either of LibreOffice's filters for workbooks, the
    workbook holds and shows what it did: a copy of the release with it (its hashes recomputed,
    under a version of its own) passes `validate` but for what any copy is told."""

    def saved_again(folder: Path) -> None:
        as_version_9(folder)
        path = folder / xlsx.FILE_NAME
        for n, name in enumerate(saved_as):
            calc(path, f"xlsx:{name}", tmp_path / f"saved{n}")
            shutil.copyfile(tmp_path / f"saved{n}" / xlsx.FILE_NAME, path)
        assert zipfile.ZipFile(path).read("xl/workbook.xml") != zipfile.ZipFile(BUNDLED / xlsx.FILE_NAME).read("xl/workbook.xml")

    folder = damaged_copy(BUNDLED, tmp_path / "copy", saved_again, rehashed=True)
    with zipfile.ZipFile(folder / xlsx.FILE_NAME) as book:  # what LibreOffice writes that the package does not
        parts = {name: book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml")}
    sheets = [text for name, text in parts.items() if name.startswith("xl/worksheets/sheet")]
    drawings = [text for name, text in parts.items() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", name)]
    assert any(re.search(r"<f( [^>]*)?>TRUE\(\)</f>", sheet) for sheet in sheets)  # a boolean as a formula
    assert drawings and all(re.fullmatch(r"(?s)<\?xml[^>]*>\s*<xdr:wsDr[^>]*>\s*</xdr:wsDr>\s*", d) for d in drawings)
    problems = [(p.code, p.file, p.message) for p in validate_package(folder) if p.code not in COPIED]
    assert problems == []


# what the generated edits write into the workbook's parts: attributes, texts and elements of the
# kinds that openpyxl and a spreadsheet have read otherwise (formats/workbook_parts.py), and harmless ones
EDITED_PARTS = (
    "xl/worksheets/sheet2.xml",
    "xl/worksheets/sheet3.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "xl/workbook.xml",
)
NAMES = ("r", "s", "t", "ht", "customHeight", "customFormat", "hidden", "outlineLevel", "collapsed", "style", "width")
NAMES += ("numFmtId", "applyNumberFormat", "date1904", "showZeros", "spans", "xfId", "state", "min", "max", "count")
VALUES = ("0", "1", "2", "3", "true", "False", "on", "-1", "1_0", "\u0663", " 1", "1e2", "164", "27", "e", "str", "d", "E2")
TEXTS = ("956", "9_55", "-1", "x005F_", "_x0041_", "TRUE()", "1", "0", "", "1e3", "44551", "\u0669\u0665\u0666")
PIECES = ("<v>956</v>", "<f>1+1</f>", '<row r="2"><c r="E2"><v>956</v></c></row>', '<c r="E2"><v>956</v></c>', "<t>956</t>")
PIECES += ('<c r="B5" t="inlineStr"><is><t>956</t></is></c>', '<numFmt numFmtId="164" formatCode="0"/>', '<col min="5" max="5"/>')
START_TAG, TEXT_NODE = re.compile(r"<(?![?/!])[^>]*>"), re.compile(r">([^<]+)<")


def edited(text: str, edit: tuple) -> str:
    """``text`` (a part's XML) with ``edit`` made: an attribute set on the n-th element, the n-th
    text replaced, or an element put after the n-th element's start."""
    kind, _, at, name, value, piece = edit
    if kind == "text":
        nodes = list(TEXT_NODE.finditer(text))
        node = nodes[at % len(nodes)]
        return text[: node.start(1)] + value + text[node.end(1) :]
    tags = list(START_TAG.finditer(text))
    tag = tags[at % len(tags)]
    if kind == "element":
        return text[: tag.end()] + piece + text[tag.end() :]
    old = tag.group()
    if re.search(rf'\s{name}="', old):
        new = re.sub(rf'(\s{name}=")[^"]*"', lambda m: f'{m.group(1)}{value}"', old, count=1)
    else:
        new = re.sub(r"\s*(/?)>$", lambda m: f' {name}="{value}"{m.group(1)}>', old)
    return text[: tag.start()] + new + text[tag.end() :]


def _edit_parts(edits):
    def edit(parts: dict) -> None:
        for made in edits:
            parts[made[1]] = edited(parts[made[1]], made)

    return edit


@pytest.fixture(scope="module")
def baseline(calc, tmp_path_factory):
    """A copy of the release as a version 9.0.0, which `validate` passes, and what LibreOffice
    shows of each sheet of its workbook."""
    folder = damaged_copy(BUNDLED, tmp_path_factory.mktemp("baseline") / "copy", as_version_9, rehashed=True)
    assert [p for p in validate_package(folder) if p.code not in COPIED] == []
    calc(folder / xlsx.FILE_NAME, AS_SHOWN, folder.parent / "shown")
    with zipfile.ZipFile(folder / xlsx.FILE_NAME) as book:
        names = re.findall(r'<sheet [^>]*name="([^"]+)"', book.read("xl/workbook.xml").decode("utf-8"))
    return folder, {name: shown(folder.parent / "shown", name) for name in names}


EDIT = st.tuples(
    st.sampled_from(("attribute", "text", "element")),
    st.sampled_from(EDITED_PARTS),
    st.integers(0, 10_000),
    st.sampled_from(NAMES),
    st.sampled_from(VALUES + TEXTS),
    st.sampled_from(PIECES),
)


@generated(2)
@given(books=st.lists(st.lists(EDIT, min_size=1, max_size=3), min_size=16, max_size=16))
def test_a_workbook_validate_passes_shows_in_libreoffice_what_the_release_shows(calc, baseline, tmp_path_factory, books):
    """Whatever is written into the workbook, where `validate` finds nothing wrong with it,
    LibreOffice shows every sheet as it shows the release's workbook: cell for cell, as shown
    (generated edits of its sheets, texts, styles and workbook part; a batch of them a run)."""
    release, expected = baseline
    folder, passed = tmp_path_factory.mktemp("edited"), {}
    for n, edits in enumerate(books):
        copy = damaged_copy(release, folder / f"copy{n}", lambda f, e=edits: edit_workbook(f, _edit_parts(e)), rehashed=True)
        if not [p for p in validate_package(copy) if p.code not in COPIED]:
            passed[n] = (folder / f"book{n}.xlsx", edits)
            shutil.copyfile(copy / xlsx.FILE_NAME, passed[n][0])
    event(f"workbooks validate passed: {len(passed)} of {len(books)}")
    if passed:
        calc([path for path, _ in passed.values()], AS_SHOWN, folder / "shown")
    for path, edits in passed.values():
        for sheet, rows in expected.items():
            assert shown(folder / "shown", sheet, path.stem) == rows, (sheet, edits)
