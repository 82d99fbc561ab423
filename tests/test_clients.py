"""The package read by the clients people use, each run for real against the built release:
the official Data Package v2 JSON Schema, the Frictionless CLI and `stalking-flanders validate`
on both descriptors, csvkit, DuckDB, Polars, the npm reader (datapackage) and a spreadsheet
reader (openpyxl)."""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import re
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
import referencing
from test_figures import BY_HAND, TOTALS_BY_HAND

from helpers import ROOT, cli, needs, run, tool_env
from stalking_flanders.formats import xlsx
from stalking_flanders.tableschema import python_rows

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py
# Each client is imported by the tests that use it: the quick loop (`-m "not system"`) collects this
# module without paying for them.

JS = ROOT / "tests" / "js"
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE"}
POLARS_TYPES = {"string": "String", "integer": "Int64", "boolean": "Boolean", "date": "Date"}  # names in polars
NULL_WORDS = {"none", "null", "na", "n/a", "nan", "nil", "-", ""}


def descriptors(built: Path) -> dict[str, Path]:
    return {"release": built / "data" / "release" / "datapackage.json", "root": built / "datapackage.json"}


def tables(descriptor: Path) -> dict[str, dict]:
    d = json.loads(descriptor.read_text())
    return {r["name"]: r for r in d["resources"] if r.get("type") == "table" and r["format"] == "csv"}


def profiles() -> referencing.Registry:
    """The official Data Package v2 profiles, as dplib-py bundles them, read from disk (never fetched)."""
    import dplib

    folder = Path(dplib.__file__).parent / "profiles" / "2.0"
    resources = []
    for path in sorted(folder.glob("*.json")):
        schema = json.loads(path.read_text())
        resources.append((f"https://datapackage.org/profiles/2.0/{path.name}", referencing.Resource.from_contents(schema)))
    return referencing.Registry().with_resources(resources)


@pytest.mark.parametrize("which", ["release", "root"])
def test_the_official_v2_json_schema_accepts_the_descriptor(which, built):
    import jsonschema

    registry = profiles()
    descriptor = json.loads(descriptors(built)[which].read_text())
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"

    def errors(profile: str, instance) -> list[str]:
        schema = registry.contents(f"https://datapackage.org/profiles/2.0/{profile}")
        validator = jsonschema.Draft7Validator(schema, registry=registry)
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]

    assert errors("datapackage.json", descriptor) == []
    for resource in descriptor["resources"]:
        assert errors("dataresource.json", resource) == [], resource["name"]
        if "schema" in resource:
            assert errors("tableschema.json", resource["schema"]) == [], resource["name"]
        if "dialect" in resource:
            assert errors("tabledialect.json", resource["dialect"]) == [], resource["name"]


def test_the_v2_schema_check_can_fail(built):
    import jsonschema

    descriptor = json.loads(descriptors(built)["release"].read_text())
    descriptor["resources"][5]["type"] = "file"  # what 1.0.0 wrote for a Parquet file
    schema = profiles().contents("https://datapackage.org/profiles/2.0/datapackage.json")
    assert not jsonschema.Draft7Validator(schema, registry=profiles()).is_valid(descriptor)


@pytest.mark.parametrize("which", ["release", "root"])
def test_frictionless_and_stalking_flanders_validate_accept_both_descriptors(which, built):
    path = descriptors(built)[which]
    result = run(["frictionless", "validate", "--json", path.name], path.parent, check=False)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"] is True, result.stdout[:2000]
    checked = {task["name"] for task in report["tasks"]}
    assert {"observations", "categories", "series", "observations-parquet", "workbook"} <= checked  # Parquet too
    result = cli("validate", path.name, cwd=path.parent)
    assert result.returncode == 0, result.stderr


def test_csvkit_reads_every_cell_and_no_value_as_missing(release):
    for name, resource in tables(release / "datapackage.json").items():
        raw = list(csv.DictReader(io.StringIO((release / resource["path"]).read_text(encoding="utf-8"))))
        result = run(["csvjson", "--no-inference", resource["path"]], release)
        strict = json.loads(result.stdout)
        inferred = json.loads(run(["csvjson", resource["path"]], release).stdout)
        assert len(strict) == len(inferred) == len(raw), name
        for line, (text, typed) in enumerate(zip(raw, inferred), start=2):
            assert list(typed) == list(text), (name, line)  # no malformed row
            for column, value in text.items():
                if value != "":
                    assert typed[column] is not None, f"{name}.csv line {line}, {column}: {value!r} read as null"
                    assert value.strip().lower() not in NULL_WORDS, f"{name}.csv line {line}, {column}: {value!r}"
        stats = json.loads(run(["csvstat", "--json", resource["path"]], release).stdout)
        nullable = {f["name"] for f in resource["schema"]["fields"] if not f.get("constraints", {}).get("required")}
        assert {c["column_name"] for c in stats if c["nulls"]} <= nullable, name


def _sums(rows) -> dict[str, dict[int, int]]:
    out: dict[str, dict[int, int]] = {}
    for series, year, count in rows:
        out.setdefault(series, {})[year] = out.get(series, {}).get(year, 0) + count
    return out


def _expected_sums() -> dict[str, dict[int, int]]:
    return {s: {y: v for y, v in t.items() if y != "all"} for s, t in TOTALS_BY_HAND.items()}


def test_duckdb_reads_csv_and_parquet_with_the_table_schemas_types(release):
    import duckdb

    con = duckdb.connect()
    for name, resource in tables(release / "datapackage.json").items():
        fields = resource["schema"]["fields"]
        types = {f["name"]: DUCKDB_TYPES[f["type"]] for f in fields}
        from_csv = con.execute(
            f"SELECT * FROM read_csv(?, header = true, columns = {types!r}, auto_detect = false)", [str(release / f"{name}.csv")]
        ).fetchall()
        from_parquet = con.execute("SELECT * FROM read_parquet(?)", [str(release / f"{name}.parquet")]).fetchall()
        parquet_types = dict(
            con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(release / f"{name}.parquet")]).fetchall()[i][:2]
            for i in range(len(fields))
        )
        assert from_csv == from_parquet, name
        assert parquet_types == types, name
    rows = con.execute("SELECT series, year, count FROM read_parquet(?)", [str(release / "observations.parquet")]).fetchall()
    assert _sums(rows) == _expected_sums()


def test_polars_reads_csv_and_parquet_with_the_table_schemas_types(release):
    import polars as pl

    for name, resource in tables(release / "datapackage.json").items():
        schema = {f["name"]: getattr(pl, POLARS_TYPES[f["type"]]) for f in resource["schema"]["fields"]}
        from_csv = pl.read_csv(release / f"{name}.csv", schema=schema)
        from_parquet = pl.read_parquet(release / f"{name}.parquet")
        assert dict(from_parquet.schema) == schema, name
        assert from_csv.equals(from_parquet), name
    obs = pl.read_parquet(release / "observations.parquet")
    assert _sums(obs.select("series", "year", "count").iter_rows()) == _expected_sums()
    by_hand = {(s, c): dict(zip(g["year"], g["count"])) for (s, c), g in obs.to_pandas().groupby(["series", "category"])}
    assert by_hand == BY_HAND


def node_reader_ready() -> bool:
    return shutil.which("node") is not None and (JS / "node_modules" / "datapackage").is_dir()


# The R reader of Data Packages: frictionless 1.2.1 (CRAN, by INBO), from its source beside the
# project (../shared/r/, or $STALKING_FLANDERS_R_SOURCE), installed here into a library of the
# test run's own; R and its dependencies come from Debian's packages (.ci/run installs them).
R_SOURCE_NAME = "frictionless_1.2.1.tar.gz"  # the version the docs name (tests/test_boundary.py)
R_SOURCE = Path(os.environ.get("STALKING_FLANDERS_R_SOURCE", ROOT.parent / "shared" / "r" / R_SOURCE_NAME))
R_CLASSES = {"string": "character", "integer": "numeric", "boolean": "logical", "date": "Date"}  # what it reads each as
# (an integer is read as a double by design, "to avoid big integers issues"; a field with an enum as a factor)


@pytest.fixture(scope="session")
def r_library(tmp_path_factory) -> Path:
    needs(shutil.which("Rscript") is not None, "no R: .ci/run installs it from Debian (r-base-core and the r-cran-* packages)")
    needs(R_SOURCE.is_file(), f"no source of the R reader at {R_SOURCE} (../shared/r/)")
    top = tmp_path_factory.mktemp("r")
    shutil.unpack_archive(R_SOURCE, top / "source")
    (top / "library").mkdir()
    run(["R", "CMD", "INSTALL", "--no-docs", "--no-html", "-l", str(top / "library"), str(top / "source")], top)
    return top / "library"


def rscript(code: str, cwd: Path, library: Path) -> str:
    return run(["Rscript", "-e", code], cwd, env={**tool_env(), "R_LIBS": str(library)}).stdout


def test_the_r_reader_reads_every_csv_table_with_its_types_and_refuses_the_parquet_ones(release, r_library):
    code = (
        "suppressMessages(library(frictionless)); p <- read_package('datapackage.json')\n"
        "for (n in resources(p)) {\n"
        "  x <- tryCatch(read_resource(p, n), error = function(e) NULL)\n"
        "  if (is.null(x)) cat(n, 'refused\\n') else cat(n, nrow(x), sapply(x, function(c) class(c)[1]), '\\n')\n"
        "}\n"
    )
    read = {line.split()[0]: line.split()[1:] for line in rscript(code, release, r_library).splitlines()}
    descriptor = json.loads((release / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        name = resource["name"]
        if resource["format"] != "csv":
            assert read[name] == ["refused"], name  # never read as text: Parquet, the workbook, the answer
            continue
        rows = len((release / resource["path"]).read_text(encoding="utf-8").splitlines()) - 1
        fields = resource["schema"]["fields"]
        expected = ["factor" if f.get("constraints", {}).get("enum") else R_CLASSES[f["type"]] for f in fields]
        assert read[name] == [str(rows), *expected], name


@pytest.mark.parametrize("which", ["release", "root"])
def test_the_npm_reader_resolves_every_foreign_key(which, built):
    needs(node_reader_ready(), "no node, or tests/js/node_modules missing: make test installs the npm reader (npm ci)")
    path = descriptors(built)[which]
    result = run(["node", str(JS / "read_package.js"), str(path)], path.parent)
    read = json.loads(result.stdout)
    assert read["valid"] is True, read["errors"]
    for name, resource in tables(path).items():
        assert "error" not in read["tables"][name], read["tables"][name]
        expected = sum(1 for _ in csv.reader(io.StringIO((path.parent / resource["path"]).read_text()))) - 1
        assert read["tables"][name]["rows"] == expected
    first = read["tables"]["observations"]["first"]
    assert first["category"]["label_en"] == "Behavioural problems - aggression"  # the relation was resolved


def test_the_workbook_holds_every_table_cell_by_cell_with_typed_cells(release, defs):
    book = openpyxl.load_workbook(release / xlsx.FILE_NAME)
    assert book.sheetnames == [xlsx.READ_ME, xlsx.STALKING, *defs.tables]  # the caveats first
    about = list(book[xlsx.READ_ME].iter_rows(min_row=2, values_only=True))
    caveats = [(dutch, english) for topic, dutch, english in about if topic == xlsx.topic("caveat")]
    assert caveats and all(dutch and english and dutch != english for dutch, english in caveats)  # both languages
    assert any("NIET specifiek voor stalking" in d and "NOT stalking-specific" in e for d, e in caveats)
    assert {xlsx.topic("licence"), xlsx.topic("cite"), xlsx.topic("source")} <= {topic for topic, _, _ in about}
    from stalking_flanders.formats import csv as csv_format

    for name, schema in defs.schemas.items():
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        values = list(sheet.iter_rows(values_only=True))
        names = [f["name"] for f in schema.raw["fields"]]
        assert list(values[0]) == names + [column for column, _, _ in xlsx.DERIVED.get(name, [])]
        expected = python_rows(csv_format.read(release / f"{name}.csv", schema), schema)
        assert len(values) - 1 == len(expected), name
        for got, want in zip(values[1:], expected):
            for field, cell in zip(schema.raw["fields"], got):
                value = want[field["name"]]
                if field["type"] == "date":
                    assert cell == datetime.datetime.combine(value, datetime.time()), (name, field["name"])
                else:
                    assert cell == value and type(cell) is type(value), (name, field["name"], cell, value)
        for column, (letter, dimension) in zip(values[0], sorted(sheet.column_dimensions.items())):
            shown = [row[ord(letter) - 65] for row in values if row[ord(letter) - 65] is not None]
            longest = max(len(f"{v:%Y-%m-%d}" if isinstance(v, datetime.datetime) else str(v)) for v in shown)
            assert dimension.width >= min(longest, xlsx.WIDEST), (name, column)  # every label shows whole


def test_the_workbook_flags_every_observation_and_opens_on_the_stalking_figures(release):
    book = openpyxl.load_workbook(release / xlsx.FILE_NAME)
    observations = list(book["observations"].iter_rows(values_only=True))
    flags = {row[1]: row[-1] for row in observations[1:]}
    assert flags == {"cgg-perpetration-registrations": False, "caw-perpetrators-belaging": True}
    stalking = list(book[xlsx.STALKING].iter_rows(values_only=True))
    assert [row[:2] for row in stalking[1:4]] == [(2019, 21), (2020, 47), (2021, 57)]
    text = " ".join(str(v) for row in stalking for v in row if v is not None)
    for said in (
        "exponentieel de hoogte in schiet",
        "the problem of stalking is rising exponentially",  # what the answer says about these figures
        "not victims",
        "niet om slachtoffers",
        "may not cover the whole year",
        "dekt mogelijk niet het hele jaar",
    ):
        assert said in text, said


def test_every_column_has_a_dutch_and_an_english_name_in_the_workbook(release, defs):
    book = openpyxl.load_workbook(release / xlsx.FILE_NAME)
    about = list(book[xlsx.READ_ME].iter_rows(min_row=2, values_only=True))
    listed = {english.split(": ")[0]: (dutch, english) for topic, dutch, english in about if topic == xlsx.topic("column")}
    for name, schema in defs.schemas.items():
        header = next(book[name].iter_rows(max_row=1))
        for cell, field in zip(header, schema.fields):
            dutch = xlsx.dutch_name(field)
            assert dutch, field.name  # a Dutch name of its own (texts.toml, columns; "Minister" is one too)
            assert cell.comment is not None and cell.comment.text == f"{dutch} / {field.title}", (name, field.name)
            assert listed[field.name][0] == f"{field.name}: {dutch}"  # and in the first sheet's list of columns
    sheets = [(dutch, english) for topic, dutch, english in about if topic == xlsx.topic("sheets")]
    dutch, english = sheets[0] if len(sheets) == 1 else ("", "")  # the sheet named in each language's quotation marks
    assert all(f"‘{name}’" in dutch and f"'{name}'" in english for name in book.sheetnames[1:2])
    assert all(name in said for name in book.sheetnames[2:] for said in sheets[0])  # every sheet the first lists


def test_the_command_line_shows_a_table_on_a_terminal_and_csv_when_piped(release):
    piped = run(["stalking-flanders", "show", "categories"], release).stdout
    assert piped.splitlines()[0] == "series,category,label_en,source_lines"
    version = run(["stalking-flanders", "--version"], release).stdout
    assert version.startswith("stalking-flanders ") and "data version" in version
    needs(shutil.which("script") is not None, "no script(1) to give the command a terminal: Debian's bsdutils has it")
    shown = run(["script", "-qec", "stalking-flanders show categories --lang en", os.devnull], release).stdout
    lines = shown.replace("\r", "").splitlines()
    assert lines[0].split() == ["series", "category", "label_en", "source_lines", "category_nl"] and "," not in lines[0]
    assert len({line.index("Behavioural") for line in lines if "Behavioural" in line}) == 1  # aligned


@pytest.mark.parametrize("args", [["--version"], ["tables"], ["info"], ["show", "observations"], ["diff", ".", "."]])
def test_a_command_whose_output_is_closed_or_stops_reading_ends_without_an_error(release, args):
    import subprocess

    def command(**streams) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["stalking-flanders", *args], cwd=release, env=tool_env(), stderr=subprocess.PIPE, text=True, **streams
        )

    # standard output closed before the command starts (`>&-`): what it prints goes nowhere
    closed = command(preexec_fn=lambda: os.close(1))
    assert closed.returncode == 0 and "Traceback" not in closed.stderr and "error" not in closed.stderr, closed.stderr
    # a reader that stopped before anything is printed
    reader, writer = os.pipe()
    os.close(reader)
    stopped = command(stdout=writer)
    os.close(writer)
    assert stopped.returncode == 0 and "Traceback" not in stopped.stderr and "error" not in stopped.stderr, stopped.stderr


SNIPPET_FILES = ["README.md", "docs/*.md"]  # wherever the docs show code to run
SNIPPETS_AT_LEAST = 8  # as many as the docs hold now: a snippet moved where this does not look fails


def _docs() -> str:
    files = [path for pattern in SNIPPET_FILES for path in sorted(ROOT.glob(pattern))]
    assert ROOT / "README.md" in files and len(files) > 1  # the README and the docs/ pages
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def snippets() -> list[tuple[str, str]]:
    """Every code block marked ``<!-- snippet: LANGUAGE -->`` in the README and the docs."""
    return re.findall(r"<!-- snippet: (\w+) -->\n```\w*\n(.*?)```", _docs(), re.S)


def test_every_snippet_of_the_docs_is_found():
    assert len(snippets()) >= SNIPPETS_AT_LEAST


def test_every_code_block_of_the_docs_runs_or_says_why_not():
    # A block of code in a language is a snippet the tests run, or says why it is not run here.
    lines = _docs().splitlines()
    blocks = [i for i, line in enumerate(lines) if re.fullmatch(r"```\w+", line)]
    unmarked = [lines[i + 1] for i in blocks if not re.fullmatch(r"<!-- (snippet: \w+|not run[^:]*: .+) -->", lines[i - 1])]
    assert blocks and unmarked == []


def test_the_readme_has_a_snippet_for_each_client():
    code = "\n".join(body for _, body in snippets())
    for client in (
        "pd.read_csv",
        "duckdb",
        "polars",
        "datapackage",
        "stalking-flanders.xlsx",
        "stalking-flanders show",
        "library(frictionless)",
    ):
        assert client in code, client


@pytest.mark.parametrize("index", range(len(snippets())))
def test_every_readme_snippet_runs_in_the_release_folder(index, release, request):
    language, body = snippets()[index]
    if language == "node":
        needs(node_reader_ready(), "no node, or tests/js/node_modules missing: make test installs the npm reader")
        env = {**tool_env(), "NODE_PATH": str(JS / "node_modules")}
        result = run(["node", "-e", body], release, env=env)
    elif language == "python":
        result = run([sys.executable, "-c", body], release)
    elif language == "r":
        result = SimpleNamespace(stdout=rscript(body, release, request.getfixturevalue("r_library")), stderr="")
    else:
        result = run(["bash", "-e", "-c", body], release)  # every command must succeed, not only the last
    assert result.stdout.strip(), result.stderr
