"""The command line, run for real as the installed console script: each subcommand, its help, its
exit codes, and `validate` on every kind of bad package."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

import pytest

import stalking_flanders
from helpers import DCAT_ARGS, cli, damaged_copy, edit_file, rehash, run
from stalking_flanders import cli as cli_module
from stalking_flanders.caveats import caveat_words
from stalking_flanders.datapackage import BUNDLED
from stalking_flanders.texts import topic

COMMANDS = ["tables", "show", "info", "validate"]


@pytest.mark.system
def test_the_installed_command_runs():
    """The one test of the entry point itself; every other test calls the command line in-process."""
    result = run(["stalking-flanders", "tables"], BUNDLED, check=False)
    assert result.returncode == 0 and "observations" in result.stdout


def test_help_on_every_subcommand():
    assert cli("--help").returncode == 0
    for command in COMMANDS:
        result = cli(command, "--help")
        assert result.returncode == 0 and f"stalking-flanders {command}" in result.stdout


def test_what_the_package_is_reads_alike_in_its_help_its_docstring_and_its_index_entry():
    """One summary, Dutch first, that says the figures come from the question on stalking (not
    that they all count stalking: the CGG figures do not)."""
    import tomllib

    from helpers import ROOT

    summary = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["description"]
    assert summary.startswith("Cijfers uit het antwoord") and "Figures on stalking" not in summary
    assert cli_module.SUMMARY == summary == " ".join(stalking_flanders.__doc__.split("\n\n")[0].split())
    assert " ".join(cli("--help").stdout.split()).count(summary) == 1


def test_python_dash_m_works_the_same():
    assert run(["python", "-m", "stalking_flanders", "tables"], BUNDLED).stdout == cli("tables").stdout


def test_tables_lists_names_and_titles():
    lines = cli("tables").stdout.splitlines()
    assert lines[0].startswith("observations\t") and len(lines) == 5
    # Dutch first, English beside it
    titles = ["Waarnemingen: elk cijfer uit het antwoord", "Observations: every figure of the answer"]
    assert lines[0].split("\t") == ["observations", *titles]


def test_show_prints_csv_and_json_in_both_languages():
    rows = list(csv.DictReader(io.StringIO(cli("show", "observations").stdout)))
    assert len(rows) == 21 and rows[0]["category"] == "Gedragsproblemen - agressie" and rows[0]["count"] == "955"
    english = cli("show", "observations", "--lang", "en", "--format", "json")
    records = json.loads(english.stdout)
    assert records[0]["category"] == "Behavioural problems - aggression" and records[0]["count"] == 955
    assert records[0]["category_nl"] == "Gedragsproblemen - agressie"  # as published, beside our translation
    said = " ".join(english.stderr.split())
    assert said.index("een vertaling gemaakt voor dit pakket") < said.index("a translation made for this package")
    assert json.loads(cli("show", "source_questions", "--format", "json").stdout)[0]["date"].startswith("2021-12-21")


def test_usage_errors_exit_2_on_stderr():
    result = cli("show", "nope")
    assert result.returncode == 2 and result.stdout == "" and "the tables are: observations" in result.stderr
    assert cli("show", "observations", "--format", "xml").returncode == 2
    assert cli("frobnicate").returncode == 2


def test_info_gives_version_source_caveats_licence_citation_dutch_first(defs):
    out = cli("info").stdout
    for needle in [
        f"{topic('version')}: {defs.version}",
        "nr. 186",
        "NOT stalking-specific",
        "belaging",
        "CC-BY-4.0",
        "How to cite",
    ]:
        assert needle in out
    dutch, english = out.index("Lees dit eerst:"), out.index("Read this first:")
    assert out.index("Cijfers uit het antwoord") < out.index("Figures from the answer") and dutch < english
    assert "NIET specifiek voor stalking" in out[dutch:english] and "NOT stalking-specific" in out[english:]
    assert out.index("geen licentie") < out.index("states no licence")
    # the folder of the release's files, for a reader who wants to open them (the installed package's)
    folder = out.split("Bestanden van deze release / Files of this release: ", 1)[1].splitlines()[0]
    assert (Path(folder) / "datapackage.json").is_file() and Path(folder) == BUNDLED


def test_validate_the_bundled_release():
    result = cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid")


# --- validate on bad packages -------------------------------------------------------------------
# Each case damages a copy of the bundled release (and, where "rehashed", recomputes the
# descriptor's hashes to hide it); validate must exit 1 and report these (code, file, line, column).


def copy_of_release(tmp_path):
    return damaged_copy(BUNDLED, tmp_path / "package")


def invalid(folder) -> str:
    result = cli("validate", str(folder / "datapackage.json"))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    return result.stderr


def found(message: str) -> set[tuple]:
    """(code, file name, line, column) of every problem line validate printed."""
    out = set()
    for line in message.splitlines():
        m = re.match(
            r"- (?P<file>[^,:]+)(?:, line (?P<line>\d+))?(?:, column '(?P<column>[^']*)')?: .*\[(?P<code>[^\]]+)\]$", line
        )
        if m:
            out.add((m["code"], Path(m["file"]).name, int(m["line"]) if m["line"] else None, m["column"]))
    return out


def drop_last_column(folder):
    path = folder / "observations.csv"
    path.write_text("".join(",".join(line.split(",")[:-1]) + "\n" for line in path.read_text().splitlines()))


def duplicate_first_row(folder):
    path = folder / "observations.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]))


def change_answer_and_figure(folder):
    text = next((folder / "sources").iterdir())
    text.write_text(text.read_text().replace(" 846 ", " 864 "))
    edit_file(folder / "observations.csv", ",2019,846,82", ",2019,864,82")


OBS, FL = "observations.csv", "frictionless/"
BAD = {
    "tampered file": (
        lambda f: edit_file(f / "categories.csv", "problems - aggression", "problems - agression"),
        False,
        {("file-hash", "categories.csv", None, None)},
    ),
    "changed figure": (
        lambda f: edit_file(f / OBS, ",2019,846,82", ",2019,864,82"),
        True,
        {
            ("figure-differs", OBS, 3, "count"),
            ("format-differs", "observations.parquet", None, "count"),
            ("format-differs", "stalking-flanders.xlsx", None, "count"),
        },
    ),
    "changed answer": (change_answer_and_figure, True, {("source-text-changed", "vp-sv-186-beke-2021-12-21.txt", None, None)}),
    "negative count": (
        lambda f: edit_file(f / OBS, ",2018,29,85", ",2018,-29,85"),
        True,
        {("value-constraint", OBS, 11, "count"), (FL + "constraint-error", OBS, 11, "count")},
    ),
    "duplicate row": (
        duplicate_first_row,
        True,
        {("primary-key", OBS, 23, "source_question,series,category,year"), (FL + "primary-key", OBS, 23, None)},
    ),
    "unknown category": (
        lambda f: edit_file(f / OBS, "- agressie,2019", "- onbekend,2019"),
        True,
        {("foreign-key", OBS, 3, "series,category")},  # Frictionless is not handed the foreign keys
    ),
    "non-integer count": (
        lambda f: edit_file(f / OBS, ",2020,31,85", ",2020,31.5,85"),
        True,
        {("value-type", OBS, 13, "count"), (FL + "type-error", OBS, 13, "count")},
    ),
    "missing column": (drop_last_column, True, {("column-missing", OBS, 1, "source_line")}),
    "missing file": (lambda f: (f / "series.csv").unlink(), False, {("file-missing", "series.csv", None, None)}),
    "not JSON": (
        lambda f: (f / "datapackage.json").write_text('{"name": "x",\n  "resources": [\n'),
        False,
        {("descriptor-json", "datapackage.json", 3, "character 1")},
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_validate_a_bad_package(case, tmp_path):
    edit, rehashed, expected = BAD[case]
    folder = damaged_copy(BUNDLED, tmp_path / "package", edit, rehashed=rehashed)
    reported = found(invalid(folder))
    assert expected <= reported, reported


@pytest.mark.parametrize("command", [["show", "observations"], ["info"], ["tables"], ["validate"]])
def test_a_bundled_release_that_is_missing_is_invalid_not_a_usage_error(command, tmp_path, monkeypatch):
    # The user named nothing: a damaged install (or a checkout never built) is reported as such, exit 1.
    import stalking_flanders.datapackage as datapackage

    monkeypatch.setattr(datapackage, "BUNDLED", tmp_path / "data")  # no release there
    result = cli(*command, cwd=tmp_path)
    assert result.returncode == 1 and "the release bundled with this package is missing" in result.stderr, result.stderr
    with pytest.raises(stalking_flanders.ReleaseMissing):  # and from the Python API, its own error
        stalking_flanders.load("observations")


def test_validate_a_path_that_does_not_exist_is_a_usage_error(tmp_path):
    result = cli("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "no such file" in result.stderr


def test_validate_a_changed_workbook_cell_behind_recomputed_hashes(tmp_path):
    import openpyxl

    folder = copy_of_release(tmp_path)
    book = openpyxl.load_workbook(folder / "stalking-flanders.xlsx")
    book["observations"]["E2"] = 956  # the first figure, 955 in the answer
    book.save(folder / "stalking-flanders.xlsx")
    rehash(folder)
    message = invalid(folder)
    assert "stalking-flanders.xlsx, column 'count': row 1 differs from line 2 of observations.csv" in message
    assert "found 956, expected 955 [format-differs]" in message


def _extra_workbook_rows(folder):
    import openpyxl

    book = openpyxl.load_workbook(folder / "stalking-flanders.xlsx")
    sheet = book["observations"]
    for _ in range(3):
        sheet.append([cell.value for cell in sheet[2]])
    book.save(folder / "stalking-flanders.xlsx")


def _extra_parquet_rows(folder):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / "observations.parquet"
    table = pq.read_table(path)
    pq.write_table(pa.concat_tables([table, table.slice(0, 3)]).replace_schema_metadata(None), path, write_statistics=False)


@pytest.mark.parametrize("extra", [_extra_workbook_rows, _extra_parquet_rows], ids=["xlsx", "parquet"])
def test_rows_past_the_csv_files_are_reported_and_not_read(extra, tmp_path):
    folder = copy_of_release(tmp_path)
    extra(folder)
    rehash(folder)
    message = invalid(folder)
    file = "stalking-flanders.xlsx" if extra is _extra_workbook_rows else "observations.parquet"
    assert f"{file}: holds more rows than observations.csv: expected 21 rows [format-differs]" in message


def test_version_and_show_as_a_table(monkeypatch):
    version = cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("stalking-flanders ") and "(data version " in version.stdout

    def unread(*args, **kwargs):
        raise AssertionError("the bundled descriptor was read to build the command line")

    with monkeypatch.context() as patched:  # each command reads the data it needs, and no more
        patched.setattr(cli_module, "DataPackage", unread)
        cli_module._parser().parse_args(["diff", "a", "b"])
    table = cli("show", "observations", "--format", "table").stdout.splitlines()
    assert table[0].split() == ["source_question", "series", "category", "year", "count", "source_line"]
    assert cli("show", "observations").stdout.startswith("source_question,series,")  # piped: CSV


CONFIGS = {
    # a malformed file: a usage error naming the file, the line and the column
    "not TOML": ('[portal]\nbase_url = "https://example.invalid/"\npublisher_name = P\n', "line 3, column 18"),
    "not UTF-8": (b"[portal]\nbase_url = '\xff'\n", "not UTF-8 at byte"),
    "no [portal] table": ('base_url = "https://example.invalid/"\n', "its [portal] table is missing"),
    "issued after modified": (
        '[portal]\nissued = "2026-02-01T00:00:00+00:00"\nmodified = "2026-01-01T00:00:00+00:00"\n',
        "is later than modified",
    ),
    "no such file": (None, "no such file"),
    "a folder": ("folder", "cannot be read"),
}


@pytest.mark.parametrize("case", CONFIGS)
def test_a_bad_portal_config_is_a_usage_error_that_says_where(case, tmp_path):
    text, said = CONFIGS[case]
    config = tmp_path / "portal.toml"
    if text == "folder":
        config.mkdir()
    elif text is not None:
        config.write_bytes(text if isinstance(text, bytes) else text.encode())
    given = ["--base-url", "https://example.invalid/", "--publisher-name", "P", "--contact-email", "a@example.invalid"]
    result = cli("dcat", "--config", config, *given)
    assert result.returncode == 2 and said in result.stderr, result.stderr
    assert case.startswith("issued") or "portal.toml" in result.stderr


def test_show_prints_whole_labels_filters_by_series_and_gives_each_series_caveat():
    table = cli("show", "categories", "--format", "table").stdout
    lines = table.splitlines()
    at = next(i for i, line in enumerate(lines) if "Gedragsproblemen - maatschappelijk niet" in line)
    assert "..." not in table and lines[at + 1].split()[:2] == ["aanvaard", "gedrag"]  # wrapped, never cut
    shown = cli("show", "observations", "--series", "caw-perpetrators-belaging", "--lang", "en", "--format", "table").stdout
    rows = [line for line in shown.splitlines() if line.startswith("vp-sv-186")]
    assert len(rows) == 3 and all("caw-perpetrators-belaging" in r for r in rows)
    words = " ".join(shown.split())
    assert "the problem of stalking is rising exponentially" in words and "may not cover the whole year" in words
    note = {lang: caveat_words(lang)["note"] for lang in ("nl", "en")}
    assert words.index(note["nl"]) < words.index(note["en"])  # Dutch first, English beside it
    # what each figure counts, once in each language: quoted as the answer's, never also as if ours
    assert words.count("De CAW registreren het detail van het misdrijf bij daders.") == 1
    assert words.count("The CAW register the detail of the offence for perpetrators.") == 1
    piped = cli("show", "observations", "--series", "caw-perpetrators-belaging")
    said_apart = " ".join(piped.stderr.split())
    assert piped.stdout.count("\n") == 4 and "dekt mogelijk niet het hele jaar" in said_apart  # apart
    assert cli("show", "observations", "--series", "nope").returncode == 2
    assert cli("show", "categories", "--series", "caw-perpetrators-belaging").returncode == 0
    assert cli("show", "source_questions", "--series", "caw-perpetrators-belaging").returncode == 2


def test_frictionless_reads_no_file_that_our_bounded_readers_hold_to_the_csv(monkeypatch):
    """Frictionless is handed the CSV tables and the archived text; the Parquet files and the
    workbook are read only by this package's own bounded readers."""
    import json

    from stalking_flanders import validation
    from stalking_flanders.frictionless_report import frictionless_problems

    handed = []

    def spy(descriptor, *args):
        staged = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
        handed.append(sorted({r["format"] for r in staged}))
        handed.append(sorted(p.name for p in descriptor.parent.rglob("*") if p.is_file()))
        return frictionless_problems(descriptor, *args)

    monkeypatch.setattr(validation, "frictionless_problems", spy)
    monkeypatch.setattr(validation, "_LAST_STAGED", {})  # not what an earlier check of the same bytes found
    assert validation.validate_package(BUNDLED) == []
    formats, files = handed
    assert formats == ["csv", "txt"]
    assert not [f for f in files if f.endswith((".parquet", ".xlsx"))] and "observations.csv" in files


@pytest.mark.parametrize(
    "args", [["validate", ""], ["diff", "", "."], ["diff", ".", ""], ["dcat", "--release", "", *DCAT_ARGS]], ids=str
)
def test_an_empty_path_is_a_usage_error(args, tmp_path):
    # An empty path would name the current folder: validate "" once checked ./datapackage.json
    # and named it the bundled release.
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2 and "an empty path names nothing" in result.stderr


def test_a_stream_that_cannot_hold_a_character_gets_its_escape(monkeypatch):
    # PYTHONIOENCODING=ascii: "gecoördineerd" ended `info` in an internal error (exit 3)
    from stalking_flanders.cli import main

    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", out)
    code = main(["info"])
    out.flush()
    assert code == 0 and "geco\\xf6rdineerd" in out.buffer.getvalue().decode("ascii")


def test_a_text_of_ours_that_is_missing_is_an_internal_error_not_bad_input(monkeypatch):
    """A text texts.toml lacks is a slip of the package's makers, however it is asked for (text()
    or words()): exit 3, said to be ours, never exit 1, which says the input is bad."""
    from stalking_flanders import texts

    monkeypatch.setattr(texts, "_all", lambda: {})
    for asked in (lambda: texts.text("page", "glance", "nl"), lambda: texts.words("page", "nl")["glance"]):
        monkeypatch.setitem(cli_module.COMMANDS, "tables", lambda args, asked=asked: asked())
        result = cli("tables")
        assert result.returncode == 3, result.stderr
        assert "internal error" in result.stderr and "please report it" in result.stderr and "texts.toml" in result.stderr
