"""Rebuilding gives the same bytes: two forced pipeline runs on the same commit, two repository
copies, and two wheel builds."""

from __future__ import annotations

import hashlib
import json

import pytest

from helpers import run, sha256_tree
from stalking_flanders import repo

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py


PUBLISHED = (repo.RELEASE.as_posix(), repo.DESCRIPTOR.as_posix(), repo.VALIDATED.as_posix(), repo.EXTRACTED.as_posix())


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    from conftest import built_from_scratch

    from helpers import fresh_repository

    path = built_from_scratch(fresh_repository(tmp_path_factory.mktemp("rebuilt")))
    first = sha256_tree(path, *PUBLISHED)
    run(["dvc", "repro", "--force"], path)
    return path, first


def test_two_forced_runs_give_identical_bytes(rebuilt):
    path, first = rebuilt
    assert sha256_tree(path, *PUBLISHED) == first
    assert any(name.endswith(".parquet") for name in first)


def test_two_repository_copies_give_identical_bytes(rebuilt, built):
    copies = sha256_tree(rebuilt[0], *PUBLISHED)
    assert copies == sha256_tree(built, *PUBLISHED)
    assert {"stalking-flanders.xlsx", "chart.png", "chart.svg", "index.html"} <= {name.rsplit("/", 1)[-1] for name in copies}


def test_the_descriptor_hashes_are_the_files_bytes(rebuilt):
    path, _ = rebuilt
    for resource in json.loads((path / repo.DESCRIPTOR).read_text())["resources"]:
        if resource["format"] == "parquet":
            assert "hash" not in resource  # see formats/parquet.py
            continue
        assert resource["hash"] == "sha256:" + hashlib.sha256((path / resource["path"]).read_bytes()).hexdigest()


def test_the_wheel_is_reproducible(built, tmp_path):
    """Two checkouts of the same commit, each with its own pipeline run and its own file times."""
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(built), str(clone)], tmp_path)
    run(["dvc", "repro"], clone)
    wheels = []
    for n, source in enumerate((built, clone)):
        out = run(["python", "scripts/build_dist.py", str(tmp_path / f"dist{n}")], source).stdout.split()
        wheels.append(next(p for p in out if p.endswith(".whl")))
    assert open(wheels[0], "rb").read() == open(wheels[1], "rb").read()
