"""The caps on what is read and the limits every run keeps, as docs/security.md states them, and a
release well within the caps (a tenth of each, a half of the columns): a release that grows towards
a cap fails here long before a reader refuses it."""

from __future__ import annotations

import json
import re
import zipfile

from helpers import ROOT
from stalking_flanders import caveats, csv_tables, diff, limits, model, patterns, problems, repo, sums, untrusted
from stalking_flanders.formats import parquet, workbook_colours
from stalking_flanders.formats import workbook_limits as xlsx
from stalking_flanders.formats.xlsx import FILE_NAME as WORKBOOK

MiB, GiB = 2**20, 2**30


def _said() -> str:
    return re.sub(r"\s+", " ", (ROOT / "docs" / "security.md").read_text())


def test_the_security_page_states_the_caps_and_limits_the_code_keeps():
    said = _said()
    stated = [
        f"The descriptor may hold at most {untrusted.MAX_DESCRIPTOR_BYTES // MiB} MiB",
        f"each file at most {untrusted.MAX_FILE_BYTES // MiB} MiB",
        f"all files {untrusted.MAX_TOTAL_BYTES // MiB} MiB",
        f"may unpack to at most {untrusted.MAX_UNPACKED_BYTES // MiB} MiB",
        f"a table {untrusted.MAX_ROWS:,} rows and {untrusted.MAX_COLUMNS} columns",
        f"the CSV files {untrusted.MAX_CELLS:,} values together",
        f"a CSV line {untrusted.MAX_LINE_CHARS // 1024} KiB",
        f"after {limits.TIME_LIMIT} s an alarm",
        f"{limits.GRACE} s past that",
        f"resident memory passes {limits.MEMORY_LIMIT // GiB} GiB",
        f"`RLIMIT_DATA`, {limits.ADDRESS_LIMIT / GiB:g} GiB",
        f"cut after {problems.MAX_VALUE_CHARS} characters",
        f"at most {untrusted.MAX_PROBLEMS_PER_CODE} problems of each kind",
        f"nests more than {untrusted.MAX_JSON_DEPTH} levels",
        f"one of more than {model.MAX_RESOURCES} resources",
        f"a table of more than {model.MAX_FOREIGN_KEYS} foreign keys",
        f"a schema of more than {untrusted.MAX_COLUMNS} fields",
        f"`missingValues` of more than {model.MAX_MISSING_VALUES} values or {model.MAX_ENUM_CHARS:,} characters together",
        f"more than {model.MAX_LISTED} sources, licences, keywords or languages of translations",
        f"an `enum` of more than {model.MAX_ENUM_VALUES} values or {model.MAX_ENUM_CHARS:,} characters together",
        f"a `pattern` of more than {model.MAX_PATTERN_CHARS:,} characters",
        f"more than {patterns.MAX_GROUPS} capturing groups, more than",
        f"alternatives and repetitions nested more than {patterns.MAX_NESTING} deep",
        f"out up to {patterns.MAX_COUNTED_RANGES:,} character ranges",
        f"more than {patterns.MAX_CHOICES} repetitions and alternations",
        f"{model.MAX_PATTERNS_CHARS:,} characters of patterns together",
        f"more than {patterns.MAX_COMPARED:,} character ranges to compare",
        f"reports {problems.MAX_PROBLEMS_KEPT:,} errors shared among the tables",
        f"at most {sums.MAX_FILES:,} files and folders, none more than {sums.MAX_DEPTH} folders deep",
        f"read up to {untrusted.MAX_TOTAL_BYTES // MiB} MiB together",
        f"Parquet's footer at most {parquet.MAX_FOOTER_BYTES // 1024} KiB before pyarrow builds it",
        f"then at most {parquet.MAX_ROW_GROUPS:,} row groups",
        f"decoded {parquet.BATCH_ROWS:,} at a time",
        f"a worksheet's {xlsx.MAX_ROW_CELLS:,} columns",
        f"more than {xlsx.MAX_GRID:,} rows and cells in all sheets together",
        f"more than {xlsx.MAX_STYLE_RECORDS:,} style records",
        f"a sheet of more than {untrusted.MAX_ROWS + 1:,} rows",
        f"elements nested more than {xlsx.MAX_DEPTH} deep",
        f"a part of more than {xlsx.MAX_PART_BYTES // MiB} MiB other than the worksheets",
        f"more than {xlsx.MAX_SHARED_STRINGS:,} shared texts",
        f"more than {xlsx.MAX_OTHER_ELEMENTS:,} elements other than rows, cells, values and texts",
        f"run past {xlsx.MAX_TAG_BYTES // MiB} MiB",
        f"list {problems.MAX_PROBLEMS_KEPT:,} problems of each kind in a file",
        # the caps stated again where the page says which module keeps them, and the others' caps
        f"the descriptor {untrusted.MAX_DESCRIPTOR_BYTES // MiB} MiB, a file {untrusted.MAX_FILE_BYTES // MiB} MiB, all files "
        f"{untrusted.MAX_TOTAL_BYTES // MiB} MiB, the CSV files {untrusted.MAX_CELLS:,} values together",
        f"the folder's {sums.MAX_FILES:,} entries and {sums.MAX_DEPTH} levels",
        f"at {xlsx.MAX_GRID:,} together",
        f"a workbook or Parquet file {untrusted.MAX_UNPACKED_BYTES // MiB} MiB unpacked or decoded",
        f"more than {parquet.MAX_BATCHES:,} such batches",
        f"by its first sentence, at most {caveats.MAX_EXCERPT_CHARS:,} characters",
        f"a font under {workbook_colours.MIN_FONT_POINTS:g} points, text of less than {workbook_colours.MIN_CONTRAST:g}:1",
        f"an indent past {workbook_colours.MAX_INDENT} levels",
    ]
    assert [s for s in stated if s not in said] == []
    maintainers = re.sub(r"\s+", " ", (ROOT / "docs" / "maintainers.md").read_text())
    diff_lists = f"the first {problems.MAX_PROBLEMS_KEPT:,} rows added, rows removed and values changed, as many as hold "
    assert diff_lists + f"{diff.MAX_LISTED_CHARS:,} characters" in maintainers


def test_the_release_stays_well_within_the_caps():
    release = ROOT / repo.RELEASE
    files = [p for p in release.rglob("*") if p.is_file()]
    sizes = {p.name: p.stat().st_size for p in files}
    assert max(sizes.values()) <= untrusted.MAX_FILE_BYTES // 10, sizes
    assert sum(sizes.values()) <= untrusted.MAX_TOTAL_BYTES // 10
    assert sum(sizes.values()) < 1_000_000
    assert len(sums.files_of(release)) <= sums.MAX_FILES // 10
    assert max(len(p.relative_to(release).parts) - 1 for p in files) <= sums.MAX_DEPTH // 8
    assert _depth(release) <= untrusted.MAX_JSON_DEPTH // 3
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert len(descriptor["resources"]) <= model.MAX_RESOURCES // 5
    assert untrusted.MAX_CELLS <= xlsx.MAX_GRID  # a package within the cap has room in its workbook
    tables = {p.stem: p.read_bytes() for p in release.glob("*.csv")}
    assert csv_tables.cells_past_the_cap(tables, "release") is None
    assert sum(len(t.splitlines()) * len(t.split(b"\n")[0].split(b",")) for t in tables.values()) <= untrusted.MAX_CELLS // 100
    assert max(len(r.get("schema", {}).get("foreignKeys", [])) for r in descriptor["resources"]) <= model.MAX_FOREIGN_KEYS // 5
    missing = [r.get("schema", {}).get("missingValues", [""]) for r in descriptor["resources"]]
    assert max(map(len, missing)) <= model.MAX_MISSING_VALUES // 10
    listed = [descriptor["sources"], descriptor["licenses"], descriptor["keywords"], descriptor["translations"]]
    listed += [t.get("keywords", []) for t in descriptor["translations"].values()]
    assert max(map(len, listed)) <= model.MAX_LISTED // 10
    for page in ("README.md", "docs/maintainers.md"):
        assert "release is under 1 MB" in re.sub(r"\s+", " ", (ROOT / page).read_text()), page
    with zipfile.ZipFile(release / WORKBOOK) as workbook:
        assert sum(i.file_size for i in workbook.infolist()) <= untrusted.MAX_UNPACKED_BYTES // 10
        xlsx.within_a_spreadsheets_limits(workbook, scale=10)
    for table in release.glob("*.csv"):
        lines = table.read_text(encoding="utf-8").splitlines()
        assert len(lines) - 1 <= untrusted.MAX_ROWS // 10, table.name
        assert max(map(len, lines)) <= untrusted.MAX_LINE_CHARS // 10, table.name
        assert lines[0].count(",") + 1 <= untrusted.MAX_COLUMNS // 2, table.name


def _depth(release) -> int:
    """How deep the release's descriptor's objects and lists nest."""

    def depth(value) -> int:
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        return 0 if children is None else 1 + max(map(depth, children), default=0)

    return depth(json.loads((release / "datapackage.json").read_text()))
