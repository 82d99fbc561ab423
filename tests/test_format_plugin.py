"""A format is a plugin: one module in formats/ and its name in the registry, and it is published,
described, checked by validate and listed in the portal record, with no other module touched."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from helpers import ROOT, SEED_ID, fresh_repository, run, tool_env

TSV_PLUGIN = '''"""Tab-separated values: a format of this test's own."""

from dataclasses import dataclass

from .base import Format


@dataclass(frozen=True)
class TSV(Format):
    def write_table(self, frame, path, schema):
        from ..tableschema import format_cell

        lines = ["\\t".join(schema.field_names)]
        lines += ["\\t".join(format_cell(v, f) for f, v in zip(schema.fields, row)) for row in frame.itertuples(index=False)]
        path.write_text("\\n".join(lines) + "\\n", encoding="utf-8")

    def rows(self, data, table, schema, limit):
        header, *body = data.decode("utf-8").splitlines()[: limit + 1]
        cells = [zip(schema.fields, line.split("\\t")) for line in body]
        return [{f.name: f.type.parse(cell) if cell else None for f, cell in row} for row in cells]


FORMAT = TSV("tsv", "text/tab-separated-values", "TSV", "TSV", title_nl="TSV", suffix="-tsv", encoding="utf-8")
'''


FORMAT_STEPS = """
import json, sys
sys.path.insert(0, {tests!r})
from helpers import rehash
from stalking_flanders.datapackage import DataPackage
from stalking_flanders.dcat import record
from stalking_flanders.validation import validate_package
from pathlib import Path

def check():
    return sorted(str(p) for p in validate_package("data/release"))

settings = {{"base_url": "https://example.invalid/", "publisher_name": "P", "contact_email": "a@example.invalid",
            "issued": "2026-01-01T00:00:00+00:00", "modified": "2026-01-01T00:00:00+00:00"}}
steps = [check(), record(DataPackage("data/release"), settings)]
tsv = Path("data/release/observations.tsv")
tsv.write_text(tsv.read_text().replace("\\t955\\t", "\\t956\\t", 1))
steps.append(check())
rehash(Path("data/release"))
steps.append(check())
print(json.dumps(steps))
"""


def in_copy(copy, code: str) -> subprocess.CompletedProcess:
    env = {**tool_env(), "PYTHONPATH": str(copy / "src")}
    return subprocess.run([sys.executable, "-c", code], cwd=copy, env=env, capture_output=True, text=True)


@pytest.mark.system  # builds a release
def test_a_new_format_is_one_module_and_one_name(tmp_path):
    copy = fresh_repository(tmp_path / "repo")
    package = copy / "src" / "stalking_flanders" / "formats"
    (package / "tsv.py").write_text(TSV_PLUGIN)
    registry = (package / "__init__.py").read_text()
    named = re.compile(r"^PLUGINS = \[(.*)\]", re.MULTILINE)  # whatever formats it names: one more
    assert len(named.findall(registry)) == 1
    (package / "__init__.py").write_text(named.sub(lambda m: f'PLUGINS = [{m.group(1)}, "tsv"]', registry))
    changed = run(["git", "status", "--porcelain"], copy).stdout.split("\n")
    assert sorted(filter(None, changed)) == [
        " M src/stalking_flanders/formats/__init__.py",
        "?? src/stalking_flanders/formats/tsv.py",
    ]

    output = run(["dvc", "repro"], copy, env={**tool_env(), "PYTHONPATH": str(copy / "src")}).stdout  # published
    # only the steps that publish run again: the others read and write their tables without the formats
    for stage in (f"extract@{SEED_ID}", "validate", "draw"):
        assert f"Stage '{stage}' didn't change, skipping" in output, output
    assert "Running stage 'publish'" in output
    release = copy / "data" / "release"
    descriptor = json.loads((release / "datapackage.json").read_text())
    described = [r for r in descriptor["resources"] if r["format"] == "tsv"]
    assert [r["name"] for r in described] == [
        f"{t}-tsv" for t in ("observations", "categories", "series", "subquestions", "source_questions")
    ]
    assert all((release / r["path"]).is_file() for r in described)

    # one process, as a maintainer's session would be: validate as built, the record, then validate a
    # changed value (its hash recorded), and again with the hash hidden (each content checked afresh)
    steps = in_copy(copy, FORMAT_STEPS.format(tests=str(ROOT / "tests")))
    assert steps.returncode == 0, steps.stderr
    valid, record, hashed, hidden = json.loads(steps.stdout)
    assert valid == [], valid  # checked: valid as built
    assert "https://example.invalid/observations.tsv" in record and "file-type/TSV" in record
    assert any("[file-hash]" in p for p in hashed), hashed  # its hash is recorded
    assert any("[format-differs]" in p and "found 956" in p for p in hidden), hidden  # and the changed value is found

    assert os.path.exists(release / "index.html") and "observations.tsv" in (release / "index.html").read_text()


def test_the_core_asks_no_format_by_its_name():
    """validate hands each file to Frictionless as its format pins it (Format.as_checked) and finds
    the reference format by its flag: it compares no format's name of its own."""
    core = (ROOT / "src" / "stalking_flanders" / "validation.py").read_text(encoding="utf-8")
    assert re.findall(r"\b(?:csv|parquet|xlsx)\.(?:FORMAT|DIALECT)\b|== \"(?:csv|parquet|xlsx)\"", core) == []
