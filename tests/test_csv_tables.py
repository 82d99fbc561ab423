"""The one CSV reader (``csv_tables.read``) reads no row apart from Python's csv module, which
Frictionless reads with: where the check of its rows lets a text through, pandas gives the values
the csv module gives, row for row, for generated tables of awkward values."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import generated
from stalking_flanders.csv_tables import _row_problem, read
from stalking_flanders.model import Schema
from stalking_flanders.problems import DataError

VALUES = st.text(alphabet=st.sampled_from(list('ab ,"\r\n\t\x00\x85é')), max_size=6)
TABLES = st.integers(1, 3).flatmap(lambda n: st.lists(st.lists(VALUES, min_size=n, max_size=n), min_size=1, max_size=5))


@generated(300)
@given(rows=TABLES, end=st.sampled_from(["\n", "\r\n", "\r"]), quote_all=st.booleans(), final=st.booleans())
def test_a_table_let_through_is_read_by_pandas_as_the_csv_module_reads_it(rows, end, quote_all, final):
    # a row of spaces alone in a table of one column: pandas skipped it as a blank line, the csv
    # module read it as a row of one value
    out = io.StringIO(newline="")
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    csv.writer(out, quoting=quoting, lineterminator=end).writerows([[f"h{i}" for i in range(len(rows[0]))], *rows])
    text = out.getvalue() if final else out.getvalue()[: -len(end)]
    if _row_problem(text, "t.csv") is not None:
        return
    frame = pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False, na_filter=False, index_col=False)
    assert frame.values.tolist() == list(csv.reader(io.StringIO(text, newline="")))[1:]


LABELS = st.lists(st.sampled_from(["a", "a.1", "", "Unnamed: 0", "Unnamed: 1", "b"]), min_size=1, max_size=4)


@generated(200)
@given(labels=LABELS)
def test_a_table_is_read_only_under_the_labels_its_header_writes(labels):
    """pandas renames a label written twice (a, a.1) or not at all (Unnamed: 1): a schema naming
    the renamed column must not pass a file that does not hold it. Whatever schema is asked for,
    pandas' names among them, the table is read only where its header is what the csv module reads."""
    text = ",".join(labels) + "\n" + ",".join("x" * len(labels)) + "\n"
    written = next(csv.reader(io.StringIO(text)))
    renamed = list(pd.read_csv(io.StringIO(text), dtype=object, index_col=False).columns)
    schema = Schema.parse({"fields": [{"name": n, "type": "string"} for n in renamed]}, "t")
    if written == renamed:
        assert list(read(text.encode(), schema, "t.csv").columns) == written
        return
    with pytest.raises(DataError) as refused:
        read(text.encode(), schema, "t.csv")
    assert {(p.code, p.line) for p in refused.value.problems} <= {("column-extra", 1), ("column-missing", 1)}


@pytest.mark.parametrize("first", ["", " ", "\t", "  \t"])
def test_a_blank_first_line_is_said_to_hold_no_labels(first):
    """pandas skips a first line that is empty or of spaces alone and takes the next for the header:
    the file is refused as having none, not for a label it does not write."""
    schema = Schema.parse({"fields": [{"name": "x", "type": "string"}]}, "t")
    with pytest.raises(DataError) as refused:
        read(f"{first}\nx\n1\n".encode(), schema, "t.csv")
    said = [(p.code, p.line, p.message) for p in refused.value.problems]
    assert said == [("column-missing", 1, "the first line holds no labels")]


def test_a_header_past_the_cap_on_columns_is_said_once():
    # a quoted header of 65 labels was said twice over: "cannot be read as CSV (1 problem(s) in ...:
    # cannot be read as CSV (more than 64 columns))"
    schema = Schema.parse({"fields": [{"name": "x", "type": "string"}]}, "t")
    with pytest.raises(DataError) as refused:
        read(("".join(f'"c{i}",' for i in range(64)) + '"c64"\n').encode(), schema, "t.csv")
    assert [p.message for p in refused.value.problems] == ["cannot be read as CSV (more than 64 columns)"]
