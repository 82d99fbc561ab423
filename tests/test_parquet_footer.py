"""The Parquet footer's reader (formats/parquet_footer.py) is hand-written, because what it guards
against ends the process inside pyarrow: for any bytes it gives a sentence or None, and never
raises; and it reads every footer the release writes as holding nothing to refuse."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from stalking_flanders.datapackage import BUNDLED, DataPackage
from stalking_flanders.formats.parquet_footer import footer_problem

FOOTERS = {}
for _name in DataPackage().tables():
    _data = (BUNDLED / f"{_name}.parquet").read_bytes()
    FOOTERS[_name] = _data[-8 - int.from_bytes(_data[-8:-4], "little") : -8]


def test_every_footer_the_release_writes_holds_nothing_to_refuse():
    assert {name: footer_problem(footer) for name, footer in FOOTERS.items()} == dict.fromkeys(FOOTERS)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_any_bytes_give_a_sentence_or_none(data):
    said = footer_problem(data)
    assert said is None or (isinstance(said, str) and said)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(FOOTERS)), st.lists(st.tuples(st.integers(0, 2**16), st.integers(0, 255)), min_size=1, max_size=4))
def test_a_release_footer_with_bytes_changed_gives_a_sentence_or_none(name, changes):
    footer = bytearray(FOOTERS[name])
    for at, value in changes:
        footer[at % len(footer)] = value
    said = footer_problem(bytes(footer))
    assert said is None or (isinstance(said, str) and said)


def test_a_field_or_a_list_of_another_kind_than_parquets_is_refused():
    # pyarrow skips a field given another kind than Parquet's, and reads a list's elements as Parquet's
    # kind whatever the list says: it would read such a footer otherwise than this reader does (a
    # repetition given as an i16 made pyarrow read an optional column as required, and end the process).
    footer = FOOTERS["series"]
    repetition = footer.index(b"\x25\x02\x18\x0aheading_nl")  # field 3, an i32 of 1 (optional), then the name
    as_i16 = footer[:repetition] + b"\x24" + footer[repetition + 1 :]
    assert footer_problem(as_i16) == "its footer gives field 3 of a SchemaElement another kind of value than Parquet's"
    histogram = footer.rindex(b"\x19\x06\x19\x06\x00")  # size statistics' fields 2 and 3: empty lists of i64
    of_texts = footer[:histogram] + b"\x19\x08" + footer[histogram + 2 :]
    assert footer_problem(of_texts) == "its footer gives field 2 of a SizeStatistics another kind of list than Parquet's"
    unknown = footer[:histogram] + b"\xd9\x06" + footer[histogram + 2 :]  # field 14 (1 + 13), which Parquet does not have
    assert footer_problem(unknown) == "its footer gives a SizeStatistics a field 14, which this package does not read"
