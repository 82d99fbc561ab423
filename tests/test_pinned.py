"""Every file of a release is pinned: SHA256SUMS lists each with its sha256 (as `sha256sum -c`
reads it), validate checks every file against it and the list against the published release the
copy claims to be, and a Parquet file is also checked by construction."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import cli, codes, damaged_copy, edit_descriptor, edit_file, generated, needs, resum, run_measured
from stalking_flanders import sums
from stalking_flanders.datapackage import BUNDLED
from stalking_flanders.validation import validate_package

pytestmark = pytest.mark.hostile  # every folder left in tmp_path is swept: see conftest.py


@pytest.mark.system
def test_sha256sum_checks_every_file_of_the_release():
    needs(shutil.which("sha256sum") is not None, "sha256sum (coreutils) is not installed")
    result = subprocess.run(["sha256sum", "-c", "--strict", sums.NAME], cwd=BUNDLED, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    listed = [line.split("  ", 1)[1] for line in (BUNDLED / sums.NAME).read_text().splitlines()]
    assert listed == sums.files_of(BUNDLED) and "index.html" in listed and "observations.parquet" in listed


def test_a_changed_page_is_refused(tmp_path, monkeypatch):
    copy = damaged_copy(BUNDLED, tmp_path / "copy", lambda f: edit_file(f / "index.html", "<main>", "<main><script>1</script>"))
    result = cli("validate", copy)
    assert result.returncode == 1 and "sums-differs" in codes(result)
    resum(copy)  # the list rewritten too: it is not the list of the release the copy claims to be
    result = cli("validate", copy)
    assert result.returncode == 1 and codes(result) == {"release-differs"}
    # from what: the list as published, the one this code builds, or either where both are known and differ
    import hashlib
    import json

    from stalking_flanders import validation
    from stalking_flanders.releases import history

    version = json.loads((BUNDLED / "datapackage.json").read_text())["version"]
    published = history()[version].sums_sha256 if version in history() else None
    built = hashlib.sha256((BUNDLED / sums.NAME).read_bytes()).hexdigest()
    if published is None:
        said = "as this installed package builds it (not as published)"
    else:
        said = "as published" if built == published else "as published or as this installed package builds it"
    assert f"differs from the {sums.NAME} of version {version} {said}: expected" in " ".join(result.stderr.split())
    monkeypatch.setattr(validation, "history", lambda: {})  # a build of a version not cut yet
    said = "as this installed package builds it (not as published)"
    assert f"differs from the {sums.NAME} of version {version} {said}: expected sha256 {built} [" in " ".join(
        cli("validate", copy).stderr.split()
    )
    # and a release as published whose build this code makes otherwise: either list is the version's
    monkeypatch.setattr(validation, "history", lambda: {version: type("R", (), {"sums_sha256": "0" * 64})()})
    said = "as published or as this installed package builds it"
    assert f"{said}: expected sha256 {'0' * 64} or sha256 {built} [" in " ".join(cli("validate", copy).stderr.split())


def test_a_file_the_list_does_not_hold_is_reported(tmp_path):
    copy = damaged_copy(BUNDLED, tmp_path / "copy", lambda f: (f / "notes.txt").write_text("x"))
    result = cli("validate", copy)
    assert result.returncode == 1 and codes(result) == {"sums-unlisted"}


def test_a_list_longer_than_a_release_is_one_problem_not_one_a_line(tmp_path):
    # Four million empty lines made as many problems: 13 s and a gigabyte.
    copy = damaged_copy(BUNDLED, tmp_path / "copy", lambda f: (f / sums.NAME).write_bytes(b"\n" * 2**22))
    shapes = [p for p in validate_package(copy) if p.code == "sums-shape"]
    assert [(p.message, p.found) for p in shapes] == [("the list is longer than a release", "4194304 lines")]


@pytest.mark.parametrize("joined_by", ["\x0b", "\x85", "\u2028"], ids=["vertical tab", "U+0085", "U+2028"])
def test_the_list_is_read_as_sha256sum_reads_it_lines_ended_by_a_line_feed(joined_by, tmp_path):
    # str.splitlines ends a line at eight other breaks: a list sha256sum -c refuses passed.
    def joined(folder):
        lines = (folder / sums.NAME).read_text(encoding="utf-8").splitlines()
        (folder / sums.NAME).write_text(joined_by.join(lines[:2]) + "\n" + "\r\n".join(lines[2:]) + "\r\n", encoding="utf-8")

    copy = damaged_copy(BUNDLED, tmp_path / "copy", joined)
    problems = [(p.code, p.message, joined_by in p.file) for p in validate_package(copy)]
    assert (problems[-1], len(problems)) == (("sums-unlisted", f"{sums.NAME} lists a file that is not there", True), 3)
    if shutil.which("sha256sum"):  # as coreutils reads it: one line it cannot read, the others (CRLF) checked
        result = subprocess.run(["sha256sum", "-c", "--strict", sums.NAME], cwd=copy, capture_output=True, text=True)
        assert result.returncode == 1 and result.stdout.count(": OK") == len(sums.files_of(BUNDLED)) - 2, result.stdout


def test_a_list_sha256sum_wrote_in_binary_mode_or_capitals_is_read_as_sha256sum_reads_it(tmp_path):
    def rewritten(folder):
        lines = (folder / sums.NAME).read_text(encoding="utf-8").splitlines()
        binary = [line.replace("  ", " *", 1) for line in lines[:2]] + [line[:64].upper() + line[64:] for line in lines[2:]]
        (folder / sums.NAME).write_text("\n".join(binary) + "\n", encoding="utf-8")

    copy = damaged_copy(BUNDLED, tmp_path / "copy", rewritten)
    listed, problems = sums.parse((copy / sums.NAME).read_bytes(), sums.NAME)
    assert problems == [] and listed == sums.parse((BUNDLED / sums.NAME).read_bytes(), sums.NAME)[0]
    if shutil.which("sha256sum"):
        result = subprocess.run(["sha256sum", "-c", "--strict", sums.NAME], cwd=copy, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def forge(folder, change) -> None:
    path = folder / "observations.parquet"
    table = pq.read_table(path)
    change(table, path)


FORGERIES = {
    "pandas metadata that relabels the columns": lambda t, p: pq.write_table(
        t.replace_schema_metadata({b"pandas": b'{"columns": [{"name": "count", "field_name": "source_line"}]}'}), p
    ),
    "row-group statistics": lambda t, p: pq.write_table(t, p, write_statistics=True),
    "counts stored as floats": lambda t, p: pq.write_table(
        t.set_column(t.schema.get_field_index("count"), "count", t.column("count").cast(pa.float64())),
        p,
        write_statistics=False,
    ),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_parquet_forgeries_are_refused_by_construction(tmp_path, forgery):
    copy = damaged_copy(BUNDLED, tmp_path / "copy", lambda f: forge(f, FORGERIES[forgery]))
    resum(copy)
    result = cli("validate", copy)
    assert result.returncode == 1 and "format-unreadable" in codes(result), result.stderr


@pytest.mark.system  # a process of its own: the limits apply to it, not to the test runner
def test_a_parquet_dictionary_bomb_is_stopped_while_decoding(tmp_path):
    """A small file whose one repeated string decodes to far more than the cap stops before it is
    written out: 64 rows (one batch) of a 3 MiB value, 192 MiB once written out row by row, which
    were written out (and the memory taken) before the cap was checked."""

    def bomb(folder):
        path = folder / "observations.parquet"
        table = pq.read_table(path)
        columns = {name: pa.repeat(table.column(name)[0], 64) for name in table.column_names}
        columns["category"] = pa.repeat(pa.scalar("x" * 3 * 2**20), 64)
        pq.write_table(
            pa.table(columns, schema=table.schema), path, compression="zstd", write_statistics=False, use_dictionary=True
        )

    copy = damaged_copy(BUNDLED, tmp_path / "copy", bomb)
    assert (copy / "observations.parquet").stat().st_size < 2**20  # within every file cap: only decoding tells
    resum(copy)
    result, peak = run_measured(["validate", copy], tmp_path)
    assert result.returncode == 1 and "format-unreadable" in codes(result) and "decodes to more than" in result.stderr
    assert peak < 320 * 2**20, f"{peak / 2**20:.0f} MiB"  # the release alone: about 170 MiB


@pytest.mark.system  # a few seconds
def test_a_parquet_dictionary_as_large_as_the_cap_is_decoded_once_a_batch_of_thousands_of_rows():
    # Each batch carries its column chunk's whole dictionary: 100,000 distinct texts of 500
    # characters (51 MB, within the cap on decoding) took 7 s in batches of 64 rows.
    import io
    import time

    from stalking_flanders.datapackage import DataPackage
    from stalking_flanders.formats import parquet

    table, rows = pq.read_table(BUNDLED / "observations.parquet"), 100_000
    columns = {name: pa.repeat(table.column(name)[0], rows) for name in table.column_names}
    columns["category"] = pa.array([f"{'x' * 500}{i}" for i in range(rows)])
    out = io.BytesIO()
    pq.write_table(pa.table(columns, schema=table.schema), out, compression="zstd", write_statistics=False)
    started = time.perf_counter()
    read = parquet.rows(out.getvalue(), "observations", DataPackage().schema("observations"), rows)
    seconds = time.perf_counter() - started
    assert len(read) == rows and read[-1]["category"].endswith("99999")
    assert seconds < 4, f"{seconds:.1f} s"  # about 1 s


def parquet_of_columns(count: int) -> bytes:
    """A Parquet file of no rows whose footer (Thrift's compact protocol) names ``count`` columns:
    about 8 bytes each, which pyarrow builds before anything may look at them."""

    def number(n: int) -> bytes:  # zigzag, then varint
        return _varint(n << 1 if n >= 0 else (-n << 1) - 1)

    def structs(n: int) -> bytes:  # a list header of n structs
        return bytes([n << 4 | 12]) if n < 15 else bytes([0xFC]) + _varint(n)

    root = b"\x48" + _varint(6) + b"schema" + b"\x15" + number(count) + b"\x00"  # name, num_children
    column = b"\x15" + number(1) + b"\x25" + number(0) + b"\x18" + _varint(1) + b"a" + b"\x00"  # INT32, REQUIRED, "a"
    footer = b"\x15" + number(1) + b"\x19" + structs(count + 1) + root + column * count
    footer += b"\x16" + number(0) + b"\x19" + structs(0) + b"\x00"  # no rows, no row groups
    return b"PAR1" + footer + len(footer).to_bytes(4, "little") + b"PAR1"


@pytest.mark.system  # a process of its own, measured
def test_a_parquet_footer_longer_than_a_release_writes_is_refused_before_pyarrow_builds_it(tmp_path):
    # 400,000 columns in 3 MB of footer took pyarrow to 530 MB before any check could count them.
    from stalking_flanders.formats.parquet import MAX_FOOTER_BYTES

    def footer(folder):
        (folder / "observations.parquet").write_bytes(parquet_of_columns(400_000))

    copy = damaged_copy(BUNDLED, tmp_path / "copy", footer, rehashed=True)
    resum(copy)
    result, peak = run_measured(["validate", copy], tmp_path)
    assert result.returncode == 1 and f"more than {MAX_FOOTER_BYTES}" in result.stderr, result.stderr[-2000:]
    assert peak < 300 * 2**20, f"{peak / 2**20:.0f} MiB"  # the release alone: about 170 MiB


def test_a_parquet_footer_within_its_cap_is_read_as_far_as_its_columns():
    from stalking_flanders.datapackage import DataPackage
    from stalking_flanders.formats import parquet

    with pytest.raises(ValueError, match="0 rows of 3 columns, not the table's 6 columns"):
        parquet.rows(parquet_of_columns(3), "observations", DataPackage().schema("observations"), 10)


def with_a_histogram_too_long(data: bytes) -> bytes:
    """A Parquet file of the release with its last column's histogram of repetition levels of two
    values (field 2 of its size statistics: an empty list of i64, as the release writes it, then
    a list of two), as one changed byte can make it."""

    def change(footer: bytes) -> bytes:
        at = footer.rindex(b"\x19\x06\x19\x06\x00")  # fields 2 and 3, empty lists of i64, and the end
        return footer[:at] + b"\x19\x26\x00\x00" + footer[at + 2 :]

    return _with_footer(data, change)


def with_a_text_count_on_a_number_column(data: bytes) -> bytes:
    """A Parquet file of the release whose first column of numbers carries size statistics that
    count the bytes of texts (field 16, then its field 1), as pyarrow writes for text alone."""
    from stalking_flanders.formats.parquet_footer import _Reader

    length = int.from_bytes(data[-8:-4], "little")
    body, footer = data[: -8 - length], data[-8 - length : -8]
    ends = []  # (fields, where its end stands) of every struct read

    class Noting(_Reader):
        def struct(self, depth):
            fields = super().struct(depth)
            ends.append((fields, self.at - 1))
            return fields

    Noting(footer).struct(0)
    at = next(end for fields, end in ends if fields.get(1) == 2 and 3 in fields and max(fields) == 13)  # INT64, last field 13
    footer = footer[:at] + b"\x3c\x16\x0e\x00" + footer[at:]  # field 16 (a struct): field 1, an i64 of 7
    return body + footer + len(footer).to_bytes(4, "little") + b"PAR1"


def with_a_repetition_of_another_kind(data: bytes) -> bytes:
    """A Parquet file of the release whose optional column heading_nl gives its repetition (field 3 of
    its SchemaElement) as an i16, where Parquet's is an i32: one changed byte. pyarrow skips the
    field, reads the column as required, and ends the process on its histogram of two definition
    levels, which this package read as the optional column's."""
    at = data.index(b"\x25\x02\x18\x0aheading_nl")  # field 3, an i32 of 1 (optional), then field 4, the name
    return data[:at] + b"\x24" + data[at + 1 :]


def _varint(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    return bytes(out + bytes([n]))


def _with_footer(data: bytes, change) -> bytes:
    length = int.from_bytes(data[-8:-4], "little")
    footer = change(data[-8 - length : -8])
    return data[: -8 - length] + footer + len(footer).to_bytes(4, "little") + b"PAR1"


def with_a_repetition_past_32_bits(data: bytes) -> bytes:
    """The required column series given the repetition 2**32 + 2, which Thrift reads as its low 32
    bits (1: optional), and a histogram of one definition level, as a required column has."""

    def change(footer: bytes) -> bytes:
        at = footer.index(b"\x25\x00\x18\x06series")  # field 3, an i32 of 0 (required), then the name
        footer = footer[:at] + b"\x25" + _varint(2 * (2**32 + 2)) + footer[at + 2 :]  # zigzag: twice the number
        histograms = footer.index(b"\x19\x06\x19\x06\x00")  # the first column's, empty lists of i64
        return footer[:histograms] + b"\x19\x06\x19\x16\x00" + footer[histograms + 4 :]

    return _with_footer(data, change)


def with_size_statistics_twice(data: bytes) -> bytes:
    """heading_nl's size statistics with a histogram of one definition level, then field 16 again,
    empty: Thrift merges the two into one struct, with that histogram."""
    old = b"\x16\x34\x19\x06\x19\x26\x02\x02\x00"  # its bytes of texts, no repetition levels, two definition levels
    return _with_footer(data, lambda f: f.replace(old, b"\x16\x34\x19\x06\x19\x16\x02\x00\x0c\x20\x00"))


def _varint(n: int) -> bytes:
    """``n`` as an unsigned varint (seven bits a byte, the lowest first)."""
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def with_an_empty_group_before_a_column(data: bytes) -> bytes:
    """An element of no type and no children (a group of no columns, to pyarrow) before unit_en,
    made optional, whose chunk gives a histogram of one definition level."""

    fields = pq.ParquetFile(pa.BufferReader(data)).metadata.num_columns  # however many fields the table has

    def change(footer: bytes) -> bytes:
        # Thrift's compact protocol: a list of structs of 15 or more elements is 0xfc and its size (a
        # varint); a 32-bit integer is a zigzag varint. The schema's elements are the root and each field.
        named = b"\x18\x06schema\x15"  # the root's name, then its number of children
        elements, root = b"\x19\xfc" + _varint(fields + 1), named + _varint(2 * fields) + b"\x00"
        assert elements in footer and root in footer, "the footer does not give the schema as pyarrow writes it"
        footer = footer.replace(elements, b"\x19\xfc" + _varint(fields + 2))  # one element more
        footer = footer.replace(root, named + _varint(2 * fields + 2) + b"\x00")  # one child more
        at = footer.index(b"\x15\x0c\x25\x00\x18\x07unit_en")
        footer = footer[:at] + b"\x35\x00\x18\x01g\x00" + b"\x15\x0c\x25\x02" + footer[at + 4 :]
        i = footer.rindex(b"\x16\x32\x19\x06\x19\x06\x00")
        return footer[:i] + b"\x39\x16\x02\x00" + footer[i + 7 :]

    return _with_footer(data, change)


READ_ROWS = """
import sys
from stalking_flanders.datapackage import DataPackage
from stalking_flanders.formats import parquet
try:
    parquet.rows(open(sys.argv[1], "rb").read(), "series", DataPackage().schema("series"), 10)
except ValueError as error:
    print("refused:", error)
"""
COLUMNS_METADATA = """
import sys, pyarrow as pa, pyarrow.parquet as pq
meta = pq.ParquetFile(pa.BufferReader(open(sys.argv[1], "rb").read())).metadata
[meta.row_group(0).column(c) for c in range(meta.num_columns)]
"""


@pytest.mark.system  # processes of their own: pyarrow ends the process it runs in
@pytest.mark.parametrize(
    ("made", "alone", "said"),
    [
        (with_a_histogram_too_long, False, "of a row group: a histogram of 2 repetition levels, where the column has 1"),
        (with_a_histogram_too_long, True, "of a row group: a histogram of 2 repetition levels, where the column has 1"),
        (with_a_text_count_on_a_number_column, False, "of a row group: it counts the bytes of texts, and holds no texts"),
        (with_a_repetition_of_another_kind, False, "gives field 3 of a SchemaElement another kind of value than Parquet's"),
        (with_a_repetition_past_32_bits, False, "a number in its footer is past what its kind holds"),
        (with_size_statistics_twice, False, "its footer gives field 16 of one struct twice"),
        (with_an_empty_group_before_a_column, False, "its columns are nested"),
    ],
    ids=[
        "a histogram",
        "a histogram, the footer alone",
        "a count of texts' bytes on numbers",
        "a field of another kind",
        "a number past its kind",
        "a struct twice",
        "a group of no columns",
    ],
)
def test_a_parquet_footer_pyarrow_would_end_the_process_on_is_refused_first(tmp_path, made, alone, said):
    # pyarrow reads a file that is its footer alone (no magic ahead of it, no pages) as far as its columns
    import sys

    data = made((BUNDLED / "series.parquet").read_bytes())
    path = tmp_path / "series.parquet"
    path.write_bytes(data[-8 - int.from_bytes(data[-8:-4], "little") :] if alone else data)
    pyarrow = subprocess.run([sys.executable, "-c", COLUMNS_METADATA, path], capture_output=True, text=True)
    assert pyarrow.returncode < 0 or pyarrow.returncode == 134, pyarrow  # std::terminate: no exception to catch
    ours = subprocess.run([sys.executable, "-c", READ_ROWS, path], capture_output=True, text=True)
    assert ours.returncode == 0 and said in ours.stdout, ours


EVERY_FILES_COLUMNS = """
import sys, pyarrow as pa, pyarrow.parquet as pq
for path in sys.argv[1:]:
    try:
        meta = pq.ParquetFile(pa.BufferReader(open(path, "rb").read())).metadata
        [meta.row_group(g).column(c) for g in range(meta.num_row_groups) for c in range(meta.num_columns)]
    except Exception:  # an exception is pyarrow refusing the file: the process goes on
        pass
"""

# a change: where in the footer, and either a byte for the one there or, as a field's header is, its
# kind alone changed (the low four bits of a field header: one of Thrift's kinds)
_CHANGES = st.lists(st.tuples(st.integers(0, 2**16), st.integers(0, 255), st.booleans()), min_size=1, max_size=3)
_TABLES = st.sampled_from(["categories", "observations", "series", "source_questions", "subquestions"])


@pytest.mark.system  # a process of its own: pyarrow ends the process it runs in
@generated(3)
@given(st.lists(st.tuples(_TABLES, _CHANGES), min_size=300, max_size=300))
def test_no_footer_the_guard_lets_through_ends_pyarrow(tmp_path_factory, mutations):
    # Release footers with bytes changed, 300 at a time: each that the guard lets through is read by
    # pyarrow as far as its columns' metadata, all in one process, which would end on the first it
    # cannot read (a field given another kind than Parquet's did: std::terminate, exit 134).
    from stalking_flanders.formats.parquet_footer import footer_problem

    folder, paths = tmp_path_factory.mktemp("footers"), []
    for i, (name, changes) in enumerate(mutations):
        data = (BUNDLED / f"{name}.parquet").read_bytes()
        length = int.from_bytes(data[-8:-4], "little")
        body, footer = data[: -8 - length], bytearray(data[-8 - length : -8])
        for at, value, kind_alone in changes:
            at %= len(footer)
            footer[at] = (footer[at] & 0xF0) | (value % 13) if kind_alone else value
        if footer_problem(bytes(footer)) is None:
            paths.append(folder / f"{i}.parquet")
            paths[-1].write_bytes(body + bytes(footer) + data[-8:])
    assert paths  # most single changes leave a footer the guard lets through: pyarrow reads those
    pyarrow = subprocess.run([sys.executable, "-c", EVERY_FILES_COLUMNS, *paths], capture_output=True, text=True)
    assert pyarrow.returncode == 0, (pyarrow.returncode, pyarrow.stderr[-500:])


@pytest.mark.system  # a process of its own: pyarrow ends the process it runs in
def test_no_field_of_a_release_footer_given_another_kind_ends_pyarrow(tmp_path):
    # Every field of every release footer, given in turn each other kind of number Thrift has: each
    # footer the guard lets through is read by pyarrow, all in one process (a repetition given as
    # an i16 ended it: pyarrow skipped the field and read an optional column as required).
    from stalking_flanders.formats.parquet_footer import BYTE, I16, I32, I64, _Reader, footer_problem

    paths, tried = [], 0
    for name in ("categories", "observations", "series", "source_questions", "subquestions"):
        data = (BUNDLED / f"{name}.parquet").read_bytes()
        footer = data[-8 - int.from_bytes(data[-8:-4], "little") : -8]
        reader = _Reader(footer)
        reader.struct(0)
        for at in reader.headers:
            for kind in {BYTE, I16, I32, I64} - {footer[at] & 0x0F}:
                changed = footer[:at] + bytes([footer[at] & 0xF0 | kind]) + footer[at + 1 :]
                tried += 1
                if footer_problem(changed) is None:
                    paths.append(tmp_path / f"{len(paths)}.parquet")
                    paths[-1].write_bytes(data[: -8 - len(footer)] + changed + data[-8:])
    assert tried > 1000 and len(paths) > 100  # a kind changed where it changes nothing pyarrow reads is let through
    pyarrow = subprocess.run([sys.executable, "-c", EVERY_FILES_COLUMNS, *paths], capture_output=True, text=True)
    assert pyarrow.returncode == 0, (pyarrow.returncode, pyarrow.stderr[-500:])


def test_more_row_groups_than_a_release_writes_are_refused_before_any_is_read(monkeypatch):
    # A release writes one row group a file; within the footer's 64 KiB fit a few hundred, so the
    # cap of 1,024 is lowered here to show that it is the row groups' count that refuses the file.
    import pyarrow.parquet as pq

    from stalking_flanders.datapackage import DataPackage
    from stalking_flanders.formats import parquet

    schema, table = DataPackage().schema("observations"), pq.read_table(BUNDLED / "observations.parquet")
    out = pa.BufferOutputStream()
    pq.write_table(table, out, row_group_size=1, compression="zstd", write_statistics=False)
    one_a_row = out.getvalue().to_pybytes()
    assert len(parquet.rows(one_a_row, "observations", schema, 100)) == table.num_rows  # within the cap, read
    monkeypatch.setattr(parquet, "MAX_ROW_GROUPS", table.num_rows - 1)
    with pytest.raises(ValueError, match=f"{table.num_rows} row groups, more than {table.num_rows - 1}"):
        parquet.rows(one_a_row, "observations", schema, 100)


@pytest.mark.system  # a process of its own, measured
def test_tables_whose_every_cell_fails_an_enum_at_its_cap_are_checked_within_the_bounds(tmp_path):
    # Frictionless and pandera quote a field's enum in the message of every cell that fails it:
    # 88 tables of 1,500 such cells each took validate to about 800 MB and 20 s (1 GiB with a longer enum).
    # Frictionless now reports a thousand errors shared among the tables, and each message is
    # made once for every cell that fails the same check.
    from stalking_flanders.model import MAX_ENUM_CHARS

    enum = [f"{i:015d}x" for i in range(MAX_ENUM_CHARS // 16)]

    def tables(folder):
        def added(d):
            d["version"] = "9.9.9"  # a later version may add tables
            for i in range(88):
                field = {"name": "a", "type": "string", "constraints": {"enum": enum}}
                d["resources"].append(
                    {"name": f"t{i}", "path": f"t{i}.csv", "format": "csv", "type": "table", "schema": {"fields": [field]}}
                )

        edit_descriptor(folder, added)
        for i in range(88):
            (folder / f"t{i}.csv").write_text("a\n" + "b\n" * 1500, encoding="utf-8")

    copy = damaged_copy(BUNDLED, tmp_path / "copy", tables, rehashed=True)
    resum(copy)
    result, peak = run_measured(["validate", copy], tmp_path)
    assert result.returncode == 1 and {"value-constraint", "frictionless/constraint-error"} <= codes(result), result.stderr[
        -2000:
    ]
    assert peak < 300 * 2**20, f"{peak / 2**20:.0f} MiB"  # the release alone: about 170 MiB; these, about 220


def rewrite_sheets(folder, change, sheets: str = "xl/worksheets/") -> None:
    """Write the workbook again with ``change`` applied to the XML of every worksheet whose part
    name starts with ``sheets``."""
    import zipfile

    path = folder / "stalking-flanders.xlsx"
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, change(data) if name.startswith(sheets) else data)


PADDED_ROWS = 40  # rows of 16,384 empty cells each: about 10 MB of XML, within the unpacked cap
WORKBOOK_BOMBS = {
    # one sheet's rows padded to the last column Excel has (XFD): a few tens of kB compressed
    "padded to 16,384 columns": lambda xml: xml.replace(
        b"</sheetData>",
        b"".join(b'<row r="%d">' % (100 + n) + b'<c r="XFD%d"/>' % (100 + n) * 16_384 + b"</row>" for n in range(PADDED_ROWS))
        + b"</sheetData>",
    ),
    # one row of five million empty cells: openpyxl parsed the row whole before cutting its columns
    "a row of 5,000,000 cells": lambda xml: (
        xml.replace(b"</row>", b"\0", 1).replace(b"</row>", b"<c/>" * 5_000_000 + b"</row>", 1).replace(b"\0", b"</row>")
    ),  # the first row of figures
    # styles parsed whole, as objects: more style records than a spreadsheet holds, within 1 MiB
    "200,000 style records": lambda xml: xml.replace(b"</cellXfs>", b"<xf/>" * 200_000 + b"</cellXfs>", 1),
    # a sheet's relationships are parsed whole too (its name starts as the sheets' do)
    "a sheet's relationships of 2 MiB": lambda xml: xml.replace(
        b"</Relationships>", b"<!--" + b"x" * 2 * 2**20 + b"--></Relationships>", 1
    ),
    # any part but the sheets is parsed whole: 3,000,000 fonts ran out of memory, and the files read
    # after it (the Parquet copies) were called unreadable
    "3,000,000 fonts": lambda xml: xml.replace(b"</fonts>", b"<font/>" * 3_000_000 + b"</fonts>", 1),
    # a billion laughs: entities that expand to gigabytes
    "entity expansion": lambda xml: xml.replace(
        b"?>",
        b'?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
        + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(9))
        + b"]>",
        1,
    ).replace(b"<sheetData>", b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&j;</t></is></c></row>', 1),
}


CAPPED_CHANGES = {
    "a row of 5,000,000 cells under a prefix": lambda xml: (
        xml.replace(b"<worksheet ", b'<worksheet xmlns:\xc3\xa4="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ', 1)
        .replace(b"</row>", b"\0", 1)
        .replace(b"</row>", b"<\xc3\xa4:c/>" * 5_000_000 + b"</row>", 1)
        .replace(b"\0", b"</row>")
    ),
    # every shared text is read as the workbook opens, whatever is asked of it: a million took 8 s
    "1,000,000 shared texts": lambda xml: xml.replace(b"</sst>", b"<si><t>a</t></si>" * 1_000_000 + b"</sst>", 1),
    # the same, where a look at the bytes would not see them: in UTF-16, and under a prefix not in ASCII
    "1,000,000 shared texts in UTF-16": lambda xml: (
        xml.replace(b"</sst>", b"<si><t>a</t></si>" * 1_000_000 + b"</sst>", 1)
        .decode("utf-8")
        .replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
        .encode("utf-16")
    ),
    "1,000,000 shared texts under a prefix": lambda xml: xml.replace(
        b"<sst ", b'<sst xmlns:\xc3\xa4="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ', 1
    ).replace(b"</sst>", b"<\xc3\xa4:si><\xc3\xa4:t>a</\xc3\xa4:t></\xc3\xa4:si>" * 1_000_000 + b"</sst>", 1),
    # what else a sheet holds is built whole: 300,000 sheet views took 6 s and 370 MB
    "300,000 sheet views": lambda xml: xml.replace(
        b"<sheetData>", b"<sheetViews>" + b'<sheetView workbookViewId="0"/>' * 300_000 + b"</sheetViews><sheetData>", 1
    ),
    # elements openpyxl keeps until the part ends: values outside a cell, texts past a shared text's one
    "2,000,000 values outside their cells": lambda xml: xml.replace(b"<sheetData>", b"<v/>" * 2_000_000 + b"<sheetData>", 1),
    "2,000,000 texts in one shared text": lambda xml: xml.replace(b"<si>", b"<si>" + b"<t/>" * 2_000_000, 1),
    # attributes and namespaces of one element: two million of either took 18 s and 160 s
    "400,000 attributes on a row": lambda xml: xml.replace(
        b"<row ", b"<row " + b" ".join(b'a%d=""' % i for i in range(400_000)) + b" ", 1
    ),
    "400,000 namespaces": lambda xml: xml.replace(
        b"<worksheet ", b"<worksheet " + b" ".join(b'xmlns:p%d="u:"' % i for i in range(400_000)) + b" ", 1
    ),
    # a text of 2 MiB where the look at the bytes for a long tag did not see it: in a CDATA section, split
    # by comments, after an end tag (a 63 MiB text in CDATA took validate to 950 MB)
    "a text of 2 MiB in CDATA": lambda xml: xml.replace(b"<si><t>", b"<si><t><![CDATA[" + b"a" * 2**21 + b"]]>", 1),
    "a text of 2 MiB split by comments": lambda xml: xml.replace(b"<si><t>", b"<si><t>" + (b"a" * 2**19 + b"<!---->") * 4, 1),
    "a text of 2 MiB after an end tag": lambda xml: xml.replace(b"</row>", b"</row>" + b"a" * 2**21, 1),
}
CAPPED = {  # each change, the part it changes, and what the refusal names
    "a row of 5,000,000 cells under a prefix": ("sheet", "cells in a row"),
    "1,000,000 shared texts": ("shared", "shared texts"),
    "1,000,000 shared texts in UTF-16": ("shared", "UTF-16"),
    "1,000,000 shared texts under a prefix": ("shared", "shared texts"),
    "300,000 sheet views": ("sheet", "elements other than"),
    "2,000,000 values outside their cells": ("sheet", "elements other than"),
    "2,000,000 texts in one shared text": ("shared", "elements other than"),
    "400,000 attributes on a row": ("sheet", "a tag and its text"),
    "400,000 namespaces": ("sheet", "a tag and its text"),
    "a text of 2 MiB in CDATA": ("shared", "a text of more than"),
    "a text of 2 MiB split by comments": ("shared", "a text of more than"),
    "a text of 2 MiB after an end tag": ("sheet", "a text of more than"),
}


@pytest.mark.system  # workbooks of several MiB, as the bombs below: the quick loop leaves them
@pytest.mark.parametrize("case", CAPPED)
def test_a_workbook_past_a_cap_is_refused_before_openpyxl_opens_it(case, tmp_path):
    # Each of these was built whole, or kept until its part ended, by openpyxl (see the comments);
    # the cap that refuses it counts the elements as openpyxl's parser reads them.
    names = openpyxl.load_workbook(BUNDLED / "stalking-flanders.xlsx", read_only=True).sheetnames
    part, named = CAPPED[case]
    part = {"sheet": f"xl/worksheets/sheet{names.index('observations') + 1}.xml", "shared": "xl/sharedStrings.xml"}[part]
    copy = damaged_copy(BUNDLED, tmp_path / "copy", lambda f: rewrite_sheets(f, CAPPED_CHANGES[case], part), rehashed=True)
    assert (copy / "stalking-flanders.xlsx").stat().st_size < 2**20  # within every file cap: only unpacking tells
    resum(copy)
    unreadable = [p.message for p in validate_package(copy) if p.code == "format-unreadable"]
    assert unreadable and all(named in message for message in unreadable), unreadable


@pytest.mark.system
@pytest.mark.parametrize("bomb", WORKBOOK_BOMBS)
def test_a_workbook_bomb_is_refused_within_the_bounds(bomb, tmp_path):
    # the padding goes into the observations' sheet (a table the check reads), within the unpacked cap
    observations = openpyxl.load_workbook(BUNDLED / "stalking-flanders.xlsx", read_only=True).sheetnames.index("observations")
    sheet = f"xl/worksheets/sheet{observations + 1}.xml"
    styles = "xl/styles.xml"
    parts = {"padded to 16,384 columns": sheet, "a row of 5,000,000 cells": sheet, "200,000 style records": styles}
    parts |= {"3,000,000 fonts": styles, "a sheet's relationships of 2 MiB": "xl/worksheets/_rels/sheet3.xml.rels"}
    sheets = parts.get(bomb, "xl/worksheets/")
    copy = damaged_copy(BUNDLED, tmp_path / "copy", lambda f: rewrite_sheets(f, WORKBOOK_BOMBS[bomb], sheets), rehashed=True)
    assert (copy / "stalking-flanders.xlsx").stat().st_size < 2**20  # within every file cap: only unpacking tells
    resum(copy)
    result, peak = run_measured(["validate", copy], tmp_path)
    # refused (entities), or read through within the bounds: empty cells padded past the table show
    # nothing, so that only the changed file is reported (as differing from the release published)
    said = {"release-differs"} if bomb == "padded to 16,384 columns" else {"format-unreadable", "format-differs"}
    assert result.returncode == 1 and codes(result) & said, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and ".parquet" not in result.stderr  # nothing read after it is blamed
    assert peak < 512 * 2**20, f"{peak / 2**20:.0f} MiB"


def workbook_with(change, compression: int | None = None) -> bytes:
    """The release's workbook with ``change(part name, data)`` applied to every part, written again
    (with ``compression``, where given, instead of each part's own)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(BUNDLED / "stalking-flanders.xlsx") as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info)), compression or info.compress_type)
    return out.getvalue()


@pytest.mark.system  # measured
def test_a_drawing_a_sheet_names_many_times_is_read_once(tmp_path):
    # A sheet's relationships naming one drawing (of nothing, within the cap on a part) a thousand
    # times: it was parsed again for each (3,000 times a drawing of 1 MiB: past the time bound, 120 s).
    import io
    import time
    import zipfile

    attributes = "".join(f' x:a{i}=""' for i in range(30_000))
    namespace = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
    drawing = f'<xdr:wsDr xmlns:xdr="{namespace}" xmlns:x="urn:x"{attributes}/>'
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
    named = "".join(f'<Relationship Id="z{k}" Type="{kind}" Target="../drawings/d.xml"/>' for k in range(1_000)).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(BUNDLED / "stalking-flanders.xlsx") as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/worksheets/_rels/sheet3.xml.rels":
                data = data.replace(b"</Relationships>", named + b"</Relationships>")
            new.writestr(info.filename, data)
        new.writestr("xl/drawings/d.xml", drawing)
    workbook = out.getvalue()
    copy = damaged_copy(BUNDLED, tmp_path / "copy", lambda f: (f / "stalking-flanders.xlsx").write_bytes(workbook), rehashed=True)
    resum(copy)
    start = time.perf_counter()
    validate_package(copy)
    assert time.perf_counter() - start < 10  # each of the thousand parses took about 0.03 s


def test_the_rows_and_cells_of_all_sheets_together_are_capped_before_a_sheet_is_read(monkeypatch):
    # openpyxl reads about half a million cells a second, and the check reads every part, whether or
    # not the workbook refers to it: the rows and cells of all sheets together are capped (a
    # million, about 1.3 s to count), not those of each. The cap is lowered here so that the case is
    # quick; docs/security.md and test_caps hold the real one.
    from stalking_flanders.datapackage import DataPackage
    from stalking_flanders.formats import workbook_limits, xlsx

    monkeypatch.setattr(workbook_limits, "MAX_GRID", 2_000)
    padding = b"".join(b'<row r="%d">' % (100 + n) + b"<c/>" * 20 + b"</row>" for n in range(20))  # 420 a sheet
    padded = workbook_with(
        lambda name, data: (
            data.replace(b"</sheetData>", padding + b"</sheetData>") if name.startswith("xl/worksheets/s") else data
        )
    )
    schema = DataPackage().schema("observations")
    assert len(xlsx.rows((BUNDLED / "stalking-flanders.xlsx").read_bytes(), "observations", schema, 1000)) == 21
    with pytest.raises(ValueError, match="more than 2000 rows and cells in all sheets together"):
        xlsx.rows(padded, "observations", schema, 1000)


@pytest.mark.parametrize("method", ["ZIP_BZIP2", "ZIP_LZMA"])
def test_a_workbook_part_compressed_other_than_by_deflate_is_refused_before_it_is_unpacked(method):
    # Python unpacks a bzip2 or LZMA part whole, whatever size the archive gives it (256 MiB from
    # 332 bytes, in 2 s): a spreadsheet writes its parts stored or deflated, and no other is read.
    import zipfile

    from stalking_flanders.datapackage import DataPackage
    from stalking_flanders.formats import xlsx

    workbook = workbook_with(lambda _, data: data, getattr(zipfile, method))
    with pytest.raises(ValueError, match=f"compressed by method {getattr(zipfile, method)}: .* stored or deflated"):
        xlsx.rows(workbook, "observations", DataPackage().schema("observations"), 10)


@pytest.mark.parametrize(
    "twin",
    [str, str.upper, lambda name: name + "/", lambda name: "a", lambda name: "ab"],
    ids=["the same name", "the name in capitals", "a folder of the name", "one letter", "two letters"],
)
def test_a_workbook_with_two_parts_of_one_name_is_refused(twin):
    # openpyxl reads the last of two ZIP entries of one name; a spreadsheet may read the first, and
    # compares part names without case: which sheet is shown is not known.
    import io
    import warnings
    import zipfile

    from stalking_flanders.datapackage import DataPackage
    from stalking_flanders.formats import xlsx

    out = io.BytesIO(workbook_with(lambda _, data: data))
    with zipfile.ZipFile(out, "a") as book, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
        sheet = next(name for name in book.namelist() if name.startswith("xl/worksheets/"))
        if twin(sheet) in ("a", "ab"):  # Python holds one string of one letter, not two
            sheet = twin(sheet)
            book.writestr(sheet, b"<a/>")
        book.writestr(twin(sheet), b"" if twin(sheet).endswith("/") else book.read(sheet))
    assert xlsx.rows(workbook_with(lambda _, data: data), "observations", DataPackage().schema("observations"), 10)
    with pytest.raises(ValueError, match=r"two parts are named .* \(as a spreadsheet compares names: .*\): a spreadsheet may"):
        xlsx.rows(out.getvalue(), "observations", DataPackage().schema("observations"), 10)


def with_custom_property_of_unknown_type(folder) -> None:
    """The workbook with a custom document property of a type openpyxl does not know: it warns,
    quoting the property's name."""
    import zipfile

    path = folder / "stalking-flanders.xlsx"
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    ns = "http://schemas.openxmlformats.org/officeDocument/2006"
    parts["docProps/custom.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="{ns}/custom-properties" '
        f'xmlns:vt="{ns}/docPropsVTypes"><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" '
        f'name="&#x9b;2J{"A" * 5000}"><vt:vector/></property></Properties>'
    ).encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/docProps/custom.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
    )
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rId99" Type="{ns}/relationships/custom-properties" Target="docProps/custom.xml"/>'
        "</Relationships>".encode(),
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)


def test_a_readers_warnings_about_a_workbook_are_not_shown(tmp_path):
    # openpyxl's warning quoted 5,000 characters of the workbook, uncut, with its own source line.
    import warnings

    copy = damaged_copy(BUNDLED, tmp_path / "copy", with_custom_property_of_unknown_type, rehashed=True)
    resum(copy)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        ran = cli("validate", copy)
    assert ran.returncode == 1 and "AAAA" not in ran.stderr
    assert [str(w.message)[:80] for w in shown if "openpyxl" in w.filename] == []


def test_a_workbook_cell_equal_in_python_but_of_another_type_differs(tmp_path):
    # The number 1 for true and 2019.0 for 2019: equal in Python, not the typed cells the workbook holds.
    import re

    series = openpyxl.load_workbook(BUNDLED / "stalking-flanders.xlsx", read_only=True).sheetnames.index("series")

    def retyped(xml: bytes) -> bytes:
        xml = re.sub(rb'<c r="([A-Z]+2)" t="b">', rb'<c r="\1">', xml, count=1)
        return xml.replace(b"<v>2019</v>", b"<v>2019.0</v>", 1)

    def edit(folder):
        rewrite_sheets(folder, retyped, f"xl/worksheets/sheet{series + 1}.xml")
        edit_descriptor(folder, lambda d: d.update(version="9.9.9"))  # a later version: no published bytes to hold it to

    copy = damaged_copy(BUNDLED, tmp_path / "copy", edit, rehashed=True)
    resum(copy)
    # (the workbook's first sheet still says the version it was written for: said too, in no column)
    differs = {p.column: p.found for p in validate_package(copy) if p.code == "format-differs" and p.column}
    assert differs == {"stalking_specific": 1, "first_year": 2019.0}, differs


@pytest.mark.parametrize("name", ["xl/worksheets/sheet1.xmlw", "xl/worksheets/sheet1.xml.rels", "xl/sharedStrings.xml2"])
def test_only_parts_named_as_worksheets_or_shared_strings_may_pass_a_mebibyte(name):
    # "xl/worksheets/sheet1.xmlw" began as a worksheet's name does, and was let through.
    import io
    import zipfile

    from stalking_flanders.formats.workbook_limits import within_a_spreadsheets_limits

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr(name, b" " * (2**20 + 1))
    with zipfile.ZipFile(data) as archive, pytest.raises(ValueError, match="more than"):
        within_a_spreadsheets_limits(archive)


def test_many_figures_and_labels_are_placed_under_their_labels_in_time_linear_in_their_number():
    """Each figure's label is found by bisection among its series' labels: 40,000 figures under
    40,000 labels of one series (a package of a few MB) took minutes when each figure was compared
    with every label, and ran `validate` into its time limit."""
    import time

    import pandas as pd

    from stalking_flanders.checks import _under_their_labels

    n, series = 40_000, "cgg-perpetration-registrations"
    categories = pd.DataFrame({"series": series, "category": [f"c{i}" for i in range(n)], "source_lines": "1"})
    observations = pd.DataFrame({"series": series, "category": [f"c{i}" for i in range(n)], "source_line": 82})
    started = time.perf_counter()
    found = _under_their_labels({"categories": categories, "observations": observations}, {"observations": "o.csv"})
    assert time.perf_counter() - started < 5
    # every label begins on line 1, so the last of them (in order) stands above every figure
    assert found and found[0].code == "label-not-on-lines" and "c9999" in found[0].expected


def test_the_stalking_sheet_lists_each_series_once_however_often_the_table_names_it():
    # the checks refuse a series named twice; the workbook's check, beside them, listed every figure
    # of it once a name: 3,400 names of one series over 35,000 figures took validate past 1 GiB
    import pandas as pd

    from stalking_flanders.formats import xlsx
    from stalking_flanders.loader import load

    tables = {name: load(name) for name in ("series", "observations", "subquestions")}
    once = xlsx.stalking_rows(tables)
    tables["series"] = pd.concat([tables["series"]] * 50, ignore_index=True)
    assert xlsx.stalking_rows(tables) == once
    tables["observations"] = pd.concat([tables["observations"]] * 50, ignore_index=True)
    specific = tables["series"].loc[tables["series"]["stalking_specific"], "series"].unique()
    figures = tables["observations"]["series"].isin(specific).sum()
    assert len(xlsx.stalking_rows(tables)) == len(once) + figures - figures // 50


# a file's name as a release folder may hold it: any characters but a line feed and "/", neither
# starting nor ending with white space (a line of SHA256SUMS could not tell it)
_names = st.text(st.characters(blacklist_characters="\n/", blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda name: name == name.strip() and name not in (".", "..") and not name[0].isspace() and not name[-1].isspace()
)


@generated(200)
@given(files=st.dictionaries(_names, st.binary(max_size=8), min_size=1, max_size=5))
def test_the_list_the_release_writes_is_read_back_as_written(files):
    # whatever the names hold (a vertical tab, U+0085, U+2028, a carriage return inside): each line
    # read back is the line written, as sha256sum reads it
    listed, problems = sums.parse(sums.render(files), sums.NAME)
    assert problems == [] and listed == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
