"""The layout files are input too: typed, and refused with the file, the key path and what was
expected where a key is missing, unknown or of the wrong type."""

from __future__ import annotations

import re

import pytest

from helpers import ROOT, SEED_ID
from stalking_flanders import repo
from stalking_flanders.pipeline.layout import load_layout
from stalking_flanders.problems import DataError

LAYOUT = (ROOT / repo.ARCHIVE / f"{SEED_ID}.layout.toml").read_text(encoding="utf-8")


def test_the_archived_layout_parses():
    layout = load_layout(ROOT / repo.ARCHIVE / f"{SEED_ID}.layout.toml")
    assert layout.question.number == 186 and [s.id for s in layout.series][0] == "cgg-perpetration-registrations"
    assert layout.series[0].years == [2018, 2019, 2020]


CASES = {
    "a missing key": (lambda t: re.sub(r"(?m)^also_put_to_nl = .*\n", "", t), "question.also_put_to_nl", None, "this key"),
    "an unknown key": (
        lambda t: t.replace("number = 186\n", "number = 186\nnumbr = 186\n"),
        "question.numbr",
        186,
        "no such key",
    ),
    "a mistyped value": (
        lambda t: t.replace("years = [2018, 2019, 2020]", 'years = [2018, "2019", 2020]'),
        "series[0].years[1]",
        "2019",
        "a whole number",
    ),
    "an unknown figures code": (
        lambda t: t.replace('figures = "related"', 'figures = "some"', 1),
        "subquestions[3].figures",
        "some",
        "'specific', 'related' or 'no-figures'",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_layout_is_refused_naming_the_key(case, tmp_path):
    edit, key, found, expected = CASES[case]
    path = tmp_path / "bad.layout.toml"
    path.write_text(edit(LAYOUT), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_layout(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.file, problem.column, problem.found) == ("layout-key", str(path), key, found)
    assert problem.expected == expected
