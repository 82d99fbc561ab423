"""The same hostile folders through every door: `validate`, `diff`, `dcat`, and the Python API
(`validate_package`, `DataPackage`, `load`). Each refuses each of them with a message: exit 1 or 2,
never 3, and from the API an error of the package (PackageError), never another."""

from __future__ import annotations

import os

import pytest

from helpers import DCAT_ARGS, cli, damaged_copy, edit_descriptor, rehash
from stalking_flanders.datapackage import BUNDLED, DataPackage
from stalking_flanders.loader import load
from stalking_flanders.problems import PackageError
from stalking_flanders.validation import validate_package

pytestmark = pytest.mark.hostile  # every folder left in tmp_path is swept: see conftest.py

DCAT = DCAT_ARGS


def field(d, **change):
    d["resources"][0]["schema"]["fields"][0].update(change)


def fields_of(d):
    return d["resources"][0]["schema"]


def cell(folder, text):
    path = folder / "observations.csv"
    path.write_text(path.read_text().replace(",955,", f",{text},", 1))
    rehash(folder)


def loop(folder):
    os.symlink("loop-b", folder / "loop-a")
    os.symlink("loop-a", folder / "loop-b")
    edit_descriptor(folder, lambda d: d["resources"][0].update(path="loop-a"))


HOSTILE = {
    "a field without a type": lambda f: edit_descriptor(f, lambda d: fields_of(d)["fields"][0].pop("type")),
    "a field of type number": lambda f: edit_descriptor(f, lambda d: field(d, type="number")),
    "constraints not an object": lambda f: edit_descriptor(f, lambda d: field(d, constraints="required")),
    "a primary key that is a number": lambda f: edit_descriptor(f, lambda d: fields_of(d).update(primaryKey=7)),
    "a foreign key without fields": lambda f: edit_descriptor(
        f, lambda d: fields_of(d).update(foreignKeys=[{"reference": {"resource": "series"}}])
    ),
    "a table without a schema": lambda f: edit_descriptor(f, lambda d: d["resources"][0].pop("schema")),
    "a missing table": lambda f: edit_descriptor(f, lambda d: d["resources"].pop(2)),
    "a renamed table": lambda f: edit_descriptor(f, lambda d: d["resources"][2].update(name="reeks")),
    "format a list": lambda f: edit_descriptor(f, lambda d: d["resources"][0].update(format=["csv"])),
    "a pattern that is not a regular expression": lambda f: edit_descriptor(
        f, lambda d: field(d, type="string", constraints={"pattern": "(["})
    ),
    "a 5000-digit integer in the descriptor": lambda f: (f / "datapackage.json").write_text(
        (f / "datapackage.json").read_text().replace('"bytes": ', '"bytes": ' + "9" * 5000 + ', "x": ', 1)
    ),
    "a 5000-digit integer in a cell": lambda f: cell(f, "9" * 5000),
    "no licences": lambda f: edit_descriptor(f, lambda d: d.pop("licenses")),
    "a key twice": lambda f: (f / "datapackage.json").write_text(
        (f / "datapackage.json")
        .read_text()
        .replace('"name": "stalking-flanders"', '"name": "stalking-flanders", "name": "other"', 1)
    ),
    "a symbolic link loop": loop,
    "a FIFO": lambda f: ((f / "observations.csv").unlink(), os.mkfifo(f / "observations.csv")),
    "a compressed table": lambda f: edit_descriptor(f, lambda d: d["resources"][0].update(compression="gz")),
    "a gzipped file": lambda f: edit_descriptor(f, lambda d: d["resources"][0].update(path="observations.csv.gz")),
    "a zipped file": lambda f: edit_descriptor(f, lambda d: d["resources"][0].update(path="observations.zip")),
}


@pytest.fixture(params=HOSTILE)
def hostile(request, tmp_path):
    return damaged_copy(BUNDLED, tmp_path / "hostile", HOSTILE[request.param])


OTHER_TABLES = {"a missing table", "a renamed table"}  # diff compares them as another release's tables


def test_every_command_refuses_it_with_a_message(hostile, request):
    for args in (("validate", hostile), ("diff", BUNDLED, hostile), ("dcat", "--release", hostile, *DCAT)):
        result = cli(*args, cwd=hostile.parent)
        if args[0] == "diff" and request.node.callspec.params["hostile"] in OTHER_TABLES:
            assert result.returncode == 0 and "Tables removed: series" in result.stdout
            continue
        assert result.returncode in (1, 2), (args[0], result.returncode, result.stderr)
        assert "internal error" not in result.stderr and result.stderr.strip(), args[0]


def test_the_python_api_refuses_it_with_an_error_of_the_package(hostile):
    problems = None
    try:
        problems = validate_package(hostile)
    except PackageError:
        pass
    assert problems is None or problems, "validate_package called it valid"
    with pytest.raises(PackageError):
        load("observations", release=DataPackage(hostile))
