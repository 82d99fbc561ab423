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
