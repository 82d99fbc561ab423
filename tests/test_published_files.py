"""The release that `dvc repro` builds in a fresh repository: valid for the real Frictionless
CLI, its files as the descriptor says, CSV and Parquet alike, and the committed descriptor and
dvc.lock the ones the pipeline makes."""

from __future__ import annotations

import ast
import configparser
import hashlib
import importlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import yaml

from helpers import ROOT, rehash, run
from stalking_flanders import repo
from stalking_flanders.formats import parquet


def descriptor(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_frictionless_cli_catches_a_changed_figure_through_its_hash(tmp_path, release):
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    csv = copy / "observations.csv"
    csv.write_text(csv.read_text().replace(",2019,846,", ",2019,847,"))
    result = run(["frictionless", "validate", "--json", "datapackage.json"], copy, check=False)
    assert result.returncode != 0 and "hash-count" in result.stdout


def test_frictionless_cli_catches_an_unknown_category_even_with_recomputed_hashes(tmp_path, release):
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    csv = copy / "observations.csv"
    csv.write_text(csv.read_text().replace("- agressie,2019", "- onbekend,2019"))
    rehash(copy)
    result = run(["frictionless", "validate", "--json", "datapackage.json"], copy, check=False)
    assert result.returncode != 0 and "foreign-key" in result.stdout and "onbekend" in result.stdout


def test_every_file_has_the_hash_and_size_the_descriptor_states(release):
    package = descriptor(release / "datapackage.json")
    paths = {r["path"] for r in package["resources"]}
    on_disk = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    # The dataset page and its chart are a view of the package, not part of it: the page lists the
    # files' hashes (the descriptor's too), so the descriptor cannot hold the page's. SHA256SUMS
    # lists every file, the descriptor included (tests/test_pinned.py).
    from stalking_flanders.pipeline.chart import file_names
    from stalking_flanders.pipeline.page import PAGES

    views = {*PAGES.values(), *(name for lang in PAGES for name in file_names(lang))}
    on_disk -= {"datapackage.json", "SHA256SUMS", *views}
    assert paths == on_disk
    for resource in package["resources"]:
        if resource["format"] == "parquet":  # Frictionless cannot count them: see formats/parquet.py
            assert "bytes" not in resource and "hash" not in resource and resource["type"] == "table"
            continue
        data = (release / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_the_archived_answer_is_a_resource_and_byte_identical(release):
    package = descriptor(release / "datapackage.json")
    (text,) = [r for r in package["resources"] if r["format"] == "txt"]
    archived = (ROOT / repo.ARCHIVE / text["path"].split("/")[-1]).read_bytes()
    assert (release / text["path"]).read_bytes() == archived
    assert package["sources"] == [{"title": package["sources"][0]["title"], "path": text["path"]}]


def test_csv_files_are_utf8_lf_with_a_header_and_no_bom(release, defs):
    for name, schema in defs.schemas.items():
        data = (release / f"{name}.csv").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data and data.endswith(b"\n")
        data.decode("utf-8")
        assert data.split(b"\n", 1)[0].decode() == ",".join(f["name"] for f in schema.raw["fields"])


def test_csv_and_parquet_hold_the_same_rows_with_typed_columns(release, defs):
    for name, schema in defs.schemas.items():
        csv = pd.read_csv(release / f"{name}.csv", dtype=str, keep_default_na=False)
        table = pq.read_table(release / f"{name}.parquet")
        types = {f["name"]: f["type"] for f in schema.raw["fields"]}
        for field in table.schema:
            expected = {"integer": "int64", "string": "string", "boolean": "bool", "date": "date32[day]"}[types[field.name]]
            assert str(field.type) == expected, (name, field.name)
        parquet = table.to_pandas()
        assert list(parquet.columns) == list(csv.columns)
        for column in csv.columns:
            as_text = [
                (
                    ""
                    if v is None or v != v
                    else (
                        "true" if v is True else "false" if v is False else v.isoformat() if hasattr(v, "isoformat") else str(v)
                    )
                )
                for v in parquet[column]
            ]
            assert as_text == csv[column].tolist(), (name, column)


def test_parquet_resources_mirror_the_csv_resources(release, defs):
    resources = {r["name"]: r for r in descriptor(release / "datapackage.json")["resources"]}
    for name in defs.tables:
        assert resources[name]["schema"]["fields"] == resources[parquet.FORMAT.resource_name(name)]["schema"]["fields"]


def test_rows_are_in_a_stable_order(release, defs):
    observations = pd.read_csv(release / "observations.csv")
    assert observations.equals(observations.sort_values(["source_question", "source_line", "year"], ignore_index=True))


def test_the_committed_descriptor_is_the_one_the_pipeline_builds(built):
    assert (built / repo.DESCRIPTOR).read_bytes() == (ROOT / repo.DESCRIPTOR).read_bytes()
    package = descriptor(built / repo.DESCRIPTOR)
    assert all(r["path"].startswith("data/release/") for r in package["resources"])
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"


def test_the_committed_dvc_lock_is_current(built):
    assert run(["git", "status", "--porcelain"], built).stdout == "", "dvc repro changed tracked files"
    assert "up to date" in run(["dvc", "status"], built).stdout


def test_dvc_analytics_and_update_checks_are_off():
    config = configparser.ConfigParser()
    config.read(ROOT / ".dvc" / "config")
    assert config["core"]["analytics"] == "false" and config["core"]["check_update"] == "false"


def _named_by(script: Path) -> set[str]:
    """The repository paths a step's script names: ``repo.X``, or ``repo.X / NAME`` with ``NAME``
    imported or written out; ``definitions()`` reads the schemas (and the version, which only the
    publish step writes: its ``params``)."""
    nodes = list(ast.walk(ast.parse(script.read_text(encoding="utf-8"))))
    imported = {a.asname or a.name: n.module for n in nodes if isinstance(n, ast.ImportFrom) for a in n.names}

    def repo_path(node) -> Path | None:
        if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "repo":
            return getattr(repo, node.attr)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and (left := repo_path(node.left)) is not None:
            right = node.right
            if isinstance(right, ast.Constant):
                return left / right.value
            if isinstance(right, ast.Name) and right.id in imported:
                return left / getattr(importlib.import_module(imported[right.id]), right.id)
            return left  # a name the step computes (a source's id): somewhere in the folder
        return None

    joined = [n for n in nodes if isinstance(n, ast.BinOp) and repo_path(n) is not None]
    inside = {id(sub) for n in joined for sub in ast.walk(n.left)}
    named = {repo_path(n) for n in nodes if id(n) not in inside and repo_path(n) is not None}
    if any(isinstance(n, ast.Call) and getattr(n.func, "id", None) == "definitions" for n in nodes):
        named.add(repo.SCHEMAS)
    return {p.as_posix() for p in named if p != repo.PYPROJECT}


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + "/")


def test_each_stage_depends_on_the_data_its_script_reads():
    """The data a stage lists as its deps are what its script reads: each dep that is not code lies
    in a path the script names, and each path the script names that is not its output lies in a dep
    (a narrower dep would not re-run the stage when the rest changes). The extract stages read only
    their own source's files of the archive (and their entry of the registry: their ``params``)."""
    pipeline = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    stages = {"extract": pipeline["extract"]["do"], **{n: pipeline[n] for n in ("validate", "draw", "publish", "package")}}
    for name, stage in stages.items():
        outs = [next(iter(o)) for o in stage["outs"]]
        named = {p for p in _named_by(ROOT / "scripts" / f"{name}.py") if not any(_within(o, p) for o in outs)}
        data = [d for d in stage["deps"] if not d.startswith(("scripts/", "src/"))]
        per_source = {repo.ARCHIVE.as_posix()} & named if name == "extract" else set()
        assert all(any(_within(d, p) for p in named) for d in data), (name, data, named)
        assert all(any(_within(p, d) for d in data) for p in named - per_source), (name, data, named)
        assert all(any(_within(d, p) for d in data) for p in per_source), (name, data, named)
    assert _named_by(ROOT / "scripts" / "extract.py") >= {repo.ARCHIVE.as_posix(), repo.SCHEMAS.as_posix()}
    assert (repo.ARCHIVE / "registry.toml").as_posix() in _named_by(ROOT / "scripts" / "package.py")


def test_dvc_yaml_paths_are_those_of_repo_py():
    pipeline = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    assert [next(iter(o)) for o in pipeline["extract"]["do"]["outs"]] == [f"{repo.EXTRACTED.as_posix()}/${{key}}"]
    assert [next(iter(o)) for o in pipeline["validate"]["outs"]] == [repo.VALIDATED.as_posix()]
    # every output is committed to git (docs/maintainers.md, "Where the data live")
    assert [next(iter(o)) for o in pipeline["draw"]["outs"]] == [repo.CHARTS.as_posix()]
    stages = [pipeline["extract"]["do"], *(pipeline[n] for n in ("validate", "draw", "publish", "package"))]
    assert all(next(iter(o.values()))["cache"] is False for stage in stages for o in stage["outs"])
    assert [next(iter(o)) for o in pipeline["publish"]["outs"]] == [
        repo.RELEASE.as_posix(),
        repo.DESCRIPTOR.as_posix(),
        repo.README_CHART.as_posix(),
    ]
    assert [next(iter(o)) for o in pipeline["package"]["outs"]] == [
        repo.PACKAGE_DATA.as_posix(),
        repo.PACKAGE_REGISTRY.as_posix(),
    ]
    assert pipeline["publish"]["outs"][0][repo.RELEASE.as_posix()]["persist"] is True
