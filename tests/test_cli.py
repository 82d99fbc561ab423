"""The command line, run for real as the installed console script: each subcommand, its help, its
exit codes, and `validate` on every kind of bad package."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from helpers import rehash, run
from stalking_flanders.datapackage import BUNDLED

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py

COMMANDS = ["tables", "show", "info", "validate"]


def cli(*args, cwd=None):
    return run(["stalking-flanders", *args], cwd or BUNDLED, check=False)


def test_help_on_every_subcommand():
    assert cli("--help").returncode == 0
    for command in COMMANDS:
        result = cli(command, "--help")
        assert result.returncode == 0 and f"stalking-flanders {command}" in result.stdout


def test_python_dash_m_works_the_same():
    assert run(["python", "-m", "stalking_flanders", "tables"], BUNDLED).stdout == cli("tables").stdout


def test_tables_lists_names_and_titles():
    lines = cli("tables").stdout.splitlines()
    assert lines[0].startswith("observations\t") and len(lines) == 5


def test_show_prints_csv_and_json_in_both_languages():
    rows = list(csv.DictReader(io.StringIO(cli("show", "observations").stdout)))
    assert len(rows) == 21 and rows[0]["category"] == "Gedragsproblemen - agressie" and rows[0]["count"] == "955"
    records = json.loads(cli("show", "observations", "--lang", "en", "--format", "json").stdout)
    assert records[0]["category"] == "Behavioural problems - aggression" and records[0]["count"] == 955
    assert json.loads(cli("show", "source_questions", "--format", "json").stdout)[0]["date"].startswith("2021-12-21")


def test_usage_errors_exit_2_on_stderr():
    result = cli("show", "nope")
    assert result.returncode == 2 and result.stdout == "" and "the tables are: observations" in result.stderr
    assert cli("show", "observations", "--format", "xml").returncode == 2
    assert cli("frobnicate").returncode == 2


def test_info_gives_version_source_caveats_licence_citation(defs):
    out = cli("info").stdout
    for needle in [f"version: {defs.version}", "nr. 186", "NOT stalking-specific", "belaging", "CC-BY-4.0", "How to cite"]:
        assert needle in out


def test_validate_the_bundled_release():
    result = cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid")


# --- validate on bad packages -------------------------------------------------------------------


def copy_of_release(tmp_path):
    folder = tmp_path / "package"
    shutil.copytree(BUNDLED, folder)
    return folder


def edit_csv(folder, name, old, new):
    path = folder / f"{name}.csv"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def invalid(folder) -> str:
    result = cli("validate", str(folder / "datapackage.json"))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    return result.stderr


def test_validate_a_copy_given_as_a_folder_or_descriptor(tmp_path):
    folder = copy_of_release(tmp_path)
    assert cli("validate", str(folder)).returncode == 0
    assert cli("validate", str(folder / "datapackage.json")).returncode == 0


def test_validate_a_tampered_file(tmp_path):
    folder = copy_of_release(tmp_path)
    edit_csv(folder, "categories", "Behavioural problems - aggression", "Behavioural problems - agression")
    message = invalid(folder)
    assert "categories.csv: the file's sha256 differs from the descriptor" in message


def test_validate_a_changed_figure_behind_recomputed_hashes(tmp_path):
    folder = copy_of_release(tmp_path)
    edit_csv(folder, "observations", ",2019,846,82", ",2019,864,82")
    rehash(folder)
    message = invalid(folder)
    assert "observations.csv, line 3, column 'count': the count differs from the answer (line 82" in message
    assert "found 864, expected 846" in message
    assert "observations.parquet" in message and "found 846, expected 864" in message


def test_validate_a_changed_archived_answer_behind_recomputed_hashes(tmp_path):
    folder = copy_of_release(tmp_path)
    text = next((folder / "sources").iterdir())
    text.write_text(text.read_text().replace(" 846 ", " 864 "))
    edit_csv(folder, "observations", ",2019,846,82", ",2019,864,82")
    rehash(folder)
    assert "the archived answer is not the registered one" in invalid(folder)


def test_validate_a_negative_count(tmp_path):
    folder = copy_of_release(tmp_path)
    edit_csv(folder, "observations", ",2018,29,85", ",2018,-29,85")
    rehash(folder)
    message = invalid(folder)
    assert "line 11, column 'count'" in message and "-29" in message


def test_validate_a_duplicate_row(tmp_path):
    folder = copy_of_release(tmp_path)
    path = folder / "observations.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]))
    rehash(folder)
    message = invalid(folder)
    assert "line 23, column 'source_question,series,category,year': the primary key is not unique" in message


def test_validate_an_unknown_category(tmp_path):
    folder = copy_of_release(tmp_path)
    edit_csv(folder, "observations", "Gedragsproblemen - agressie,2019", "Gedragsproblemen - onbekend,2019")
    rehash(folder)
    message = invalid(folder)
    assert "line 3, column 'series,category': refers to no row of categories" in message
    assert "foreign-key" in message


def test_validate_a_non_integer_count(tmp_path):
    folder = copy_of_release(tmp_path)
    edit_csv(folder, "observations", ",2020,31,85", ",2020,31.5,85")
    rehash(folder)
    message = invalid(folder)
    assert "line 13, column 'count': not a value of type integer: found '31.5', expected a whole number" in message


def test_validate_a_missing_column(tmp_path):
    folder = copy_of_release(tmp_path)
    path = folder / "observations.csv"
    path.write_text("".join(",".join(line.split(",")[:-1]) + "\n" for line in path.read_text().splitlines()))
    rehash(folder)
    assert "line 1, column 'source_line': a column is missing" in invalid(folder)


def test_validate_a_missing_file(tmp_path):
    folder = copy_of_release(tmp_path)
    (folder / "series.csv").unlink()
    assert "series.csv: the file is missing" in invalid(folder)


def test_validate_a_descriptor_that_is_not_json(tmp_path):
    folder = copy_of_release(tmp_path)
    (folder / "datapackage.json").write_text('{"name": "stalking-flanders",\n  "resources": [\n')
    message = invalid(folder)
    assert "datapackage.json, line 3" in message and "the descriptor is not JSON" in message


def test_validate_a_path_that_does_not_exist(tmp_path):
    assert "there is no such file" in invalid(tmp_path / "nowhere")


def test_validate_a_changed_workbook_cell_behind_recomputed_hashes(tmp_path):
    import openpyxl

    folder = copy_of_release(tmp_path)
    book = openpyxl.load_workbook(folder / "stalking-flanders.xlsx")
    book["observations"]["E2"] = 956  # the first figure, 955 in the answer
    book.save(folder / "stalking-flanders.xlsx")
    rehash(folder)
    message = invalid(folder)
    assert "stalking-flanders.xlsx, column 'count': row 1 differs from line 2 of observations.csv" in message
    assert "found 956, expected 955 [xlsx-differs]" in message


def test_version_and_show_as_a_table():
    assert cli("--version").stdout.startswith("stalking-flanders ")
    table = cli("show", "observations", "--format", "table").stdout.splitlines()
    assert table[0].split() == ["source_question", "series", "category", "year", "count", "source_line"]
    assert cli("show", "observations").stdout.startswith("source_question,series,")  # piped: CSV
