"""The typed model: each field type's one home for everything that depends on it, and the shapes
it refuses, each with the key path and what was expected."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import ROOT, generated
from stalking_flanders.datapackage import BUNDLED, DataPackage
from stalking_flanders.model import TYPES, Schema, ShapeError, csv_line
from stalking_flanders.problems import DataError

CELLS = {"string": "Belaging", "integer": "-57", "boolean": "true", "date": "2021-12-21"}


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_each_type_reads_and_writes_its_csv_text(kind):
    value = TYPES[kind].parse(CELLS[kind])
    assert TYPES[kind].text(value) == CELLS[kind]


@pytest.mark.parametrize(
    "kind, text",
    [
        ("integer", "7.5"),
        ("integer", "9" * 5000),
        ("integer", "9" * 19),
        ("integer", ""),
        ("integer", "186\n"),  # a newline after the digits
        ("integer", "+5"),
        ("integer", "\u0661\u0668\u0666"),  # digits of another script
        ("boolean", "True"),
        ("date", "21/12/2021"),
        ("date", "20211221"),  # what fromisoformat takes besides YYYY-MM-DD
        ("date", "2021-W51-2"),
        ("date", "0001-01-01"),  # outside what the frame's datetime64[ns] holds
        ("date", "9999-12-31"),
    ],
)
def test_a_cell_not_of_its_type_is_refused_without_converting_it(kind, text):
    with pytest.raises(ValueError, match=re.escape(TYPES[kind].expected)):
        TYPES[kind].parse(text)


def test_the_csv_line_of_a_row():
    assert [csv_line(i) for i in (0, 1, 19)] == [2, 3, 21]


def field(**extra) -> dict:
    return {"fields": [{"name": "n", "type": "integer", **extra}]}


SHAPES = {
    "a field without a type": ({"fields": [{"name": "n"}]}, "s.fields[0].type"),
    "a type this package does not read": ({"fields": [{"name": "n", "type": "number"}]}, "s.fields[0].type"),
    "a key nobody understands": (field(format="default"), "s.fields[0].format"),
    "constraints that are not an object": (field(constraints=[1]), "s.fields[0].constraints"),
    "a pattern not a regex": (field(type="string", constraints={"pattern": "("}), "s.fields[0].constraints.pattern"),
    "a bound out of range": (field(constraints={"minimum": 10**30}), "s.fields[0].constraints.minimum"),
    "a bound that is not a number": (field(constraints={"maximum": "9"}), "s.fields[0].constraints.maximum"),
    "a primary key that is a number": ({**field(), "primaryKey": 1}, "s.primaryKey"),
    "a primary key naming no field": ({**field(), "primaryKey": ["m"]}, "s"),
    "a foreign key without fields": (
        {**field(), "foreignKeys": [{"reference": {"resource": "t", "fields": ["n"]}}]},
        "s.foreignKeys[0].fields",
    ),
    "two fields of one name": ({"fields": [{"name": "n", "type": "integer"}, {"name": "n", "type": "string"}]}, "s.fields"),
    "no fields": ({"fields": []}, "s.fields"),
    "a schema that is a string": ("schema.json", "s"),
}


@pytest.mark.parametrize("case", SHAPES)
def test_shapes_the_model_does_not_understand_are_refused_at_their_key_path(case):
    raw, where = SHAPES[case]
    with pytest.raises(ShapeError) as refused:
        Schema.parse(raw, "s")
    assert refused.value.where == where


def test_every_schema_of_the_release_is_understood(defs):
    for name, schema in defs.schemas.items():
        assert Schema.parse(json.loads(json.dumps(schema.raw)), name) == schema


def test_a_package_whose_schema_is_not_understood_is_refused_before_use(tmp_path):
    descriptor = json.loads((BUNDLED / "datapackage.json").read_text())
    descriptor["resources"][0]["schema"]["fields"][0]["type"] = "number"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(DataError) as refused:
        DataPackage(tmp_path)
    (problem,) = refused.value.problems
    assert problem.code == "descriptor-shape" and problem.column == "resources[0].schema.fields[0].type"


# The marks of a mapping from Table Schema types to another library's types: only model.py may hold them.
TYPE_MAPPINGS = re.compile(r"pa\.(int64|date32|bool_|string)\(|write_(number|boolean|datetime)\(|\"int64\"|\"Int64\"|date32")


def test_nothing_but_the_model_maps_types():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "src").rglob("*.py"))
        if path.name != "model.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TYPE_MAPPINGS.search(line)
    ]
    assert found == []


def test_dates_travel_as_dates():
    assert TYPES["date"].read_cell(datetime.datetime(2021, 12, 21)) == datetime.date(2021, 12, 21)


def test_the_tables_are_in_the_reference_formats_one_format():
    from stalking_flanders.formats import FORMATS
    from stalking_flanders.model import TABLE_FORMAT

    assert [f.name for f in FORMATS if f.reference] == [TABLE_FORMAT]


def test_the_declared_licence_is_the_one_the_portal_record_names():
    # The descriptor's licence (schemas/package.toml) is one the record knows (facts.LICENCES, the EU
    # vocabulary's), which alone gives its title: a licence changed in one place fails here.
    import tomllib

    from helpers import ROOT
    from stalking_flanders.facts import LICENCES

    declared = tomllib.loads((ROOT / "schemas" / "package.toml").read_text(encoding="utf-8"))["licenses"]
    assert declared and all(lic["name"] in LICENCES and "title" not in lic for lic in declared)
    assert all(LICENCES[lic["name"]].spdx == lic["name"] for lic in declared)


@pytest.mark.parametrize(
    "version, may_lack",
    [
        ("2.0.21", True),
        ("2.0.99", True),
        ("2.1.0-rc.1", True),
        ("2.1.0", False),
        ("2.1.0+build.1", False),
        ("2.1.5-rc.1", False),
        ("02.1.0", False),
        ("9999999999.0.0", False),
        ("2.1.0000000001", False),
    ],
)
def test_only_a_version_before_the_one_that_added_a_field_may_lack_it(version, may_lack):
    # Every part not a plain number counted as -1: 2.1.5-rc.1, 2.1.0+build.1 or 9999999999.0.0 came
    # before 2.1.0, and a package of those versions could leave out its new fields.
    from stalking_flanders.model import added_after

    assert added_after("series", "unit_nl", version) is may_lack


def test_the_versions_a_package_may_claim_are_listed_in_their_order():
    # They were sorted as text: 2.0.21 before 2.0.3.
    from stalking_flanders.datapackage import bundled
    from stalking_flanders.model import version_order
    from stalking_flanders.releases import release_problems

    mine = bundled().descriptor
    [unknown] = release_problems({**mine, "version": "9.9.9"}, "datapackage.json", mine)
    listed = unknown.expected.removeprefix("one of ").split(" (")[0].split(", ")
    assert len(listed) > 2 and listed == sorted(listed, key=version_order) and listed != sorted(listed), listed


# Characters a path is made of: the portable ones, those URL readers and shells treat specially,
# and any other character at all.
SPECIAL = "?#;%$~@&=+!*'()[] \t\n\r\x00\x0b\x1f\x7f\x85\u2028\u3000"
PATH_CHARACTERS = st.sampled_from([*"ab./-_:", "..", "../", *SPECIAL]) | st.characters()
COMPRESSION = ["zip", "gz", "bz2", "xz", "zst", "7z", "tgz"]


@generated(300)
@given(
    st.lists(PATH_CHARACTERS, max_size=12).map("".join),
    st.sampled_from(["", ".csv", ".txt", *(f".{c}" for c in COMPRESSION), *(f".{c.upper()}" for c in COMPRESSION)]),
)
def test_a_path_the_gate_lets_through_is_the_same_file_to_frictionless(stem, suffix):
    """Frictionless reads a resource's path as a URL: a path that the gate lets through names
    the same local file, of the same format and not compressed, to Frictionless as to this
    package's readers ("bomb.bz2?x" was a bzip2 file to it, "c\\tsv:x.csv" a URL of scheme csv)."""
    import os
    from urllib.parse import urlparse

    from frictionless import helpers as frictionless
    from frictionless import settings as frictionless_settings

    from stalking_flanders.model import COMPRESSED
    from stalking_flanders.untrusted import path_problem

    path = stem + suffix
    if path_problem(path) is not None or path.lower().endswith(COMPRESSED):
        return  # refused by the gate, or by the typed model (a compressed file)
    parsed = urlparse(path)
    assert (parsed.path, parsed.params, parsed.query, parsed.fragment) == (path, "", "", ""), parsed
    scheme, fmt = frictionless.parse_scheme_and_format(path)
    assert scheme == "file" and fmt == os.path.splitext(path)[1][1:].lower(), (scheme, fmt)
    assert fmt not in frictionless_settings.COMPRESSION_FORMATS
    assert frictionless.is_safe_path(path) and not frictionless.is_remote_path(path)


@pytest.mark.parametrize(
    "code, understood",
    [
        ("nl", True),
        ("nl-BE", True),
        ("zh-Hant-TW", True),
        ("es-419", True),
        ("de-1996", True),
        ("sl-rozaj-biske", True),
        ("en-u-ca-gregory", True),
        ("nl-x-ours", True),
        ("NL", False),  # the language in lower case, as the descriptor's translations give it
        ("nl-a", False),  # a singleton introduces an extension, of at least one subtag
        ("nl-u", False),
        ("nl-toolongtag", False),  # a subtag has at most eight characters
        ("nl-BE-", False),
        ("nl--BE", False),
        ("nl-BE-BE-BE", False),  # a region once
        ("n", False),
    ],
)
def test_a_language_code_is_a_well_formed_bcp_47_tag(code, understood):
    # Any subtag of one to eight characters passed: "nl-a" ended in a singleton no extension follows.
    from stalking_flanders.model import LANGUAGE

    assert bool(LANGUAGE.fullmatch(code)) is understood


# a JSON value of texts (keys too) that may hold a lone surrogate, written as JSON writes it
_TEXT = st.text(st.characters(codec=None, categories=["L", "Cs", "So"]) | st.sampled_from('\\"u'), max_size=6)
_JSON = st.recursive(
    st.none() | st.integers() | _TEXT, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3)
)


def _surrogates(value) -> bool:
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return any(_surrogates(k) or _surrogates(v) for k, v in value.items())
    return isinstance(value, list) and any(map(_surrogates, value))


@generated(300)
@given(value=_JSON, upper=st.booleans())
def test_a_descriptor_holding_a_lone_surrogate_anywhere_is_refused_and_only_that(tmp_path_factory, value, upper):
    from stalking_flanders.untrusted import read_descriptor

    written = json.dumps({"resources": [value]})  # escapes every surrogate, as \ud800 (JSON's hex is of either case)
    if upper:
        written = re.sub(r"\\u[0-9a-f]{4}", lambda m: m[0].upper().replace("\\U", "\\u"), written)
    path = tmp_path_factory.mktemp("d") / "datapackage.json"
    path.write_text(written, encoding="ascii")
    try:
        read_descriptor(path)
    except DataError as error:
        assert _surrogates(value) and "surrogate" in str(error)
    else:
        assert not _surrogates(value)


def test_records_are_the_rows_itertuples_gives_whatever_the_columns_are_named():
    import pandas as pd

    from stalking_flanders.tableschema import records

    df = pd.DataFrame(
        {
            "series": pd.array(["a", None], dtype="str"),
            "count": pd.array([1, 2], dtype="int64"),
            "Index": pd.array([1, None], dtype="Int64"),
            "a b": pd.array([True, None], dtype="boolean"),
            "_x": pd.to_datetime(["2021-12-21", None]),
            "class": pd.Categorical(["x", "y"]),
        }
    )
    for frame in (df, df.iloc[:, [1, 1, 0]], df.iloc[:0]):  # a column twice too, and no rows
        got, expected = list(records(frame)), list(frame.itertuples(index=False))
        assert [r._fields for r in got] == [r._fields for r in expected]
        assert [[repr(v) for v in r] for r in got] == [[repr(v) for v in r] for r in expected]
    assert next(records(df)).count == 1 and next(records(df))._fields[3] == "_3"
