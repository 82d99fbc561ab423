"""Hostile packages generated, not only the ones thought of: the real descriptor, CSV files,
Parquet files and workbook, mangled at random places, handed to every command and the Python API.
Each must end with a message and exit 1 or 2 (or 0 where the mangling changed nothing that
matters), never 3, never a traceback, within the limits."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import DCAT_ARGS, cli, generated, rehash
from stalking_flanders.datapackage import BUNDLED, DataPackage
from stalking_flanders.loader import load
from stalking_flanders.model import TYPES
from stalking_flanders.problems import PackageError
from stalking_flanders.validation import validate_package

SETTINGS = generated(12)
SETTINGS_ARGS = DCAT_ARGS

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["../x", "/etc/passwd", "http://x/", "number", "\x1b[2J", "9" * 5000]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def places(value, path=()):
    """Every key path of a JSON value."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from places(item, (*path, index))


DESCRIPTOR = json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8"))
PLACES = [p for p in places(DESCRIPTOR) if p]


def mangled(change: str, where: tuple, value):
    descriptor = json.loads(json.dumps(DESCRIPTOR))
    *parents, last = where
    target = descriptor
    for key in parents:
        target = target[key]
    if change == "delete" and isinstance(target, dict):
        del target[last]
    elif change == "delete":
        target.pop(last)
    else:
        target[last] = value
    return descriptor


def every_door(folder: Path) -> None:
    """Every command (exit 0, 1 or 2), and every door of the Python API (a result, or an error of the package)."""
    for args in (("validate", folder), ("diff", BUNDLED, folder), ("dcat", "--release", folder, *SETTINGS_ARGS)):
        result = cli(*args, cwd=folder)
        assert result.returncode in (0, 1, 2), (args[0], result.returncode, result.stderr[-2000:])
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr, (args[0], result.stderr[-2000:])
    for door in (
        lambda: validate_package(folder),
        lambda: load("observations", lang="en", release=DataPackage(folder)),
        lambda: load("series", release=DataPackage(folder)),
    ):
        try:
            door()
        except PackageError:
            pass


def another_version(folder: Path) -> None:
    """The package claims a version this installed package does not know: no check of the published
    release stops it before the code that reads its tables."""
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(descriptor, dict):
        descriptor["version"] = "9.9.9"
        path.write_text(json.dumps(descriptor), encoding="utf-8")


@pytest.mark.system  # many runs of every command
@SETTINGS
@given(
    change=st.sampled_from(["replace", "delete"]),
    where=st.sampled_from(PLACES),
    value=json_values,
    hashed=st.booleans(),
    unknown=st.booleans(),
)
def test_a_mangled_descriptor_never_ends_in_an_internal_error(tmp_path_factory, change, where, value, hashed, unknown):
    folder = tmp_path_factory.mktemp("mangled") / "package"
    shutil.copytree(BUNDLED, folder)
    (folder / "datapackage.json").write_text(json.dumps(mangled(change, where, value)), encoding="utf-8")
    if unknown and where != ("version",):
        another_version(folder)
    if hashed:
        try:
            rehash(folder)  # as someone hiding a change would, where the descriptor still allows it
        except (TypeError, KeyError, AttributeError, ValueError, OSError, json.JSONDecodeError):
            pass
    every_door(folder)


CSV_NAMES = sorted(p.name for p in BUNDLED.glob("*.csv"))


@pytest.mark.system
@SETTINGS
@given(
    name=st.sampled_from(CSV_NAMES),
    at=st.floats(min_value=0, max_value=1),
    text=st.text(max_size=40) | st.binary(max_size=40),
    hashed=st.booleans(),
    unknown=st.booleans(),
)
def test_a_mangled_table_never_ends_in_an_internal_error(tmp_path_factory, name, at, text, hashed, unknown):
    folder = tmp_path_factory.mktemp("mangled") / "package"
    shutil.copytree(BUNDLED, folder)
    data = (folder / name).read_bytes()
    cut = int(len(data) * at)
    inserted = text if isinstance(text, bytes) else text.encode("utf-8")
    (folder / name).write_bytes(data[:cut] + inserted + data[cut:])
    if unknown:
        another_version(folder)
    if hashed:
        rehash(folder)
    every_door(folder)


BINARY_NAMES = sorted(p.name for p in BUNDLED.iterdir() if p.suffix in (".parquet", ".xlsx"))
WORKBOOK = next(name for name in BINARY_NAMES if name.endswith(".xlsx"))
with zipfile.ZipFile(BUNDLED / WORKBOOK) as _workbook:
    WORKBOOK_PARTS = _workbook.namelist()


def spliced(data: bytes, at: float, cut: int, inserted: bytes) -> bytes:
    """``data`` with ``cut`` bytes from the place ``at`` (0 to 1) of it replaced by ``inserted``."""
    start = int(len(data) * at)
    return data[:start] + inserted + data[start + cut :]


def with_part_changed(workbook: bytes, part: str, change) -> bytes:
    """The workbook's zip written again, its member ``part`` changed by ``change(bytes)``: the
    change reaches the XML a reader parses, not only the compressed bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            new.writestr(name, change(old.read(name)) if name == part else old.read(name))
    return out.getvalue()


XML_PIECES = [b'<c r="A1" t="s"><v>99999</v></c>', b"<v>1e999</v>", b'<c r="XFE1"><v>1</v></c>', b' s="999"', b"&amp;", b"<x/>"]
# what validate's look at everything a sheet shows reads: rows' and columns' sizes, merged cells,
# links, notes, formulas and the parts a sheet refers to
XML_PIECES += [
    b'<col min="x" max="0" width="NaN"/>',
    b'<row r="-1" ht="1e999" hidden="x"/>',
    b'<mergeCells><mergeCell ref="ZZ"/></mergeCells>',
    b'<hyperlinks><hyperlink ref="A1"/></hyperlinks>',
    b'<comment ref="?" authorId="9"><text/></comment>',
    b'<Relationship Id="x" Type="comments" Target="../../../x"/>',
    b'<Relationship Id="y" Type="a/drawing" Target="../drawings/vmlDrawing1.vml"/>',  # a drawing that is no drawing
    b'<f t="shared" si="9">TRUE(</f>',  # a formula, to be read as saved
]


@pytest.mark.system
@SETTINGS
@given(
    name=st.sampled_from(BINARY_NAMES),
    part=st.none() | st.sampled_from(WORKBOOK_PARTS),
    at=st.floats(min_value=0, max_value=1),
    cut=st.integers(min_value=0, max_value=64),
    inserted=st.binary(max_size=24) | st.sampled_from(XML_PIECES),
    hashed=st.booleans(),
)
def test_a_mangled_parquet_file_or_workbook_never_ends_in_an_internal_error(
    tmp_path_factory, name, part, at, cut, inserted, hashed
):
    # Bytes replaced anywhere in a Parquet file or in the workbook's zip, or, for the workbook, in one
    # of its parts (its XML) before it is compressed again.
    folder = tmp_path_factory.mktemp("mangled") / "package"
    shutil.copytree(BUNDLED, folder)
    path = folder / name
    change = lambda data: spliced(data, at, cut, inserted)  # noqa: E731
    path.write_bytes(
        with_part_changed(path.read_bytes(), part, change) if name == WORKBOOK and part else change(path.read_bytes())
    )
    if hashed:
        rehash(folder)
    every_door(folder)


TABLE_FIELDS = [
    (index, field["name"])
    for index, resource in enumerate(DESCRIPTOR["resources"])
    if resource.get("format") == "csv"
    for field in resource["schema"]["fields"]
]


def laid_out_otherwise(folder: Path, index: int, field: str, name: str | None, kind: str | None) -> None:
    """The field ``field`` of the CSV table ``resources[index]`` renamed to ``name`` (in its schema,
    its keys, the keys that refer to it and its file's header) and/or given the type ``kind``."""
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    resource = descriptor["resources"][index]
    schema = resource["schema"]
    spec = next(f for f in schema["fields"] if f["name"] == field)
    if kind is not None:
        spec["type"] = kind
    if name is not None:
        spec["name"] = name
        schema["primaryKey"] = [name if k == field else k for k in schema.get("primaryKey", [])]
        for other in descriptor["resources"]:
            for key in other.get("schema", {}).get("foreignKeys", []):
                if other is resource:
                    key["fields"] = [name if k == field else k for k in key["fields"]]
                if key["reference"]["resource"] in (resource["name"], "") and (other is resource or key["reference"]["resource"]):
                    key["reference"]["fields"] = [name if k == field else k for k in key["reference"]["fields"]]
        table = folder / resource["path"]
        head, _, rest = table.read_text(encoding="utf-8").partition("\n")
        table.write_text(",".join(name if c == field else c for c in head.split(",")) + "\n" + rest, encoding="utf-8")
    path.write_text(json.dumps(descriptor), encoding="utf-8")


@pytest.mark.system
@SETTINGS
@given(
    where=st.sampled_from(TABLE_FIELDS),
    name=st.none() | st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12),
    kind=st.none() | st.sampled_from([*TYPES, "number", "any", "year"]),
)
def test_a_table_laid_out_otherwise_never_ends_in_an_internal_error(tmp_path_factory, where, name, kind):
    # A field renamed consistently (schema, keys, header) or retyped, in a version this package does
    # not know, every hash recomputed: the checks across tables, the loader's captions and the record
    # read fields by name and type.
    folder = tmp_path_factory.mktemp("laid-out") / "package"
    shutil.copytree(BUNDLED, folder)
    laid_out_otherwise(folder, *where, name, kind)
    another_version(folder)
    rehash(folder)
    every_door(folder)
