"""The pandera models agree with the Table Schemas field by field, and the validate step catches
bad tables with file, line, column, value and expectation."""

from __future__ import annotations

import datetime
import json
import re
import shutil

import pandas as pd
import pandera.pandas as pa
import pytest

from helpers import ROOT, SEED_ID, damaged_copy, edit_descriptor, edit_file, rehash, release_as_git_holds_it
from stalking_flanders import repo
from stalking_flanders.datapackage import BUNDLED
from stalking_flanders.formats import csv
from stalking_flanders.formats.xlsx import STALKING, topic
from stalking_flanders.model import TYPES, Schema
from stalking_flanders.pipeline.validated import make_validated
from stalking_flanders.problems import DataError
from stalking_flanders.tableschema import frame, pandera_schema, validate_frame
from stalking_flanders.validation import validate_package

pytestmark = pytest.mark.hostile  # every folder left in tmp_path is swept: see conftest.py


def test_pandera_models_agree_with_the_table_schemas(defs):
    for name, schema in defs.schemas.items():
        model = pandera_schema(schema, name)
        assert list(model.columns) == [f["name"] for f in schema.raw["fields"]]
        assert model.unique == schema.raw["primaryKey"] and model.strict is True and model.coerce is False
        for field in schema.raw["fields"]:
            column = model.columns[field["name"]]
            c = field.get("constraints", {})
            assert column.nullable is (not c.get("required", False)), field["name"]
            assert column.coerce is False
            kind = TYPES[field["type"]]
            if field["type"] != "date":
                dtype = kind.pandas if c.get("required") else kind.nullable
                assert str(column.dtype) == str(pa.engines.pandas_engine.Engine.dtype(dtype))
            stats = {check.name: check.statistics for check in column.checks}
            if "minimum" in c:
                assert stats["greater_than_or_equal_to"]["min_value"] == c["minimum"]
            if "maximum" in c:
                assert stats["less_than_or_equal_to"]["max_value"] == c["maximum"]
            if "enum" in c:
                assert list(stats["isin"]["allowed_values"]) == c["enum"]
            assert ("str_matches" in stats) == ("pattern" in c)


def test_a_text_column_s_type_is_checked_as_a_whole_and_a_column_of_numbers_still_fails():
    """pandera's check of pandas' string dtype gives one verdict a cell (and formats a report of
    the cells that failed when none did): the model checks such a column by its dtype alone."""
    schema = Schema.parse({"fields": [{"name": "k", "type": "string", "constraints": {"required": True}}]}, "t")
    dtype = pandera_schema(schema, "t").columns["k"].dtype
    column = pd.Series(["a", "b"], dtype="str")
    assert dtype.check(pa.engines.pandas_engine.Engine.dtype(column.dtype), column) is True
    numbers = pd.DataFrame({"k": pd.Series([1, 2], dtype="int64")})
    assert [(p.line, p.found) for p in validate_frame(numbers, schema, "t", "t.csv")] == [(2, 1), (3, 2)]


@pytest.mark.parametrize("kind, value", [("boolean", True), ("integer", 7), ("date", datetime.date(2021, 12, 21))])
def test_an_optional_field_passes_its_model_with_and_without_a_missing_value(kind, value):
    raw = {"fields": [{"name": "id", "type": "integer", "constraints": {"required": True}}, {"name": "x", "type": kind}]}
    schema = Schema.parse(raw, "schema")
    for cells in ([value, value], [value, None], [None, None]):
        df = frame({"id": list(range(len(cells))), "x": list(cells)}, schema)
        assert validate_frame(df, schema, "t", "t.csv") == [], cells


@pytest.fixture()
def tables(defs) -> dict[str, pd.DataFrame]:
    return {name: csv.read(BUNDLED / f"{name}.csv", schema) for name, schema in defs.schemas.items()}


def obs_problems(tables, defs, df) -> str:
    return "\n".join(map(str, validate_frame(df, defs.schemas["observations"], "observations", "observations.csv")))


def test_the_release_passes_its_models(tables, defs):
    for name, schema in defs.schemas.items():
        assert validate_frame(tables[name], schema, name, f"{name}.csv") == []


def test_pandera_does_not_coerce_7_5_into_7(tables, defs):
    df = tables["observations"].copy()
    df["count"] = df["count"].astype("float64")
    df.loc[3, "count"] = 7.5
    message = obs_problems(tables, defs, df)
    assert "observations.csv, line 5, column 'count': not a whole number" in message and "found 7.5" in message
    assert "dtype('int64')" in message
    with pytest.raises(pa.errors.SchemaError):
        pandera_schema(defs.schemas["observations"], "observations").validate(df)


def test_seven_spelled_out_is_not_a_count(tables, defs):
    df = tables["observations"].astype({"count": object})
    df.loc[0, "count"] = "seven"
    assert "line 2, column 'count': not a whole number (values are never rounded): found 'seven'" in obs_problems(
        tables, defs, df
    )


def test_a_negative_count_and_a_duplicate_key(tables, defs):
    df = tables["observations"].copy()
    df.loc[1, "count"] = -3
    df = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    message = obs_problems(tables, defs, df)
    assert "line 3, column 'count': fails the check greater_than_or_equal_to(0): found -3" in message
    assert "line 23, column 'source_question,series,category,year': the primary key is not unique" in message


def drop_year(text: str) -> str:
    return "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != 3) for line in text.split("\n"))


# Each case damages the extracted observations of the seed source; the validate step must refuse
# it with these (code, line, column) problems and write nothing.
STEP_CASES = {
    "unknown category": (lambda t: t.replace("- agressie,2019", "- onbekend,2019"), [("foreign-key", 3, "series,category")]),
    "year outside its series": (
        lambda t: t.replace("(stalking),2019,21", "(stalking),2018,21"),
        [("year-outside-series", 20, "year")],
    ),
    "figure differs": (lambda t: t.replace(",2020,47,101", ",2020,48,101"), [("figure-differs", 21, "count")]),
    "figures under another label": (  # two figures of 2018 swapped with their lines: each on its line still
        lambda t: (
            t.replace("- agressie,2018,955,82", "- X,2018,955,82")
            .replace("- ander gedragsprobleem,2018,304,83", "- agressie,2018,304,83")
            .replace("- X,2018,955,82", "- ander gedragsprobleem,2018,955,82")
        ),
        [("label-not-on-lines", 2, "category"), ("label-not-on-lines", 5, "category")],
    ),
    "figure missing": (
        lambda t: "\n".join(line for line in t.split("\n") if ",2021,57," not in line),
        [("figure-missing", None, "year")],
    ),
    "not whole numbers": (
        lambda t: t.replace(",2019,846,", ",2019,7.5,").replace(",2020,668,", ",2020,seven,"),
        [("value-type", 3, "count"), ("value-type", 4, "count")],
    ),
    "column missing": (drop_year, [("column-missing", 1, "year")]),
}


@pytest.mark.parametrize("case", STEP_CASES)
def test_the_validate_step_refuses(case, tmp_path, built, defs):
    edit, expected = STEP_CASES[case]
    extracted = tmp_path / "extracted"
    shutil.copytree(built / repo.EXTRACTED, extracted)
    path = extracted / SEED_ID / "observations.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "validated"
    with pytest.raises(DataError) as caught:
        make_validated(extracted, ROOT / repo.ARCHIVE, defs, out)
    assert not out.exists(), "a failed step must not write its output"
    found = [(p.code, p.line, p.column) for p in caught.value.problems]
    assert found == expected, str(caught.value)
    assert all(p.file.endswith("observations.csv") for p in caught.value.problems)


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        (",186,2021-12-21,", ",187,2021-12-21,", "number,date"),
        (",186,2021-12-21,", ",186,2021-12-20,", "number,date"),
        ("Adeline Blancquaert", "Jan Janssens", "questioner"),
        (",Wouter Beke,", ",Hilde Crevits,", "minister,minister_title_nl"),
        (",Wouter Beke,", ",Zuhal Demir,", "minister,minister_title_nl"),  # named by the text, as also asked
    ],
    ids=["another number", "another date", "another questioner", "another minister", "the other minister asked"],
)
def test_a_question_its_archived_answer_does_not_name_is_refused(tmp_path, built, defs, old, new, column):
    """A source question is the one its archived answer names (its heading gives the number and
    date, the questioner and the minister): a copy cannot claim another."""
    extracted = tmp_path / "extracted"
    shutil.copytree(built / repo.EXTRACTED, extracted)
    path = extracted / SEED_ID / "source_questions.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        make_validated(extracted, ROOT / repo.ARCHIVE, defs, tmp_path / "validated")
    assert [(p.code, p.line, p.column) for p in caught.value.problems] == [("question-not-in-text", 2, column)], str(caught.value)


def test_a_label_in_another_letter_case_throughout_is_not_as_published(tmp_path, built, defs):
    """The category is the label as the answer prints it: one changed only in letter case, in every
    table of the source alike (so that every key still holds), is refused at its line."""
    extracted = tmp_path / "extracted"
    shutil.copytree(built / repo.EXTRACTED, extracted)
    for path in (extracted / SEED_ID).glob("*.csv"):
        path.write_text(path.read_text(encoding="utf-8").replace("Belaging (stalking)", "Belaging (Stalking)"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        make_validated(extracted, ROOT / repo.ARCHIVE, defs, tmp_path / "validated")
    found = [(p.code, p.column, p.found) for p in caught.value.problems]
    assert found == [("label-not-on-lines", "category", "Belaging (Stalking)")], str(caught.value)
    assert "letter for letter" in str(caught.value)


def test_a_table_that_starts_with_a_byte_order_mark_is_refused(tmp_path):
    def marked(folder):
        (folder / "series.csv").write_bytes(b"\xef\xbb\xbf" + (folder / "series.csv").read_bytes())
        edit_descriptor(folder, lambda d: d.update(version="9.0.0"))

    folder = damaged_copy(BUNDLED, tmp_path / "copy", marked, rehashed=True)
    problems = [(p.code, p.file.endswith("series.csv"), "byte-order mark" in p.message) for p in validate_package(folder)]
    assert ("csv-unreadable", True, True) in problems, problems


def extra_column(sheet):
    sheet["H1"] = "count_corrected"
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 8, 1)


def count_twice(sheet):  # the counts shown wrong in their column, and right in a second one of the same name
    sheet["H1"] = "count"
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 8, sheet.cell(row, 5).value)
        sheet.cell(row, 5, 0)


def derived_flag(sheet):  # a CGG figure, not stalking-specific, shown as stalking-specific beside it
    sheet["G2"] = True


def count_shown_otherwise(sheet):  # the cell holds the published count, and shows another
    sheet["E2"].number_format = f'"{sheet["E2"].value + 1}"'


def label_shown_otherwise(sheet):  # a text section that shows other words for any text
    sheet["C2"].number_format = ';;;"Belaging (stalking)"'


def far_right(sheet):  # a correction beside the figures, past the columns a reader of the table reads
    sheet["AZ3"] = "lees 21 als 12"


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (far_right, "cell AZ3 of sheet 'observations' holds 'lees 21 als 12', past the 22 rows and 7 columns"),
        (extra_column, "holds a column of table observations"),
        (count_twice, "names count more than once"),
        (derived_flag, "has stalking_specific True; sheet series gives False"),
        (count_shown_otherwise, "cell E2 of sheet observations is shown with the number format '\"956\"', not 'General'"),
        (label_shown_otherwise, "cell C2 of sheet observations is shown with the number format ';;;"),
    ],
    ids=[
        "far right",
        "extra column",
        "a column twice",
        "a derived column",
        "a count shown as another",
        "a label shown as another",
    ],
)
def test_a_workbook_column_beside_the_tables_is_reported(tmp_path, edit, said):
    import openpyxl

    def edited(folder):
        book = openpyxl.load_workbook(folder / "stalking-flanders.xlsx")
        edit(book["observations"])
        book.save(folder / "stalking-flanders.xlsx")
        edit_descriptor(folder, lambda d: d.update(version="9.0.0"))

    problems = workbook_problems(damaged_copy(BUNDLED, tmp_path / "copy", edited))
    assert any(said in message for _, message in problems), problems
    # a cell that shows another value than it holds reads, and differs: as on the sheets before the tables
    assert all(code == "format-differs" for code, message in problems if "number format" in message), problems


def written_for(book, version: str) -> None:
    """The workbook's first sheet made to say ``version`` (a forged copy that claims it throughout)."""
    said = json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8"))["version"]
    for row in book["Lees dit eerst - Read first"].iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and said in cell.value:
                cell.value = cell.value.replace(said, version)


def assert_one_sheet_problem(tmp_path, sheet: str, edit, said: str) -> None:
    """A copy of a later version (9.0.0, said throughout its workbook) whose sheet ``sheet`` was
    edited: ``validate`` reports one problem of the workbook, ``format-differs``, saying ``said``
    (its check of the other formats, :func:`workbook_problems`)."""
    import openpyxl

    def edited(folder):
        book = openpyxl.load_workbook(folder / "stalking-flanders.xlsx")
        written_for(book, "9.0.0")
        edit(book[sheet])
        book.save(folder / "stalking-flanders.xlsx")
        edit_descriptor(folder, lambda d: d.update(version="9.0.0"))

    problems = workbook_problems(damaged_copy(BUNDLED, tmp_path / "copy", edited))
    assert [code for code, _ in problems] == ["format-differs"] and said in problems[0][1], problems


def stalking_figure_changed(sheet):
    sheet["B2"] = sheet["B2"].value * 10


def stalking_figure_shown_otherwise(sheet):
    sheet["B2"].number_format = f'"{sheet["B2"].value * 10}"'


def test_a_stalking_figure_written_as_a_fraction_is_no_count(tmp_path):
    """21.0 is no count, though Python calls it equal to 21: the sheet's figure is held to the type
    of the table's (the cell is written in the workbook's XML, as a spreadsheet may write it)."""
    import zipfile

    def as_a_fraction(folder):
        path = folder / "stalking-flanders.xlsx"
        with zipfile.ZipFile(path) as book:
            parts = {info.filename: book.read(info) for info in book.infolist()}
        sheet = parts["xl/worksheets/sheet2.xml"].decode("utf-8")
        figure = re.search(r'<c r="B2"[^>]*><v>([0-9]+)</v></c>', sheet)
        parts["xl/worksheets/sheet2.xml"] = sheet.replace(figure.group(0), figure.group(0).replace("</v>", ".0</v>")).encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
            for name, data in parts.items():
                book.writestr(name, data)
        edit_descriptor(folder, lambda d: d.update(version="9.0.0"))

    folder = damaged_copy(BUNDLED, tmp_path / "copy", as_a_fraction, rehashed=True)
    problems = [(p.code, p.message) for p in validate_package(folder) if p.file.endswith(".xlsx")]
    said = f"cell B2 (row 2) of sheet {STALKING!r} holds 21.0; the package gives 21"
    assert any(code == "format-differs" and message.startswith(said) for code, message in problems), problems


def stalking_caveat_dropped(sheet):
    sheet.delete_rows(sheet.max_row)  # the package's note, beside the figures


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (stalking_figure_changed, f"cell B2 (row 2) of sheet {STALKING!r} holds 210; the package gives 21"),
        (stalking_figure_shown_otherwise, f"cell B2 of sheet {STALKING} is shown with the number format"),
        (stalking_caveat_dropped, f"of sheet {STALKING!r} is empty; the package gives 'Opmerking"),
        (lambda sheet: sheet.parent.remove(sheet), "the workbook's sheets are ['Lees dit eerst - Read first', 'observations'"),
        (lambda sheet: setattr(sheet, "sheet_state", "hidden"), f"sheet {STALKING!r} is hidden"),
        (lambda sheet: setattr(sheet.row_dimensions[2], "hidden", True), f"row 2 of sheet {STALKING!r} is hidden"),
        (lambda sheet: setattr(sheet.column_dimensions["A"], "hidden", True), f"column A:C of sheet {STALKING!r} is hidden"),
        (lambda sheet: setattr(sheet["AB900"], "value", "Alle cijfers zijn volledig"), f"cell AB900 of sheet {STALKING!r}"),
    ],
    ids=[
        "a figure changed",
        "a figure shown as another",
        "a caveat dropped",
        "the sheet removed",
        "the sheet hidden",
        "a row hidden",
        "a column hidden",
        "a cell far below",
    ],
)
def test_the_workbook_s_stalking_sheet_is_held_to_the_tables(tmp_path, edit, said):
    """The sheet a spreadsheet reader sees second, the stalking figures by year with what the answer
    and the package say of them, holds what the tables give, as written."""
    assert_one_sheet_problem(tmp_path, STALKING, edit, said)


READ_FIRST_EDITS = {
    "a caveat rewritten": (
        lambda sheet: setattr(sheet["C6"], "value", "These figures count every victim of stalking."),
        "cell C6 (row 6) of sheet 'Lees dit eerst - Read first' holds 'These figures count every victim of stalking.'; ",
    ),
    "the licence dropped": (
        lambda sheet: sheet.delete_rows([c.value for c in sheet["A"]].index(topic("licence")) + 1),
        f"of sheet 'Lees dit eerst - Read first' holds {topic('source')!r}; the package gives {topic('licence')!r}",
    ),
    "the sheets reordered": (
        lambda sheet: sheet.parent.move_sheet(sheet, offset=1),
        f"the workbook's sheets are [{STALKING!r}, 'Lees dit eerst - Read first'",
    ),
    "rows hidden by default": (
        lambda sheet: setattr(sheet.sheet_format, "zeroHeight", True),
        "sheet 'Lees dit eerst - Read first' hides its rows or columns by default",
    ),
    "another version": (
        lambda sheet: setattr(sheet["B3"], "value", "9.9.9"),
        "cell B3 (row 3) of sheet 'Lees dit eerst - Read first' holds '9.9.9'; the package gives '9.0.0'",
    ),
    # a long text alike far past what a message shows: each is shown from where they part
    "a name in the long description shortened": (
        lambda sheet: setattr(sheet["B4"], "value", sheet["B4"].value.replace("Adeline Blancquaert", "A. Blancquaert")),
        "holds (from character 180) 'ers”, gesteld door A. Blancquaert aan Wouter Beke",
    ),
}


@pytest.mark.parametrize("case", READ_FIRST_EDITS)
def test_the_workbook_s_first_sheet_is_held_to_the_descriptor(tmp_path, case):
    """The sheet a spreadsheet reader sees first (what the figures count and do not, the licence,
    how to cite) says what the descriptor and the tables give."""
    edit, said = READ_FIRST_EDITS[case]
    assert_one_sheet_problem(tmp_path, "Lees dit eerst - Read first", edit, said)


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (lambda d: d["translations"].update(fr={"title": "Harcèlement", "description": "Chiffres."}), None),
        (lambda d: d.pop("sources"), "cell A12 (row 12) of sheet 'Lees dit eerst - Read first' holds 'Bron / Source'; "),
    ],
    ids=["a translation into French", "no sources"],
)
def test_a_descriptor_of_other_facts_than_the_workbook_is_told_where_they_differ(tmp_path, edit, said):
    """A translation into a language the workbook is not written in is not on its first sheet; a
    descriptor without the sources the sheet names is told which row differs."""
    import openpyxl

    def edited(folder):
        book = openpyxl.load_workbook(folder / "stalking-flanders.xlsx")
        written_for(book, "9.0.0")
        book.save(folder / "stalking-flanders.xlsx")
        edit_descriptor(folder, lambda d: d.update(version="9.0.0") or edit(d))

    folder = damaged_copy(BUNDLED, tmp_path / "copy", edited, rehashed=True)
    problems = [(p.code, p.message) for p in validate_package(folder) if p.file.endswith(".xlsx") and p.code != "sums-differs"]
    assert problems == ([] if said is None else [("format-differs", problems[0][1])]), problems
    assert said is None or problems[0][1].startswith(said), problems


def test_a_workbook_date_with_a_time_of_day_is_not_that_date(tmp_path):
    import datetime

    import openpyxl

    def edited(folder):
        book = openpyxl.load_workbook(folder / "stalking-flanders.xlsx")
        sheet = book["source_questions"]
        column = [c.value for c in sheet[1]].index("date") + 1
        sheet.cell(2, column, datetime.datetime.combine(sheet.cell(2, column).value.date(), datetime.time(23, 59)))
        book.save(folder / "stalking-flanders.xlsx")
        edit_descriptor(folder, lambda d: d.update(version="9.0.0"))

    folder = damaged_copy(BUNDLED, tmp_path / "copy", edited, rehashed=True)
    problems = [(p.code, p.column) for p in validate_package(folder) if p.code != "sums-differs"]  # SHA256SUMS not rehashed
    assert ("format-differs", "date") in problems, problems


def test_a_parquet_cell_left_empty_is_said_to_hold_no_value(tmp_path):
    """A problem shows no value found where the file holds none: its message says so."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def edited(folder):
        table = pq.read_table(folder / "observations.parquet")
        i = table.schema.get_field_index("count")
        cells = table.column(i).to_pylist()
        cells[0] = None
        table = table.set_column(i, table.schema.field(i).with_nullable(True), pa.array(cells, table.schema.field(i).type))
        pq.write_table(table, folder / "observations.parquet", write_statistics=False)  # as a release writes it
        edit_descriptor(folder, lambda d: d.update(version="9.0.0"))

    folder = damaged_copy(BUNDLED, tmp_path / "copy", edited, rehashed=True)
    said = [str(p) for p in validate_package(folder) if p.code == "format-differs" and p.column == "count"]
    assert len(said) == 1 and "row 1 differs from line 2 of observations.csv (it holds no value there): expected" in said[0], said


def test_a_workbook_saved_again_by_a_spreadsheet_shows_its_dates_as_written(tmp_path):
    """A spreadsheet that saves the workbook again may write the date format's letters in upper
    case: the same format, so no problem."""
    import openpyxl

    def saved_again(folder):
        book = openpyxl.load_workbook(folder / "stalking-flanders.xlsx")
        sheet = book["source_questions"]
        column = [c.value for c in sheet[1]].index("date") + 1
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, column).number_format = "YYYY-MM-DD"
        written_for(book, "9.0.0")
        book.save(folder / "stalking-flanders.xlsx")
        edit_descriptor(folder, lambda d: d.update(version="9.0.0"))

    folder = damaged_copy(BUNDLED, tmp_path / "copy", saved_again, rehashed=True)
    problems = [p for p in validate_package(folder) if p.file.endswith(".xlsx") and p.code != "sums-differs"]
    assert problems == []  # SHA256SUMS is not rehashed: that the file changed is said


UNREAD = [("observations-2021", "o2021.parquet", "parquet"), ("workbook-2", "w2.xlsx", "xlsx")]


@pytest.mark.parametrize(("name", "path", "fmt"), UNREAD)
def test_a_file_of_another_format_that_stands_for_no_table_is_refused_not_passed_unread(tmp_path, name, path, fmt):
    def added(folder):
        (folder / path).write_bytes(b"not read by anyone")
        extra = {"name": name, "path": path, "format": fmt}
        edit_descriptor(folder, lambda d: d.update(version="9.0.0") or d["resources"].append(extra))

    folder = damaged_copy(BUNDLED, tmp_path / "copy", added, rehashed=True)
    problems = [(p.code, p.column, p.found) for p in validate_package(folder)]
    index = len(json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8"))["resources"])
    assert ("descriptor-shape", f"resources[{index}].name", name) in problems, problems


def test_validate_parses_the_workbook_once_for_all_its_sheets(monkeypatch):
    import openpyxl

    loads, load = [], openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: loads.append(1) or load(*a, **k))
    assert validate_package(BUNDLED) == []
    assert len(loads) == 1


def test_a_release_as_its_build_records_it_is_held_to_the_words_of_that_build(monkeypatch):
    """While a release is cut (and on main just after), this installed package's build is the
    release as recorded: the checks of the workbook's words against the tables still run on it
    (a copy is held to the recorded list instead only where main has changed its words since)."""
    import dataclasses

    from stalking_flanders import validation
    from stalking_flanders.datapackage import DataPackage
    from stalking_flanders.hashes import sha256_bytes
    from stalking_flanders.releases import history

    package = DataPackage(BUNDLED)
    version, built = package.descriptor["version"], sha256_bytes((BUNDLED / "SHA256SUMS").read_bytes())
    recorded = dict(history())
    recorded[version] = dataclasses.replace(recorded[version], sums_sha256=built)  # as the release script records it
    monkeypatch.setattr(validation, "history", lambda: recorded)
    assert validation._as_published(package) is False
    workbook = type(validation.BY_NAME["xlsx"])
    held, hold = [], workbook.beside_tables
    monkeypatch.setattr(workbook, "beside_tables", lambda self, *a: held.append(hold(self, *a)) or held[-1])
    assert validate_package(BUNDLED) == [] and held == [[]]  # the workbook's words were held to the tables


def test_the_workbook_s_parts_are_scanned_once_for_each_content(monkeypatch, tmp_path):
    # Copies of one release are checked again and again (a portal, the tests): the scan of the
    # workbook's XML is kept for the last workbook, by its sha256, and made again for another.
    from stalking_flanders.formats import workbook_parts, xlsx

    scans, scan = [], workbook_parts.how_made
    monkeypatch.setattr(xlsx, "how_made", lambda archive: scans.append(1) or scan(archive))
    monkeypatch.setattr(xlsx, "_LAST_MADE", {})
    assert validate_package(BUNDLED) == [] and validate_package(BUNDLED) == []
    assert len(scans) == 1
    white = damaged_copy(BUNDLED, tmp_path / "white", _white_text, rehashed=True)
    assert "format-differs" in {p.code for p in validate_package(white)}
    assert len(scans) == 2


def test_frictionless_checks_each_staged_content_once_and_its_problems_name_the_folder_checked(monkeypatch, tmp_path):
    # The same staged bytes in two folders are handed to Frictionless once; what it found names the
    # files of the folder each check was given. Other bytes are handed to it again.
    from stalking_flanders import validation

    calls, check = [], validation.frictionless_problems
    monkeypatch.setattr(validation, "frictionless_problems", lambda *a: calls.append(1) or check(*a))
    monkeypatch.setattr(validation, "_LAST_STAGED", {})

    def letter(folder):
        edit_file(folder / "observations.csv", ",2018,955,", ",2018,x,")

    first = damaged_copy(BUNDLED, tmp_path / "first", letter, rehashed=True)
    second = damaged_copy(first, tmp_path / "second")
    found = {}
    for folder in (first, second):
        found[folder] = [p for p in validate_package(folder) if p.code.startswith("frictionless/")]
        assert found[folder] and {p.file for p in found[folder]} == {str(folder / "observations.csv")}
    assert len(calls) == 1
    assert [(p.code, p.line, p.column, p.found) for p in found[first]] == [
        (p.code, p.line, p.column, p.found) for p in found[second]
    ]
    other = damaged_copy(BUNDLED, tmp_path / "other", lambda f: edit_file(f / "observations.csv", ",2019,846,", ",2019,y,"))
    rehash(other)
    assert [p.found for p in validate_package(other) if p.code.startswith("frictionless/")] == ["y"]
    assert len(calls) == 2


def _white_text(folder) -> None:
    """The workbook of ``folder`` with its first font white, on the white of a cell without fill."""
    import zipfile

    path = folder / "stalking-flanders.xlsx"
    with zipfile.ZipFile(path) as archive:
        parts = {info: archive.read(info) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts.items():
            if info.filename == "xl/styles.xml":
                data = data.replace(b'<color theme="1"/>', b'<color rgb="FFFFFFFF"/>', 1)
            archive.writestr(info, data)


def test_a_file_named_as_another_formats_table_is_read_as_its_own_format(tmp_path):
    """The workbook given the name of a table's Parquet resource (and that resource another name) is
    still read as a Parquet file for that table, and refused: no reader of one format stands in for
    another's."""

    def swap(descriptor):
        for resource in descriptor["resources"]:
            if resource["name"] == "source_questions-parquet":
                resource["name"] = "source_questions-parquet-renamed"
        for resource in descriptor["resources"]:
            if resource["name"] == "workbook":
                resource["name"] = "source_questions-parquet"

    folder = damaged_copy(BUNDLED, tmp_path / "swapped", lambda f: edit_descriptor(f, swap))
    found = [(p.code, p.file.rsplit("/", 1)[-1]) for p in validate_package(folder)]
    assert ("format-unreadable", "stalking-flanders.xlsx") in found, found


def _parquet_code_dropped(descriptor):
    parquet = next(r for r in descriptor["resources"] if r["name"] == "subquestions-parquet")
    next(f for f in parquet["schema"]["fields"] if f["name"] == "figures")["constraints"]["enum"].pop()


def _parquet_without_key(descriptor):
    del next(r for r in descriptor["resources"] if r["name"] == "subquestions-parquet")["schema"]["primaryKey"]


def _parquet_with_a_missing_value(descriptor):  # Frictionless would read that heading as empty
    parquet = next(r for r in descriptor["resources"] if r["name"] == "series-parquet")
    parquet["schema"]["missingValues"] = ["", "Daders – misdrijf detail"]


@pytest.mark.parametrize(
    ("change", "key", "file"),
    [
        (_parquet_code_dropped, "fields", "subquestions.parquet"),
        (_parquet_without_key, "primaryKey", "subquestions.parquet"),
        (_parquet_with_a_missing_value, "missingValues", "series.parquet"),
    ],
    ids=["a code dropped", "no key", "a missing value"],
)
def test_a_parquet_files_schema_is_its_tables(change, key, file, tmp_path):
    """A Parquet file's own schema, which its readers go by, says what the table's says."""
    folder = damaged_copy(BUNDLED, tmp_path / "described", lambda f: edit_descriptor(f, change), rehashed=True)
    found = [(p.code, p.column, p.file.rsplit("/", 1)[-1]) for p in validate_package(folder)]
    assert ("format-differs", key, file) in found, found


def test_a_copy_of_a_release_as_published_is_that_release_even_where_the_bundled_one_is_a_later_build(monkeypatch):
    # Between a change to the data and the next release, the bundled release is a later build of the
    # last version: a copy of that version as published (as its record holds it) is still that release.
    import json

    from stalking_flanders import releases
    from stalking_flanders.hashes import sha256_bytes

    published = json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8"))
    later = {**published, "description": published["description"] + " A later build."}
    version = published["version"]
    monkeypatch.setattr(releases, "recorded", lambda: {version: sha256_bytes(releases.canonical(published))})
    assert releases.release_problems(published, "copy", later) == []
    assert releases.release_problems(later, "copy", later) == []  # the build itself
    changed = {**published, "title": "Another title"}
    assert [p.column for p in releases.release_problems(changed, "copy", later)] == ["description", "title"]
    # what the differences are from is said: the later build, not the release as published
    said = {p.message for p in releases.release_problems(changed, "copy", later)}
    assert said == {f"differs from version {version} as this installed package builds it (not as published)"}
    said = {p.message for p in releases.release_problems(changed, "copy", published)}
    assert said == {f"differs from version {version} as published"}


def test_a_table_past_a_cap_is_never_handed_to_frictionless(tmp_path, monkeypatch):
    # Frictionless knows no cap on rows: a 200 kB table of 100,001 one-letter rows took it seconds.
    import stalking_flanders.validation as validation

    handed = []
    monkeypatch.setattr(validation, "frictionless_problems", lambda *args: handed.append(args) or [])
    monkeypatch.setattr(validation, "_LAST_STAGED", {})  # what the spy sees is kept apart

    def extra(folder):
        (folder / "extra.csv").write_text("a\n" + "x\n" * 100_001)
        table = {"name": "extra", "path": "extra.csv", "format": "csv", "schema": {"fields": [{"name": "a", "type": "string"}]}}
        edit_descriptor(folder, lambda d: (d["resources"].insert(5, table), d.update(version="9.9.9")))

    folder = damaged_copy(BUNDLED, tmp_path / "extra", extra, rehashed=True)
    problems = validate_package(folder)
    assert [p.message for p in problems if p.code == "csv-unreadable"] == ["cannot be read as CSV (more than 100000 rows)"]
    assert handed == []


def test_frictionless_is_given_back_its_settings_however_the_check_ends():
    # Frictionless' own use_context put nothing back when its block ended in an error (a time limit
    # while it ran): the caller's Frictionless refused every request from then on.
    from frictionless import system

    from stalking_flanders.untrusted import offline

    before = system.http_session
    with pytest.raises(RuntimeError), offline():
        assert system.http_session is not before
        raise RuntimeError("stopped")
    assert system.http_session is before


def test_checks_in_two_threads_at_once_keep_frictionless_offline_until_the_last_ends():
    import threading

    from frictionless import system

    from stalking_flanders.untrusted import offline

    before, a_in, a_out, seen = system.http_session, threading.Event(), threading.Event(), []

    def a():
        with offline():
            a_in.set()
            a_out.wait(10)

    thread = threading.Thread(target=a)
    thread.start()
    a_in.wait(10)
    with offline():
        a_out.set()
        thread.join(10)
        seen.append(system.http_session is before)  # A has ended; this block has not
    assert seen == [False] and system.http_session is before


def test_the_checks_read_a_line_span_as_the_shared_field_kind_says():
    import json
    import re

    from stalking_flanders.checks import SPAN

    pattern = json.loads((ROOT / repo.SCHEMAS / "fields.json").read_text())["kinds"]["line_span"]["constraints"]["pattern"]
    for sample in ["94", "87-88", "0", "1-", "-1", "a", "1-2-3", "12 ", "²", "1-b", ""]:
        assert (SPAN.fullmatch(sample) is not None) == (re.fullmatch(pattern, sample) is not None), sample


def test_frictionless_is_never_handed_the_foreign_keys(monkeypatch):
    # To check a foreign key Frictionless read every row of the table it refers to and made an
    # object of each bad cell in it, with no cap; validate checks the keys itself.
    import json

    import stalking_flanders.validation as validation

    keys, real = [], validation.frictionless_problems

    def spy(descriptor, *args):
        staged = json.loads(descriptor.read_text())
        keys.extend(r["name"] for r in staged["resources"] if r.get("schema", {}).get("foreignKeys"))
        return real(descriptor, *args)

    monkeypatch.setattr(validation, "frictionless_problems", spy)
    monkeypatch.setattr(validation, "_LAST_STAGED", {})  # what the spy sees is kept apart
    assert validate_package(BUNDLED) == [] and keys == []


def test_the_checks_across_rows_list_a_thousand_problems_of_a_kind_and_count_the_rest():
    # Two million formula-like cells made as many problems: 13 s and 660 MB.
    from stalking_flanders import checks
    from stalking_flanders.problems import counted

    schema = Schema.parse({"fields": [{"name": "label", "type": "string"}]}, "t")
    formulas = checks.spreadsheet_safe(pd.DataFrame({"label": ["=1"] * 1500}), schema, "t.csv")
    assert len(formulas) == 1001 and counted(formulas) == 1500
    keyed = Schema.parse(
        {
            "fields": [{"name": "k", "type": "string"}],
            "foreignKeys": [{"fields": ["k"], "reference": {"resource": "r", "fields": ["k"]}}],
        },
        "t",
    )
    tables = {"t": pd.DataFrame({"k": [str(i) for i in range(1500)]}), "r": pd.DataFrame({"k": ["x"]})}
    schemas = {"t": keyed, "r": Schema.parse({"fields": [{"name": "k", "type": "string"}]}, "r")}
    orphans = checks.foreign_keys(tables, schemas, {"t": "t.csv", "r": "r.csv"})
    assert len(orphans) == 1001 and counted(orphans) == 1500


def test_a_file_of_another_format_lists_a_thousand_values_that_differ_and_counts_the_rest():
    from stalking_flanders.formats import BY_NAME
    from stalking_flanders.problems import counted
    from stalking_flanders.validation import _same_rows

    schema = Schema.parse({"fields": [{"name": "k", "type": "string"}]}, "t")
    expected = [{"k": str(i)} for i in range(1500)]
    differing = _same_rows(
        lambda table, schema, limit: [{"k": "x"}] * 1500, "t.parquet", BY_NAME["parquet"], expected, schema, "t", "t.csv"
    )
    assert len(differing) == 1001 and counted(differing) == 1500 and {p.code for p in differing} == {"format-differs"}


READ_FIRST_XML, STALKING_XML, OBSERVATIONS_XML = (f"xl/worksheets/sheet{n}.xml" for n in (1, 2, 3))
STYLES_XML = "xl/styles.xml"


def _shared_index(part: str, cell: str) -> str:
    """The index into the shared texts that cell ``cell`` of the release workbook's ``part`` holds."""
    import zipfile

    with zipfile.ZipFile(BUNDLED / "stalking-flanders.xlsx") as archive:
        return re.search(rf'<c r="{cell}" t="s"><v>(\d+)</v>', archive.read(part).decode("utf-8"))[1]


A2 = _shared_index(OBSERVATIONS_XML, "A2")  # the first table's first text: its index moves as texts are added
INLINE_956 = '<c r="AZ5000" t="inlineStr"><is><t>956</t></is></c>'
OBSERVATIONS_RELS = "xl/worksheets/_rels/sheet3.xml.rels"
THREADED = (
    '<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" '
    'Target="../threadedComments/threadedComment1.xml"/>'
)
PROMPT = (
    '<dataValidations count="1"><dataValidation showInputMessage="1" prompt="Count in thousands" sqref="E2:E22"/>'
    "</dataValidations>"
)
CONDITIONAL = (
    '</sheetData><conditionalFormatting sqref="B2"><cfRule type="expression" dxfId="0" priority="1"><formula>TRUE</formula>'
    "</cfRule></conditionalFormatting>"
)
DRAWING = (  # a sheet's drawing, and a part with nothing in it (as LibreOffice writes beside notes) or a text box
    '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" '
    'Target="../drawings/drawing9.xml"/></Relationships>'
)
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"  # the spreadsheet namespace of strict OOXML
DRAWN = '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">{}</xdr:wsDr>'
TEXT_BOX = (
    '<xdr:absoluteAnchor><xdr:sp><xdr:txBody><a:p xmlns:a="a"><a:r><a:t>956</a:t></a:r></a:p></xdr:txBody></xdr:sp>'
    "</xdr:absoluteAnchor>"
)
EXTENSION = (
    '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings/></ext></extLst>'
)
SEEN_OR_NOT = {  # what a sheet's XML is made to say (part, pattern, replacement: a new part where the pattern is
    # None; one edit or a tuple of them), and what validate says of it
    "a row too low to read": (
        (STALKING_XML, r'<row r="2" ', '<row r="2" ht="0.1" customHeight="1" '),
        f"row 2 of sheet {STALKING!r} is hidden",
    ),
    "a column too narrow to read": (
        (STALKING_XML, r"<cols>.*?</cols>", '<cols><col min="1" max="1" width="60"/><col min="2" max="2" width="0.05"/></cols>'),
        f"column B of sheet {STALKING!r} is hidden",
    ),
    "rows too low by default": (
        (STALKING_XML, r"<sheetFormatPr [^>]*/>", '<sheetFormatPr defaultRowHeight="0.1" customHeight="1"/>'),
        f"sheet {STALKING!r} hides its rows or columns by default",
    ),
    "a column hidden, then set again": (
        (STALKING_XML, r"<cols>", '<cols><col min="1" max="3" width="60" hidden="1"/><col min="1" max="1" width="60"/>'),
        f"column A:C of sheet {STALKING!r} is hidden",
    ),
    "cells merged": (
        (READ_FIRST_XML, r"</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="B5:C5"/></mergeCells>'),
        "cells B5:C5 of sheet 'Lees dit eerst - Read first' are merged",
    ),
    "a conditional format": ((STALKING_XML, r"</sheetData>", CONDITIONAL), f"sheet {STALKING!r} formats cells by conditions"),
    "an extension": (
        (STALKING_XML, r"</worksheet>", EXTENSION + "</worksheet>"),
        f"sheet {STALKING!r} formats cells by conditions",
    ),
    "an inline text far below": (
        (OBSERVATIONS_XML, r"</sheetData>", f'<row r="5000">{INLINE_956}</row></sheetData>'),
        "cell AZ5000 of sheet 'observations' holds '956', past the 22 rows and 7 columns",
    ),
    "a column's note rewritten": (
        ("xl/comments1.xml", r"<t>Aantal / Count</t>", "<t>Aantal in duizenden / Count in thousands</t>"),
        "the note on cell E1 of sheet 'observations' says 'Aantal in duizenden / Count in thousands'; the package gives 'Aantal",
    ),
    "a column without a width": (
        (OBSERVATIONS_XML, r"<cols>", '<cols><col min="5" max="5" style="0"/>'),
        "column E of sheet 'observations' is hidden",
    ),
    "hidden spelt otherwise": (
        (STALKING_XML, r'<row r="2" ', '<row r="2" hidden="on" '),
        f"row 2 of sheet {STALKING!r} is hidden",
    ),
    "a note twice": (
        ("xl/comments1.xml", r"<commentList>", '<commentList><comment ref="E1" authorId="0"><text><t>Count</t></text></comment>'),
        "cell E1 of sheet 'observations' has more than one note",
    ),
    "threaded comments": (
        (OBSERVATIONS_RELS, r"</Relationships>", THREADED + "</Relationships>"),
        "sheet 'observations' refers to a part of the kind 'threadedComment'",
    ),
    "an input prompt": (
        (OBSERVATIONS_XML, r"</sheetData>", "</sheetData>" + PROMPT),
        "sheet 'observations' shows text on pointing at its cells",
    ),
    "no default row height": ((STALKING_XML, r"<sheetFormatPr [^>]*/>", ""), None),
    "a styled empty row below a table": (
        (OBSERVATIONS_XML, r"</sheetData>", '<row r="30"><c r="A30" s="1"/></row></sheetData>'),
        None,
    ),
    "unused columns hidden": ((OBSERVATIONS_XML, r"</cols>", '<col min="8" max="16384" hidden="1"/></cols>'), None),
    "the date format's separators escaped": ((STYLES_XML, r'formatCode="yyyy-mm-dd"', r'formatCode="yyyy\-mm\-dd"'), None),
    "a figure computed by a formula": (
        (OBSERVATIONS_XML, r'<c r="E2"><v>955</v>', '<c r="E2"><f>955+1</f><v>955</v>'),
        "cell E2 of sheet 'observations' holds the formula '=955+1': a spreadsheet that computes it may show another value "
        "than 955",
    ),
    "a formula shared from another cell": (
        (OBSERVATIONS_XML, r'<c r="E2"><v>955</v>', '<c r="E2"><f t="shared" si="0"/><v>955</v>'),
        "cell E2 of sheet 'observations' holds the formula '='",
    ),
    "a boolean's constant formula of the other value": (
        (OBSERVATIONS_XML, r'<c r="G2" t="b"><v>0</v>', '<c r="G2" t="b"><f>TRUE()</f><v>0</v>'),
        "cell G2 of sheet 'observations' holds the formula '=TRUE()': a spreadsheet that computes it may show another value "
        "than False",
    ),
    "a boolean's constant as an array over other cells": (
        (OBSERVATIONS_XML, r'<c r="G2" t="b"><v>0</v>', '<c r="G2" t="b"><f t="array" ref="E2:G2">FALSE()</f><v>0</v>'),
        "cell G2 of sheet 'observations' holds the formula '=FALSE()'",
    ),
    "two formulas in a cell": (
        (OBSERVATIONS_XML, r'<c r="G2" t="b"><v>0</v>', '<c r="G2" t="b"><f>FALSE()</f><f>TRUE()</f><v>0</v>'),
        "the workbook's part xl/worksheets/sheet3.xml holds a second 'f' within 'c'",
    ),
    "a formula holding an element": (
        (OBSERVATIONS_XML, r'<c r="G2" t="b"><v>0</v>', '<c r="G2" t="b"><f>FALSE()<x/>NOW()&gt;0</f><v>0</v>'),
        "the workbook's part xl/worksheets/sheet3.xml holds an element 'x' within 'f'",
    ),
    "a constant's name split": (
        (OBSERVATIONS_XML, r'<c r="G2" t="b"><v>0</v>', '<c r="G2" t="b"><f>FAL SE()</f><v>0</v>'),
        "cell G2 of sheet 'observations' holds the formula '=FAL SE()'",
    ),
    "a value holding an element": (
        (OBSERVATIONS_XML, r'<c r="E2"><v>955</v>', '<c r="E2"><v>955<x/>6</v>'),
        "the workbook's part xl/worksheets/sheet3.xml holds an element 'x' within 'v'",
    ),
    "a second value in a cell": (
        (OBSERVATIONS_XML, r'<c r="E2"><v>955</v>', '<c r="E2"><v>955</v><v>956</v>'),
        "the workbook's part xl/worksheets/sheet3.xml holds a second 'v' within 'c'",
    ),
    "a formula of the strict namespace": (
        (OBSERVATIONS_XML, r'<c r="E2"><v>955</v>', f'<c r="E2"><f xmlns="{STRICT}">IF(NOW()&gt;0,956,0)</f><v>955</v>'),
        f"the workbook's part xl/worksheets/sheet3.xml holds the element 'f' of the namespace '{STRICT}'",
    ),
    "a drawing named by a relationship of another type": (
        (
            (OBSERVATIONS_RELS, r"</Relationships>", DRAWING.replace("relationships/drawing", "relationships/printerSettings")),
            (OBSERVATIONS_XML, r"<legacyDrawing", '<drawing r:id="rId9"/><legacyDrawing'),
            ("xl/drawings/drawing9.xml", None, DRAWN.format(TEXT_BOX)),
        ),
        "sheet 'observations' refers to a part by its element 'drawing'",
    ),
    "relationships openpyxl does not read": (
        (
            OBSERVATIONS_RELS,
            r"</Relationships>",
            THREADED.replace("<Relationship ", '<Relationship foo="bar" ') + "</Relationships>",
        ),
        "sheet 'observations' refers to a part of the kind 'threadedComment'",
    ),
    "a shared text of the strict namespace": (
        ("xl/sharedStrings.xml", r"<si>", f'<s:si xmlns:s="{STRICT}"><s:t>956</s:t></s:si><si>'),
        f"the workbook's part xl/sharedStrings.xml holds the element 'si' of the namespace '{STRICT}'",
    ),
    "a shared text of two texts": (
        ("xl/sharedStrings.xml", r"<si><t>Nederlands</t>", "<si><t>956</t><t>Nederlands</t>"),
        "the workbook's part xl/sharedStrings.xml holds a second 't' within 'si'",
    ),
    "a shared text of a text beside runs": (
        ("xl/sharedStrings.xml", r"<si><t>Nederlands</t>", "<si><t>Nederlands</t><r><t>956</t></r>"),
        "the workbook's part xl/sharedStrings.xml holds a text of 'r' beside 't'",
    ),
    "a shared text in runs, with its phonetic guide": (
        (
            "xl/sharedStrings.xml",
            r"<si><t>Nederlands</t>",
            '<si><r><t>Neder</t></r><r><t>lands</t></r><rPh sb="0" eb="1"><t>x</t></rPh>',
        ),
        None,
    ),
    "a number format of the strict namespace": (
        (STYLES_XML, r'<numFmts count="1">', f'<numFmts count="1"><numFmt xmlns="{STRICT}" numFmtId="164" formatCode="956"/>'),
        f"the workbook's part xl/styles.xml holds the element 'numFmt' of the namespace '{STRICT}'",
    ),
    "the first date 1904 to one reader": (
        (
            ("xl/workbook.xml", r"<workbookPr ", '<workbookPr date1904="False" '),  # openpyxl: 1904; LibreOffice: 1900
            ("xl/worksheets/sheet7.xml", r'<c r="E2" s="3"><v>44551</v>', '<c r="E2" s="3"><v>43089</v>'),
        ),
        "the workbook's part xl/workbook.xml holds an element 'workbookPr' whose 'date1904' is 'False'",
    ),
    "a row twice": (
        (OBSERVATIONS_XML, r"</sheetData>", '<row r="2"><c r="E2"><v>999</v></c></row></sheetData>'),
        "the workbook's part xl/worksheets/sheet3.xml holds row 2 after row 22",
    ),
    "a cell in the row of another": (
        (OBSERVATIONS_XML, r'<c r="A3"', '<c r="E2"><v>999</v></c><c r="A3"'),
        "the workbook's part xl/worksheets/sheet3.xml holds cell E2 in row 3",
    ),
    "a figure of digits Python alone reads": (
        (OBSERVATIONS_XML, r'<c r="E2"><v>955</v>', '<c r="E2"><v>9_55</v>'),
        "the workbook's part xl/worksheets/sheet3.xml holds a cell of the type 'n' whose value is '9_55'",
    ),
    "a shared text's index of digits Python alone reads": (
        (OBSERVATIONS_XML, r'<c r="A2" t="s"><v>\d+</v>', f'<c r="A2" t="s"><v>{A2[:-1]}_{A2[-1]}</v>'),
        f"the workbook's part xl/worksheets/sheet3.xml holds a cell of the type 's' whose value is '{A2[:-1]}_{A2[-1]}'",
    ),
    "an error cell": (
        (OBSERVATIONS_XML, r'<c r="A2" t="s"><v>\d+</v>', '<c r="A2" t="e"><v>vp-sv-186-beke-2021-12-21</v>'),
        "the workbook's part xl/worksheets/sheet3.xml holds an element 'c' whose 't' is 'e'",
    ),
    "an escape openpyxl drops": (
        ("xl/sharedStrings.xml", r"<t>Gedragsproblemen - agressie</t>", "<t>Gedragsproblemen x005F_- agressie</t>"),
        "the workbook's part xl/sharedStrings.xml holds a text with an escape, 'x005F_'",
    ),
    "a column's own number format": (
        (OBSERVATIONS_XML, r'<col min="5" max="5" ', '<col min="5" max="5" style="3" '),
        "the workbook's part xl/worksheets/sheet3.xml holds a column of the cell format 3, not one of General",
    ),
    "a row's own number format": (
        (OBSERVATIONS_XML, r'<row r="2" ', '<row r="2" s="3" customFormat="1" '),
        "the workbook's part xl/worksheets/sheet3.xml holds an element 'row' whose 's' is '3'",
    ),
    "a cell format of a built-in number format openpyxl does not know": (
        (
            STYLES_XML,
            r'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
            '<xf numFmtId="27" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        ),
        "the workbook's part xl/styles.xml holds a cell format of the number format '27'",
    ),
    "rows folded in an outline": (
        (OBSERVATIONS_XML, r'<row r="2" ', '<row r="2" outlineLevel="1" '),
        "the workbook's part xl/worksheets/sheet3.xml holds an element 'row' whose 'outlineLevel' is '1'",
    ),
    "a row's height of digits Python alone reads": (
        (STALKING_XML, r'<row r="2" ', '<row r="2" ht="1_00" customHeight="1" '),
        f"row 2 of sheet {STALKING!r} is hidden",
    ),
    "a shared text within an extension": (
        ("xl/sharedStrings.xml", r"<si><t>Nederlands</t></si>", "<extLst><si><t>Nederlands</t></si></extLst>"),
        "the workbook's part xl/sharedStrings.xml holds 'si' within an extension",
    ),
    "a shared text within an element of no meaning": (
        ("xl/sharedStrings.xml", r"<si><t>Nederlands</t></si>", "<foo><si><t>Nederlands</t></si></foo>"),
        "the workbook's part xl/sharedStrings.xml holds an element 'si' within 'foo'",
    ),
    "a number format within an element of no meaning": (
        (STYLES_XML, r'<numFmts count="1">', '<numFmts count="1"><foo><numFmt numFmtId="30" formatCode="0"/></foo>'),
        "the workbook's part xl/styles.xml holds an element 'foo' within 'numFmts'",
    ),
    "a cell style of another number format than its cell formats": (
        (STYLES_XML, r'<cellStyleXfs count="1"><xf numFmtId="0"', '<cellStyleXfs count="1"><xf numFmtId="164"'),
        "the workbook's part xl/styles.xml holds a cell format of General whose cell style 0 has another number format",
    ),
    "a second list of sheets": (
        ("xl/workbook.xml", r"<sheets>", '<sheets><sheet name="observations (2)" sheetId="9" r:id="rId3"/></sheets><sheets>'),
        "the workbook's part xl/workbook.xml holds a second 'sheets' within 'workbook'",
    ),
    "a row outside the sheet's data": (
        (
            OBSERVATIONS_XML,
            r"<pageMargins [^>]*/>",
            '<pageMargins left="0.7"><row r="30"><c r="A30"><v>956</v></c></row></pageMargins>',
        ),
        "the workbook's part xl/worksheets/sheet3.xml holds an element 'row' within 'pageMargins'",
    ),
    "a relationship given twice": (
        (OBSERVATIONS_RELS, r"</Relationships>", DRAWING.replace("rId9", "rId1")),
        "xl/worksheets/_rels/sheet3.xml.rels gives the relationship 'rId1' twice",
    ),
    "an encoding a spreadsheet does not read": (
        (OBSERVATIONS_XML, r'encoding="UTF-8"', 'encoding="latin"'),
        "the workbook's part xl/worksheets/sheet3.xml declares the encoding 'latin'",
    ),
    "shared texts found by relationship elsewhere": (
        (
            ("xl/_rels/workbook.xml.rels", r'Target="sharedStrings.xml"', 'Target="sharedStrings2.xml"'),
            ("xl/sharedStrings2.xml", None, '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'),
        ),
        "the workbook's part xl/_rels/workbook.xml.rels gives as the workbook's shared texts ['xl/sharedStrings2.xml'], where",
    ),
    "styles found by relationship elsewhere": (
        ("xl/_rels/workbook.xml.rels", r'Target="styles.xml"', 'Target="styles2.xml"'),
        "the workbook's part xl/_rels/workbook.xml.rels gives as the workbook's styles ['xl/styles2.xml'], where openpyxl",
    ),
    "a default cell style of a date format": (
        (
            (STYLES_XML, r"</cellStyleXfs>", '<xf numFmtId="164" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'),
            (
                STYLES_XML,
                r'<cellStyle name="Normal" xfId="0" builtinId="0"/>',
                '<cellStyle name="Normal" xfId="1" builtinId="0"/>',
            ),
        ),
        "the workbook's part xl/styles.xml holds a default cell style (1) of another number format",
    ),
    "a boolean as LibreOffice saves it": (
        (OBSERVATIONS_XML, r'<c r="G2" t="b"><v>0</v>', '<c r="G2" t="b"><f aca="false">FALSE()</f><v>0</v>'),
        None,
    ),
    "a drawing of nothing, as LibreOffice saves one": (
        ((OBSERVATIONS_RELS, r"</Relationships>", DRAWING), ("xl/drawings/drawing9.xml", None, DRAWN.format(""))),
        None,
    ),
    "a text box drawn over the sheet": (
        ((OBSERVATIONS_RELS, r"</Relationships>", DRAWING), ("xl/drawings/drawing9.xml", None, DRAWN.format(TEXT_BOX))),
        "sheet 'observations' refers to a part of the kind 'drawing'",
    ),
}


@pytest.mark.parametrize("case", SEEN_OR_NOT)
def test_what_a_workbook_hides_or_shows_otherwise_is_reported_and_a_tidy_one_passes(tmp_path, case):
    """A reader of the workbook sees what its cells hold: a row or column too low or narrow to read,
    merged cells, a conditional format or an extension that may carry one, a value far past the
    cells are reported; a workbook a spreadsheet tidied or saved again, showing the same, passes."""
    import zipfile

    edits, said = SEEN_OR_NOT[case]
    version = json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8"))["version"]

    def edited(folder):
        path = folder / "stalking-flanders.xlsx"
        with zipfile.ZipFile(path) as book:
            parts = {info.filename: book.read(info).decode("utf-8") for info in book.infolist()}
        parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(version, "9.0.0")  # a copy of 9.0.0 throughout
        for part, pattern, replacement in edits if isinstance(edits[0], tuple) else (edits,):
            if pattern is None:
                parts[part] = replacement
                continue
            parts[part], made = re.subn(pattern, lambda m, r=replacement: r, parts[part], count=1, flags=re.DOTALL)
            assert made == 1, (part, pattern)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
            for name, text in parts.items():
                book.writestr(name, text)
        edit_descriptor(folder, lambda d: d.update(version="9.0.0"))

    problems = workbook_problems(damaged_copy(BUNDLED, tmp_path / "copy", edited))
    if said is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0][0] == "format-differs" and problems[0][1].startswith(said), problems


def workbook_problems(folder) -> list[tuple[str, str]]:
    """What `validate` says of the workbook of the release copy ``folder``: its check of the other
    formats against the CSV tables, the workbook's alone (the rest of `validate`, the same for a
    changed workbook, is left out: it takes four fifths of the time, and the tests of the
    workbook's sheets run it whole)."""
    from stalking_flanders.datapackage import DataPackage, descriptor_file
    from stalking_flanders.formats import BY_NAME
    from stalking_flanders.validation import _other_formats

    package = DataPackage(descriptor_file(folder))
    tables = {name: csv.read(package.path(package.resource(name)), package.schema(name)) for name in package.tables()}
    return [(p.code, p.message) for p in _other_formats(package, tables, [BY_NAME["xlsx"]])]


def published_releases() -> list[str]:
    """The oldest and the newest release this package records that have a SHA256SUMS (1.0.x have
    none), and the latest one, whose commit the next release records: the versions whose files git
    holds as their users got them."""
    from stalking_flanders.releases import history

    held = [r.version for r in history().values() if r.sums_sha256]
    return sorted(dict.fromkeys(held[:1] + held[-2:]), key=lambda v: tuple(map(int, v.split(".")))) if held else []


@pytest.mark.system  # runs git on this repository
@pytest.mark.parametrize("version", published_releases())
def test_a_published_release_as_git_holds_it_is_valid(tmp_path, version):
    """A release is valid as its users got it, whatever changed since on main: it is held to its
    own SHA256SUMS and descriptor, not to today's wording (its workbook's first sheet, its charts).
    So is the latest, where the code installed from git builds that version otherwise."""

    assert validate_package(release_as_git_holds_it(version, tmp_path)) == []


def test_the_workbook_s_own_title_is_dutch_then_english():
    """The title a spreadsheet shows in the file's properties, as the package is titled."""
    import openpyxl

    book = openpyxl.load_workbook(BUNDLED / "stalking-flanders.xlsx", read_only=True)
    descriptor = json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8"))
    assert book.properties.title == f"{descriptor['translations']['nl']['title']} / {descriptor['title']}"
    book.close()


def test_a_workbook_part_named_with_a_backslash_is_refused():
    """A spreadsheet opens no workbook with such a name among its parts: refused before openpyxl opens it."""
    import io
    import zipfile

    from stalking_flanders.formats.workbook_limits import within_a_spreadsheets_limits

    data = io.BytesIO((BUNDLED / "stalking-flanders.xlsx").read_bytes())
    with zipfile.ZipFile(data, "a") as book:
        book.writestr("docProps\\extra.xml", "<a/>")
    with zipfile.ZipFile(data) as book, pytest.raises(ValueError, match="backslash"):
        within_a_spreadsheets_limits(book)


def test_a_root_descriptor_whose_source_lies_beside_it_is_not_the_published_one(tmp_path):
    # The repository's root descriptor names every file data/release/...: a source written without
    # that folder leads to a file beside the descriptor that no check reads. It once compared
    # equal to the published path (the folder was taken off where it stood, and this path was left).
    from stalking_flanders import loader
    from stalking_flanders.datapackage import IntegrityError
    from stalking_flanders.rooting import rooted

    root = tmp_path / "repository"
    shutil.copytree(BUNDLED, root / "data" / "release")
    descriptor = rooted(json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8")), "data/release")
    assert validate_package(_written(root, descriptor)) == []
    moved = descriptor["sources"][0]["path"].removeprefix("data/release/")
    descriptor["sources"][0]["path"] = moved
    (root / moved).parent.mkdir(parents=True)
    (root / moved).write_text("A forged answer.\n", encoding="utf-8")
    problems = validate_package(_written(root, descriptor))
    assert [(p.code, p.column) for p in problems] == [("file-missing", "sources[0].path")]
    with pytest.raises(IntegrityError, match=r"sources\[0\]\.path"):
        loader.load("observations", release=str(root))


def _written(folder, descriptor):
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "path", ["answer.txt", "../sources/vp-sv-186-beke-2021-12-21.txt", "https://example.org/answer", "series.csv"]
)
def test_a_source_whose_path_names_no_file_of_the_package_is_refused(tmp_path, path):
    # In a version the package does not know (no published descriptor to compare with), a source
    # must still lead to the package's own archived answer, which the checks read.
    folder = damaged_copy(BUNDLED, tmp_path / "copy")
    (folder / "answer.txt").write_text("A forged answer.\n", encoding="utf-8")
    edit_descriptor(folder, lambda d: (d["sources"][0].update(path=path), d.update(version="9.9.9")))
    problems = [p for p in validate_package(folder) if p.column == "sources[0].path"]
    assert [(p.code, p.found) for p in problems] == [("file-missing", path)]
    edit_descriptor(folder, lambda d: d["sources"][0].update(path="sources/vp-sv-186-beke-2021-12-21.txt"))
    assert not [p for p in validate_package(folder) if p.column == "sources[0].path"]


@pytest.mark.parametrize("version, lacking", [("2.0.99", True), ("2.1.0", False), ("9.9.9", False)])
def test_a_field_added_later_may_be_missing_only_from_an_earlier_version(tmp_path, version, lacking):
    # unit_nl and unit_en came with 2.1.0: a release before it (2.0.0, 2.0.20, as git holds them)
    # lacks them and is whole; a package of that version or a later one must have them.
    import csv as csv_module
    import io

    from helpers import rehash

    units = ("unit_nl", "unit_en")

    def without_units(folder):  # the two columns dropped by name, wherever they stand (fields added later follow them)
        path = folder / "series.csv"
        rows = list(csv_module.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        kept = [i for i, name in enumerate(rows[0]) if name not in units]
        assert len(kept) == len(rows[0]) - 2
        out = io.StringIO()
        csv_module.writer(out, lineterminator="\n").writerows([row[i] for i in kept] for row in rows)
        path.write_text(out.getvalue(), encoding="utf-8")
        (folder / "series.parquet").unlink()

        def edit(d):
            d["version"] = version
            d["resources"] = [r for r in d["resources"] if r["name"] != "series-parquet"]
            series = next(r for r in d["resources"] if r["name"] == "series")
            series["schema"]["fields"] = [f for f in series["schema"]["fields"] if f["name"] not in units]

        edit_descriptor(folder, edit)
        rehash(folder)

    folder = damaged_copy(BUNDLED, tmp_path / "copy", without_units)
    said = {p.column for p in validate_package(folder) if p.code == "descriptor-shape"}
    assert ("series.unit_nl" in said) is not lacking, said


def test_quotations_off_their_lines_are_listed_to_a_thousand_and_the_rest_counted():
    # 60,000 rows of sub-questions quoting off their lines made 120,000 problems, each an object.
    from stalking_flanders.checks import quotations_on_their_lines
    from stalking_flanders.problems import counted
    from stalking_flanders.text import ArchivedText

    rows = [{"source_question": "q", "measure_nl": "elders", "measure_lines": "1"}] * 1500
    tables = {"series": pd.DataFrame(rows), "subquestions": pd.DataFrame(columns=["source_question"])}
    files = {"series": "series.csv", "subquestions": "subquestions.csv"}
    problems = quotations_on_their_lines(tables, {"q": ArchivedText("een regel")}, files)
    assert len(problems) == 1001 and counted(problems) == 1500


def test_a_foreign_key_over_a_missing_value_is_compared_as_missing():
    # (missing, 7) and (9, 1955983569069589701) have one hash: the set of a key's values compared
    # pandas' missing value with 9 ("boolean value of NA is ambiguous": an internal error).
    from stalking_flanders.checks import foreign_keys

    raw = {
        "fields": [{"name": "x", "type": "integer"}, {"name": "y", "type": "integer"}],
        "foreignKeys": [{"fields": ["x", "y"], "reference": {"resource": "", "fields": ["x", "y"]}}],
    }
    schema = Schema.parse(raw, "t")
    table = pd.DataFrame({"x": pd.array([None, 9], dtype="Int64"), "y": pd.array([7, 1955983569069589701], dtype="Int64")})
    assert hash((pd.NA, 7)) == hash((9, 1955983569069589701))  # the case this test stands for
    assert foreign_keys({"t": table}, {"t": schema}, {"t": "t.csv"}) == []
    other = pd.DataFrame({"x": pd.array([None], dtype="Int64"), "y": pd.array([8], dtype="Int64")})
    refused = foreign_keys(
        {"t": table, "u": other},
        {
            "t": schema,
            "u": Schema.parse(
                {**raw, "foreignKeys": [{"fields": ["x", "y"], "reference": {"resource": "t", "fields": ["x", "y"]}}]}, "u"
            ),
        },
        {"t": "t.csv", "u": "u.csv"},
    )
    assert [(p.code, p.line, p.found) for p in refused] == [("foreign-key", 2, (None, 8))]


def test_the_checks_of_the_answer_list_a_thousand_of_each_kind_and_count_the_rest(tmp_path):
    # 1,100 categories of no figure, none on its line, all of one English label, and 1,100 series
    # whose header line is past the text: each kind was listed whole (95,000 categories made
    # 380,004 problems, 357 MB).
    from stalking_flanders.problems import MAX_PROBLEMS_KEPT, counted

    def many(folder):
        with (folder / "categories.csv").open("a", encoding="utf-8") as file:
            file.writelines(f"caw-perpetrators-belaging,c{i},one label,94\n" for i in range(1100))

    def headed_nowhere(folder):
        import csv as stdlib_csv

        path = folder / "series.csv"
        rows = list(stdlib_csv.DictReader(path.open(encoding="utf-8", newline="")))
        rows += [{**rows[-1], "series": f"s{i}", "header_line": "99999"} for i in range(1100)]
        with path.open("w", encoding="utf-8", newline="") as file:
            writer = stdlib_csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    problems = validate_package(damaged_copy(BUNDLED, tmp_path / "many", many, rehashed=True))
    problems += validate_package(damaged_copy(BUNDLED, tmp_path / "headers", headed_nowhere, rehashed=True))
    kinds = {"figure-missing": 3300, "label-not-on-lines": 1100, "value-constraint": 1099, "source-line": 1100}
    for code, found in kinds.items():
        of_it = [p for p in problems if p.code == code]
        assert len(of_it) == MAX_PROBLEMS_KEPT + 1 and counted(of_it) == found, code


def test_a_note_holding_a_line_separator_is_compared_in_the_workbook_as_one_caveat(tmp_path):
    # U+2028 split one caveat in two when the caveats were split into lines: the workbook's first
    # sheet could not be compared, and was said to hold what "the descriptor lacks (ValueError: zip()
    # argument 2 is shorter than argument 1)".
    def separated(folder):
        path = folder / "series.csv"
        text = path.read_text(encoding="utf-8")
        note = pd.read_csv(path)["note_nl"][0]
        path.write_text(text.replace(note, note + "\u2028Nog een regel.", 1), encoding="utf-8")

    problems = validate_package(damaged_copy(BUNDLED, tmp_path / "separated", separated, rehashed=True))
    assert "format-differs" in {p.code for p in problems}
    assert not [p for p in problems if "Error" in p.message], problems


def test_a_long_label_is_cut_in_each_problem_that_names_it():
    # A category of 60,000 characters above a thousand figures of other categories: each problem held
    # the label whole, 404 MiB for a package of 340 KB.
    from stalking_flanders.checks import _coverage, _under_their_labels
    from stalking_flanders.problems import MAX_VALUE_CHARS

    label = "\U0001d49c" * 60_000
    categories = pd.DataFrame({"series": ["s", "s"], "category": [label, "b"], "source_lines": ["1", "5"]})
    observations = pd.DataFrame({"series": ["s"] * 3, "category": ["b"] * 3, "year": [2019] * 3, "source_line": [1, 2, 3]})
    tables, files = {"categories": categories, "observations": observations}, {"observations": "o.csv", "categories": "c.csv"}
    problems = _under_their_labels(tables, files)
    problems += _coverage(tables, {}, {"s": [2019, 2020]}, {}, files)  # the long label's figures missing
    assert len(problems) == 3 + 3 and all(len(p.expected) < 2 * MAX_VALUE_CHARS for p in problems)
