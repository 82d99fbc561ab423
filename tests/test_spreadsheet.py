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

from helpers import damaged_copy, edit_descriptor, needs
from stalking_flanders.datapackage import BUNDLED
from stalking_flanders.formats import xlsx
from stalking_flanders.validation import validate_package

pytestmark = pytest.mark.system  # runs an outside program: see conftest.py

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
# LibreOffice's CSV export: comma, double quote, UTF-8 (76), ..., each cell as shown (9th), every sheet (12th)
AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


@pytest.fixture(scope="module")
def calc(tmp_path_factory):
    """Runs LibreOffice on a workbook with a profile of its own (never the user's): ``calc(path,
    to, folder)`` converts ``path`` into ``folder``."""
    needs(Path(SOFFICE).exists(), "no LibreOffice: install Debian's libreoffice-calc-nogui; .ci/run does")
    profile = tmp_path_factory.mktemp("libreoffice-profile")

    def convert(path: Path, to: str, folder: Path) -> None:
        command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", to]
        shown_in = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}  # a boolean shows as TRUE, not ONWAAR
        subprocess.run([*command, "--outdir", str(folder), str(path)], check=True, capture_output=True, timeout=120, env=shown_in)

    return convert


def shown(folder: Path, sheet: str) -> list[list[str]]:
    """The rows of ``sheet`` as LibreOffice showed them, without the empty rows below the last."""
    with (folder / f"{Path(xlsx.FILE_NAME).stem}-{sheet}.csv").open(encoding="utf-8", newline="") as f:
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


def test_a_workbook_libreoffice_saved_again_is_still_the_packages_workbook(calc, tmp_path):
    """Opened and saved again by a spreadsheet (which writes a boolean as a formula, TRUE(), and
    an empty drawing beside each sheet's notes), the workbook holds and shows what it did: a copy
    of the release with it (its hashes recomputed, under a version of its own) passes `validate`
    but for what any copy is told."""
    version = json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8"))["version"]

    def saved_again(folder: Path) -> None:
        path = folder / xlsx.FILE_NAME
        with zipfile.ZipFile(path) as book:
            parts = {info.filename: book.read(info) for info in book.infolist()}
        strings = parts["xl/sharedStrings.xml"].decode("utf-8")
        parts["xl/sharedStrings.xml"] = strings.replace(version, "9.0.0").encode("utf-8")  # a copy of 9.0.0
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
            for name, data in parts.items():
                book.writestr(name, data)
        calc(path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "saved")
        assert zipfile.ZipFile(tmp_path / "saved" / xlsx.FILE_NAME).read("xl/workbook.xml") != parts["xl/workbook.xml"]
        shutil.copyfile(tmp_path / "saved" / xlsx.FILE_NAME, path)
        edit_descriptor(folder, lambda d: d.update(version="9.0.0"))

    folder = damaged_copy(BUNDLED, tmp_path / "copy", saved_again, rehashed=True)
    with zipfile.ZipFile(folder / xlsx.FILE_NAME) as book:  # what LibreOffice writes that the package does not
        parts = {name: book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml")}
    sheets = [text for name, text in parts.items() if name.startswith("xl/worksheets/sheet")]
    drawings = [text for name, text in parts.items() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", name)]
    assert any(re.search(r"<f( [^>]*)?>TRUE\(\)</f>", sheet) for sheet in sheets)  # a boolean as a formula
    assert drawings and all(re.fullmatch(r"(?s)<\?xml[^>]*>\s*<xdr:wsDr[^>]*>\s*</xdr:wsDr>\s*", d) for d in drawings)
    copied = {"sums-differs", "release-unknown"}  # a copy's: its SHA256SUMS, a version no release has
    problems = [(p.code, p.file, p.message) for p in validate_package(folder) if p.code not in copied]
    assert problems == []
